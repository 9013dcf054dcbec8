"""Staff build question sets in the staff area; a set a round has used is
never changed: an edit makes a new version."""

import pytest
from django.urls import reverse

from hubportal.core.errors import ActionRefused
from surveys.models import Question, QuestionSet
from surveys.services import question_delete, question_move, question_set_update, question_update
from tests.surveys.factories import QuestionFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client_for, staff):
    return client_for(staff)


def question_data(**overrides):
    return {
        "type": "integer",
        "text": "How many sessions did you deliver?",
        "code": "sessions_delivered",
        "section": "Reach",
        "help_text": "",
        "required": "on",
        **overrides,
    }


def test_staff_create_a_set_and_add_questions_of_every_type(staff_client):
    response = staff_client.post(
        reverse("surveys:questionset_create"), {"name": "Holiday project survey", "term": "any", "description": ""}
    )
    question_set = QuestionSet.objects.get(name="Holiday project survey")
    assert response.url == reverse("surveys:questionset_detail", args=[question_set.pk])
    add = reverse("surveys:question_add", args=[question_set.pk])
    assert staff_client.post(add, question_data(code="reach_total", text="How many took part?")).status_code == 302
    total = question_set.questions.get(code="reach_total")
    posts = [
        question_data(type="money", code="income", text="Income"),
        question_data(type="short_text", code="venue", text="Venue"),
        question_data(type="long_text", code="story", text="Story"),
        question_data(type="single_choice", code="incidents", text="Incidents?", choices_text="Yes\nNo"),
        question_data(type="multiple_choice", code="where", text="Where?", choices_text="Schools\nOnline\nHubs"),
        question_data(type="rating", code="quality", text="Quality"),
        question_data(
            type="grid", code="reach_by_gender", text="By gender", rows_text="Female\nMale\nNot known",
            total_question=total.pk,
        ),
    ]  # fmt: skip
    for data in posts:
        assert staff_client.post(add, data).status_code == 302, data["code"]
    incidents = question_set.questions.get(code="incidents")
    follow_up = question_data(
        type="long_text", code="incident_detail", text="What happened?", follow_up_of=incidents.pk, follow_up_when="Yes"
    )
    assert staff_client.post(add, follow_up).status_code == 302
    assert (
        staff_client.post(
            add, question_data(code="progress", per_outcome="on", type="long_text", text="Progress on this outcome")
        ).status_code
        == 302
    )
    grid = question_set.questions.get(code="reach_by_gender")
    assert (grid.rows, grid.total_question) == (["Female", "Male", "Not known"], total)
    assert question_set.questions.get(code="where").choices == ["Schools", "Online", "Hubs"]
    assert question_set.questions.get(code="incident_detail").follow_up_of == incidents
    assert question_set.questions.get(code="progress").per_outcome
    assert question_set.questions.count() == 10
    staff_client.get(reverse("surveys:questionset_detail", args=[question_set.pk]))  # shows the "Added" messages
    preview = staff_client.get(reverse("surveys:questionset_preview", args=[question_set.pk]))
    assert preview.text.count("Progress on this outcome") == 2  # once for each of the two example outcomes
    assert "First agreed outcome" in preview.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"type": "single_choice", "choices_text": "Only one"}, "choices_text", "at least two options"),
        ({"type": "grid", "rows_text": ""}, "rows_text", "Give the grid's rows"),
        ({"follow_up_when": "Yes"}, "follow_up_when", "Choose the question this follows first"),
        ({"code": "not a code!"}, "code", "Enter a valid"),
    ],
)
def test_a_question_that_cannot_work_is_redisplayed_with_the_reason(
    staff_client, question_set, overrides, field, message
):
    data = question_data(**overrides)
    response = staff_client.post(reverse("surveys:question_add", args=[question_set.pk]), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'value="How many sessions did you deliver?"' in response.text


def test_a_grid_total_must_be_a_grid_and_a_follow_up_must_match_an_option(staff_client, question_set):
    total = question_set.questions.get(code="reach_total")
    add = reverse("surveys:question_add", args=[question_set.pk])
    response = staff_client.post(add, question_data(total_question=total.pk))
    assert "Only a breakdown grid adds up" in response.text
    incidents = question_set.questions.get(code="safeguarding_incidents")
    response = staff_client.post(add, question_data(follow_up_of=incidents.pk, follow_up_when="Perhaps"))
    assert "Enter one of the options of" in response.text


def test_a_code_used_twice_in_a_set_is_refused(staff_client, question_set):
    response = staff_client.post(
        reverse("surveys:question_add", args=[question_set.pk]), question_data(code="reach_total")
    )
    assert response.status_code == 200
    assert "already has the code" in response.text


def test_editing_an_unused_set_changes_it_in_place(staff, question_set):
    question = question_set.questions.get(code="activity_against_plan")
    updated = question_update(question=question, actor=staff, data={"text": "What happened this term?"})
    assert updated.pk == question.pk and updated.question_set == question_set
    assert QuestionSet.objects.filter(family=question_set.family).count() == 1


def test_editing_a_set_a_round_used_makes_a_new_version_and_leaves_the_old_one(staff, question_set, staff_client):
    survey_round = SurveyRoundFactory(question_set=question_set)
    question = question_set.questions.get(code="activity_against_plan")
    response = staff_client.post(
        reverse("surveys:question_edit", args=[question.pk]),
        question_data(type="long_text", code="activity_against_plan", text="What happened this term?"),
        follow=True,
    )
    new = QuestionSet.objects.get(family=question_set.family, version=2)
    assert response.redirect_chain[-1][0] == reverse("surveys:questionset_detail", args=[new.pk])
    assert "made version 2" in response.text
    question_set.refresh_from_db()
    assert question_set.retired_at is not None
    assert question_set.questions.get(code="activity_against_plan").text == "What did you deliver?"
    assert new.questions.get(code="activity_against_plan").text == "What happened this term?"
    assert new.questions.count() == question_set.questions.count()
    # Links inside the set point at the new version's own questions.
    assert new.questions.get(code="reach_by_age_phase").total_question == new.questions.get(code="reach_total")
    assert new.questions.get(code="safeguarding_detail").follow_up_of.question_set == new
    survey_round.refresh_from_db()
    assert survey_round.question_set == question_set


def test_a_replaced_version_cannot_be_edited(staff, question_set):
    SurveyRoundFactory(question_set=question_set)
    question_set_update(question_set=question_set, actor=staff, name="Renamed", term="any", description="")
    question_set.refresh_from_db()
    with pytest.raises(ActionRefused, match="has been replaced by version 2"):
        question_set_update(question_set=question_set, actor=staff, name="Again", term="any", description="")


def test_reordering_moves_one_place(staff, question_set):
    codes = list(question_set.questions.order_by("order").values_list("code", flat=True))
    question_move(question=question_set.questions.get(code=codes[2]), actor=staff, direction="up")
    moved = list(question_set.questions.order_by("order").values_list("code", flat=True))
    assert moved[:3] == [codes[0], codes[2], codes[1]]
    question_move(question=question_set.questions.get(code=codes[0]), actor=staff, direction="up")  # already first
    assert list(question_set.questions.order_by("order").values_list("code", flat=True)) == moved


def test_removing_a_question_others_depend_on_is_refused(staff, question_set):
    with pytest.raises(ActionRefused, match="depend on"):
        question_delete(question=question_set.questions.get(code="reach_total"), actor=staff)
    question_delete(question=question_set.questions.get(code="activity_against_plan"), actor=staff)
    assert not question_set.questions.filter(code="activity_against_plan").exists()


def test_removing_from_a_used_set_removes_it_from_a_new_version(staff, question_set):
    SurveyRoundFactory(question_set=question_set)
    new = question_delete(question=question_set.questions.get(code="activity_against_plan"), actor=staff)
    assert new.version == 2 and not new.questions.filter(code="activity_against_plan").exists()
    assert question_set.questions.filter(code="activity_against_plan").exists()


def test_the_builder_is_for_hub_staff(client_for, assessor, partner_a_user, question_set):
    question = QuestionFactory(question_set=question_set)
    for user in (assessor, partner_a_user):
        client = client_for(user)
        assert client.get(reverse("surveys:questionset_detail", args=[question_set.pk])).status_code == 403
        assert client.post(reverse("surveys:question_delete", args=[question.pk])).status_code == 403
    assert Question.objects.filter(pk=question.pk).exists()


def test_reorder_and_remove_are_post_only(staff_client, question_set):
    question = question_set.questions.first()
    assert staff_client.get(reverse("surveys:question_move", args=[question.pk])).status_code == 405
    assert staff_client.get(reverse("surveys:question_delete", args=[question.pk])).status_code == 405
