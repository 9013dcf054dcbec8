"""Who may do what to an agreement. Each ``may_*`` answers ``(allowed, reason)``
for the views, the templates (to show a button or say why not) and the
services (to refuse, with ``enforce``) alike."""

from agreements.models import Agreement, AnnualReview, PaymentInstalment, TerminationRecommendation
from hubportal.core.actions import ALLOWED, Verdict, not_yours, refused
from hubportal.core.roles import is_chair, is_hub_staff, is_partner_user, is_service_manager
from partners.standing import Action, standing_of

Status = Agreement.Status


def _own_partner(user, agreement: Agreement) -> bool:
    return is_partner_user(user) and user.partner_id == agreement.partner_id


def _now(agreement: Agreement, what: str) -> Verdict:
    """A "not now": the agreement's state, then what would allow the action."""
    return refused(f"This agreement is {agreement.get_status_display().lower()}. {what}")


def _staff(user, doing: str) -> Verdict:
    if not is_hub_staff(user):
        return not_yours(f"Only Hub staff {doing}.")
    return ALLOWED


def may_edit(user, agreement: Agreement) -> Verdict:
    """Staff edit a draft. Once issued the text is frozen: a change means
    returning it to draft, which starts a new version."""
    verdict = _staff(user, "edit agreements")
    if verdict[0] and agreement.status != Status.DRAFT:
        return _now(agreement, "Only a draft can be edited: return it to draft first.")
    return verdict


def may_issue(user, agreement: Agreement) -> Verdict:
    """Staff issue a draft to the partner for signature."""
    verdict = _staff(user, "issue agreements")
    if verdict[0] and agreement.status != Status.DRAFT:
        return _now(agreement, "Only a draft can be issued.")
    return verdict


def may_reopen(user, agreement: Agreement) -> Verdict:
    """Staff take an issued (or partner-signed) agreement back to draft to
    change it; this makes a new version and voids any signature."""
    verdict = _staff(user, "return an agreement to draft")
    if verdict[0] and agreement.status not in (Status.ISSUED, Status.PARTNER_SIGNED):
        return _now(
            agreement, "Only an agreement issued for signature, or signed by the partner alone, returns to draft."
        )
    return verdict


def may_sign(user, agreement: Agreement) -> Verdict:
    """A user of the partner signs an issued agreement, first."""
    if not _own_partner(user, agreement):
        return not_yours("Only a user of the partner signs the partner's agreement.")
    if agreement.status != Status.ISSUED:
        return _now(agreement, "It is not waiting for your signature.")
    return ALLOWED


def may_countersign(user, agreement: Agreement) -> Verdict:
    """The Service Manager signs for the Hub after the partner; it goes live."""
    if not is_service_manager(user):
        return not_yours("Only the Service Manager signs agreements for the Hub.")
    if agreement.status != Status.PARTNER_SIGNED:
        return _now(agreement, "The Hub signs after the partner has signed.")
    return ALLOWED


def may_download_pdf(user, agreement: Agreement) -> Verdict:
    """Staff, and the partner's own users (the queryset has already scoped them)."""
    if is_hub_staff(user) or _own_partner(user, agreement):
        return ALLOWED
    return not_yours("The PDF is for Hub staff and the partner.")


def may_review(user, agreement: Agreement) -> Verdict:
    """Staff hold the annual review of a partnership agreement in force."""
    verdict = _staff(user, "review agreements")
    if verdict[0] and (agreement.kind != Agreement.Kind.PARTNERSHIP or agreement.status not in Agreement.IN_FORCE):
        return _now(agreement, "Only a partnership agreement in force is reviewed.")
    return verdict


def may_edit_review(user, review: AnnualReview) -> Verdict:
    """A review is edited until it is completed; then it is the record."""
    verdict = _staff(user, "review agreements")
    if not verdict[0]:
        return verdict
    if review.completed_at is not None:
        return refused("This review is complete: it is the record and cannot change.")
    if review.agreement.status not in Agreement.IN_FORCE:
        return _now(review.agreement, "Only a partnership agreement in force is reviewed.")
    return ALLOWED


def may_recommend(user, agreement: Agreement, *, has_open_recommendation: bool = False) -> Verdict:
    """Staff recommend ending an agreement in force; one open recommendation at a time."""
    verdict = _staff(user, "recommend ending an agreement")
    if not verdict[0]:
        return verdict
    if has_open_recommendation:
        return refused("A recommendation to end this agreement is already with the Chair.")
    if agreement.status not in Agreement.IN_FORCE:
        return refused(
            f"This agreement is {agreement.get_status_display().lower()}: only an agreement in force can be ended."
        )
    return ALLOWED


def may_complete(user, agreement: Agreement) -> Verdict:
    """Staff mark a live project agreement completed: the evaluation is then owed."""
    verdict = _staff(user, "complete project agreements")
    if verdict[0] and not (agreement.is_project and agreement.status == Status.LIVE):
        return _now(agreement, "Only a live project agreement is completed.")
    return verdict


def may_record_payment(user, instalment: PaymentInstalment) -> Verdict:
    """Staff record that an instalment of a signed project agreement was paid."""
    verdict = _staff(user, "record payments")
    if not verdict[0]:
        return verdict
    if instalment.paid_on is not None:
        return refused(f"This instalment was already recorded as paid on {instalment.paid_on:%-d %B %Y}.")
    if instalment.agreement.status not in (Status.LIVE, Status.COMPLETED):
        return _now(instalment.agreement, "An instalment is paid once the agreement is signed by both parties.")
    return ALLOWED


def may_record_review_exception(user, agreement: Agreement) -> Verdict:
    """The Service Manager records why a partnership agreement in force may be
    rolled forward without a completed annual review."""
    if not is_service_manager(user):
        return not_yours("Only the Service Manager records this exception.")
    if agreement.kind != Agreement.Kind.PARTNERSHIP or agreement.status not in Agreement.IN_FORCE:
        return _now(agreement, "Only a partnership agreement in force is rolled forward.")
    if agreement.review_exception:
        return refused("An exception is already recorded for this agreement; it stands for this roll-forward.")
    return ALLOWED


def may_roll_forward(user) -> Verdict:
    """Staff roll the year's live agreements forward into next year's drafts."""
    return _staff(user, "roll agreements forward")


def may_edit_template(user) -> Verdict:
    """Staff keep the agreement templates up to date."""
    return _staff(user, "edit agreement templates")


def may_decide(user, recommendation: TerminationRecommendation) -> Verdict:
    """Only the Chair decides, and only once: the decision is final."""
    if not is_chair(user):
        return not_yours("Only the Chair of the Hub Executive Board decides.")
    if recommendation.is_decided:
        return refused("The Chair has already decided this recommendation; the decision is final.")
    return ALLOWED


def can_see_recommendation(user) -> bool:
    """Staff who raise recommendations and the Chair who decides them (a role
    check the selectors scope by)."""
    return is_hub_staff(user) or is_chair(user)


def standing_action(agreement: Agreement, partnership_action: Action) -> tuple[Action, int | None]:
    """What the partner's standing is asked for a step of this agreement: a
    project agreement is part of an award; a partnership agreement is for its year."""
    if agreement.is_project:
        return Action.EOI_AWARD, None
    return partnership_action, agreement.academic_year


def standing_allows(agreement: Agreement, partnership_action: Action) -> tuple[bool, str]:
    """Whether the partner's standing allows this step of the agreement now, and if not, why."""
    action, year = standing_action(agreement, partnership_action)
    return standing_of(agreement.partner).may(action, academic_year=year)
