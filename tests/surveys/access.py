"""Who may open each monitoring URL (see tests/security/access.py)."""

from surveys.models import ProjectEvaluation, SurveyRequest
from tests.security.access import HUB_STAFF, rule
from tests.surveys.factories import (
    CaseStudyFactory,
    SurveyRequestFactory,
    SurveyRoundFactory,
    completed_project,
    consent_for,
    current_term,
    image_for,
    income,
    small_question_set,
)

PARTNERS = {"partner_a", "partner_b"}
PARTNER_A = {"partner_a"}
STAFF_AND_A = HUB_STAFF | PARTNER_A
GET_POST = ("GET", "POST")
POST = ("POST",)


def _pk(key):
    return lambda s: {"pk": s[key].pk}


RULES = {
    # Staff: question sets.
    "surveys:questionset_list": rule(HUB_STAFF),
    "surveys:questionset_create": rule(HUB_STAFF, methods=GET_POST),
    "surveys:questionset_detail": rule(HUB_STAFF, args=_pk("survey_question_set")),
    "surveys:questionset_edit": rule(HUB_STAFF, args=_pk("survey_question_set"), methods=GET_POST),
    "surveys:questionset_preview": rule(HUB_STAFF, args=_pk("survey_question_set")),
    "surveys:question_add": rule(HUB_STAFF, args=_pk("survey_question_set"), methods=GET_POST),
    "surveys:question_edit": rule(HUB_STAFF, args=_pk("survey_question"), methods=GET_POST),
    "surveys:question_move": rule(HUB_STAFF, args=_pk("survey_question"), methods=POST),
    "surveys:question_delete": rule(HUB_STAFF, args=_pk("survey_question"), methods=POST),
    # Staff: rounds and returns.
    "surveys:round_list": rule(HUB_STAFF),
    "surveys:round_open": rule(HUB_STAFF, methods=GET_POST),
    "surveys:round_detail": rule(HUB_STAFF, args=_pk("survey_round")),
    "surveys:round_deadline": rule(HUB_STAFF, args=_pk("survey_round"), methods=POST),
    "surveys:round_add_partners": rule(HUB_STAFF, args=_pk("survey_round"), methods=POST),
    "surveys:request_list": rule(HUB_STAFF),
    "surveys:request_detail": rule(HUB_STAFF, args=_pk("survey_request")),
    "surveys:request_accept": rule(HUB_STAFF, args=_pk("survey_request_submitted"), methods=POST),
    "surveys:request_return": rule(HUB_STAFF, args=_pk("survey_request_submitted"), methods=POST),
    # Staff: reach, data return, evaluations, case studies, income.
    "surveys:reach": rule(HUB_STAFF),
    "surveys:data_return": rule(HUB_STAFF),
    "surveys:answer_export": rule(HUB_STAFF),
    "surveys:evaluation_list": rule(HUB_STAFF),
    "surveys:evaluation_detail": rule(HUB_STAFF, args=_pk("evaluation")),
    "surveys:evaluation_accept": rule(HUB_STAFF, args=_pk("evaluation"), methods=POST),
    "surveys:evaluation_return": rule(HUB_STAFF, args=_pk("evaluation"), methods=POST),
    "surveys:case_study_list": rule(HUB_STAFF),
    "surveys:case_study_detail": rule(HUB_STAFF, args=_pk("case_study")),
    "surveys:case_study_publish": rule(HUB_STAFF, args=_pk("case_study"), methods=POST),
    "surveys:case_study_unpublish": rule(HUB_STAFF, args=_pk("case_study"), methods=POST),
    "surveys:income": rule(HUB_STAFF),
    "surveys:income_records": rule(HUB_STAFF),
    # Staff and partner A: partner A's case-study image (partner B gets 404).
    "surveys:case_study_image": rule(STAFF_AND_A, args=_pk("case_study_image"), scoped=True),
    # The partner portal: partner B gets 404 for partner A's records.
    "surveys:portal_surveys": rule(PARTNERS),
    "surveys:portal_request": rule(PARTNER_A, args=_pk("survey_request"), methods=GET_POST, scoped=True),
    "surveys:portal_request_check": rule(PARTNER_A, args=_pk("survey_request"), methods=GET_POST, scoped=True),
    "surveys:portal_evaluations": rule(PARTNERS),
    "surveys:portal_evaluation": rule(
        PARTNER_A, args=lambda s: {"agreement_pk": s["evaluation"].agreement_id}, methods=GET_POST, scoped=True
    ),
    # The sample's evaluation is not a draft partner A may edit: the check page sends it to the evaluation.
    "surveys:portal_evaluation_check": rule(
        PARTNER_A,
        args=lambda s: {"agreement_pk": s["evaluation"].agreement_id},
        methods=GET_POST,
        ok=frozenset({200, 302}),
        scoped=True,
    ),
    "surveys:portal_case_study_create": rule(PARTNERS, methods=GET_POST),
    "surveys:portal_case_study": rule(PARTNER_A, args=_pk("case_study"), methods=GET_POST, scoped=True),
    "surveys:portal_consent_add": rule(PARTNER_A, args=_pk("case_study"), methods=GET_POST, scoped=True),
    "surveys:portal_consent_withdraw": rule(PARTNER_A, args=_pk("consent"), methods=POST, scoped=True),
    "surveys:portal_image_add": rule(PARTNER_A, args=_pk("case_study"), methods=GET_POST, scoped=True),
    "surveys:portal_image_delete": rule(PARTNER_A, args=_pk("case_study_image_spare"), methods=POST, scoped=True),
    "surveys:portal_income": rule(PARTNERS, methods=GET_POST),
    "surveys:portal_income_delete": rule(PARTNER_A, args=_pk("income"), methods=POST, scoped=True),
}


def sample(cast, sample):
    """Partner A's monitoring records: a request (and a submitted one), a
    completed project's submitted evaluation, a case study with consent and
    images, an income record."""
    user = cast["partner_a"]
    partner = user.partner
    question_set = small_question_set()
    survey_round = SurveyRoundFactory(question_set=question_set, opened_by=cast["staff"])
    survey_request = SurveyRequestFactory(round=survey_round, agreement__partner=partner)
    spring_round = SurveyRoundFactory(term=current_term("spring"), question_set=question_set, opened_by=cast["staff"])
    submitted = SurveyRequestFactory(
        round=spring_round, agreement=survey_request.agreement, status=SurveyRequest.Status.SUBMITTED
    )
    project = completed_project(partner)
    evaluation = ProjectEvaluation.objects.create(agreement=project, status=ProjectEvaluation.Status.SUBMITTED)
    case_study = CaseStudyFactory(partner=partner, created_by=user, evaluation=evaluation)
    consent = consent_for(case_study, "hub_reports", "publicity", recorded_by=user)
    return {
        "survey_question_set": question_set,
        "survey_question": question_set.questions.get(code="activity_against_plan"),
        "survey_round": survey_round,
        "survey_request": survey_request,
        "survey_request_submitted": submitted,
        "evaluation": evaluation,
        "case_study": case_study,
        "consent": consent,
        "case_study_image": image_for(case_study),
        "case_study_image_spare": image_for(case_study),
        "income": income(partner, "250.00", recorded_by=user),
    }
