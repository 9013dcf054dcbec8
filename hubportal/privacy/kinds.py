"""What each kind of record in the retention schedule is, in code: which rows a
rule reaches and from what date, what stops their removal, and how a row is
removed (its file deleted, its personal fields anonymised, or the row
deleted). The schedule itself (periods, actions, sources) is data:
``RetentionRule`` rows.

Every label here names a record by its type and id or reference only, so the
history rows and the job's report carry no personal data.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from agreements.models import Agreement
from complaints.models import Complaint, ComplaintNote
from eoi.models import EoiAttachment, ExpressionOfInterest
from hubportal.models import HistoryEntry, Notification, OutboundEmail, User
from hubportal.privacy.models import LegalHold, Removal, RetentionRule, add_months
from partners.models import Contact, EvidenceItem, Meeting, Partner

Kind = RetentionRule.Kind
ENDED = [Partner.Stage.DECLINED, Partner.Stage.LAPSED, Partner.Stage.TERMINATED]
REMOVED_NAME = "Removed"
REMOVED_TEXT = "[Removed under the Hub's retention schedule or on the person's request.]"
# Margin on the database's pre-filter by start date: month arithmetic clamps
# at month ends, so the exact due date is checked in Python after it.
MARGIN = timedelta(days=4)


@dataclass
class Holds:
    """The legal holds in force, read once per run."""

    partner_ids: set = field(default_factory=set)
    complaint_ids: set = field(default_factory=set)
    emails: set = field(default_factory=set)

    @classmethod
    def active(cls) -> "Holds":
        holds = cls()
        for partner_id, complaint_id, email in LegalHold.objects.filter(lifted_at__isnull=True).values_list(
            "partner_id", "complaint_id", "person_email"
        ):
            if partner_id:
                holds.partner_ids.add(partner_id)
            if complaint_id:
                holds.complaint_ids.add(complaint_id)
            if email:
                holds.emails.add(email.lower())
        return holds

    def email(self, address: str | None) -> bool:
        return bool(address) and address.lower() in self.emails


@dataclass
class Candidate:
    """A record a rule reaches, due for removal on ``due_on``."""

    obj: models.Model
    starts_on: date
    due_on: date
    label: str
    held: bool


@dataclass(frozen=True)
class KindSpec:
    rows: Callable[[date], Iterable[tuple[models.Model, date]]]  # (row, start) with start <= cutoff
    label: Callable[[models.Model], str]
    held: Callable[[models.Model, Holds], bool]
    remove: Callable[[models.Model], models.Model]  # returns the record the history row goes on


def _day(value) -> date | None:
    if value is None:
        return None
    return timezone.localdate(value) if isinstance(value, datetime) else value


def _not_removed(queryset, kind: str):
    """Rows of the queryset not yet removed under the rule of this kind."""
    removed = Removal.objects.filter(
        rule__kind=kind,
        content_type=ContentType.objects.get_for_model(queryset.model),
        object_id=OuterRef("pk"),
    )
    return queryset.exclude(Exists(removed))


def partners_ended_by(cutoff: date):
    """Partners whose partnership ended (declined, lapsed, terminated) on or
    before ``cutoff``, annotated with ``ended_at``: their latest move into that stage."""
    moves = HistoryEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Partner),
        object_id=OuterRef("pk"),
        action="transition",
        to_state=OuterRef("status"),
    ).order_by("-at")
    return Partner.objects.filter(status__in=ENDED).annotate(ended_at=Subquery(moves.values("at")[:1]))


def _ended_partner_starts(cutoff: date) -> dict[int, date]:
    """{partner id: the day its partnership ended}, for partners ended by ``cutoff``.
    A partner with no recorded move uses its last update."""
    starts = {}
    for partner in partners_ended_by(cutoff).only("pk", "updated_at", "status"):
        day = _day(partner.ended_at or partner.updated_at)
        if day <= cutoff:
            starts[partner.pk] = day
    return starts


def delete_file_on_commit(file_field) -> None:
    """Delete a stored file once the removal commits: a rolled-back removal keeps it."""
    if not file_field:
        return
    storage, name = file_field.storage, file_field.name
    transaction.on_commit(lambda: storage.delete(name))


def scrub(text: str, *phrases: str) -> str:
    """``text`` with each phrase (a name, an email address) replaced, whatever its case."""
    for phrase in filter(None, phrases):
        text = re.sub(re.escape(phrase), "[removed]", text, flags=re.IGNORECASE)
    return text


# DBS certificate copies ----------------------------------------------------


def is_dbs(item: EvidenceItem) -> bool:
    return "dbs" in item.evidence_type.name.lower()


def _dbs_rows(cutoff: date):
    items = EvidenceItem.objects.filter(
        evidence_type__name__icontains="DBS", reviewed_at__isnull=False, reviewed_at__date__lte=cutoff
    ).exclude(file="")
    for item in _not_removed(items.select_related("evidence_type"), Kind.DBS_CERTIFICATE):
        yield item, _day(item.reviewed_at)


def last_four_digits(note: str) -> str:
    digits = re.sub(r"\D", "", note or "")
    return digits[-4:]


def remove_dbs_copy(item: EvidenceItem) -> EvidenceItem:
    """Delete the certificate copy; keep the check's date, level (its evidence
    type), outcome (its status) and the certificate number's last four digits."""
    delete_file_on_commit(item.file)
    four = last_four_digits(item.note)
    item.file = ""
    item.original_filename = ""
    item.note = f"Certificate number ending {four}." if four else ""
    item.save(update_fields=["file", "original_filename", "note", "updated_at"])
    return item


# Other evidence files --------------------------------------------------------


def _evidence_rows(cutoff: date):
    starts = _ended_partner_starts(cutoff)
    items = (
        EvidenceItem.objects.filter(partner_id__in=starts)
        .exclude(file="")
        .exclude(evidence_type__name__icontains="DBS")
    )
    for item in _not_removed(items, Kind.EVIDENCE_FILE):
        yield item, starts[item.partner_id]


def remove_evidence_file(item: EvidenceItem) -> EvidenceItem:
    delete_file_on_commit(item.file)
    item.file = ""
    item.original_filename = ""
    item.save(update_fields=["file", "original_filename", "updated_at"])
    return item


# Complaints and safeguarding concerns -----------------------------------------


def _closed_complaints(cutoff: date, *, safeguarding: bool, kind: str):
    complaints = Complaint.objects.filter(status__in=Complaint.FINAL).filter(
        Q(closed_at__date__lte=cutoff) | Q(decided_at__date__lte=cutoff)
    )
    complaints = complaints.safeguarding() if safeguarding else complaints.not_safeguarding()
    for complaint in _not_removed(complaints, kind):
        yield complaint, _day(complaint.decided_at or complaint.closed_at)


def complaint_held(complaint: Complaint, holds: Holds) -> bool:
    return (
        complaint.pk in holds.complaint_ids
        or (complaint.partner_id is not None and complaint.partner_id in holds.partner_ids)
        or holds.email(complaint.complainant_email)
    )


def anonymise_complaint(complaint: Complaint) -> Complaint:
    """The complainant's name, email and phone go, and with them every mention
    of the name or address in the case file; their documents are deleted. The
    case itself (what it was about, the stages, the decision) stays."""
    name, email = complaint.complainant_name, complaint.complainant_email
    for attachment in complaint.attachments.all():
        delete_file_on_commit(attachment.file)
    complaint.attachments.all().delete()
    for note in complaint.notes.all():
        body = scrub(note.body, name, email)
        author = REMOVED_NAME if note.kind == ComplaintNote.Kind.FROM_COMPLAINANT else note.author_name
        if body != note.body or author != note.author_name:
            ComplaintNote.objects.filter(pk=note.pk).update(body=body, author_name=author)
    complaint.complainant_name = REMOVED_NAME
    complaint.complainant_email = f"removed-{complaint.pk}@removed.invalid"
    complaint.complainant_phone = ""
    for text_field in (
        "account",
        "desired_outcome",
        "resolution",
        "escalation_reasons",
        "chair_findings",
        "chair_reasons",
    ):
        setattr(complaint, text_field, scrub(getattr(complaint, text_field), name, email))
    complaint.tracking_token_hash = ""
    complaint.tracking_expires_at = None
    complaint.save()
    return complaint


# Contacts, users, meeting notes of ended partnerships ------------------------------


def _contact_rows(cutoff: date):
    starts = _ended_partner_starts(cutoff)
    for contact in Contact.objects.filter(partner_id__in=starts):
        yield contact, starts[contact.partner_id]


def delete_contact(contact: Contact) -> Partner:
    partner = contact.partner
    contact.delete()
    return partner


def _user_rows(cutoff: date):
    starts = _ended_partner_starts(cutoff)
    users = User.objects.filter(partner_id__in=starts).exclude(username__startswith="removed-")
    for user in users:
        yield user, starts[user.partner_id]


def anonymise_user(user: User) -> User:
    """The account stays (history and signatures point at it) without a name,
    address or a way to sign in."""
    user.username = f"removed-{user.pk}"
    user.first_name = ""
    user.last_name = REMOVED_NAME
    user.email = ""
    user.job_title = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    # Their in-app notifications were written to them, about them: they go with the name.
    Notification.objects.filter(recipient=user).delete()
    return user


def _meeting_rows(cutoff: date):
    starts = _ended_partner_starts(cutoff)
    meetings = Meeting.objects.filter(partner_id__in=starts).exclude(notes="", who_they_are="")
    for meeting in _not_removed(meetings, Kind.MEETING_NOTES):
        yield meeting, starts[meeting.partner_id]


def anonymise_meeting_notes(meeting: Meeting) -> Meeting:
    meeting.notes = ""
    meeting.who_they_are = REMOVED_TEXT if meeting.who_they_are else ""
    meeting.save(update_fields=["notes", "who_they_are"])
    return meeting


# EOI attachments ------------------------------------------------------------


def _eoi_attachment_rows(cutoff: date):
    Status = ExpressionOfInterest.Status
    attachments = EoiAttachment.objects.filter(
        Q(eoi__decided_at__date__lte=cutoff) | Q(eoi__status=Status.WITHDRAWN, eoi__updated_at__date__lte=cutoff)
    ).select_related("eoi")
    for attachment in attachments:
        eoi = attachment.eoi
        yield attachment, _day(eoi.decided_at or eoi.updated_at)


def delete_eoi_attachment(attachment: EoiAttachment) -> ExpressionOfInterest:
    eoi = attachment.eoi
    delete_file_on_commit(attachment.file)
    attachment.delete()
    return eoi


# Agreements: listed for review only ---------------------------------------------


def _agreement_rows(cutoff: date):
    agreements = Agreement.objects.filter(ends_on__lte=cutoff).exclude(status__in=Agreement.IN_FORCE)
    for agreement in _not_removed(agreements, Kind.AGREEMENT):
        yield agreement, agreement.ends_on


def _review_only(obj):
    raise RuntimeError("Records of this kind are listed for review, never removed by the job.")


# Emails sent ----------------------------------------------------------------------


def _email_rows(cutoff: date):
    emails = OutboundEmail.objects.filter(
        status__in=[OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED], created_at__date__lte=cutoff
    ).only("pk", "to", "sent_at", "created_at", "kind")
    for email in emails:
        yield email, _day(email.sent_at or email.created_at)


def delete_email(email: OutboundEmail):
    email.delete()
    return None  # the history row goes on the removal itself


def _no_rows(cutoff: date):
    return ()


SPECS: dict[str, KindSpec] = {
    Kind.DBS_CERTIFICATE: KindSpec(
        _dbs_rows,
        lambda i: f"DBS evidence item #{i.pk} (partner #{i.partner_id})",
        lambda i, h: i.partner_id in h.partner_ids,
        remove_dbs_copy,
    ),
    Kind.EVIDENCE_FILE: KindSpec(
        _evidence_rows,
        lambda i: f"Evidence item #{i.pk} (partner #{i.partner_id})",
        lambda i, h: i.partner_id in h.partner_ids,
        remove_evidence_file,
    ),
    Kind.COMPLAINT: KindSpec(
        lambda cutoff: _closed_complaints(cutoff, safeguarding=False, kind=Kind.COMPLAINT),
        lambda c: f"Complaint {c.reference}",
        complaint_held,
        anonymise_complaint,
    ),
    Kind.SAFEGUARDING: KindSpec(
        lambda cutoff: _closed_complaints(cutoff, safeguarding=True, kind=Kind.SAFEGUARDING),
        lambda c: f"Safeguarding concern {c.reference}",
        complaint_held,
        _review_only,
    ),
    Kind.CONTACT: KindSpec(
        _contact_rows,
        lambda c: f"Contact #{c.pk} (partner #{c.partner_id})",
        lambda c, h: c.partner_id in h.partner_ids or h.email(c.email),
        delete_contact,
    ),
    Kind.USER: KindSpec(
        _user_rows,
        lambda u: f"User #{u.pk} (partner #{u.partner_id})",
        lambda u, h: u.partner_id in h.partner_ids or h.email(u.email),
        anonymise_user,
    ),
    Kind.MEETING_NOTES: KindSpec(
        _meeting_rows,
        lambda m: f"Meeting #{m.pk} (partner #{m.partner_id})",
        lambda m, h: m.partner_id in h.partner_ids,
        anonymise_meeting_notes,
    ),
    Kind.EOI_ATTACHMENT: KindSpec(
        _eoi_attachment_rows,
        lambda a: f"EOI attachment #{a.pk} (expression of interest #{a.eoi_id})",
        lambda a, h: a.eoi.partner_id in h.partner_ids,
        delete_eoi_attachment,
    ),
    Kind.AGREEMENT: KindSpec(
        _agreement_rows,
        lambda a: f"Agreement #{a.pk} (partner #{a.partner_id})",
        lambda a, h: a.partner_id in h.partner_ids,
        _review_only,
    ),
    Kind.OUTBOUND_EMAIL: KindSpec(
        _email_rows,
        lambda e: f"Email #{e.pk} ({e.kind or 'message'})",
        lambda e, h: h.email(e.to),
        delete_email,
    ),
    # Append-only by design (on PostgreSQL the database refuses changes); the
    # rows the job writes name no one. Listed in the schedule, never removed.
    Kind.HISTORY: KindSpec(_no_rows, str, lambda o, h: False, _review_only),
}


def candidates(rule: RetentionRule, *, until: date, holds: Holds) -> list[Candidate]:
    """The records ``rule`` reaches that are due for removal on or before ``until``."""
    spec = SPECS[rule.kind]
    cutoff = add_months(until, -rule.period_months) + MARGIN
    found = []
    for obj, starts_on in spec.rows(cutoff):
        if starts_on is None:
            continue
        due_on = add_months(starts_on, rule.period_months)
        if due_on <= until:
            found.append(Candidate(obj, starts_on, due_on, spec.label(obj), spec.held(obj, holds)))
    return found
