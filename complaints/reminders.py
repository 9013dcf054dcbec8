"""Complaint deadlines reminded to the owner (or every Service Manager while
it has none). Offsets in settings.REMINDER_OFFSETS, counted in working days
like the deadlines themselves (one day before a Monday deadline is the Friday),
so reminders go out on working days only; the wording in
templates/notifications/<kind>.txt."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.urls import reverse

from complaints.models import Complaint
from complaints.services import service_managers
from hubportal.core.working_days import add_working_days, is_working_day, subtract_working_days
from hubportal.messaging.kinds import Due, catch_up, reminder_kind
from hubportal.messaging.wording_samples import SAMPLE_PK, reminder_sample
from partners.reminders import sample_partner


def working_dates_due(today: date, kind: str) -> dict[date, str]:
    """Which deadlines have a reminder due today, by stage name, with the
    offsets in working days. Nothing is due on a weekend or bank holiday; a
    stage missed on a working day is caught up as reminders.catch_up says."""
    if not is_working_day(today):
        return {}

    def stage_day(day: date, days: int) -> date | None:
        if not is_working_day(day):
            return None
        return add_working_days(day, days) if days >= 0 else subtract_working_days(day, -days)

    return catch_up(today, kind, stage_day)


def _due(kind: str, today: date, queryset, field: str) -> Iterable[Due]:
    """One query for the complaints due; one more for the Service Managers, only
    when one of them has no owner yet."""
    stages = working_dates_due(today, kind)
    if not stages:
        return
    found = list(queryset.filter(**{f"{field}__in": list(stages)}).select_related("owner", "partner"))
    managers = list(service_managers()) if any(c.owner_id is None for c in found) else []
    for complaint in found:
        day = getattr(complaint, field)
        yield Due(
            kind=kind,
            obj=complaint,
            stage=stages[day],
            due_on=day,
            recipients=[complaint.owner] if complaint.owner_id else managers,
            url=reverse("complaints:detail", args=[complaint.pk]),
        )


@reminder_kind("complaints_acknowledge_due")
def acknowledgements_due(today: date) -> Iterable[Due]:
    """A complaint still not acknowledged as its deadline nears and passes."""
    return _due(
        "complaints_acknowledge_due",
        today,
        Complaint.objects.filter(status=Complaint.Status.RECEIVED),
        "acknowledge_by",
    )


@reminder_kind("complaints_response_due")
def responses_due(today: date) -> Iterable[Due]:
    """A complaint still without its written resolution as the deadline nears and passes."""
    return _due(
        "complaints_response_due",
        today,
        Complaint.objects.filter(status__in=Complaint.STAGE_ONE),
        "respond_by",
    )


# --- The object each kind is about, for the wording editor (hubportal.messaging.wording_samples) ---


@reminder_sample("complaints_acknowledge_due", "complaints_response_due")
def sample_complaint(today: date):
    return Complaint(
        pk=SAMPLE_PK,
        reference=f"C-{today.year}-0012",
        category=Complaint.Category.QUALITY,
        raised_via=Complaint.RaisedVia.PUBLIC,
        about=Complaint.About.PARTNER,
        partner=sample_partner(),
        complainant_name="Jo Bloggs",
        acknowledge_by=today + timedelta(days=1),
        respond_by=today + timedelta(days=3),
    )
