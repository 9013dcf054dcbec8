"""Survey returns against the timetable, for the annual review."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from surveys.models import SurveyRequest
from surveys.selectors import return_timing, survey_timeliness
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


LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("sent_at", "on_time", "late"),
    [
        # 23:30 BST on the deadline day is 22:30 UTC the same day: on time.
        (datetime.datetime(2026, 10, 16, 23, 30, tzinfo=LONDON), True, False),
        # 00:30 BST the day after is still 23:30 UTC on the deadline day, but in
        # London the deadline has passed: late.
        (datetime.datetime(2026, 10, 17, 0, 30, tzinfo=LONDON), False, True),
    ],
)
def test_a_return_is_judged_on_the_day_it_was_sent_in_london(agreement_a, question_set, sent_at, on_time, late):
    SurveyRequestFactory(
        round=SurveyRoundFactory(term=current_term("autumn"), question_set=question_set),
        agreement=agreement_a,
        deadline=datetime.date(2026, 10, 16),
        status=SurveyRequest.Status.SUBMITTED,
        submitted_at=sent_at,
    )
    [row] = survey_timeliness(agreement_a.partner_id, agreement_a.academic_year, datetime.date(2026, 11, 1))["rows"]
    assert (row["on_time"], row["late"], row["overdue"]) == (on_time, late, False)
    assert row["submitted_on"] == sent_at.date()


def test_a_returned_survey_still_owed_after_its_date_is_overdue_not_on_time(agreement_a, question_set):
    SurveyRequestFactory(
        round=SurveyRoundFactory(term=current_term("autumn"), question_set=question_set),
        agreement=agreement_a,
        deadline=datetime.date(2026, 10, 23),
        status=SurveyRequest.Status.RETURNED,
        submitted_at=datetime.datetime(2026, 10, 1, 10, tzinfo=LONDON),
        returned_at=datetime.datetime(2026, 10, 9, 10, tzinfo=LONDON),
    )
    result = survey_timeliness(agreement_a.partner_id, agreement_a.academic_year, datetime.date(2026, 10, 24))
    assert (result["on_time"], result["late"], result["overdue"]) == (0, 0, 1)
    assert result["rows"][0]["submitted_on"] is None


@pytest.mark.parametrize(
    ("status", "deadline", "submitted_at", "today", "timing"),
    [
        (
            "accepted",
            datetime.date(2026, 10, 16),
            datetime.datetime(2026, 10, 16, 23, 59, tzinfo=LONDON),
            None,
            "on_time",
        ),
        ("submitted", datetime.date(2026, 10, 16), datetime.datetime(2026, 10, 17, 0, 0, tzinfo=LONDON), None, "late"),
        ("pending", datetime.date(2026, 10, 16), None, datetime.date(2026, 10, 16), None),
        ("in_progress", datetime.date(2026, 10, 16), None, datetime.date(2026, 10, 17), "overdue"),
        (
            "returned",
            datetime.date(2026, 10, 16),
            datetime.datetime(2026, 10, 1, tzinfo=LONDON),
            datetime.date(2026, 10, 17),
            "overdue",
        ),
    ],
)
def test_the_one_rule_for_keeping_to_the_timetable(status, deadline, submitted_at, today, timing):
    today = today or datetime.date(2026, 11, 1)
    assert return_timing(status=status, deadline=deadline, submitted_at=submitted_at, today=today) == timing
