"""The reach page's figures are cached, and accepting a return shows in them at once."""

import pytest
from django.urls import reverse

from surveys.models import SurveyRequest
from surveys.services import request_accept
from tests.surveys.factories import SurveyRequestFactory, SurveyRoundFactory
from tests.surveys.test_aggregates import YEAR, answer, reporting_set, term  # noqa: F401 - reporting_set is a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def returns(reporting_set):  # noqa: F811
    survey_round = SurveyRoundFactory(term=term("autumn"), question_set=reporting_set)
    accepted = SurveyRequestFactory(round=survey_round)
    answer(accepted, reach=40, schools=2, sessions=10, districts={"Melton": 40}, activities={"Singing": 40})
    waiting = SurveyRequestFactory(round=survey_round)
    answer(
        waiting,
        reach=25,
        schools=1,
        sessions=5,
        districts={"Melton": 25},
        activities={"Singing": 25},
        status=SurveyRequest.Status.SUBMITTED,
    )
    return waiting


def reach_total(client) -> int:
    return client.get(reverse("surveys:reach"), {"year": YEAR}).context["headline"]["reach"]


def test_the_figures_come_from_the_cache_the_second_time(returns, client_for, staff, django_assert_max_num_queries):
    client = client_for(staff)
    assert reach_total(client) == 40
    # Prevents re-adding every answer on each view: the second view reads the cache (session,
    # user, roles, notifications, the partner choices and the year), not the seven sums.
    with django_assert_max_num_queries(10):
        assert reach_total(client) == 40


def test_accepting_a_return_shows_in_the_figures_at_once(
    returns, client_for, staff, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    assert reach_total(client) == 40
    with django_capture_on_commit_callbacks(execute=True):
        request_accept(survey_request=returns, actor=staff)
    assert reach_total(client) == 65
