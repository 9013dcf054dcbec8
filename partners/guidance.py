"""What each onboarding stage means for the partner, in their words."""

from partners.models import Partner

Stage = Partner.Stage

NEXT_STEPS = {
    Stage.ENQUIRY: "We have your enquiry. We will contact you to arrange an introductory meeting.",
    Stage.MEETING_SCHEDULED: "Your introductory meeting is booked. Please confirm you can attend; the calendar "
    "invitation is in your email and below.",
    Stage.MEETING_HELD: "Thank you for meeting us. We are agreeing the next step and will be in touch.",
    Stage.STANDARDS_REVIEW: "Show that you meet the Hub's minimum standards for safeguarding and quality: upload "
    "each document on your evidence page. We check each one and tell you when it is accepted.",
    Stage.AGREEMENT_PENDING: "You meet the minimum standards. Next is your partnership agreement: we will send it "
    "to you to sign in Hub Portal, and once both of us have signed it your partnership is live.",
    Stage.ACTIVE: "Your partnership is active. Keep your minimum-standards evidence up to date; we remind you "
    "before anything expires.",
    Stage.DECLINED: "The Hub decided not to take this partnership further. The reason is below.",
    Stage.SUSPENDED: "Your partnership is suspended. Please do not deliver activity as a Hub partner while it is; "
    "the Service Manager will contact you about what happens next.",
    Stage.LAPSED: "Your partnership agreement has ended and has not been renewed yet.",
    Stage.TERMINATED: "Your partnership has ended.",
}

# What Hub staff do next at each stage.
STAFF_NEXT_STEPS = {
    Stage.ENQUIRY: "Schedule the introductory meeting, or decline the enquiry with a reason.",
    Stage.MEETING_SCHEDULED: "Record the meeting once it has taken place: the five questions and the outcome. "
    "Reschedule it if the time has to change.",
    Stage.MEETING_HELD: "If the outcome was “proceed”, start the standards review and invite the partner's first "
    "user. If more information was needed, schedule another meeting; otherwise decline with a reason.",
    Stage.STANDARDS_REVIEW: "Check each document as the partner uploads it. When every required standard is "
    "verified and in date, mark the standards met.",
    Stage.AGREEMENT_PENDING: "Draft and issue the partnership agreement; the partnership is active once both "
    "parties have signed it.",
    Stage.ACTIVE: "Keep the minimum-standards evidence in date. Suspend the partnership at once if a safeguarding "
    "concern arises.",
    Stage.SUSPENDED: "Reinstate the partnership once the concern is resolved, or recommend termination to the Chair.",
    Stage.DECLINED: "Nothing more to do: the partner was told why.",
    Stage.LAPSED: "The agreement ended without renewal: issue a new agreement, or recommend termination.",
    Stage.TERMINATED: "The partnership has ended.",
}

# The journey a partner sees, in order (the other stages are exits from it).
JOURNEY = [
    Stage.ENQUIRY,
    Stage.MEETING_SCHEDULED,
    Stage.MEETING_HELD,
    Stage.STANDARDS_REVIEW,
    Stage.AGREEMENT_PENDING,
    Stage.ACTIVE,
]


def journey(partner: Partner) -> list[tuple[str, str, str]]:
    """(value, label, "done" | "current" | "todo") for each step of onboarding."""
    if partner.status not in JOURNEY:
        return []
    position = JOURNEY.index(partner.status)
    steps = []
    for index, stage in enumerate(JOURNEY):
        if stage == Stage.AGREEMENT_PENDING and partner.partner_type and not partner.partner_type.agreement_required:
            continue
        state = "done" if index < position else "current" if index == position else "todo"
        steps.append((stage.value, stage.label, state))
    return steps
