"""Who may do what to an agreement: one function per action, asked by the
view (through the service) and by the template (to show the button)."""

from agreements.models import Agreement, AnnualReview, PaymentInstalment, TerminationRecommendation
from hubportal.core.roles import is_chair, is_hub_staff, is_partner_user, is_service_manager
from partners.standing import Action, standing_of

Status = Agreement.Status


def _own_partner(user, agreement: Agreement) -> bool:
    return is_partner_user(user) and user.partner_id == agreement.partner_id


def can_edit(user, agreement: Agreement) -> bool:
    """Staff edit a draft. Once issued the text is frozen: a change means
    returning it to draft, which starts a new version."""
    return is_hub_staff(user) and agreement.status == Status.DRAFT


def can_issue(user, agreement: Agreement) -> bool:
    """Staff issue a draft to the partner for signature."""
    return is_hub_staff(user) and agreement.status == Status.DRAFT


def can_reopen(user, agreement: Agreement) -> bool:
    """Staff take an issued (or partner-signed) agreement back to draft to
    change it; this makes a new version and voids any signature."""
    return is_hub_staff(user) and agreement.status in (Status.ISSUED, Status.PARTNER_SIGNED)


def can_sign(user, agreement: Agreement) -> bool:
    """A user of the partner signs an issued agreement, first."""
    return _own_partner(user, agreement) and agreement.status == Status.ISSUED


def can_countersign(user, agreement: Agreement) -> bool:
    """The Service Manager signs for the Hub after the partner; it goes live."""
    return is_service_manager(user) and agreement.status == Status.PARTNER_SIGNED


def can_download_pdf(user, agreement: Agreement) -> bool:
    """Staff, and the partner's own users (the queryset has already scoped them)."""
    return is_hub_staff(user) or _own_partner(user, agreement)


def can_review(user, agreement: Agreement) -> bool:
    """Staff hold the annual review of a partnership agreement in force."""
    return (
        is_hub_staff(user) and agreement.kind == Agreement.Kind.PARTNERSHIP and agreement.status in Agreement.IN_FORCE
    )


def can_edit_review(user, review: AnnualReview) -> bool:
    """A review is edited until it is completed; then it is the record."""
    return is_hub_staff(user) and review.completed_at is None and review.agreement.status in Agreement.IN_FORCE


def can_recommend(user, agreement: Agreement, *, has_open_recommendation: bool = False) -> bool:
    """Staff recommend ending an agreement in force; one open recommendation at a time."""
    return is_hub_staff(user) and agreement.status in Agreement.IN_FORCE and not has_open_recommendation


def can_complete(user, agreement: Agreement) -> bool:
    """Staff mark a live project agreement completed: the evaluation is then owed."""
    return is_hub_staff(user) and agreement.is_project and agreement.status == Status.LIVE


def can_record_payment(user, instalment: PaymentInstalment) -> bool:
    """Staff record that an instalment of a signed project agreement was paid."""
    return (
        is_hub_staff(user)
        and instalment.paid_on is None
        and instalment.agreement.status in (Status.LIVE, Status.COMPLETED)
    )


def can_record_review_exception(user, agreement: Agreement) -> bool:
    """The Service Manager records why a partnership agreement in force may be
    rolled forward without a completed annual review."""
    return (
        is_service_manager(user)
        and agreement.kind == Agreement.Kind.PARTNERSHIP
        and agreement.status in Agreement.IN_FORCE
        and not agreement.review_exception
    )


def can_roll_forward(user) -> bool:
    """Staff roll the year's live agreements forward into next year's drafts."""
    return is_hub_staff(user)


def can_edit_template(user) -> bool:
    """Staff keep the agreement templates up to date."""
    return is_hub_staff(user)


def can_decide(user, recommendation: TerminationRecommendation) -> bool:
    """Only the Chair decides, and only once: the decision is final."""
    return is_chair(user) and not recommendation.is_decided


def can_see_recommendation(user) -> bool:
    """Staff who raise recommendations and the Chair who decides them."""
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
