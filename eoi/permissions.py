"""Who may do what in commissioning: one function per action, asked by the
view (to refuse with 403) and by the template (to show the button).

Each takes an object the user can already see (fetched through a selector's
``visible_to``), so these answer "may they do this to it now", never "may
they see it"."""

from django.utils import timezone

from eoi.models import AssessorAssignment, Call, ExpressionOfInterest
from hubportal.core.roles import is_assessor, is_hub_staff, is_partner_user
from partners.standing import Action, may

EOI = ExpressionOfInterest.Status
BEFORE_DECISION = {EOI.DRAFT, EOI.SUBMITTED, EOI.UNDER_ASSESSMENT}


def can_manage_commissioning(user) -> bool:
    """Hub staff run needs analyses, gaps and calls."""
    return is_hub_staff(user)


def can_edit_call(user, call: Call) -> bool:
    """A call is edited while it is a draft; once open, partners rely on its terms."""
    return is_hub_staff(user) and call.status == Call.Status.DRAFT


def can_open_call(user, call: Call) -> bool:
    return is_hub_staff(user) and call.status == Call.Status.DRAFT


def call_accepts_submissions(call: Call, now=None) -> bool:
    """Open and before its close time (the beat task may not have closed it yet)."""
    now = now or timezone.now()
    return call.status == Call.Status.OPEN and now < call.closes_at


def is_own_eoi(user, eoi: ExpressionOfInterest) -> bool:
    """A user of the partner that wrote it."""
    return is_partner_user(user) and eoi.partner_id == user.partner_id


def can_start_eoi(user, call: Call) -> tuple[bool, str]:
    """A partner user answers a call that is open to them and not yet past its
    close, when the partner's standing allows it (partners.standing)."""
    if not is_partner_user(user):
        return False, "Expressions of interest are written by partner users."
    allowed, reason = may(user.partner, Action.EOI_START)
    if not allowed:
        return False, reason
    if not call_accepts_submissions(call):
        return False, "This call is not taking expressions of interest: it is closed, or past its close time."
    if not call.is_open_to(user.partner):
        return False, "This call is open to other types of partner, not yours."
    return True, ""


def can_edit_eoi(user, eoi: ExpressionOfInterest) -> bool:
    """The partner's own draft while the call takes submissions (what the form
    is for); whether its standing lets it save or submit is can_save_eoi and
    can_submit_eoi."""
    return is_own_eoi(user, eoi) and eoi.status == EOI.DRAFT and call_accepts_submissions(eoi.call)


def _draft_action(user, eoi: ExpressionOfInterest, action: Action) -> tuple[bool, str]:
    if not is_own_eoi(user, eoi):
        return False, "Only the partner's own users can change its expression of interest."
    if eoi.status != EOI.DRAFT:
        return False, "This expression of interest has been submitted: it can no longer be changed."
    if not call_accepts_submissions(eoi.call):
        return False, "The call has closed, so this draft can no longer be changed or submitted."
    return may(eoi.partner, action)


def can_save_eoi(user, eoi: ExpressionOfInterest) -> tuple[bool, str]:
    """The partner saves its draft while the call is open and its standing allows."""
    return _draft_action(user, eoi, Action.EOI_SAVE)


def can_submit_eoi(user, eoi: ExpressionOfInterest) -> tuple[bool, str]:
    """The partner submits its draft while the call is open and its standing
    allows (the service also checks the answers and the match-funding rule)."""
    return _draft_action(user, eoi, Action.EOI_SUBMIT)


def can_withdraw_eoi(user, eoi: ExpressionOfInterest) -> bool:
    """The partner may withdraw its EOI at any time before a decision."""
    return is_own_eoi(user, eoi) and eoi.status in BEFORE_DECISION


def can_assign_assessors(user, eoi: ExpressionOfInterest) -> bool:
    return is_hub_staff(user) and eoi.status in {EOI.SUBMITTED, EOI.UNDER_ASSESSMENT}


def can_remove_assignment(user, assignment: AssessorAssignment) -> bool:
    """An assignment is removed only before any score is recorded under it."""
    return (
        is_hub_staff(user)
        and assignment.eoi.status in {EOI.SUBMITTED, EOI.UNDER_ASSESSMENT}
        and assignment.completed_at is None
        and not assignment.scores.exists()
    )


def can_declare_conflict(user, assignment: AssessorAssignment) -> bool:
    """The assigned assessor declares once, before anything else."""
    return (
        is_assessor(user)
        and assignment.assessor_id == user.pk
        and assignment.has_conflict is None
        and assignment.eoi.status in {EOI.SUBMITTED, EOI.UNDER_ASSESSMENT}
    )


def can_score(user, assignment: AssessorAssignment) -> bool:
    """The assigned assessor scores after declaring no conflict, once the call
    has closed and until the decision. A conflicted assessor never scores."""
    return (
        is_assessor(user)
        and assignment.assessor_id == user.pk
        and assignment.has_conflict is False
        and assignment.eoi.status == EOI.UNDER_ASSESSMENT
    )


def can_see_scores(user) -> bool:
    """Scores and the matrix are for Hub staff; an assessor sees their own scores only."""
    return is_hub_staff(user)


def can_moderate(user, eoi: ExpressionOfInterest) -> bool:
    return is_hub_staff(user) and eoi.status == EOI.UNDER_ASSESSMENT


def assessor_scores_complete(eoi: ExpressionOfInterest) -> int:
    """How many assessors with no conflict of interest have scored every criterion."""
    return eoi.assignments.filter(has_conflict=False, completed_at__isnull=False).count()


def is_moderated(eoi: ExpressionOfInterest) -> bool:
    """A moderated score counts only with the note that says what it rests on."""
    return eoi.moderated_score is not None and bool(eoi.moderation_note.strip())


def can_decide(user, eoi: ExpressionOfInterest) -> tuple[bool, str]:
    """Every EOI is assessed before it is decided (the policy): Hub staff decide
    one under assessment, in a call that has closed, once at least the call's
    minimum of conflict-free assessors have scored it completely, or its score
    has been moderated with a note."""
    if not is_hub_staff(user):
        return False, "Decisions are made by Hub staff."
    if eoi.status != EOI.UNDER_ASSESSMENT:
        return False, (
            "A decision is made once the call has closed and the expression of interest is under assessment; "
            f"this one is {eoi.get_status_display().lower()}."
        )
    call = eoi.call
    if call.status != Call.Status.CLOSED:
        return False, (
            "A decision is made while the call is closed for assessment; "
            f"this call is {call.get_status_display().lower()}."
        )
    needed = call.min_assessor_scores
    scored = assessor_scores_complete(eoi)
    if scored < needed and not is_moderated(eoi):
        return False, (
            f"This expression of interest has {scored} complete assessor score{'s' if scored != 1 else ''} "
            f"from assessors with no conflict of interest; this call needs at least {needed} before a decision. "
            "Assign another assessor and wait for their scores, or moderate the score with a note saying what "
            "it rests on."
        )
    return True, ""


def can_decide_successful(eoi: ExpressionOfInterest) -> tuple[bool, str]:
    """A decision in the partner's favour needs its standing to allow an award."""
    return may(eoi.partner, Action.EOI_AWARD)


def can_award(user, eoi: ExpressionOfInterest) -> tuple[bool, str]:
    """A successful EOI is awarded once the call's assessment is complete, and
    while the partner's standing allows an award."""
    if not is_hub_staff(user):
        return False, "Awards are made by Hub staff."
    if eoi.status != EOI.SUCCESSFUL or eoi.has_award:
        return False, "Only a successful expression of interest, not yet awarded, can be awarded."
    if eoi.call.status != Call.Status.ASSESSED:
        return False, (
            "The award follows the call's assessment: every expression of interest in the call needs its "
            "decision first."
        )
    return may(eoi.partner, Action.EOI_AWARD)
