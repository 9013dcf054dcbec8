"""Who may do what to a partner, its meetings and its evidence.

Each ``may_*`` answers ``(allowed, reason)`` for one action: the view asks it
(to refuse, or to say why on the page), the template (to show the button) and
the service (``enforce``) alike. They check the role and, where it decides
whether the button makes sense, the state; services then refuse what only
the input decides with a sentence saying what to do.
"""

from hubportal.core.actions import ALLOWED, Verdict, not_yours, refused
from hubportal.core.history import state_label
from hubportal.core.roles import is_hub_staff, is_partner_user, is_service_manager
from partners.models import EvidenceItem, Meeting, Partner
from partners.selectors import last_recorded_meeting

Stage = Partner.Stage

# Stages at which a partner may hold evidence and portal users (not ended).
OPEN_STAGES = {
    Stage.ENQUIRY,
    Stage.MEETING_SCHEDULED,
    Stage.MEETING_HELD,
    Stage.STANDARDS_REVIEW,
    Stage.AGREEMENT_PENDING,
    Stage.ACTIVE,
    Stage.SUSPENDED,
    Stage.LAPSED,
}


def at_stage(partner: Partner, action: str, allowed: str) -> Verdict:
    """A "not now" for the partner's stage, and what would allow the action."""
    current = state_label(partner, partner.status).lower()
    return refused(f"{partner.name} is at the stage “{current}”, so you cannot {action}: {allowed}")


def may_manage_partners(user) -> Verdict:
    """Hub staff and the Service Manager add partners and run onboarding."""
    if not is_hub_staff(user):
        return not_yours("Only Hub staff and the Service Manager can do this.")
    return ALLOWED


def _own(user, partner_id: int, doing: str) -> Verdict:
    if not (is_partner_user(user) and user.partner_id == partner_id):
        return not_yours(f"Only the partner's own users can {doing}.")
    return ALLOWED


def may_edit_profile(user, partner: Partner) -> Verdict:
    """Staff edit any profile; nobody edits one that has ended."""
    verdict = may_manage_partners(user)
    if verdict[0] and partner.status == Stage.TERMINATED:
        return refused("This partnership has been terminated, so its profile can no longer change.")
    return verdict


def may_edit_own_profile(user, partner: Partner) -> Verdict:
    """A partner user edits their own partner's description and contacts."""
    verdict = _own(user, partner.pk, "change its profile")
    if verdict[0] and partner.status not in OPEN_STAGES:
        return at_stage(partner, "change its profile", "the partnership has ended.")
    return verdict


def may_edit_contacts(user, partner: Partner) -> Verdict:
    if is_hub_staff(user):
        return may_edit_profile(user, partner)
    if is_partner_user(user) and user.partner_id == partner.pk:
        return may_edit_own_profile(user, partner)
    return not_yours("You cannot change this partner's contacts.")


def may_schedule_meeting(user, partner: Partner) -> Verdict:
    """Staff schedule the introductory meeting after an enquiry, reschedule it,
    or hold another when the last one needed more information."""
    verdict = may_manage_partners(user)
    if verdict[0] and partner.status not in {Stage.ENQUIRY, Stage.MEETING_SCHEDULED, Stage.MEETING_HELD}:
        return at_stage(partner, "schedule an introductory meeting", "that happens before the standards review.")
    return verdict


def meeting_record_refusal(meeting: Meeting) -> str:
    """Why the meeting cannot be recorded now, in a sentence for staff ("" if
    nothing stands in the way), whoever asks."""
    if meeting.recorded_at is not None:
        return "This meeting has been recorded already."
    if meeting.cancelled_at is not None:
        return "This meeting was cancelled when it was rescheduled; record the new one."
    if meeting.partner.status != Stage.MEETING_SCHEDULED:
        return at_stage(meeting.partner, "record a meeting", "schedule the introductory meeting first.")[1]
    return meeting.recording_opens


def may_record_meeting(user, meeting: Meeting) -> Verdict:
    """Staff record an introductory meeting that is still open, from its start
    time (``meeting_record_refusal`` says when recording opens)."""
    verdict = may_manage_partners(user)
    if not verdict[0]:
        return verdict
    reason = meeting_record_refusal(meeting)
    return refused(reason) if reason else ALLOWED


def may_confirm_meeting(user, meeting: Meeting) -> Verdict:
    """The partner confirms they will attend an upcoming meeting."""
    verdict = _own(user, meeting.partner_id, "confirm its meeting")
    if not verdict[0]:
        return verdict
    if meeting.recorded_at or meeting.cancelled_at:
        return refused("This meeting is no longer open to confirm.")
    if meeting.confirmed_at:
        return refused("You have confirmed this meeting already.")
    return ALLOWED


def may_start_standards_review(user, partner: Partner) -> Verdict:
    verdict = may_manage_partners(user)
    if verdict[0] and partner.status != Stage.MEETING_HELD:
        return at_stage(partner, "start the standards review", "record the introductory meeting first.")
    return verdict


def may_complete_standards_review(user, partner: Partner) -> Verdict:
    verdict = may_manage_partners(user)
    if verdict[0] and partner.status != Stage.STANDARDS_REVIEW:
        return at_stage(partner, "complete the standards review", "start the standards review first.")
    return verdict


def may_decline(user, partner: Partner) -> Verdict:
    """Staff decline a partner at any stage before it is active."""
    verdict = may_manage_partners(user)
    if verdict[0] and partner.status not in Partner.BEFORE_ACTIVE:
        return at_stage(partner, "decline it", "only a partner still in onboarding can be declined.")
    return verdict


def may_suspend(user, partner: Partner) -> Verdict:
    """Hub staff and the Service Manager suspend an active partnership (e.g. a
    safeguarding concern)."""
    verdict = may_manage_partners(user)
    if verdict[0] and partner.status != Stage.ACTIVE:
        return at_stage(partner, "suspend it", "only an active partnership can be suspended.")
    return verdict


def may_reinstate(user, partner: Partner) -> Verdict:
    """Only the Service Manager lifts a suspension (with a reason)."""
    if not is_service_manager(user):
        return not_yours("Only the Service Manager can lift a suspension.")
    if partner.status != Stage.SUSPENDED:
        return at_stage(partner, "reinstate it", "only a suspended partnership can be reinstated.")
    return ALLOWED


# Stages that follow an introductory meeting whose outcome was "proceed" (the
# standards review starts only after one), while the partnership lasts.
AFTER_PROCEED = OPEN_STAGES - {Stage.ENQUIRY, Stage.MEETING_SCHEDULED, Stage.MEETING_HELD}


def invitation_refusal(partner: Partner) -> str:
    """Why the partner's users cannot be invited now, in a sentence for staff
    ("" if they can)."""
    if partner.status in AFTER_PROCEED:
        return ""
    if partner.status in {Stage.DECLINED, Stage.TERMINATED}:
        return at_stage(partner, "invite its users", "the partnership has ended.")[1]
    if partner.status == Stage.MEETING_HELD:
        last = last_recorded_meeting(partner)
        if last is not None and last.outcome == Meeting.Outcome.PROCEED:
            return ""
        outcome = last.get_outcome_display().lower() if last else "not recorded"
        return at_stage(
            partner,
            "invite its users",
            f"users are invited once the introductory meeting's outcome is “proceed”, and the last one's was "
            f"“{outcome}”. Schedule another meeting if more information was needed, or decline the partner.",
        )[1]
    return at_stage(partner, "invite its users", "record the introductory meeting with the outcome “proceed” first.")[1]


def may_invite_user(user, partner: Partner) -> Verdict:
    """Staff invite partner users once the introductory meeting's outcome is
    "proceed" (issue 3: "On proceed, staff invite the partner's first user"),
    and until the partnership ends. While another meeting is scheduled the
    question is open again, so nobody is invited."""
    verdict = may_manage_partners(user)
    if not verdict[0]:
        return verdict
    reason = invitation_refusal(partner)
    return refused(reason) if reason else ALLOWED


def may_upload_evidence(user, partner: Partner) -> Verdict:
    """A partner user uploads their own partner's evidence while the partnership is open."""
    verdict = _own(user, partner.pk, "upload its evidence")
    if verdict[0] and partner.status not in OPEN_STAGES:
        return at_stage(partner, "upload evidence", "the partnership has ended.")
    return verdict


def may_review_evidence(user, item: EvidenceItem) -> Verdict:
    """Staff verify or reject evidence that has been submitted."""
    verdict = may_manage_partners(user)
    if verdict[0] and item.status != EvidenceItem.Status.SUBMITTED:
        status = item.get_status_display().lower()
        return refused(f"This evidence is {status}; only evidence waiting to be checked can be verified or rejected.")
    return verdict
