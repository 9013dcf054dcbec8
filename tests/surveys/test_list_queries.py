"""Every monitoring list costs the same number of queries at two data sizes."""

import pytest
from django.urls import reverse

from hubportal.core.academic_years import AcademicYear, current_academic_year
from hubportal.models import Term
from surveys.models import ProjectEvaluation, SurveyRequest
from tests.agreements.factories import AgreementFactory
from tests.factories import PartnerFactory
from tests.surveys.factories import (
    CaseStudyFactory,
    SurveyRequestFactory,
    SurveyRoundFactory,
    completed_project,
    consent_for,
    image_for,
    income,
)

pytestmark = pytest.mark.django_db


def rounds(n, question_set):
    """n rounds, a term each, going back year by year."""
    start = current_academic_year().start_year
    terms = [t for k in range(n) for t in Term.for_year(AcademicYear(start - k))][:n]
    return [SurveyRoundFactory(term=t, question_set=question_set) for t in terms]


def records_for(partner, survey_round, author, n, agreement=None):
    request = SurveyRequestFactory(
        round=survey_round, agreement=agreement or AgreementFactory(live=True, partner=partner)
    )
    if n % 3 == 0:
        request.status = SurveyRequest.Status.SUBMITTED
        request.save()
    project = completed_project(partner)
    if n % 2:
        ProjectEvaluation.objects.create(agreement=project)
    story = CaseStudyFactory(partner=partner, created_by=author)
    consent_for(story, "hub_reports")
    image_for(story)
    income(partner, "100.00", recorded_by=author)


def populate(n, question_set, author):
    """n partners with a request in one round, a completed project, a case study and income."""
    [survey_round] = rounds(1, question_set)
    for i in range(n):
        records_for(PartnerFactory(), survey_round, author, i)
    return survey_round


STAFF_PAGES = [
    # name, the N+1 the bound prevents
    ("surveys:request_list", "a query per request for its partner and round"),
    ("surveys:round_list", "a count query per round for each state"),
    ("surveys:questionset_list", "a count per set of its questions and rounds"),
    ("surveys:evaluation_list", "a query per project for its evaluation and partner"),
    ("surveys:case_study_list", "a query per case study for its consents and images (the consent rule)"),
    ("surveys:income_records", "a query per record for its partner"),
    ("surveys:income", "a query per partner for its income and grant"),
]


@pytest.mark.parametrize(("name", "prevents"), STAFF_PAGES)
@pytest.mark.parametrize("size", [3, 15])
def test_staff_lists_are_bounded(name, prevents, size, question_set, staff, client_for, django_assert_max_num_queries):
    populate(size, question_set, staff)
    client = client_for(staff)
    with django_assert_max_num_queries(14, info=prevents):
        response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 15])
def test_the_round_status_page_is_bounded(size, question_set, staff, client_for, django_assert_max_num_queries):
    survey_round = populate(size, question_set, staff)
    client = client_for(staff)
    # Prevents a query per request for its partner when grouping them by state.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("surveys:round_detail", args=[survey_round.pk]))
    assert response.context["total"] == SurveyRequest.objects.count()


@pytest.mark.parametrize("name", ["surveys:portal_surveys", "surveys:portal_evaluations", "surveys:portal_income"])
@pytest.mark.parametrize("size", [3, 15])
def test_portal_lists_are_bounded(name, size, question_set, partner_a_user, client_for, django_assert_max_num_queries):
    agreement = AgreementFactory(live=True, partner=partner_a_user.partner)
    for n, survey_round in enumerate(rounds(size, question_set)):
        records_for(partner_a_user.partner, survey_round, partner_a_user, n, agreement)
    client = client_for(partner_a_user)
    # Prevents a query per survey for its round, per project for its evaluation, per case study for its consents.
    with django_assert_max_num_queries(14):
        response = client.get(reverse(name))
    assert response.status_code == 200
