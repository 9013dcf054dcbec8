"""Who may do what in commissioning. Each ``may_*`` answers ``(allowed, reason)``
for the views, the templates (to show a button or say why not) and the
services (to refuse, with ``enforce``) alike.

Each takes an object the user can already see (fetched through a selector's
``visible_to``), so these answer "may they do this to it now", never "may
they see it"."""

from django.utils import timezone

from eoi.models import AssessorAssignment, Call, ExpressionOfInterest
from hubportal.core.actions import ALLOWED, Verdict, not_yours, refused
from hubportal.core.roles import is_assessor, is_hub_staff, is_partner_user
from partners.standing import Action, may

EOI = ExpressionOfInterest.Status
BEFORE_DECISION = {EOI.DRAFT, EOI.SUBMITTED, EOI.UNDER_ASSESSMENT}


def may_manage_commissioning(user) -> Verdict:
    """Hub staff run needs analyses, gaps and calls."""
    if not is_hub_staff(user):
        return not_yours("Commissioning is run by Hub staff.")
    return ALLOWED


def may_edit_call(user, call: Call) -> Verdict:
    """A call is edited while it is a draft; once open, partners rely on its terms."""
    verdict = may_manage_commissioning(user)
    if verdict[0] and call.status != Call.Status.DRAFT:
        return refused("Only a draft call can be changed: partners have already been invited to this one.")
    return verdict


def may_open_call(user, call: Call) -> Verdict:
    verdict = may_manage_commissioning(user)
    if verdict[0] and call.status != Call.Status.DRAFT:
        return refused(f"This call is {call.get_status_display().lower()} already; only a draft call is opened.")
    return verdict


def call_accepts_submissions(call: Call, now=None) -> bool:
    """Open and before its close time (the beat task may not have closed it yet)."""
    now = now or timezone.now()
    return call.status == Call.Status.OPEN and now < call.closes_at


def is_own_eoi(user, eoi: ExpressionOfInterest) -> bool:
    """A user of the partner that wrote it."""
    return is_partner_user(user) and eoi.partner_id == user.partner_id


def may_start_eoi(user, call: Call) -> Verdict:
    """A partner user answers a call that is open to them and not yet past its
    close, when the partner's standing allows it (partners.standing)."""
    if not is_partner_user(user):
        return not_yours("Expressions of interest are written by partner users.")
    allowed, reason = may(user.partner, Action.EOI_START)
    if not allowed:
        return refused(reason)
    if not call_accepts_submissions(call):
        return refused("This call is not taking expressions of interest: it is closed, or past its close time.")
    if not call.is_open_to(user.partner):
        return refused("This call is open to other types of partner, not yours.")
    return ALLOWED


def may_edit_eoi(user, eoi: ExpressionOfInterest) -> Verdict:
    """The partner's own draft while the call takes submissions (what the form
    is for); whether its standing lets it save or submit is may_save_eoi and
    may_submit_eoi."""
    if not is_own_eoi(user, eoi):
        return not_yours("Only the partner's own users can change its expression of interest.")
    if eoi.status != EOI.DRAFT:
        return refused("This expression of interest has been submitted: it can no longer be changed.")
    if not call_accepts_submissions(eoi.call):
        return refused("The call has closed, so this draft can no longer be changed or submitted.")
    return ALLOWED


def _draft_action(user, eoi: ExpressionOfInterest, action: Action) -> Verdict:
    verdict = may_edit_eoi(user, eoi)
    if not verdict[0]:
        return verdict
    allowed, reason = may(eoi.partner, action)
    return ALLOWED if allowed else refused(reason)


def may_save_eoi(user, eoi: ExpressionOfInterest) -> Verdict:
    """The partner saves its draft (and its attachments) while the call is open
    and its standing allows."""
    return _draft_action(user, eoi, Action.EOI_SAVE)


def may_submit_eoi(user, eoi: ExpressionOfInterest) -> Verdict:
    """The partner submits its draft while the call is open and its standing
    allows (the service also checks the answers and the match-funding rule)."""
    return _draft_action(user, eoi, Action.EOI_SUBMIT)


def may_withdraw_eoi(user, eoi: ExpressionOfInterest) -> Verdict:
    """The partner may withdraw its EOI at any time before a decision."""
    if not is_own_eoi(user, eoi):
        return not_yours("Only the partner's own users can withdraw its expression of interest.")
    if eoi.status not in BEFORE_DECISION:
        return refused("A decision has been made on this expression of interest, so it can no longer be withdrawn.")
    return ALLOWED


def may_assign_assessors(user, eoi: ExpressionOfInterest) -> Verdict:
    if not is_hub_staff(user):
        return not_yours("Assessors are assigned by Hub staff.")
    if eoi.status not in {EOI.SUBMITTED, EOI.UNDER_ASSESSMENT}:
        return refused("Assessors are assigned to submitted expressions of interest, before the decision.")
    return ALLOWED


def may_remove_assignment(user, assignment: AssessorAssignment) -> Verdict:
    """An assignment is removed only before any score is recorded under it."""
    if not is_hub_staff(user):
        return not_yours("Assessors are removed by Hub staff.")
    if assignment.eoi.status not in {EOI.SUBMITTED, EOI.UNDER_ASSESSMENT}:
        return refused("This expression of interest has a decision, so its assessors stay on the record.")
    if assignment.completed_at is not None or assignment.scores.exists():
        return refused("This assessor has scored, so the assignment stays on the record.")
    return ALLOWED


def _assigned(user, assignment: AssessorAssignment, doing: str) -> Verdict:
    if not (is_assessor(user) and assignment.assessor_id == user.pk):
        return not_yours(f"Only the assigned assessor {doing}.")
    return ALLOWED


def may_declare_conflict(user, assignment: AssessorAssignment) -> Verdict:
    """The assigned assessor declares once, before anything else."""
    verdict = _assigned(user, assignment, "declares")
    if not verdict[0]:
        return verdict
    if assignment.has_conflict is not None:
        return refused("You have already declared on this expression of interest; the declaration stands.")
    if assignment.eoi.status not in {EOI.SUBMITTED, EOI.UNDER_ASSESSMENT}:
        return refused("This expression of interest has a decision, so there is nothing left to declare.")
    return ALLOWED


def may_score(user, assignment: AssessorAssignment) -> Verdict:
    """The assigned assessor scores after declaring no conflict, once the call
    has closed and until the decision. A conflicted assessor never scores."""
    verdict = _assigned(user, assignment, "can score")
    if not verdict[0]:
        return verdict
    if assignment.has_conflict:
        return refused("You declared a conflict of interest on this expression of interest, so you cannot score it.")
    if assignment.has_conflict is None:
        return refused("Declare whether you have a conflict of interest before you score.")
    if assignment.eoi.status != EOI.UNDER_ASSESSMENT:
        return refused("Scoring opens when the call has closed and ends with the decision.")
    return ALLOWED


def can_see_scores(user) -> bool:
    """Scores and the matrix are for Hub staff; an assessor sees their own scores
    only (a role check the templates and selectors ask)."""
    return is_hub_staff(user)


def may_moderate(user, eoi: ExpressionOfInterest) -> Verdict:
    if not is_hub_staff(user):
        return not_yours("Moderation is for Hub staff.")
    if eoi.status != EOI.UNDER_ASSESSMENT:
        return refused("Scores are moderated while the expression of interest is under assessment.")
    return ALLOWED


def assessor_scores_complete(eoi: ExpressionOfInterest) -> int:
    """How many assessors with no conflict of interest have scored every criterion."""
    return eoi.assignments.filter(has_conflict=False, completed_at__isnull=False).count()


def is_moderated(eoi: ExpressionOfInterest) -> bool:
    """A moderated score counts only with the note that says what it rests on."""
    return eoi.moderated_score is not None and bool(eoi.moderation_note.strip())


def may_decide(user, eoi: ExpressionOfInterest) -> Verdict:
    """Every EOI is assessed before it is decided (the policy): Hub staff decide
    one under assessment, in a call that has closed, once at least the call's
    minimum of conflict-free assessors have scored it completely, or its score
    has been moderated with a note."""
    if not is_hub_staff(user):
        return not_yours("Decisions are made by Hub staff.")
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


def may_decide_successful(eoi: ExpressionOfInterest) -> Verdict:
    """A decision in the partner's favour needs its standing to allow an award."""
    return may(eoi.partner, Action.EOI_AWARD)


def may_award(user, eoi: ExpressionOfInterest) -> Verdict:
    """A successful EOI is awarded once the call's assessment is complete, and
    while the partner's standing allows an award."""
    if not is_hub_staff(user):
        return not_yours("Awards are made by Hub staff.")
    if eoi.status != EOI.SUCCESSFUL or eoi.has_award:
        return False, "Only a successful expression of interest, not yet awarded, can be awarded."
    if eoi.call.status != Call.Status.ASSESSED:
        return False, (
            "The award follows the call's assessment: every expression of interest in the call needs its "
            "decision first."
        )
    return may(eoi.partner, Action.EOI_AWARD)
