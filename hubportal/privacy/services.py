"""Every write about personal data: the nightly retention run, legal holds,
subject access and erasure requests. Each removal is one transaction that
claims its ``Removal`` row first (so nothing is removed twice), removes, and
writes a history row saying which rule removed it, never what it held."""

import io
import json
import logging
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from agreements.models import Agreement
from complaints.models import Complaint
from hubportal.core.errors import ActionRefused, require
from hubportal.core.history import record
from hubportal.core.pdf import render_pdf
from hubportal.models import OutboundEmail, User
from hubportal.privacy import kinds
from hubportal.privacy.models import DataRequest, LegalHold, Removal, RetentionRule, RetentionRun
from hubportal.privacy.permissions import can_erase, can_fulfil, can_lift_hold, can_manage_personal_data
from hubportal.privacy.selectors import Found, due_by, personal_data_for
from partners.models import Contact

logger = logging.getLogger(__name__)
DRY_RUN_HORIZON_DAYS = 30
Action = RetentionRule.Action


def allow_removal_in_database() -> None:
    """On PostgreSQL, decided complaints and their notes and files are locked by
    triggers; this transaction may anonymise them (privacy migration 0003 lets a
    transaction through that sets privacy.removal). Call inside the atomic block."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL privacy.removal = 'on'")


# The retention schedule -----------------------------------------------------------


def _item(rule: RetentionRule, candidate: kinds.Candidate) -> dict:
    return {
        "rule": rule.key,
        "kind": rule.get_kind_display(),
        "action": rule.get_action_display(),
        "label": candidate.label,
        "due_on": candidate.due_on.isoformat(),
        "starts_on": candidate.starts_on.isoformat(),
        "trigger": rule.get_trigger_display(),
        "held": candidate.held,
        "automatic": rule.automatic and rule.action != Action.REVIEW,
    }


def retention_run(*, today: date | None = None, dry_run: bool) -> RetentionRun:
    """A dry run lists what is due in the next DRY_RUN_HORIZON_DAYS and changes
    nothing else; a real run removes what is due today, except what a legal
    hold covers and what is listed for review (safeguarding, agreements)."""
    today = today or timezone.localdate()
    until = today + timedelta(days=DRY_RUN_HORIZON_DAYS) if dry_run else today
    due = due_by(until)
    run = RetentionRun.objects.create(today=today, dry_run=dry_run, items=[_item(r, c) for r, c in due])
    if dry_run:
        return run
    removed = 0
    for rule, candidate in due:
        if candidate.held or not rule.automatic or rule.action == Action.REVIEW:
            continue
        try:
            removed += _remove_under_rule(rule, candidate)
        except Exception:  # one record's failure must not stop the rest; it is retried tomorrow
            logger.exception("Retention removal failed: %s under %s", candidate.label, rule.key)
    run.removed = removed
    run.save(update_fields=["removed"])
    return run


@transaction.atomic
def _remove_under_rule(rule: RetentionRule, candidate: kinds.Candidate) -> int:
    obj = candidate.obj
    content_type = ContentType.objects.get_for_model(obj)
    try:
        with transaction.atomic():
            removal = Removal.objects.create(
                rule=rule, content_type=content_type, object_id=obj.pk, label=candidate.label, action=rule.action
            )
    except IntegrityError:
        return 0  # another run got there first
    allow_removal_in_database()
    obj = type(obj)._default_manager.select_for_update().filter(pk=obj.pk).first()
    if obj is None:
        return 0
    target = kinds.SPECS[rule.kind].remove(obj)
    record(
        target if target is not None else removal,
        actor=None,
        action=f"removed under retention rule {rule.key}",
        note=f"{candidate.label}: {rule.get_action_display().lower()} ({rule.period_label} after "
        f"{rule.get_trigger_display()}).",
    )
    return 1


# Legal holds ------------------------------------------------------------------------------


@transaction.atomic
def legal_hold_place(*, actor: User, reason: str, partner=None, complaint=None, person_email: str = "") -> LegalHold:
    """Stop removal of everything about a partner, a complaint or a person until lifted."""
    require(*can_manage_personal_data(actor))
    if not reason.strip():
        raise ActionRefused("Say why the hold is needed (for example, the claim or investigation it serves).")
    if sum(bool(x) for x in (partner, complaint, person_email.strip())) != 1:
        raise ActionRefused("Choose one thing to hold: a partner, a complaint or a person's email address.")
    hold = LegalHold.objects.create(
        partner=partner, complaint=complaint, person_email=person_email.strip(), reason=reason.strip(), placed_by=actor
    )
    record(hold, actor=actor, action="legal hold placed", note=reason.strip())
    return hold


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, actor: User, reason: str) -> LegalHold:
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    allowed, why = can_lift_hold(actor, hold)
    if not allowed:
        raise ActionRefused(why)
    if not reason.strip():
        raise ActionRefused("Say why the hold can be lifted.")
    hold.lifted_at, hold.lifted_by, hold.lift_reason = timezone.now(), actor, reason.strip()
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    record(hold, actor=actor, action="legal hold lifted", note=reason.strip())
    return hold


# Requests from a person ---------------------------------------------------------------------


@transaction.atomic
def data_request_record(
    *, actor: User, kind: str, person_name: str, person_email: str, received_on: date, details: str = ""
) -> DataRequest:
    """Record a subject access or erasure request; its deadline is one calendar month from receipt."""
    require(*can_manage_personal_data(actor))
    if not person_name.strip() and not person_email.strip():
        raise ActionRefused("Give the person's name or email address, so their records can be found.")
    data_request = DataRequest.objects.create(
        kind=kind,
        person_name=person_name.strip(),
        person_email=person_email.strip(),
        received_on=received_on,
        due_on=DataRequest.deadline_for(received_on),
        details=details,
        recorded_by=actor,
    )
    record(data_request, actor=actor, action="request recorded", note=f"Due by {data_request.due_on:%d %B %Y}.")
    return data_request


def found_for(data_request: DataRequest) -> Found:
    return personal_data_for(name=data_request.person_name, email=data_request.person_email)


def _person_json(found: Found) -> dict:
    def when(value):
        return value.isoformat() if value else None

    return {
        "searched_for": {"name": found.name, "email": found.email},
        "contacts": [
            {"name": c.name, "role": c.role, "email": c.email, "phone": c.phone, "partner": c.partner.name}
            for c in found.contacts
        ],
        "users": [
            {
                "username": u.username,
                "name": u.get_full_name(),
                "email": u.email,
                "job_title": u.job_title,
                "joined": when(u.date_joined),
                "last_login": when(u.last_login),
            }
            for u in found.users
        ],
        "complaints": [
            {
                "reference": c.reference,
                "received_at": when(c.received_at),
                "status": c.get_status_display(),
                "category": c.get_category_display(),
                "complainant_name": c.complainant_name,
                "complainant_email": c.complainant_email,
                "complainant_phone": c.complainant_phone,
                "what_happened": c.account,
                "desired_outcome": c.desired_outcome,
                "resolution": c.resolution,
                "chair_decision": c.get_chair_decision_display(),
                "chair_reasons": c.chair_reasons,
            }
            for c in found.complaints
        ],
        "complaint_notes": [
            {
                "complaint": n.complaint.reference,
                "kind": n.get_kind_display(),
                "author": n.author_name,
                "at": when(n.created_at),
                "body": n.body,
            }
            for n in found.notes
        ],
        "attachments": [
            {
                "complaint": a.complaint.reference,
                "filename": a.original_filename,
                "uploaded_at": when(a.uploaded_at),
                "in_zip_as": _zip_name(a),
            }
            for a in found.attachments
        ],
        "emails_sent": [
            {
                "to": e.to,
                "subject": e.subject,
                "body": e.body,
                "status": e.status,
                "at": when(e.sent_at or e.created_at),
            }
            for e in found.emails
        ],
    }


def _zip_name(attachment) -> str:
    return f"files/{attachment.complaint.reference}-{attachment.pk}-{attachment.original_filename}"


def subject_access_pack(*, data_request: DataRequest, actor: User) -> bytes:
    """The ZIP sent to the person: summary.pdf, data.json and their documents.
    Building it is recorded on the request (its fulfilment is a separate step)."""
    require(*can_manage_personal_data(actor))
    found = found_for(data_request)
    data = _person_json(found)
    summary = render_pdf("pdf/subject_access.html", {"data_request": data_request, "found": found, "data": data})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("summary.pdf", summary)
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
        for attachment in found.attachments:
            try:
                with attachment.file.open("rb") as handle:
                    archive.writestr(_zip_name(attachment), handle.read())
            except (FileNotFoundError, ValueError):
                archive.writestr(_zip_name(attachment) + ".missing.txt", "The stored file could not be found.")
    record(
        data_request,
        actor=actor,
        action="subject access pack downloaded",
        note=f"{found.count} records and {len(found.attachments)} files.",
    )
    return buffer.getvalue()


@transaction.atomic
def data_request_fulfil(*, data_request: DataRequest, actor: User, outcome: str) -> DataRequest:
    data_request = DataRequest.objects.select_for_update().get(pk=data_request.pk)
    allowed, why = can_fulfil(actor, data_request)
    if not allowed:
        raise ActionRefused(why)
    if not outcome.strip():
        raise ActionRefused("Say what was sent and how (for example, the ZIP by secure email on this date).")
    data_request.status = DataRequest.Status.FULFILLED
    data_request.fulfilled_at, data_request.fulfilled_by = timezone.now(), actor
    data_request.outcome = outcome.strip()
    data_request.save(update_fields=["status", "fulfilled_at", "fulfilled_by", "outcome"])
    late = " (after its deadline)" if timezone.localdate() > data_request.due_on else ""
    record(data_request, actor=actor, action=f"request fulfilled{late}", note=outcome.strip())
    return data_request


# Erasure -------------------------------------------------------------------------------------


def _live_agreement(partner_id) -> Agreement | None:
    if partner_id is None:
        return None
    return Agreement.objects.filter(partner_id=partner_id, status__in=Agreement.IN_FORCE).first()


def erasure_refusal(obj, holds: kinds.Holds) -> str:
    """Why this record must be kept, or "" if it may be erased."""
    if isinstance(obj, Complaint):
        if obj.is_safeguarding:
            return (
                f"Complaint {obj.reference} is a safeguarding record: it is kept for the safeguarding lead "
                "to review and is never erased on request."
            )
        if obj.is_open:
            return f"Complaint {obj.reference} is still open: it can be erased once it is closed or decided."
        if kinds.complaint_held(obj, holds):
            return f"Complaint {obj.reference} is under a legal hold; lift the hold first if it no longer applies."
        return ""
    partner_id = getattr(obj, "partner_id", None)
    if partner_id in holds.partner_ids or holds.email(getattr(obj, "email", "")):
        return f"{_erasure_label(obj)} is under a legal hold; lift the hold first if it no longer applies."
    agreement = _live_agreement(partner_id)
    if agreement is not None:
        return (
            f"{_erasure_label(obj)} belongs to a partner with a live agreement ({agreement}): the Hub must be able "
            "to reach its people while it runs. Ask the partner to name someone else first, or erase after it ends."
        )
    if isinstance(obj, User) and (obj.is_staff or obj.is_superuser or obj.partner_id is None):
        return f"{_erasure_label(obj)} is a Hub staff account: ask an administrator to close it."
    return ""


def _erasure_label(obj) -> str:
    if isinstance(obj, Contact):
        return f"Contact #{obj.pk} (partner #{obj.partner_id})"
    if isinstance(obj, User):
        return f"User #{obj.pk}"
    if isinstance(obj, Complaint):
        return f"Complaint {obj.reference}"
    return f"{obj._meta.verbose_name} #{obj.pk}"


@dataclass
class ErasureResult:
    erased: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def erasure_preview(data_request: DataRequest) -> ErasureResult:
    """What erasing now would erase and what it would refuse, and why."""
    found, holds = found_for(data_request), kinds.Holds.active()
    result = ErasureResult()
    for obj in [*found.complaints, *found.contacts, *found.users]:
        why = erasure_refusal(obj, holds)
        if why:
            result.refused.append((_erasure_label(obj), why))
        else:
            result.erased.append(_erasure_label(obj))
    if found.emails:
        result.erased.append(f"{len(found.emails)} emails sent to them")
    return result


@transaction.atomic
def erasure_apply(*, data_request: DataRequest, actor: User, reason: str) -> ErasureResult:
    """Erase what no retention duty keeps: anonymise their complaints (closed,
    not safeguarding) and accounts, delete their contact rows and the emails
    sent to them. Refuse the rest, saying why. The request is then fulfilled."""
    data_request = DataRequest.objects.select_for_update().get(pk=data_request.pk)
    allowed, why = can_erase(actor, data_request)
    if not allowed:
        raise ActionRefused(why)
    if not reason.strip():
        raise ActionRefused("Say why the data is erased (for example, the person withdrew consent).")
    allow_removal_in_database()
    found, holds = found_for(data_request), kinds.Holds.active()
    result = ErasureResult()
    for obj in [*found.complaints, *found.contacts, *found.users]:
        label = _erasure_label(obj)
        refusal = erasure_refusal(obj, holds)
        if refusal:
            result.refused.append((label, refusal))
            continue
        content_type, pk = ContentType.objects.get_for_model(obj), obj.pk  # a deleted row loses its pk
        if isinstance(obj, Complaint):
            target, action = kinds.anonymise_complaint(obj), Action.ANONYMISE
        elif isinstance(obj, Contact):
            target, action = kinds.delete_contact(obj), Action.DELETE_RECORD
        else:
            target, action = kinds.anonymise_user(obj), Action.ANONYMISE
        Removal.objects.create(
            data_request=data_request, content_type=content_type, object_id=pk, label=label, action=action
        )
        record(
            target, actor=actor, action="erased on request", note=f"{label}, under request {data_request.reference}."
        )
        result.erased.append(label)
    emails = [e for e in found.emails if e.status in (OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED)]
    if emails and not any(holds.email(e.to) for e in emails):
        OutboundEmail.objects.filter(pk__in=[e.pk for e in emails]).delete()
        result.erased.append(f"{len(emails)} emails sent to them")
    outcome = "Erased: " + ("; ".join(result.erased) or "nothing") + "."
    if result.refused:
        outcome += " Kept: " + " ".join(why for _, why in result.refused)
    data_request.status = DataRequest.Status.FULFILLED
    data_request.fulfilled_at, data_request.fulfilled_by = timezone.now(), actor
    data_request.outcome = outcome
    data_request.save(update_fields=["status", "fulfilled_at", "fulfilled_by", "outcome"])
    record(data_request, actor=actor, action="erasure carried out", note=f"{reason.strip()}\n{outcome}")
    return result
