"""Who may do what to a complaint. Each ``can_*`` answers for the views, the
templates (to show a button) and the services (to refuse) alike.

The role checks here say who may act; the object's visibility (who may open
it at all) is ``Complaint.objects.visible_to``. Checks that take the stage
into account say "possible now", so a button shows only when pressing it
would work.
"""

import hashlib
import hmac
from datetime import date

from django.utils import timezone

from complaints.models import Complaint, ComplaintNote
from hubportal.core.roles import (
    is_admin,
    is_chair,
    is_hub_staff,
    is_partner_user,
    is_safeguarding_lead,
    is_service_manager,
)

Status = Complaint.Status
Kind = ComplaintNote.Kind


def can_use_staff_area(user) -> bool:
    """Hub staff, and safeguarding leads (who may hold no other staff role):
    the concerns flagged to them must open for them."""
    return is_hub_staff(user) or is_safeguarding_lead(user)


def handles_stage_one(user) -> bool:
    """The Service Manager owns stage one (admins may stand in)."""
    return is_service_manager(user) or is_admin(user)


def can_see_personal_details(user) -> bool:
    """Exports carry the complainant's name and contact details only for
    safeguarding leads."""
    return is_safeguarding_lead(user)


def can_raise_on_behalf(user) -> bool:
    """Hub staff record a complaint made to them in writing by someone else."""
    return is_hub_staff(user)


def can_raise_from_portal(user) -> bool:
    return is_partner_user(user)


def can_acknowledge(user, complaint: Complaint) -> bool:
    """The Service Manager acknowledges a complaint just received."""
    return handles_stage_one(user) and complaint.status == Status.RECEIVED


def can_investigate(user, complaint: Complaint) -> bool:
    """The Service Manager starts investigating an acknowledged complaint."""
    return handles_stage_one(user) and complaint.status == Status.ACKNOWLEDGED


def can_resolve(user, complaint: Complaint) -> bool:
    """The Service Manager writes the resolution once the investigation is done."""
    return handles_stage_one(user) and complaint.status == Status.INVESTIGATING


def can_update_details(user, complaint: Complaint) -> bool:
    """Triage in stage one: the category, and which partner or agreement it is about."""
    return handles_stage_one(user) and complaint.status in Complaint.STAGE_ONE


def is_complainant(user, complaint: Complaint) -> bool:
    """A user of the partner that raised the complaint from the portal."""
    return (
        is_partner_user(user)
        and complaint.raised_via == Complaint.RaisedVia.PORTAL
        and complaint.complainant_partner_id == user.partner_id
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tracking_token_matches(complaint: Complaint, token: str | None) -> bool:
    """The private link's token is this complaint's, and has not expired."""
    if not token or not complaint.tracking_token_hash or complaint.tracking_expires_at is None:
        return False
    if complaint.tracking_expires_at <= timezone.now():
        return False
    return hmac.compare_digest(complaint.tracking_token_hash, token_hash(token))


def acts_as_complainant(user, complaint: Complaint, token: str | None = None) -> bool:
    """The complainant: the partner's user in the portal, or whoever holds the private link."""
    if user is not None and user.is_authenticated and is_complainant(user, complaint):
        return True
    return tracking_token_matches(complaint, token)


def can_accept(user, complaint: Complaint, token: str | None = None) -> bool:
    """The complainant accepts the resolution, which closes the complaint."""
    return complaint.status == Status.RESOLVED and acts_as_complainant(user, complaint, token)


def within_escalation_window(complaint: Complaint, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return complaint.escalate_by is not None and today <= complaint.escalate_by


def can_escalate(user, complaint: Complaint, token: str | None = None, today: date | None = None) -> bool:
    """The complainant escalates to the Chair, up to and including the last day of the window."""
    return (
        complaint.status == Status.RESOLVED
        and within_escalation_window(complaint, today)
        and acts_as_complainant(user, complaint, token)
    )


def can_message_as_complainant(user, complaint: Complaint, token: str | None = None) -> bool:
    """The complainant may write to the Hub while the complaint is open."""
    return complaint.is_open and acts_as_complainant(user, complaint, token)


def can_take_into_review(user, complaint: Complaint) -> bool:
    """The Chair takes an escalated complaint into review."""
    return is_chair(user) and complaint.status == Status.ESCALATED


def can_decide(user, complaint: Complaint) -> bool:
    """The Chair records findings and a final decision on a complaint under review."""
    return is_chair(user) and complaint.status == Status.CHAIR_REVIEW


def note_kinds_for(user, complaint: Complaint) -> list[str]:
    """The kinds of note this user may add to this complaint now. A decided
    complaint takes corrections only; a closed one takes internal notes."""
    if complaint.is_decided:
        return [Kind.CORRECTION] if (is_chair(user) or handles_stage_one(user)) else []
    kinds = []
    if is_hub_staff(user) or is_safeguarding_lead(user):
        kinds.append(Kind.INTERNAL)
        if complaint.is_open:
            if handles_stage_one(user):
                kinds.append(Kind.TO_COMPLAINANT)
            if complaint.partner_id and is_hub_staff(user):
                kinds.append(Kind.SHARED_WITH_PARTNER)
    elif is_chair(user) and complaint.status in Complaint.WITH_CHAIR:
        kinds += [Kind.INTERNAL, Kind.TO_COMPLAINANT]
    return kinds


def can_add_note(user, complaint: Complaint, kind: str | None = None) -> bool:
    kinds = note_kinds_for(user, complaint)
    return bool(kinds) if kind is None else kind in kinds


def can_suspend_partner(user, complaint: Complaint) -> bool:
    """From a safeguarding concern, staff suspend the partnership at once. Not
    from a concern the Chair has decided: it is locked, and a fresh worry is a
    new concern."""
    from partners.models import Partner

    return (
        is_hub_staff(user)
        and is_safeguarding_lead(user)
        and complaint.is_safeguarding
        and not complaint.is_decided
        and complaint.partner_id is not None
        and complaint.partner.status == Partner.Stage.ACTIVE
    )


def can_recommend_termination(user, complaint: Complaint) -> bool:
    """From a safeguarding concern, staff recommend the Chair ends the partnership
    (the agreements route: the Chair decides)."""
    return (
        is_hub_staff(user)
        and is_safeguarding_lead(user)
        and complaint.is_safeguarding
        and complaint.partner_id is not None
        and not complaint.is_decided
    )
