"""Every write to partners and every move of a partner's onboarding stage.

Services lock the row, check the actor's role (403 when wrong), refuse a wrong
state or a broken rule with a sentence saying what to do (ActionRefused), then
write the change and its history, and queue notifications inside the
transaction (they go out on commit).
"""

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from hubportal.core import roles
from hubportal.core.actions import enforce
from hubportal.core.errors import ActionRefused, require
from hubportal.core.history import record, transition
from hubportal.core.outbox import queue_email
from hubportal.core.users import hub_staff_users, partner_users
from hubportal.messaging.notifications import notify, render_kind
from hubportal.models import User
from partners import permissions
from partners.calendar import ICS_MIMETYPE, ics_filename, meeting_ics
from partners.models import Contact, EvidenceItem, EvidenceType, Meeting, Partner
from partners.selectors import (
    active_evidence_types,
    last_recorded_meeting,
    primary_contact,
)
from partners.standing import PAST_ONBOARDING, evidence_gaps

Stage = Partner.Stage
Evidence = EvidenceItem.Status

# Moves that record why (shown to staff and, where it concerns them, the partner).
REASONED = {Partner.Stage.DECLINED, Partner.Stage.SUSPENDED, Partner.Stage.LAPSED, Partner.Stage.TERMINATED}


@transaction.atomic
def partner_move(*, partner: Partner, to: str, actor, reason: str = "") -> Partner:
    """Move a partner to another stage and record it. The caller has checked
    that the actor may (other apps call this: an agreement going live makes
    the partner active, the Chair's termination ends it); actor None is the
    system (e.g. the 31 August expiry)."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    fields = ()
    if to in REASONED:
        partner.status_reason = reason
        fields = ("status_reason",)
    transition(partner, to=to, actor=actor, note=reason, update_fields=fields)
    return partner


# --- helpers -----------------------------------------------------------------


def _lock(partner: Partner) -> Partner:
    # of=("self",): the type is a nullable (outer) join, which PostgreSQL will not lock.
    return Partner.objects.select_for_update(of=("self",)).select_related("partner_type").get(pk=partner.pk)


def _require_staff(actor) -> None:
    enforce(permissions.may_manage_partners(actor))


def _reason_required(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(f"Give the reason {what}; it is recorded and shown to the partner.")
    return reason


def _portal_url() -> str:
    return reverse("partners:portal_profile")


def _staff_url(partner: Partner, tab: str = "") -> str:
    url = reverse("partners:detail", kwargs={"pk": partner.pk})
    return f"{url}?tab={tab}" if tab else url


def _email_contact(partner: Partner, kind: str, context: dict, attachments=()) -> str:
    """Email the partner's primary contact (who may not have an account yet);
    returns the address written to, or ""."""
    contact = primary_contact(partner)
    if contact is None or not contact.email:
        return ""
    subject, body = render_kind(kind, {"partner": partner, "contact": contact, **context})
    queue_email(to=contact.email, subject=subject, body=body, kind=kind, attachments=attachments)
    return contact.email.lower()


def _notify_partner_users(partner: Partner, kind: str, context: dict, *, skip_email: str = "") -> None:
    users = [u for u in partner_users(partner) if u.email.lower() != skip_email]
    notify(kind=kind, recipients=users, context={"partner": partner, **context}, url=_portal_url())


def _notify_staff(partner: Partner, kind: str, context: dict, tab: str = "") -> None:
    url = _staff_url(partner, tab)
    notify(kind=kind, recipients=hub_staff_users(), context={"partner": partner, **context}, url=url)


# --- creating partners and editing profiles -----------------------------------


@transaction.atomic
def partner_create_from_enquiry(*, profile: dict, districts, contact: dict, message: str) -> Partner:
    """A public enquiry: the partner starts at `enquiry` with its primary
    contact; the enquirer is thanked by email and staff are told."""
    partner = Partner.objects.create(
        **profile, status=Stage.ENQUIRY, source=Partner.Source.PUBLIC_ENQUIRY, enquiry_message=message
    )
    partner.districts.set(districts)
    Contact.objects.create(partner=partner, is_primary=True, **contact)
    record(partner, actor=None, action="enquiry received", note=message)
    _email_contact(partner, "partners_enquiry_received", {})
    _notify_staff(partner, "partners_enquiry_staff", {"message": message})
    return partner


@transaction.atomic
def partner_create(*, actor, profile: dict, many: dict, contact: dict) -> Partner:
    """Staff add a partner directly (e.g. after a phone call); it starts at `enquiry`."""
    _require_staff(actor)
    partner = Partner.objects.create(**profile, status=Stage.ENQUIRY, source=Partner.Source.STAFF)
    for field, values in many.items():
        getattr(partner, field).set(values)
    Contact.objects.create(partner=partner, is_primary=True, **contact)
    record(partner, actor=actor, action="added by staff")
    return partner


@transaction.atomic
def partner_update_profile(*, partner: Partner, actor, profile: dict, many: dict | None = None) -> Partner:
    """Change profile fields (never the stage). Staff may change everything
    the form offers; a partner user their own description and website."""
    partner = _lock(partner)
    if roles.is_partner_user(actor):
        enforce(permissions.may_edit_own_profile(actor, partner))
        allowed = {"description", "website"}
        if set(profile) - allowed or many:
            raise ActionRefused("You can change your description and website; ask the Hub to change the rest.")
    else:
        enforce(permissions.may_edit_profile(actor, partner))
    changed = [name for name, value in profile.items() if getattr(partner, name) != value]
    for name, value in profile.items():
        setattr(partner, name, value)
    partner.save(update_fields=[*profile, "updated_at"])
    for field, values in (many or {}).items():
        before = set(getattr(partner, field).values_list("pk", flat=True))
        if before != {v.pk for v in values}:
            getattr(partner, field).set(values)
            changed.append(field)
    if changed:
        labels = [str(Partner._meta.get_field(name).verbose_name) for name in changed]
        record(partner, actor=actor, action="profile updated", note="Changed: " + ", ".join(labels) + ".")
    return partner


def _check_contact_editor(actor, partner: Partner) -> None:
    require(*permissions.may_edit_contacts(actor, partner))


@transaction.atomic
def contact_save(*, partner: Partner, actor, data: dict, contact: Contact | None = None) -> Contact:
    """Add or change a contact. Marking one primary (or the safeguarding lead)
    moves that mark from whoever held it."""
    partner = _lock(partner)
    _check_contact_editor(actor, partner)
    if contact is not None and contact.partner_id != partner.pk:
        raise ActionRefused("That contact belongs to another partner.")
    others = partner.contacts.exclude(pk=contact.pk if contact else None)
    if contact is not None and contact.is_primary and not data.get("is_primary", True):
        raise ActionRefused("Make another contact the primary contact first; every partner keeps one.")
    if data.get("is_primary"):
        others.filter(is_primary=True).update(is_primary=False)
    if data.get("is_safeguarding_lead"):
        others.filter(is_safeguarding_lead=True).update(is_safeguarding_lead=False)
    if contact is None:
        contact = Contact.objects.create(partner=partner, **data)
        if not others.filter(is_primary=True).exists() and not contact.is_primary:
            contact.is_primary = True  # the first contact is the primary one
            contact.save(update_fields=["is_primary"])
        record(partner, actor=actor, action="contact added", note=contact.name)
    else:
        for name, value in data.items():
            setattr(contact, name, value)
        contact.save()
        record(partner, actor=actor, action="contact changed", note=contact.name)
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, actor) -> None:
    partner = _lock(contact.partner)
    _check_contact_editor(actor, partner)
    if contact.is_primary:
        raise ActionRefused(
            f"{contact.name} is the primary contact. Make another contact primary first, then remove this one."
        )
    record(partner, actor=actor, action="contact removed", note=contact.name)
    contact.delete()


# --- the introductory meeting ------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    partner: Partner,
    actor,
    starts_at: datetime,
    duration_minutes: int = 60,
    location: str = "",
    online_link: str = "",
    representatives=(),
) -> Meeting:
    """Schedule the introductory meeting (or reschedule it, or hold another
    when the last needed more information). The partner's contact is emailed
    an .ics invitation."""
    partner = _lock(partner)
    enforce(permissions.may_schedule_meeting(actor, partner))
    if starts_at <= timezone.now():
        raise ActionRefused("Choose a date and time in the future for the meeting.")
    if not (location.strip() or online_link.strip()):
        raise ActionRefused("Say where the meeting is, or give the link to join it online.")
    if primary_contact(partner) is None and not partner_users(partner):
        raise ActionRefused("Add a contact with an email address first, so the partner can be invited.")
    rescheduled = list(partner.meetings.filter(recorded_at=None, cancelled_at=None))
    for old in rescheduled:
        old.cancelled_at = timezone.now()
        old.save(update_fields=["cancelled_at"])
        record(old, actor=actor, action="cancelled: rescheduled")
    meeting = Meeting.objects.create(
        partner=partner,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        online_link=online_link.strip(),
        scheduled_by=actor,
    )
    meeting.hlo_representatives.set(representatives)
    when = f"{timezone.localtime(starts_at):%A %-d %B %Y at %H:%M}"
    if partner.status == Stage.MEETING_SCHEDULED:
        record(partner, actor=actor, action="meeting rescheduled", note=when)
    else:
        transition(partner, to=Stage.MEETING_SCHEDULED, actor=actor, note=f"Introductory meeting on {when}.")
    context = {"meeting": meeting, "when": when, "rescheduled": bool(rescheduled)}
    invitation = [(ics_filename(meeting), meeting_ics(meeting), ICS_MIMETYPE)]
    emailed = _email_contact(partner, "partners_meeting_scheduled", context, attachments=invitation)
    _notify_partner_users(partner, "partners_meeting_scheduled", context, skip_email=emailed)
    return meeting


meeting_record_refusal = permissions.meeting_record_refusal


MEETING_QUESTIONS = [
    "who_they_are",
    "national_plan_support",
    "needs_analysis_support",
    "benefit_to_young_people",
]


@transaction.atomic
def meeting_record(
    *,
    meeting: Meeting,
    actor,
    answers: dict,
    proposed_partner_type=None,
    outcome: str,
    notes: str = "",
) -> Meeting:
    """Record the meeting: the policy's five questions (the fourth is the
    proposed partner type) and the outcome. The partner moves to `meeting held`;
    on "proceed" the proposed type becomes the partner's type."""
    partner = _lock(meeting.partner)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.partner = partner
    enforce(permissions.may_record_meeting(actor, meeting))
    if outcome not in Meeting.Outcome.values:
        raise ActionRefused("Choose the outcome of the meeting.")
    blank = [Meeting._meta.get_field(q).verbose_name for q in MEETING_QUESTIONS if not answers.get(q, "").strip()]
    if blank or proposed_partner_type is None:
        raise ActionRefused("Answer all five questions of the introductory meeting, including the type of partner.")
    for question in MEETING_QUESTIONS:
        setattr(meeting, question, answers[question].strip())
    meeting.proposed_partner_type = proposed_partner_type
    meeting.outcome = outcome
    meeting.notes = notes.strip()
    meeting.recorded_by = actor
    meeting.recorded_at = timezone.now()
    meeting.save()
    record(meeting, actor=actor, action="meeting recorded", note=f"Outcome: {meeting.get_outcome_display()}.")
    fields = ()
    if outcome == Meeting.Outcome.PROCEED and partner.partner_type_id != proposed_partner_type.pk:
        partner.partner_type = proposed_partner_type
        fields = ("partner_type",)
    transition(
        partner,
        to=Stage.MEETING_HELD,
        actor=actor,
        note=f"Outcome: {meeting.get_outcome_display()}.",
        update_fields=fields,
    )
    return meeting


@transaction.atomic
def meeting_confirm(*, meeting: Meeting, actor) -> Meeting:
    """The partner confirms they will attend; the Hub's people are told."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("partner").get(pk=meeting.pk)
    enforce(permissions.may_confirm_meeting(actor, meeting))
    meeting.confirmed_at = timezone.now()
    meeting.confirmed_by = actor
    meeting.save(update_fields=["confirmed_at", "confirmed_by"])
    record(meeting, actor=actor, action="attendance confirmed")
    people = {meeting.scheduled_by, *meeting.hlo_representatives.all()}
    notify(
        kind="partners_meeting_confirmed",
        recipients=[u for u in people if roles.is_hub_team(u)],
        context={"partner": meeting.partner, "meeting": meeting, "confirmed_by": actor},
        url=_staff_url(meeting.partner, "meetings"),
    )
    return meeting


# --- minimum standards ---------------------------------------------------------


def ensure_evidence_items(partner: Partner) -> int:
    """One item (missing) per active evidence type the partner does not hold yet."""
    held = set(partner.evidence.values_list("evidence_type_id", flat=True))
    new = [EvidenceItem(partner=partner, evidence_type=t) for t in active_evidence_types() if t.pk not in held]
    EvidenceItem.objects.bulk_create(new)
    return len(new)


def default_expiry(evidence_type: EvidenceType, partner: Partner, issued_on: date) -> date | None:
    """When an item issued on this date must be renewed: the type's period
    (a charity's own where it differs); None for "renew when it changes"."""
    months = evidence_type.renewal_months
    if partner.is_charity and evidence_type.renewal_months_for_charities:
        months = evidence_type.renewal_months_for_charities
    return issued_on + relativedelta(months=months) if months else None


@transaction.atomic
def partner_start_standards_review(*, partner: Partner, actor) -> Partner:
    """After a meeting that said proceed, the partner evidences the minimum
    standards; one item per evidence type is opened for them."""
    partner = _lock(partner)
    enforce(permissions.may_start_standards_review(actor, partner))
    last = last_recorded_meeting(partner)
    if last is None or last.outcome != Meeting.Outcome.PROCEED:
        outcome = last.get_outcome_display().lower() if last else "not recorded"
        raise ActionRefused(
            f"The last meeting's outcome was “{outcome}”. The standards review follows a meeting whose outcome is "
            "“proceed”: schedule another meeting if more information was needed, or decline the partner."
        )
    if partner.partner_type is None:
        raise ActionRefused("Choose the partner's type on its profile first: it decides whether an agreement follows.")
    transition(partner, to=Stage.STANDARDS_REVIEW, actor=actor, note="Minimum standards requested.")
    ensure_evidence_items(partner)
    _notify_partner_users(partner, "partners_standards_review", {})
    return partner


@transaction.atomic
def partner_complete_standards_review(*, partner: Partner, actor, today: date | None = None) -> Partner:
    """Every required standard verified and in date: the partner moves on to
    its agreement, or straight to active for a type that needs none."""
    partner = _lock(partner)
    enforce(permissions.may_complete_standards_review(actor, partner))
    if partner.partner_type is None:
        raise ActionRefused("Choose the partner's type on its profile first: it decides whether an agreement follows.")
    gaps = evidence_gaps(partner, today)
    if gaps:
        raise ActionRefused(
            "Every required minimum standard must be verified and in date before the partner moves on. "
            "Still needed: " + "; ".join(gaps) + "."
        )
    to = Stage.AGREEMENT_PENDING if partner.partner_type.agreement_required else Stage.ACTIVE
    transition(partner, to=to, actor=actor, note="Minimum standards verified and in date.")
    _notify_partner_users(partner, "partners_standards_met", {"agreement_required": to == Stage.AGREEMENT_PENDING})
    return partner


def _lock_item(item: EvidenceItem) -> EvidenceItem:
    return (
        EvidenceItem.objects.select_for_update(of=("self",)).select_related("partner", "evidence_type").get(pk=item.pk)
    )


@transaction.atomic
def evidence_upload(
    *,
    partner: Partner,
    evidence_type: EvidenceType,
    actor,
    file,
    issued_on: date,
    expires_on: date | None = None,
    note: str = "",
    today: date | None = None,
) -> EvidenceItem:
    """The partner uploads a document for one standard (new, replacing a
    rejected or expired one, or renewing a verified one); staff check it."""
    today = today or timezone.localdate()
    partner = _lock(partner)
    enforce(permissions.may_upload_evidence(actor, partner))
    if issued_on > today:
        raise ActionRefused("The issue date cannot be in the future. Enter the date on the document.")
    expires_on = expires_on or default_expiry(evidence_type, partner, issued_on)
    if expires_on is not None and expires_on <= issued_on:
        raise ActionRefused("The expiry date must be after the issue date.")
    if expires_on is not None and expires_on < today:
        raise ActionRefused(
            f"This evidence expired on {expires_on:%-d %B %Y}. Upload the current document (or correct the dates)."
        )
    item, _ = EvidenceItem.objects.get_or_create(partner=partner, evidence_type=evidence_type)
    item = _lock_item(item)
    # A renewal of a verified copy still in date: the standard stays met by that
    # copy, until its own expiry, while staff check the new one.
    renewing = item.status == Evidence.VERIFIED and (item.expires_on is None or item.expires_on >= today)
    item.previous_in_force_until = (item.expires_on or date.max) if renewing else None
    item.file = file
    item.original_filename = file.name[:255]
    item.issued_on = issued_on
    item.expires_on = expires_on
    item.note = note.strip()
    item.uploaded_by = actor
    item.uploaded_at = timezone.now()
    item.reviewed_by = None
    item.reviewed_at = None
    item.rejection_reason = ""
    transition(
        item,
        to=Evidence.SUBMITTED,
        actor=actor,
        note=f"Uploaded {item.original_filename}.",
        update_fields=(
            "file",
            "original_filename",
            "issued_on",
            "expires_on",
            "note",
            "uploaded_by",
            "uploaded_at",
            "reviewed_by",
            "reviewed_at",
            "rejection_reason",
            "previous_in_force_until",
        ),
    )
    _notify_staff(partner, "partners_evidence_submitted", {"item": item}, tab="evidence")
    return item


@transaction.atomic
def evidence_verify(
    *, item: EvidenceItem, actor, expires_on: date | None = None, note: str = "", today: date | None = None
) -> EvidenceItem:
    """Staff accept the evidence (correcting the expiry date if the document
    says otherwise)."""
    today = today or timezone.localdate()
    item = _lock_item(item)
    enforce(permissions.may_review_evidence(actor, item))
    if expires_on is not None:
        item.expires_on = expires_on
    if item.expires_on is not None and item.expires_on < today:
        raise ActionRefused(
            f"This evidence expired on {item.expires_on:%-d %B %Y}. Reject it and ask for the current document, "
            "or correct the expiry date."
        )
    item.reviewed_by = actor
    item.reviewed_at = timezone.now()
    item.previous_in_force_until = None
    transition(
        item,
        to=Evidence.VERIFIED,
        actor=actor,
        note=note.strip(),
        update_fields=("expires_on", "reviewed_by", "reviewed_at", "previous_in_force_until"),
    )
    _notify_partner_users(item.partner, "partners_evidence_verified", {"item": item})
    return item


@transaction.atomic
def evidence_reject(*, item: EvidenceItem, actor, reason: str) -> EvidenceItem:
    """Staff refuse the evidence with the reason; the partner uploads again."""
    item = _lock_item(item)
    enforce(permissions.may_review_evidence(actor, item))
    item.rejection_reason = _reason_required(reason, "for rejecting the evidence")
    item.reviewed_by = actor
    item.reviewed_at = timezone.now()
    was_met = not evidence_gaps(item.partner)
    item.previous_in_force_until = None
    transition(
        item,
        to=Evidence.REJECTED,
        actor=actor,
        note=item.rejection_reason,
        update_fields=("rejection_reason", "reviewed_by", "reviewed_at", "previous_in_force_until"),
    )
    _notify_partner_users(item.partner, "partners_evidence_rejected", {"item": item})
    if was_met:
        _standards_lapsed(item.partner)
    return item


def _standards_lapsed(partner: Partner) -> None:
    """The day a partner past onboarding stops meeting the minimum standards,
    its users and the Hub (staff and the Service Manager) are told what to renew."""
    if partner.status not in PAST_ONBOARDING:
        return
    gaps = evidence_gaps(partner)
    if not gaps:
        return
    record(partner, actor=None, action="minimum standards lapsed", note="; ".join(gaps))
    _notify_partner_users(partner, "partners_standards_lapsed", {"gaps": gaps})
    _notify_staff(partner, "partners_standards_lapsed_staff", {"gaps": gaps}, tab="evidence")


def evidence_expire_due(*, today: date | None = None) -> int:
    """Verified evidence past its expiry date becomes expired (with history).
    Each item moves in its own transaction, under a conditional lock, so two
    runs never expire one item twice."""
    today = today or timezone.localdate()
    due = EvidenceItem.objects.filter(status=Evidence.VERIFIED, expires_on__lt=today).values_list("pk", flat=True)
    expired = 0
    lapsed = set()
    for pk in list(due):
        with transaction.atomic():
            item = EvidenceItem.objects.select_for_update().filter(pk=pk, status=Evidence.VERIFIED).first()
            if item is None or item.expires_on is None or item.expires_on >= today:
                continue
            transition(item, to=Evidence.EXPIRED, actor=None, note=f"Expired on {item.expires_on:%-d %B %Y}.")
            expired += 1
            if item.evidence_type.required:
                lapsed.add(item.partner_id)
    # A renewal still waiting to be checked when the copy it replaces runs out:
    # the standard is no longer met by that copy (claimed once, by the update).
    renewals = EvidenceItem.objects.filter(
        status=Evidence.SUBMITTED, previous_in_force_until__lt=today, evidence_type__required=True
    ).values_list("pk", "partner_id")
    for pk, partner_id in list(renewals):
        if EvidenceItem.objects.filter(pk=pk, previous_in_force_until__lt=today).update(previous_in_force_until=None):
            lapsed.add(partner_id)
    for partner in Partner.objects.filter(pk__in=lapsed, status__in=PAST_ONBOARDING):
        with transaction.atomic():
            _standards_lapsed(partner)
    return expired


# --- leaving onboarding, suspending, reinstating -----------------------------


@transaction.atomic
def partner_decline(*, partner: Partner, actor, reason: str) -> Partner:
    """Staff decline a partner before it is active, with the reason, which the
    partner's contact is sent."""
    partner = _lock(partner)
    enforce(permissions.may_decline(actor, partner))
    reason = _reason_required(reason, "for declining")
    partner = partner_move(partner=partner, to=Stage.DECLINED, actor=actor, reason=reason)
    emailed = _email_contact(partner, "partners_declined", {"reason": reason})
    _notify_partner_users(partner, "partners_declined", {"reason": reason}, skip_email=emailed)
    return partner


@transaction.atomic
def partner_suspend(*, partner: Partner, actor, reason: str) -> Partner:
    """Suspend an active partnership at once (e.g. a safeguarding concern).

    CONTRACT (complaints calls this): allowed for Hub staff and the Service
    Manager; active → suspended; the reason is recorded on the partner and in
    its history; the partner's users and Hub staff are notified. Raises
    PermissionDenied for another role and ActionRefused when the partner is
    not active or no reason is given."""
    partner = _lock(partner)
    enforce(permissions.may_suspend(actor, partner))
    reason = _reason_required(reason, "for suspending the partnership")
    partner = partner_move(partner=partner, to=Stage.SUSPENDED, actor=actor, reason=reason)
    _notify_partner_users(partner, "partners_suspended", {"reason": reason})
    _notify_staff(partner, "partners_suspended_staff", {"reason": reason, "actor": actor})
    return partner


@transaction.atomic
def partner_reinstate(*, partner: Partner, actor, note: str) -> Partner:
    """Lift a suspension: the partnership is active again. Only the Service
    Manager lifts it, with the reason, which the history keeps."""
    partner = _lock(partner)
    enforce(permissions.may_reinstate(actor, partner))
    note = (note or "").strip()
    if not note:
        raise ActionRefused("Say why the partnership can resume; it is recorded and shown to the partner.")
    partner = partner_move(partner=partner, to=Stage.ACTIVE, actor=actor, reason=note)
    _notify_partner_users(partner, "partners_reinstated", {"note": note})
    return partner


# --- partner users ---------------------------------------------------------------


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """A one-time link to set a first password. Like a password reset token
    it stops working once the password is set (the hash changes) and after
    settings.PARTNER_INVITATION_DAYS."""

    key_salt = "partners.services.InvitationTokenGenerator"

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return (self._num_seconds(self._now()) - ts) <= settings.PARTNER_INVITATION_DAYS * 24 * 60 * 60


invitation_tokens = InvitationTokenGenerator()


def invitation_link(user: User) -> str:
    path = reverse(
        "partners:accept_invitation",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": invitation_tokens.make_token(user)},
    )
    return f"{settings.SITE_URL}{path}"


invitation_refusal = permissions.invitation_refusal


@transaction.atomic
def partner_invite_user(
    *, partner: Partner, actor, email: str, first_name: str, last_name: str, job_title: str = ""
) -> User:
    """Invite a person at the partner to the portal: an account without a
    password, and an email with a one-time link to set one. Inviting again
    someone who has not yet set a password sends a fresh link."""
    partner = _lock(partner)
    enforce(permissions.may_invite_user(actor, partner))
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first() or User.objects.filter(username=email).first()
    if existing is not None and (existing.partner_id != partner.pk or existing.has_usable_password()):
        raise ActionRefused(
            f"There is already a Hub Portal account for {email}. Use another address, or ask an admin to "
            "move the account."
        )
    if existing is None:
        user = User(
            username=email[:150],
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            job_title=job_title.strip(),
            partner=partner,
        )
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=roles.PARTNER))
        record(partner, actor=actor, action="user invited", note=f"{user} ({email})")
    else:
        user = existing
        record(partner, actor=actor, action="invitation sent again", note=f"{user} ({email})")
    subject, body = render_kind(
        "partners_invitation",
        {
            "partner": partner,
            "recipient": user,
            "link": invitation_link(user),
            "days": settings.PARTNER_INVITATION_DAYS,
            "invited_by": actor,
        },
    )
    queue_email(to=email, subject=subject, body=body, kind="partners_invitation")
    return user


@transaction.atomic
def invitation_accept(*, user: User, password: str) -> User:
    """The invited person sets their password (the form has validated it)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.save(update_fields=["password"])
    if user.partner_id:
        record(user.partner, actor=user, action="invitation accepted", note=str(user))
    return user
