"""The default termly question sets the data migration seeds (issue 6)."""

import pytest

from partners.models import District
from surveys import codes
from surveys.models import Question, QuestionSet

pytestmark = pytest.mark.django_db

EVERY_TERM = [
    "activity_against_plan",
    "reach_total",
    "reach_by_activity",
    "schools_count",
    "schools_worked_with",
    "sessions_delivered",
    "reach_by_age_phase",
    "reach_by_district",
    "reach_by_sen",
    "reach_by_fsm",
    "reach_by_ethnicity",
    "reach_by_gender",
    "outcome_progress",
    "outcome_progress_detail",
    "safeguarding_incidents",
    "safeguarding_detail",
    "issues_risks",
]
QUALITY = [f"quality_principle_{n}" for n in range(1, 8)]


def codes_of(family):
    return list(
        QuestionSet.objects.get(family=family, version=1).questions.order_by("order").values_list("code", flat=True)
    )


def test_each_term_has_its_set_with_the_questions_the_issue_lists():
    autumn, spring, summer = codes_of("termly-autumn"), codes_of("termly-spring"), codes_of("termly-summer")
    for asked in (autumn, spring, summer):
        assert set(EVERY_TERM) <= set(asked)
    assert set(autumn) - set(EVERY_TERM) == {"plans_for_year"}
    assert set(spring) - set(EVERY_TERM) == {"income_secured_to_date"}
    assert set(summer) - set(EVERY_TERM) == {"outcomes_against_aims", "case_study", *QUALITY}
    assert QuestionSet.objects.get(family="termly-autumn").term == "autumn"


def test_the_self_assessment_rates_each_of_the_seven_quality_principles():
    ratings = Question.objects.filter(question_set__family="termly-summer", code__in=QUALITY).order_by("order")
    assert [q.text for q in ratings] == codes.QUALITY_PRINCIPLES
    assert {q.type for q in ratings} == {Question.Type.RATING}


def test_every_breakdown_grid_has_not_known_and_adds_up_to_reach():
    grids = Question.objects.filter(question_set__family="termly-autumn", code__in=[c for c, _ in codes.BREAKDOWNS])
    assert grids.count() == 6
    for grid in grids:
        assert grid.type == Question.Type.GRID
        assert grid.rows[-1] == "Not known", grid.code
        assert grid.total_question.code == "reach_total", grid.code


def test_district_rows_come_from_the_district_table():
    district = Question.objects.get(question_set__family="termly-spring", code="reach_by_district")
    assert district.rows == [
        *District.objects.order_by("sort_order", "name").values_list("name", flat=True),
        "Not known",
    ]
    assert "Charnwood" in district.rows


def test_reach_by_activity_uses_the_activity_types_the_issue_names():
    activity = Question.objects.get(question_set__family="termly-summer", code="reach_by_activity")
    assert len(activity.rows) == 8
    assert activity.rows[0] == "Whole class ensemble teaching (first access)"
    assert "CPD for school staff" in activity.rows and "Performances and events" in activity.rows
    assert activity.total_question is None  # a child counts in each activity they took part in


def test_safeguarding_detail_is_a_follow_up_of_a_yes():
    detail = Question.objects.get(question_set__family="termly-autumn", code="safeguarding_detail")
    assert (detail.follow_up_of.code, detail.follow_up_when) == ("safeguarding_incidents", "Yes")


def test_outcome_progress_is_asked_for_each_outcome():
    assert Question.objects.get(question_set__family="termly-autumn", code="outcome_progress").per_outcome
