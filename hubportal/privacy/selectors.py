"""Reads: the schedule, what is due, the holds, the requests, and everything
held about a named person. Only the Service Manager (and admins) reach these
through the views; a request outside that scope is a 404."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import Http404
from django.shortcuts import get_object_or_404

from complaints.models import Complaint, ComplaintAttachment, ComplaintNote
from hubportal.models import OutboundEmail, User
from hubportal.privacy.kinds import Candidate, Holds, candidates
from hubportal.privacy.models import DataRequest, LegalHold, RetentionRule, RetentionRun
from hubportal.privacy.permissions import can_manage_personal_data
from partners.models import Contact


def schedule() -> QuerySet[RetentionRule]:
    return RetentionRule.objects.all()


def latest_dry_run() -> RetentionRun | None:
    return RetentionRun.objects.filter(dry_run=True).first()


def latest_run() -> RetentionRun | None:
    return RetentionRun.objects.filter(dry_run=False).first()


def due_by(until: date, *, rules=None) -> list[tuple[RetentionRule, Candidate]]:
    """Every record due for removal on or before ``until``, with its rule, soonest first."""
    holds = Holds.active()
    found = []
    for rule in rules if rules is not None else schedule():
        found += [(rule, candidate) for candidate in candidates(rule, until=until, holds=holds)]
    return sorted(found, key=lambda pair: (pair[1].due_on, pair[0].kind, pair[1].label))


def safeguarding_due(today: date, horizon_days: int = 30) -> list[Candidate]:
    """Safeguarding concerns past (or near) their review date: for the safeguarding lead."""
    rules = schedule().filter(kind=RetentionRule.Kind.SAFEGUARDING)
    return [candidate for _, candidate in due_by(today + timedelta(days=horizon_days), rules=rules)]


def active_holds() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(lifted_at__isnull=True).select_related("partner", "complaint", "placed_by")


def lifted_holds() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(lifted_at__isnull=False).select_related("partner", "complaint", "lifted_by")


def data_requests_for(user) -> QuerySet[DataRequest]:
    allowed, _ = can_manage_personal_data(user)
    return DataRequest.objects.all() if allowed else DataRequest.objects.none()


def get_data_request_for(user, pk: int) -> DataRequest:
    return get_object_or_404(data_requests_for(user), pk=pk)


def get_hold_for(user, pk: int) -> LegalHold:
    allowed, _ = can_manage_personal_data(user)
    if not allowed:
        raise Http404("No such hold.")
    return get_object_or_404(LegalHold, pk=pk)


@dataclass
class Found:
    """Everything held about one person, found by their email address or name."""

    name: str
    email: str
    contacts: list = field(default_factory=list)
    users: list = field(default_factory=list)
    complaints: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    attachments: list = field(default_factory=list)
    emails: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(
            len(items)
            for items in (self.contacts, self.users, self.complaints, self.notes, self.attachments, self.emails)
        )


def personal_data_for(*, name: str = "", email: str = "") -> Found:
    """Contacts, users, complaints (as complainant), their notes and documents,
    and the emails sent, that match the email address exactly or the full name
    exactly (case aside). Nobody else's records."""
    name, email = name.strip(), email.strip()
    found = Found(name=name, email=email)
    if not name and not email:
        return found

    def match(email_field: str, name_field: str) -> Q:
        q = Q(pk__in=[])
        if email:
            q |= Q(**{f"{email_field}__iexact": email})
        if name:
            q |= Q(**{f"{name_field}__iexact": name})
        return q

    found.contacts = list(Contact.objects.filter(match("email", "name")).select_related("partner"))
    found.users = list(
        User.objects.annotate(full_name=Concat("first_name", Value(" "), "last_name"))
        .filter(match("email", "full_name"))
        .exclude(username__startswith="removed-")
    )
    complaints = Complaint.objects.filter(match("complainant_email", "complainant_name"))
    if found.users:
        # A partner user's complaint names them as complainant (raised_by) even if the name was typed differently.
        complaints = Complaint.objects.filter(Q(pk__in=complaints) | Q(raised_by__in=found.users))
    found.complaints = list(complaints.select_related("partner").order_by("received_at", "pk"))
    complaint_ids = [c.pk for c in found.complaints]
    found.notes = list(
        ComplaintNote.objects.filter(Q(complaint_id__in=complaint_ids) | Q(author__in=found.users))
        .select_related("complaint")
        .order_by("created_at", "pk")
    )
    found.attachments = list(
        ComplaintAttachment.objects.filter(Q(complaint_id__in=complaint_ids) | Q(uploaded_by__in=found.users))
        .select_related("complaint")
        .order_by("uploaded_at", "pk")
    )
    addresses = {a.lower() for a in [email, *(u.email for u in found.users), *(c.email for c in found.contacts)] if a}
    email_q = Q(pk__in=[])
    for address in addresses:
        email_q |= Q(to__iexact=address)
    found.emails = list(OutboundEmail.objects.filter(email_q).order_by("created_at", "pk"))
    return found
