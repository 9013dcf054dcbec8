"""Reads, always scoped to the person asking.

A complaint outside the user's scope is a 404, the same answer as a missing
one: staff who are not safeguarding leads never learn that a safeguarding
concern exists, and partner B never learns about partner A's complaints.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from complaints.models import Complaint, ComplaintAttachment, ComplaintNote
from complaints.permissions import is_complainant, token_hash
from hubportal.core.history import history_for
from hubportal.core.roles import is_chair, is_partner_user

Kind = ComplaintNote.Kind
# What each audience reads on the case file.
COMPLAINANT_KINDS = {Kind.TO_COMPLAINANT, Kind.FROM_COMPLAINANT}
PARTNER_KINDS = {Kind.SHARED_WITH_PARTNER}


def complaints_for(user) -> QuerySet[Complaint]:
    return Complaint.objects.visible_to(user).select_related("partner", "owner", "complainant_partner")


def get_complaint_for(user, pk: int) -> Complaint:
    return get_object_or_404(complaints_for(user), pk=pk)


def get_complaint_by_token(token: str) -> Complaint:
    """The complaint a private tracking link opens: its own, and only while the link lasts."""
    if not token:
        raise Http404("No such complaint.")
    return get_object_or_404(
        Complaint.objects.select_related("partner"),
        tracking_token_hash=token_hash(token),
        tracking_expires_at__gt=timezone.now(),
    )


def get_attachment_for(user, complaint_pk: int, pk: int) -> ComplaintAttachment:
    """An attachment, fetched through its complaint's visibility. The partner
    complained about does not see the complainant's documents."""
    complaint = get_complaint_for(user, complaint_pk)
    if is_partner_user(user) and not is_complainant(user, complaint):
        raise Http404("No such attachment.")
    return get_object_or_404(complaint.attachments.all(), pk=pk)


def notes_for_staff(complaint: Complaint) -> list[ComplaintNote]:
    """The whole case file's notes, for staff and the Chair."""
    return list(complaint.notes.select_related("corrects", "author"))


def notes_for_complainant(complaint: Complaint) -> list[ComplaintNote]:
    """Messages between the Hub and the complainant, and the corrections of those
    messages or of the Chair's decision."""
    return list(
        complaint.notes.filter(
            Q(kind__in=COMPLAINANT_KINDS)
            | Q(kind=Kind.CORRECTION, corrects__isnull=True)
            | Q(kind=Kind.CORRECTION, corrects__kind__in=COMPLAINANT_KINDS)
        ).select_related("corrects")
    )


def notes_for_partner_complained_about(complaint: Complaint) -> list[ComplaintNote]:
    """What staff chose to share with the partner complained about, and the
    corrections of that or of the Chair's decision. Never the complainant's messages."""
    return list(
        complaint.notes.filter(
            Q(kind__in=PARTNER_KINDS)
            | Q(kind=Kind.CORRECTION, corrects__isnull=True, complaint__decided_at__isnull=False)
            | Q(kind=Kind.CORRECTION, corrects__kind__in=PARTNER_KINDS)
        ).select_related("corrects")
    )


def portal_role(user, complaint: Complaint) -> str:
    """How a partner user stands to a complaint they can open: they raised it,
    or it is about them."""
    return "complainant" if is_complainant(user, complaint) else "about"


@dataclass
class TimelineItem:
    at: datetime
    kind: str  # "step" or "note"
    entry: object  # a HistoryEntry or a ComplaintNote


def timeline(complaint: Complaint, notes: list[ComplaintNote] | None = None) -> list[TimelineItem]:
    """Every step and message on the case file, oldest first: the history rows
    and the notes, interleaved by time (for staff and the Chair)."""
    notes = notes_for_staff(complaint) if notes is None else notes
    items = [TimelineItem(e.at, "step", e) for e in history_for(complaint).select_related("actor")]
    items += [TimelineItem(n.created_at, "note", n) for n in notes]
    return sorted(items, key=lambda i: (i.at, i.kind == "note"))


def steps_for_complainant(complaint: Complaint) -> list:
    """The stage moves only, without who did them or internal notes."""
    return list(history_for(complaint).filter(action="transition").only("at", "from_state", "to_state"))


def chair_complaints(user) -> QuerySet[Complaint]:
    """The complaints on the Chair's screen: waiting, under review, decided."""
    if not is_chair(user):
        return Complaint.objects.none()
    return (
        Complaint.objects.filter(status__in=Complaint.CHAIR_STAGES)
        .select_related("partner", "complainant_partner")
        .order_by("escalated_at", "pk")
    )
