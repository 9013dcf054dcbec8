"""Survey returns against the timetable, for the annual review."""

import datetime

import pytest
from django.utils import timezone

from surveys.models import SurveyRequest
from surveys.selectors import survey_timeliness
from tests.surveys.factories import SurveyRequestFactory, SurveyRoundFactory, current_term

pytestmark = pytest.mark.django_db


def test_returns_on_time_late_and_overdue_are_counted(agreement_a, question_set):
    today = timezone.localdate()
    autumn = SurveyRoundFactory(term=current_term("autumn"), question_set=question_set)
    spring = SurveyRoundFactory(term=current_term("spring"), question_set=question_set)
    summer = SurveyRoundFactory(term=current_term("summer"), question_set=question_set)
    deadline = today - datetime.timedelta(days=10)
    SurveyRequestFactory(
        round=autumn,
        agreement=agreement_a,
        deadline=deadline,
        status=SurveyRequest.Status.ACCEPTED,
        submitted_at=timezone.now() - datetime.timedelta(days=12),
    )
    SurveyRequestFactory(
        round=spring,
        agreement=agreement_a,
        deadline=deadline,
        status=SurveyRequest.Status.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(days=2),
    )
    SurveyRequestFactory(round=summer, agreement=agreement_a, deadline=deadline)
    result = survey_timeliness(agreement_a.partner_id, agreement_a.academic_year, today)
    assert (result["on_time"], result["late"], result["overdue"]) == (1, 1, 1)
    assert result["summary"] == "1 of 3 termly surveys returned on time, 1 late, 1 overdue."


def test_a_year_without_surveys_says_so(partner_a):
    assert survey_timeliness(partner_a.pk, 2020, timezone.localdate())["summary"] == (
        "No termly surveys were asked for this year."
    )
