"""Who may do what to a complaint. Each ``may_*`` answers ``(allowed, reason)``
for the views, the templates (to show a button or say why not) and the
services (to refuse, with ``enforce``) alike.

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
from hubportal.core.actions import ALLOWED, Verdict, not_yours, refused
from hubportal.core.roles import (
    is_admin,
    is_chair,
    is_hub_staff,
    is_partner_user,
    is_safeguarding_lead,
    is_service_manager,
)
from partners.models import Partner

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


def may_raise_on_behalf(user) -> Verdict:
    """Hub staff record a complaint made to them in writing by someone else."""
    if user is None or not user.is_authenticated or not is_hub_staff(user):
        return not_yours("Only Hub staff can record a complaint for someone.")
    return ALLOWED


def may_raise_from_portal(user) -> Verdict:
    if user is None or not user.is_authenticated or not is_partner_user(user):
        return not_yours("Only partner users can raise a complaint here.")
    return ALLOWED


def undecided(complaint: Complaint) -> Verdict:
    """A decided complaint is final: nothing but a correction changes it."""
    if complaint.is_decided:
        return refused(
            f"The Chair decided this complaint on {timezone.localtime(complaint.decided_at):%-d %B %Y}; the decision "
            "is final and the case cannot be changed. If something in it is wrong, add a correction note."
        )
    return ALLOWED


def _at(complaint: Complaint, wanted: str, doing: str) -> Verdict:
    """The complaint is undecided and at the stage the action moves it from."""
    verdict = undecided(complaint)
    if verdict[0] and complaint.status != wanted:
        return refused(
            f"This complaint is {complaint.get_status_display().lower()}, so it cannot be {doing} now. "
            "Reload the page to see where it is."
        )
    return verdict


def may_acknowledge(user, complaint: Complaint) -> Verdict:
    """The Service Manager acknowledges a complaint just received."""
    if not handles_stage_one(user):
        return not_yours("Only the Service Manager can acknowledge a complaint.")
    return _at(complaint, Status.RECEIVED, "acknowledged")


def may_investigate(user, complaint: Complaint) -> Verdict:
    """The Service Manager starts investigating an acknowledged complaint."""
    if not handles_stage_one(user):
        return not_yours("Only the Service Manager can start the investigation.")
    return _at(complaint, Status.ACKNOWLEDGED, "moved to investigation")


def may_resolve(user, complaint: Complaint) -> Verdict:
    """The Service Manager writes the resolution once the investigation is done."""
    if not handles_stage_one(user):
        return not_yours("Only the Service Manager can resolve a complaint.")
    return _at(complaint, Status.INVESTIGATING, "resolved")


def may_update_details(user, complaint: Complaint) -> Verdict:
    """Triage in stage one: the category, and which partner or agreement it is about."""
    if not handles_stage_one(user):
        return not_yours("Only the Service Manager can change a complaint's details.")
    verdict = undecided(complaint)
    if verdict[0] and complaint.status not in Complaint.STAGE_ONE:
        return refused("The details can be changed only before the resolution is written.")
    return verdict


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


def may_accept(user, complaint: Complaint, token: str | None = None) -> Verdict:
    """The complainant accepts the resolution, which closes the complaint."""
    if not acts_as_complainant(user, complaint, token):
        return not_yours("Only the complainant can accept the resolution.")
    return _at(complaint, Status.RESOLVED, "accepted")


def within_escalation_window(complaint: Complaint, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return complaint.escalate_by is not None and today <= complaint.escalate_by


def may_escalate(user, complaint: Complaint, token: str | None = None, today: date | None = None) -> Verdict:
    """The complainant escalates to the Chair, up to and including the last day of the window."""
    if not acts_as_complainant(user, complaint, token):
        return not_yours("Only the complainant can escalate the complaint.")
    verdict = _at(complaint, Status.RESOLVED, "escalated")
    if verdict[0] and not within_escalation_window(complaint, today):
        return refused(
            f"The time to escalate this complaint ended on {complaint.escalate_by:%-d %B %Y}. "
            "If something new has happened, make a new complaint."
        )
    return verdict


def may_message_as_complainant(user, complaint: Complaint, token: str | None = None) -> Verdict:
    """The complainant may write to the Hub while the complaint is open."""
    if not acts_as_complainant(user, complaint, token):
        return not_yours("Only the complainant can write here.")
    verdict = undecided(complaint)
    if verdict[0] and not complaint.is_open:
        return refused("This complaint is closed. If something new has happened, make a new complaint.")
    return verdict


def may_take_into_review(user, complaint: Complaint) -> Verdict:
    """The Chair takes an escalated complaint into review."""
    if not is_chair(user):
        return not_yours("Only the Chair of the Hub Executive Board can review an escalated complaint.")
    return _at(complaint, Status.ESCALATED, "taken into review")


def may_decide(user, complaint: Complaint) -> Verdict:
    """The Chair records findings and a final decision on a complaint under review."""
    if not is_chair(user):
        return not_yours("Only the Chair of the Hub Executive Board can decide an escalated complaint.")
    return _at(complaint, Status.CHAIR_REVIEW, "decided")


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


def may_add_note(user, complaint: Complaint, kind: str | None = None) -> Verdict:
    """Any note (``kind`` None: may the note form show), or a note of this kind."""
    kinds = note_kinds_for(user, complaint)
    if not kinds:
        return not_yours(
            "The Chair's decision is final: only the Chair or the Service Manager may add a correction."
            if complaint.is_decided
            else "You cannot add notes to this complaint."
        )
    if kind is None:
        return ALLOWED
    if kind != Kind.CORRECTION and complaint.is_decided:
        return undecided(complaint)
    if kind not in kinds:
        return refused(
            f"A note of the kind “{Kind(kind).label.lower()}” cannot be added to this complaint now. "
            "Choose another kind."
        )
    return ALLOWED


def _safeguarding_lead_on_a_concern(user, complaint: Complaint) -> bool:
    return is_hub_staff(user) and is_safeguarding_lead(user) and complaint.is_safeguarding


def may_suspend_partner(user, complaint: Complaint) -> Verdict:
    """From a safeguarding concern, staff suspend the partnership at once. Not
    from a concern the Chair has decided: it is locked, and a fresh worry is a
    new concern."""
    if not _safeguarding_lead_on_a_concern(user, complaint):
        return not_yours("Only a safeguarding lead can suspend a partnership from a safeguarding concern.")
    if complaint.is_decided:
        return refused("The Chair has decided this concern, so nothing more can be done from it: raise a new concern.")
    if complaint.partner_id is None or complaint.partner.status != Partner.Stage.ACTIVE:
        return refused("The partnership is not active, so it cannot be suspended.")
    return ALLOWED


def may_recommend_termination(user, complaint: Complaint) -> Verdict:
    """From a safeguarding concern, staff recommend the Chair ends the partnership
    (the agreements route: the Chair decides)."""
    if not _safeguarding_lead_on_a_concern(user, complaint):
        return not_yours("Only a safeguarding lead can recommend termination from a safeguarding concern.")
    if complaint.partner_id is None or complaint.is_decided:
        return refused("A recommendation needs a concern about a partner that has not been decided.")
    return ALLOWED
