"""Who may do what in monitoring: one ``can_<action>`` per action, asked by the
view (through the service) and by the template to show the button."""

from hubportal.core.roles import is_hub_staff, is_partner_user
from surveys.models import CaseStudy, ProjectEvaluation, QuestionSet, SurveyRequest


def can_manage_question_sets(user) -> bool:
    """Hub staff build and edit question sets."""
    return is_hub_staff(user)


def can_edit_question_set(user, question_set: QuestionSet) -> bool:
    """Only the newest version of a set is edited (an older one is the record of what a round asked)."""
    return is_hub_staff(user) and question_set.retired_at is None


def can_open_round(user) -> bool:
    """Hub staff open a term's survey round."""
    return is_hub_staff(user)


def _own(user, partner_id: int) -> bool:
    return is_partner_user(user) and user.partner_id == partner_id


def can_fill(user, request: SurveyRequest) -> bool:
    """The partner's own users answer a request while it is open (not started, in progress, returned)."""
    return _own(user, request.partner_id) and request.status in SurveyRequest.OPEN


def can_submit(user, request: SurveyRequest) -> bool:
    return can_fill(user, request)


def can_review(user, request: SurveyRequest) -> bool:
    """Staff accept or return a submitted request."""
    return is_hub_staff(user) and request.status == SurveyRequest.Status.SUBMITTED


def can_edit_evaluation(user, agreement, evaluation: ProjectEvaluation | None) -> bool:
    """The partner writes its project's evaluation until it is submitted, and again when returned."""
    return _own(user, agreement.partner_id) and (evaluation is None or evaluation.is_editable)


def can_review_evaluation(user, evaluation: ProjectEvaluation) -> bool:
    return is_hub_staff(user) and evaluation.status == ProjectEvaluation.Status.SUBMITTED


def can_write_case_study(user, partner) -> bool:
    """A partner's users write its case studies."""
    return _own(user, partner.pk)


def can_edit_case_study(user, case_study: CaseStudy) -> bool:
    """The partner edits its own case study while it is a draft (staff unpublish it to reopen it)."""
    return _own(user, case_study.partner_id) and case_study.status == CaseStudy.Status.DRAFT


def can_record_consent(user, case_study: CaseStudy) -> bool:
    """The partner records the consent it holds, whether or not the case study is published."""
    return _own(user, case_study.partner_id)


def can_publish_case_study(user, case_study: CaseStudy) -> bool:
    """Staff publish a draft case study (the consent rule is checked by the service)."""
    return is_hub_staff(user) and case_study.status == CaseStudy.Status.DRAFT


def can_unpublish_case_study(user, case_study: CaseStudy) -> bool:
    return is_hub_staff(user) and case_study.status == CaseStudy.Status.PUBLISHED


def can_record_income(user) -> bool:
    """A partner records the income it secured."""
    return is_partner_user(user)
