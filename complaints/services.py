"""Every write to a complaint and every move through its lifecycle.

received → acknowledged → investigating → resolved → {closed | escalated → chair_review → decided}

Each transition locks the row, checks the actor (PermissionDenied, a 403) and
the stage (ActionRefused, a sentence saying what to do), moves the state
through hubportal.core.history and notifies; notifications are rows written in the
same transaction and emails sent once it commits. A decided complaint never
changes again: every service refuses it, and on PostgreSQL so does the database.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from agreements.models import TerminationRecommendation
from agreements.services import recommendation_raise
from complaints.models import Complaint, ComplaintAttachment, ComplaintNote, ReferenceCounter
from complaints.permissions import (
    may_accept,
    may_acknowledge,
    may_add_note,
    may_decide,
    may_escalate,
    may_investigate,
    may_message_as_complainant,
    may_raise_from_portal,
    may_raise_on_behalf,
    may_recommend_termination,
    may_resolve,
    may_suspend_partner,
    may_take_into_review,
    may_update_details,
    token_hash,
)
from hubportal.core import roles
from hubportal.core.actions import enforce
from hubportal.core.errors import ActionRefused
from hubportal.core.history import record, transition
from hubportal.core.hub import current_hub
from hubportal.core.outbox import queue_email
from hubportal.core.users import partner_users
from hubportal.core.words import possessive
from hubportal.core.working_days import add_working_days
from hubportal.messaging.notifications import notify, render_kind
from hubportal.models import User
from partners.models import Partner
from partners.services import partner_suspend

Status = Complaint.Status
Kind = ComplaintNote.Kind
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 bits


# Who hears about what -----------------------------------------------------


def _users_in(*groups: str):
    return User.objects.filter(groups__name__in=groups, is_active=True).distinct()


def service_managers():
    return _users_in(roles.MANAGER)


def safeguarding_recipients():
    """The Service Manager and every safeguarding lead: the only people told of a
    safeguarding concern."""
    return _users_in(roles.MANAGER, roles.SAFEGUARDING)


def chairs():
    return _users_in(roles.CHAIR)


def stage_one_staff(complaint: Complaint) -> list[User]:
    """The complaint's owner, or every Service Manager while it has none."""
    if complaint.owner_id and complaint.owner.is_active:
        return [complaint.owner]
    return list(service_managers())


def staff_url(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.pk])


def portal_url(complaint: Complaint) -> str:
    return reverse("complaints:portal_detail", args=[complaint.pk])


def chair_url(complaint: Complaint) -> str:
    return reverse("complaints:chair_case", args=[complaint.pk])


def track_url(token: str) -> str:
    return reverse("complaints:track", args=[token])


def _complainant_users(complaint: Complaint) -> list:
    """The portal users who hear as the complainant of a complaint raised in the portal."""
    people = [complaint.raised_by] if complaint.raised_by and complaint.raised_by.is_active else []
    if not people and complaint.complainant_partner_id:
        people = partner_users(complaint.complainant_partner)
    return people


def complainant_recipients(complaint: Complaint) -> list[str]:
    """Who hears as the complainant, in words, for a confirm step: the same
    people _tell_complainant writes to."""
    if complaint.raised_via == Complaint.RaisedVia.PORTAL:
        return [
            f"{user.get_full_name() or user.username} <{user.email}>, by email and in the portal"
            for user in _complainant_users(complaint)
        ]
    if not complaint.complainant_email:
        return []
    return [f"{complaint.complainant_name or 'The complainant'} <{complaint.complainant_email}>, by email"]


def decision_effects(complaint: Complaint) -> list[str]:
    """What recording the Chair's decision does, in words, for the confirm step."""
    effects = []
    for recipient in complainant_recipients(complaint):
        effects.append(f"{recipient}: your findings, decision and reasons.")
    if complaint.partner_id:
        effects.append(f"{possessive(complaint.partner.name)} users: your decision and reasons, not your findings.")
    effects.append("Hub staff handling complaints: your decision, with a link to the case.")
    if complaint.partner_id and open_recommendations(complaint):
        effects.append(
            "A recommendation to end an agreement raised from this complaint is decided on its own page: "
            "this decision does not end any agreement."
        )
    effects.append("Your decision is final: once recorded it is locked and cannot be changed.")
    return effects


def _tell_complainant(complaint: Complaint, kind: str, context: dict | None = None, token: str | None = None) -> None:
    """Write to the complainant: in the portal (and by email) for a partner
    user; by email for anyone else, whose private link lasts a while longer."""
    context = {"complaint": complaint, "hub_name": current_hub().name, **(context or {})}
    if complaint.raised_via == Complaint.RaisedVia.PORTAL:
        notify(kind=kind, recipients=_complainant_users(complaint), context=context, url=portal_url(complaint))
        return
    if complaint.tracking_token_hash:
        _extend_tracking(complaint)
    context["tracking_url"] = f"{settings.SITE_URL}{track_url(token)}" if token else ""
    context["new_link_url"] = f"{settings.SITE_URL}{reverse('complaints:track_request')}"
    subject, body = render_kind(kind, {**context, "recipient": None})
    queue_email(to=complaint.complainant_email, subject=subject, body=body, kind=kind)


def _tell_partner_complained_about(complaint: Complaint, kind: str, context: dict | None = None) -> None:
    if complaint.partner_id:
        notify(
            kind=kind,
            recipients=partner_users(complaint.partner),
            context={"complaint": complaint, **(context or {})},
            url=portal_url(complaint),
        )


# The private tracking link ------------------------------------------------


def _new_tracking_token(complaint: Complaint) -> str:
    """A fresh private link for the complaint; any earlier link stops working.
    Only the token's SHA-256 hash is kept."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    complaint.tracking_token_hash = token_hash(token)
    complaint.tracking_expires_at = timezone.now() + timedelta(days=settings.COMPLAINT_TRACKING_LINK_DAYS)
    return token


def _extend_tracking(complaint: Complaint) -> None:
    """Each message to the complainant keeps their link alive a while longer."""
    expires = timezone.now() + timedelta(days=settings.COMPLAINT_TRACKING_LINK_DAYS)
    if complaint.tracking_expires_at is None or complaint.tracking_expires_at < expires:
        complaint.tracking_expires_at = expires
        Complaint.objects.filter(pk=complaint.pk, decided_at__isnull=True).update(tracking_expires_at=expires)


@transaction.atomic
def tracking_link_resend(*, reference: str, email: str) -> bool:
    """Send a new private link to the complainant's own address, if the
    reference and address match a complaint made without a portal account; the
    old link stops working. A decided case is locked, so its decision is sent
    again instead. The caller shows the same answer either way, so nobody can
    learn which references exist."""
    complaint = (
        Complaint.objects.select_for_update()
        .filter(reference__iexact=reference.strip(), complainant_email__iexact=email.strip())
        .exclude(raised_via=Complaint.RaisedVia.PORTAL)
        .first()
    )
    if complaint is None:
        return False
    if complaint.is_decided:
        _tell_complainant(complaint, "complaints_decided")
        return True
    token = _new_tracking_token(complaint)
    complaint.save(update_fields=["tracking_token_hash", "tracking_expires_at", "updated_at"])
    record(complaint, actor=None, action="new private link sent to the complainant")
    _tell_complainant(complaint, "complaints_tracking_link", token=token)
    return True


# Raising a complaint ------------------------------------------------------


@dataclass(frozen=True)
class Raised:
    complaint: Complaint
    tracking_token: str | None  # the private link's token, shown once and emailed; never stored


def _next_reference(year: int) -> str:
    """C-2026-0001: the year's next number, taken under a lock."""
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    number = counter.last_number + 1
    while Complaint.objects.filter(reference=f"C-{year}-{number:04d}").exists():
        number += 1  # a number given out by hand (e.g. demo data) is skipped
    counter.last_number = number
    counter.save(update_fields=["last_number"])
    return f"C-{year}-{number:04d}"


def deadlines_from(received_on: date) -> dict[str, date]:
    """The Hub's promised dates, in its working days (its terms, in the Hub record)."""
    hub = current_hub()
    return {
        "acknowledge_by": add_working_days(received_on, hub.complaint_acknowledge_working_days),
        "respond_by": add_working_days(received_on, hub.complaint_respond_working_days),
    }


def _check_subject(*, about: str, partner, agreement, complainant_partner=None, partner_required: bool) -> None:
    if about == Complaint.About.HUB and (partner is not None or agreement is not None):
        raise ActionRefused("A complaint about the Hub itself cannot also name a partner. Choose one or the other.")
    if about == Complaint.About.PARTNER and partner is None and partner_required:
        raise ActionRefused("Choose the partner the complaint is about, or say it is about the Hub itself.")
    if agreement is not None and agreement.partner_id != getattr(partner, "pk", None):
        raise ActionRefused(
            "The agreement chosen is not with the partner the complaint is about. Choose one of theirs."
        )
    if complainant_partner is not None and partner is not None and partner.pk == complainant_partner.pk:
        raise ActionRefused(
            "You cannot make a complaint about your own partnership. Choose another partner or the Hub."
        )


@transaction.atomic
def complaint_raise(
    *,
    actor,
    via: str,
    complainant_name: str,
    complainant_email: str,
    category: str,
    about: str,
    account: str,
    complainant_phone: str = "",
    partner=None,
    agreement=None,
    desired_outcome: str = "",
    attachments: Iterable = (),
    received_at=None,
) -> Raised:
    """Record a written complaint, with its deadlines in working days, and tell
    the Service Manager (or, for a safeguarding concern, the Service Manager
    and every safeguarding lead, and no one else) at once.

    ``via`` says who wrote it: a partner user in the portal (``actor`` is them),
    Hub staff on someone's behalf, or the public through the open form
    (``actor`` None). Anyone but a partner user gets a private tracking link.
    """
    authenticated = actor is not None and actor.is_authenticated
    complainant_partner = None
    if via == Complaint.RaisedVia.PORTAL:
        enforce(may_raise_from_portal(actor))
        complainant_partner = actor.partner
    elif via == Complaint.RaisedVia.STAFF:
        enforce(may_raise_on_behalf(actor))
    elif via != Complaint.RaisedVia.PUBLIC:
        raise ActionRefused("Say how the complaint was made.")
    _check_subject(
        about=about,
        partner=partner,
        agreement=agreement,
        complainant_partner=complainant_partner,
        partner_required=via != Complaint.RaisedVia.PUBLIC,
    )
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        raise ActionRefused("The date the complaint was received cannot be in the future.")
    received_on = timezone.localdate(received_at)
    complaint = Complaint(
        reference=_next_reference(received_on.year),
        category=category,
        raised_via=via,
        raised_by=actor if authenticated else None,
        complainant_name=complainant_name.strip(),
        complainant_email=complainant_email.strip(),
        complainant_phone=complainant_phone.strip(),
        complainant_partner=complainant_partner,
        about=about,
        partner=partner,
        agreement=agreement,
        account=account,
        desired_outcome=desired_outcome,
        received_at=received_at,
        **deadlines_from(received_on),
    )
    token = None if via == Complaint.RaisedVia.PORTAL else _new_tracking_token(complaint)
    complaint.save()
    for upload in attachments:
        ComplaintAttachment.objects.create(
            complaint=complaint,
            file=upload,
            original_filename=upload.name[:255],
            uploaded_by=actor if authenticated else None,
        )
    record(complaint, actor=actor, action="complaint received", note=complaint.get_raised_via_display())
    _flag_to_staff(complaint)
    _tell_complainant(complaint, "complaints_confirmation", token=token)
    return Raised(complaint, token)


def _flag_to_staff(complaint: Complaint) -> None:
    if complaint.is_safeguarding:
        notify(
            kind="complaints_safeguarding_concern",
            recipients=safeguarding_recipients(),
            context={"complaint": complaint},
            url=staff_url(complaint),
        )
    else:
        notify(
            kind="complaints_received",
            recipients=service_managers(),
            context={"complaint": complaint},
            url=staff_url(complaint),
        )


# Stage one: the Service Manager ------------------------------------------


def _locked(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("partner", "owner", "raised_by")
        .get(pk=complaint.pk)
    )


@transaction.atomic
def complaint_acknowledge(*, complaint: Complaint, actor, message: str = "") -> Complaint:
    """The Service Manager acknowledges receipt and takes ownership; the
    complainant is told, with any message written for them."""
    complaint = _locked(complaint)
    enforce(may_acknowledge(actor, complaint))
    complaint.acknowledged_at = timezone.now()
    fields = ["acknowledged_at"]
    if complaint.owner_id is None:
        complaint.owner = actor
        fields.append("owner")
    transition(complaint, to=Status.ACKNOWLEDGED, actor=actor, note=message, update_fields=fields)
    if message.strip():
        _add_note(complaint, actor=actor, kind=Kind.TO_COMPLAINANT, body=message)
    _tell_complainant(complaint, "complaints_acknowledged", {"message": message.strip()})
    return complaint


@transaction.atomic
def complaint_investigate(*, complaint: Complaint, actor, note: str = "") -> Complaint:
    """The Service Manager starts the investigation."""
    complaint = _locked(complaint)
    enforce(may_investigate(actor, complaint))
    transition(complaint, to=Status.INVESTIGATING, actor=actor, note=note)
    return complaint


@transaction.atomic
def complaint_resolve(*, complaint: Complaint, actor, resolution: str) -> Complaint:
    """The written resolution goes to the complainant, who may accept it or
    escalate to the Chair within the window (working days from today)."""
    complaint = _locked(complaint)
    enforce(may_resolve(actor, complaint))
    if not resolution.strip():
        raise ActionRefused("Write the resolution: it is sent to the complainant.")
    complaint.resolution = resolution.strip()
    complaint.resolved_at = timezone.now()
    complaint.escalate_by = add_working_days(timezone.localdate(), current_hub().complaint_escalation_working_days)
    transition(
        complaint,
        to=Status.RESOLVED,
        actor=actor,
        note=f"Escalation open until {complaint.escalate_by:%-d %B %Y}.",
        update_fields=["resolution", "resolved_at", "escalate_by"],
    )
    _tell_complainant(complaint, "complaints_resolved")
    return complaint


@transaction.atomic
def complaint_update_details(
    *, complaint: Complaint, actor, category: str, about: str, partner, agreement
) -> Complaint:
    """Triage in stage one: what kind of complaint it is and whom it is about.
    Made a safeguarding concern, it is flagged to the safeguarding leads at once."""
    complaint = _locked(complaint)
    enforce(may_update_details(actor, complaint))
    _check_subject(about=about, partner=partner, agreement=agreement, partner_required=True)
    became_safeguarding = category == Complaint.Category.SAFEGUARDING and not complaint.is_safeguarding
    before = f"{complaint.get_category_display()}, about {complaint.about_label}"
    complaint.category, complaint.about, complaint.partner, complaint.agreement = category, about, partner, agreement
    complaint.save(update_fields=["category", "about", "partner", "agreement", "updated_at"])
    after = f"{complaint.get_category_display()}, about {complaint.about_label}"
    if before != after or agreement is not None:
        record(complaint, actor=actor, action="details changed", note=f"Was: {before}. Now: {after}.")
    if became_safeguarding:
        _flag_to_staff(complaint)
    return complaint


# The complainant's answer ---------------------------------------------------


@transaction.atomic
def complaint_accept(*, complaint: Complaint, actor=None, token: str | None = None) -> Complaint:
    """The complainant accepts the resolution: the complaint closes."""
    complaint = _locked(complaint)
    enforce(may_accept(actor, complaint, token))
    complaint.closed_at = timezone.now()
    transition(
        complaint,
        to=Status.CLOSED,
        actor=actor,
        note="The complainant accepted the resolution.",
        update_fields=["closed_at"],
    )
    notify(
        kind="complaints_closed",
        recipients=stage_one_staff(complaint),
        context={"complaint": complaint, "why": "The complainant accepted the resolution."},
        url=staff_url(complaint),
    )
    return complaint


@transaction.atomic
def complaint_escalate(*, complaint: Complaint, actor=None, reasons: str, token: str | None = None) -> Complaint:
    """The complainant is not satisfied and escalates to the Chair of the Hub
    Executive Board, giving their reasons, up to the last day of the window."""
    complaint = _locked(complaint)
    enforce(may_escalate(actor, complaint, token))
    if not reasons.strip():
        raise ActionRefused("Say why the resolution does not settle your complaint: the Chair reads your reasons.")
    complaint.escalation_reasons = reasons.strip()
    complaint.escalated_at = timezone.now()
    transition(
        complaint,
        to=Status.ESCALATED,
        actor=actor,
        note="Escalated to the Chair by the complainant.",
        update_fields=["escalation_reasons", "escalated_at"],
    )
    notify(kind="complaints_escalated", recipients=chairs(), context={"complaint": complaint}, url=chair_url(complaint))
    notify(
        kind="complaints_escalated_staff",
        recipients=stage_one_staff(complaint),
        context={"complaint": complaint},
        url=staff_url(complaint),
    )
    _tell_complainant(complaint, "complaints_escalation_received")
    return complaint


@transaction.atomic
def complaint_close_unescalated(*, complaint_id: int, today: date | None = None) -> Complaint | None:
    """Close a resolved complaint once its escalation window has passed. Safe
    to run twice: anything no longer resolved, or still in its window, is left."""
    today = today or timezone.localdate()
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("raised_by", "owner")
        .filter(pk=complaint_id, status=Status.RESOLVED, escalate_by__lt=today)
        .first()
    )
    if complaint is None:
        return None
    complaint.closed_at = timezone.now()
    note = f"Not escalated by {complaint.escalate_by:%-d %B %Y}, the last day to do so: closed."
    transition(complaint, to=Status.CLOSED, actor=None, note=note, update_fields=["closed_at"])
    _tell_complainant(complaint, "complaints_window_ended")
    notify(
        kind="complaints_closed",
        recipients=stage_one_staff(complaint),
        context={"complaint": complaint, "why": note},
        url=staff_url(complaint),
    )
    return complaint


# Stage two: the Chair -------------------------------------------------------


@transaction.atomic
def complaint_take_into_review(*, complaint: Complaint, actor) -> Complaint:
    """The Chair opens their review of an escalated complaint."""
    complaint = _locked(complaint)
    enforce(may_take_into_review(actor, complaint))
    complaint.chair_review_at = timezone.now()
    transition(complaint, to=Status.CHAIR_REVIEW, actor=actor, update_fields=["chair_review_at"])
    _tell_complainant(complaint, "complaints_chair_review")
    return complaint


@transaction.atomic
def complaint_decide(*, complaint: Complaint, actor, findings: str, decision: str, reasons: str) -> Complaint:
    """The Chair's findings and decision, with reasons: final. The case is
    locked and dated, and the decision goes to the complainant (in full), the
    partner complained about (the decision and reasons) and staff."""
    complaint = _locked(complaint)
    enforce(may_decide(actor, complaint))
    if decision not in Complaint.ChairDecision.values:
        raise ActionRefused("Choose a decision: upheld, partly upheld or not upheld.")
    if not findings.strip() or not reasons.strip():
        raise ActionRefused("Write your findings and the reasons for your decision: both are sent with it.")
    complaint.chair_findings = findings.strip()
    complaint.chair_decision = decision
    complaint.chair_reasons = reasons.strip()
    complaint.decided_by = actor
    complaint.decided_at = timezone.now()
    # The link must still open the decision after the row is locked: extend it first.
    if complaint.tracking_token_hash:
        complaint.tracking_expires_at = complaint.decided_at + timedelta(days=settings.COMPLAINT_TRACKING_LINK_DAYS)
    transition(
        complaint,
        to=Status.DECIDED,
        actor=actor,
        note=f"Decision: {complaint.get_chair_decision_display()}.",
        update_fields=[
            "chair_findings",
            "chair_decision",
            "chair_reasons",
            "decided_by",
            "decided_at",
            "tracking_expires_at",
        ],
    )
    _tell_complainant(complaint, "complaints_decided")
    _tell_partner_complained_about(complaint, "complaints_decided_partner")
    staff = {u.pk: u for u in [*stage_one_staff(complaint), *service_managers()]}.values()
    if complaint.is_safeguarding:
        staff = [u for u in staff if roles.is_safeguarding_lead(u)]
    notify(
        kind="complaints_decided_staff", recipients=staff, context={"complaint": complaint}, url=staff_url(complaint)
    )
    return complaint


# Notes and messages ---------------------------------------------------------


def _add_note(complaint: Complaint, *, actor, kind: str, body: str, corrects=None) -> ComplaintNote:
    author = str(actor) if actor is not None and actor.is_authenticated else complaint.complainant_name
    return ComplaintNote.objects.create(
        complaint=complaint,
        kind=kind,
        author=actor if actor is not None and actor.is_authenticated else None,
        author_name=author,
        body=body.strip(),
        corrects=corrects,
    )


@transaction.atomic
def complaint_note_add(*, complaint: Complaint, actor, kind: str, body: str, corrects: ComplaintNote | None = None):
    """Add a note to the case file: internal, a message to the complainant, a
    note shared with the partner complained about, or (on a decided case, the
    only thing that may be added) a correction linked to what it corrects."""
    complaint = _locked(complaint)
    enforce(may_add_note(actor, complaint, kind))
    if not body.strip():
        raise ActionRefused("Write the note.")
    if corrects is not None and corrects.complaint_id != complaint.pk:
        raise ActionRefused("A correction can only correct a note on the same complaint.")
    if kind != Kind.CORRECTION:
        corrects = None
    note = _add_note(complaint, actor=actor, kind=kind, body=body, corrects=corrects)
    if corrects is None:
        what = "the Chair's decision"
    else:
        what = f"the note of {timezone.localtime(corrects.created_at):%-d %B %Y}"
    record(
        complaint,
        actor=actor,
        action=f"{Kind(kind).label.lower()} added" if kind != Kind.CORRECTION else f"correction of {what} added",
    )
    context = {"body": note.body, "corrects": corrects}
    if kind == Kind.TO_COMPLAINANT:
        _tell_complainant(complaint, "complaints_message", context)
    elif kind == Kind.SHARED_WITH_PARTNER:
        _tell_partner_complained_about(complaint, "complaints_shared_with_partner", context)
    elif kind == Kind.CORRECTION:
        target = corrects.kind if corrects is not None else None
        if target is None or target in (Kind.TO_COMPLAINANT, Kind.FROM_COMPLAINANT):
            _tell_complainant(complaint, "complaints_correction", context)
        if target is None and complaint.is_decided or target == Kind.SHARED_WITH_PARTNER:
            _tell_partner_complained_about(complaint, "complaints_correction_partner", context)
    return note


@transaction.atomic
def complaint_message_from_complainant(
    *, complaint: Complaint, actor=None, body: str, token: str | None = None
) -> ComplaintNote:
    """The complainant writes to the Hub about their open complaint."""
    complaint = _locked(complaint)
    enforce(may_message_as_complainant(actor, complaint, token))
    if not body.strip():
        raise ActionRefused("Write your message.")
    note = _add_note(complaint, actor=actor, kind=Kind.FROM_COMPLAINANT, body=body)
    record(complaint, actor=actor, action="message from the complainant")
    people = stage_one_staff(complaint)
    url = staff_url(complaint)
    if complaint.status in Complaint.WITH_CHAIR:
        people, url = list(chairs()), chair_url(complaint)
    notify(kind="complaints_message_received", recipients=people, context={"complaint": complaint}, url=url)
    return note


# From a safeguarding concern: the partners and agreements routes -------------


@transaction.atomic
def complaint_suspend_partner(*, complaint: Complaint, actor, reason: str) -> Complaint:
    """Suspend the partnership at once, from a safeguarding concern."""
    complaint = _locked(complaint)
    enforce(may_suspend_partner(actor, complaint))
    if not reason.strip():
        raise ActionRefused("Say why the partnership is suspended: the partner is told.")
    partner_suspend(partner=complaint.partner, actor=actor, reason=reason.strip())
    record(complaint, actor=actor, action="partnership suspended", note=reason.strip())
    return complaint


@transaction.atomic
def complaint_recommend_termination(
    *,
    complaint: Complaint,
    actor,
    agreement,
    kind: str,
    reasons: list[str],
    evidence: str,
    other_reason: str = "",
    suspend_partner: bool = False,
    documents: Iterable = (),
):
    """Recommend the Chair ends the partnership (terminate or not renew), from a
    safeguarding concern: the agreements route, linked to this complaint."""
    complaint = _locked(complaint)
    enforce(may_recommend_termination(actor, complaint))
    if agreement.partner_id != complaint.partner_id:
        raise ActionRefused("Choose an agreement with the partner the concern is about.")
    recommendation = recommendation_raise(
        agreement=agreement,
        actor=actor,
        kind=kind,
        reasons=list(reasons),
        evidence=evidence,
        other_reason=other_reason,
        complaint=complaint,
        suspend_partner=suspend_partner,
        documents=documents,
    )
    record(complaint, actor=actor, action="termination recommended to the Chair", note=evidence)
    return recommendation


def open_recommendations(complaint: Complaint):
    return TerminationRecommendation.objects.filter(complaint=complaint).select_related("agreement")


def partners_to_complain_about(exclude=None):
    """Partners someone may complain about: those in or recently in the partnership."""
    states = [Partner.Stage.ACTIVE, Partner.Stage.SUSPENDED, Partner.Stage.AGREEMENT_PENDING, Partner.Stage.LAPSED]
    found = Partner.objects.filter(status__in=states).order_by("name")
    if exclude is not None:
        found = found.exclude(Q(pk=exclude.pk))
    return found
