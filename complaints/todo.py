"""The partner's to-do list (hubportal.core.todo): a resolution waiting for their answer."""

from datetime import date

from django.urls import reverse

from complaints.models import Complaint
from hubportal.core.todo import Todo, todo_source


@todo_source
def resolutions_to_answer(partner, today: date) -> list[Todo]:
    """Each complaint the partner made that has been resolved and may still be
    escalated: accept the response, or escalate it by the last day."""
    waiting = Complaint.objects.filter(
        complainant_partner=partner,
        raised_via=Complaint.RaisedVia.PORTAL,
        status=Complaint.Status.RESOLVED,
        escalate_by__gte=today,
    )
    return [
        Todo(
            text=f"Reply to the response to your complaint {c.reference}: accept it, or escalate it to the Chair",
            url=reverse("complaints:portal_detail", args=[c.pk]),
            due_on=c.escalate_by,
            kind="complaints",
        )
        for c in waiting
    ]
