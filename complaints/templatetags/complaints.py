from django import template
from django.utils import timezone

from complaints.models import Complaint
from complaints.permissions import can_use_staff_area
from hubportal.core.roles import is_safeguarding_lead as _is_safeguarding_lead
from hubportal.core.working_days import working_days_between

register = template.Library()


@register.filter
def is_safeguarding_lead(user) -> bool:
    return _is_safeguarding_lead(user)


@register.filter
def uses_complaints_staff_area(user) -> bool:
    return can_use_staff_area(user)


@register.inclusion_tag("complaints/_deadline.html")
def deadline_badge(complaint, today=None):
    """The deadline the Hub is working to, and whether it is due or breached."""
    today = today or timezone.localdate()
    deadline = complaint.deadline()
    if deadline is None:
        return {"deadline": None}
    what, day = deadline
    days = working_days_between(today, day)
    if day < today:
        state, text = "overdue", f"{what}: overdue since {day:%-d %b %Y}"
    elif day == today:
        state, text = "due", f"{what}: due today"
    elif days <= 3:
        state, text = "due", f"{what}: due {day:%-d %b %Y} ({days} working day{'s' if days != 1 else ''})"
    else:
        state, text = "ok", f"{what} by {day:%-d %b %Y}"
    return {"deadline": day, "state": state, "text": text}


@register.filter
def stage_label(value: str) -> str:
    """A stored stage ("chair_review") as the complainant reads it ("Under the Chair's review")."""
    return str(dict(Complaint.Status.choices).get(value, value))
