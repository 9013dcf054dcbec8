"""Who may do what to a partner, its meetings and its evidence.

Each function answers for one action and is used by the view (to refuse with
403) and by the template (to show the button). They check the role and, where
it decides whether the button makes sense, the state; services check the same
function and then refuse a wrong state with a sentence saying what to do.
"""

from django.utils import timezone

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


def can_manage_partners(user) -> bool:
    """Hub staff and the Service Manager add partners and run onboarding."""
    return is_hub_staff(user)


def can_edit_profile(user, partner: Partner) -> bool:
    """Staff edit any profile; nobody edits one that has ended."""
    return is_hub_staff(user) and partner.status != Stage.TERMINATED


def can_edit_own_profile(user, partner: Partner) -> bool:
    """A partner user edits their own partner's description and contacts."""
    return is_partner_user(user) and user.partner_id == partner.pk and partner.status in OPEN_STAGES


def can_edit_contacts(user, partner: Partner) -> bool:
    return can_edit_profile(user, partner) or can_edit_own_profile(user, partner)


def can_schedule_meeting(user, partner: Partner) -> bool:
    """Staff schedule the introductory meeting after an enquiry, reschedule it,
    or hold another when the last one needed more information."""
    return is_hub_staff(user) and partner.status in {Stage.ENQUIRY, Stage.MEETING_SCHEDULED, Stage.MEETING_HELD}


def can_record_meeting(user, meeting: Meeting) -> bool:
    """Staff record an introductory meeting that is still open, from its start
    time (services.meeting_record_refusal says when recording opens)."""
    return (
        is_hub_staff(user)
        and meeting.partner.status == Stage.MEETING_SCHEDULED
        and meeting.recorded_at is None
        and meeting.cancelled_at is None
        and meeting.starts_at <= timezone.now()
    )


def can_confirm_meeting(user, meeting: Meeting) -> bool:
    """The partner confirms they will attend an upcoming meeting."""
    return (
        is_partner_user(user)
        and user.partner_id == meeting.partner_id
        and meeting.recorded_at is None
        and meeting.cancelled_at is None
        and meeting.confirmed_at is None
    )


def can_start_standards_review(user, partner: Partner) -> bool:
    return is_hub_staff(user) and partner.status == Stage.MEETING_HELD


def can_complete_standards_review(user, partner: Partner) -> bool:
    return is_hub_staff(user) and partner.status == Stage.STANDARDS_REVIEW


def can_decline(user, partner: Partner) -> bool:
    """Staff decline a partner at any stage before it is active."""
    return is_hub_staff(user) and partner.status in Partner.BEFORE_ACTIVE


def can_suspend(user, partner: Partner) -> bool:
    """Hub staff and the Service Manager suspend an active partnership (e.g. a
    safeguarding concern)."""
    return is_hub_staff(user) and partner.status == Stage.ACTIVE


def can_reinstate(user, partner: Partner) -> bool:
    """Only the Service Manager lifts a suspension (with a reason)."""
    return is_service_manager(user) and partner.status == Stage.SUSPENDED


# Stages that follow an introductory meeting whose outcome was "proceed" (the
# standards review starts only after one), while the partnership lasts.
AFTER_PROCEED = OPEN_STAGES - {Stage.ENQUIRY, Stage.MEETING_SCHEDULED, Stage.MEETING_HELD}


def can_invite_user(user, partner: Partner) -> bool:
    """Staff invite partner users once the introductory meeting's outcome is
    "proceed" (issue 3: "On proceed, staff invite the partner's first user"),
    and until the partnership ends. While another meeting is scheduled the
    question is open again, so nobody is invited."""
    if not is_hub_staff(user):
        return False
    if partner.status in AFTER_PROCEED:
        return True
    if partner.status != Stage.MEETING_HELD:
        return False
    last = last_recorded_meeting(partner)
    return last is not None and last.outcome == Meeting.Outcome.PROCEED


def can_upload_evidence(user, partner: Partner) -> bool:
    """A partner user uploads their own partner's evidence while the partnership is open."""
    return is_partner_user(user) and user.partner_id == partner.pk and partner.status in OPEN_STAGES


def can_review_evidence(user, item: EvidenceItem) -> bool:
    """Staff verify or reject evidence that has been submitted."""
    return is_hub_staff(user) and item.status == EvidenceItem.Status.SUBMITTED
