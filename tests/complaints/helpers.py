"""Complaints raised and moved through their stages by the real services, so
tests start from states reached the way users reach them."""

from complaints.models import Complaint
from complaints.services import (
    complaint_accept,
    complaint_acknowledge,
    complaint_decide,
    complaint_escalate,
    complaint_investigate,
    complaint_raise,
    complaint_resolve,
    complaint_take_into_review,
)

Status = Complaint.Status
ORDER = [
    Status.RECEIVED,
    Status.ACKNOWLEDGED,
    Status.INVESTIGATING,
    Status.RESOLVED,
    Status.ESCALATED,
    Status.CHAIR_REVIEW,
    Status.DECIDED,
]


def raise_from_portal(user, *, about_partner=None, category=Complaint.Category.QUALITY, attachments=(), **kwargs):
    """A partner user's complaint, about another partner or (by default) the Hub."""
    return complaint_raise(
        actor=user,
        via=Complaint.RaisedVia.PORTAL,
        complainant_name=str(user),
        complainant_email=user.email,
        category=category,
        about=Complaint.About.PARTNER if about_partner else Complaint.About.HUB,
        partner=about_partner,
        account=kwargs.pop("account", "Our pupils were turned away from the ensemble without notice."),
        desired_outcome="An explanation and places restored.",
        attachments=attachments,
        **kwargs,
    ).complaint


def raise_from_public(*, partner=None, category=Complaint.Category.QUALITY, attachments=(), **kwargs):
    """A member of the public's complaint; returns (complaint, tracking token)."""
    raised = complaint_raise(
        actor=None,
        via=Complaint.RaisedVia.PUBLIC,
        complainant_name=kwargs.pop("complainant_name", "Jo Public"),
        complainant_email=kwargs.pop("complainant_email", "jo.public@example.org"),
        category=category,
        about=Complaint.About.PARTNER if partner else Complaint.About.HUB,
        partner=partner,
        account=kwargs.pop("account", "The tutor did not turn up to three sessions and nobody told us."),
        attachments=attachments,
        **kwargs,
    )
    return raised.complaint, raised.tracking_token


def advance(complaint, to, *, manager, chair=None, complainant=None, token=None, closed=False):
    """Move a complaint forward to ``to`` through every step before it."""
    steps = {
        Status.ACKNOWLEDGED: lambda c: complaint_acknowledge(complaint=c, actor=manager),
        Status.INVESTIGATING: lambda c: complaint_investigate(complaint=c, actor=manager),
        Status.RESOLVED: lambda c: complaint_resolve(
            complaint=c, actor=manager, resolution="We have spoken to the tutor and the sessions will be made up."
        ),
        Status.ESCALATED: lambda c: complaint_escalate(
            complaint=c, actor=complainant, token=token, reasons="Nothing has changed since the response."
        ),
        Status.CHAIR_REVIEW: lambda c: complaint_take_into_review(complaint=c, actor=chair),
        Status.DECIDED: lambda c: complaint_decide(
            complaint=c,
            actor=chair,
            findings="The sessions were missed and not made up.",
            decision=Complaint.ChairDecision.UPHELD,
            reasons="The partner did not deliver what was agreed.",
        ),
    }
    if to == Status.CLOSED:
        complaint = advance(complaint, Status.RESOLVED, manager=manager)
        return complaint_accept(complaint=complaint, actor=complainant, token=token)
    for status in ORDER[ORDER.index(complaint.status) + 1 : ORDER.index(to) + 1]:
        complaint = steps[status](complaint)
    complaint.refresh_from_db()
    return complaint
