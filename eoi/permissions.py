"""Who may do what in commissioning: one function per action, asked by the
view (to refuse with 403) and by the template (to show the button).

Each takes an object the user can already see (fetched through a selector's
``visible_to``), so these answer "may they do this to it now", never "may
they see it"."""

from django.utils import timezone

from eoi.models import AssessorAssignment, Call, ExpressionOfInterest
from hubportal.roles import is_assessor, is_hub_staff, is_partner_user
from partners.models import Partner

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


def can_start_eoi(user, call: Call) -> bool:
    """An active partner user answers a call that is open to them and not yet past its close."""
    return (
        is_partner_user(user)
        and user.partner.status == Partner.Stage.ACTIVE
        and call_accepts_submissions(call)
        and call.is_open_to(user.partner)
    )


def can_edit_eoi(user, eoi: ExpressionOfInterest) -> bool:
    """The partner edits its own draft while the call takes submissions."""
    return is_own_eoi(user, eoi) and eoi.status == EOI.DRAFT and call_accepts_submissions(eoi.call)


def can_submit_eoi(user, eoi: ExpressionOfInterest) -> bool:
    """Asked by the template; the service also checks the call's close time and the rule."""
    return can_edit_eoi(user, eoi)


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


def can_award(user, eoi: ExpressionOfInterest) -> bool:
    """A successful EOI is awarded once the call's assessment is complete."""
    return (
        is_hub_staff(user)
        and eoi.status == EOI.SUCCESSFUL
        and eoi.call.status == Call.Status.ASSESSED
        and not eoi.has_award
    )
