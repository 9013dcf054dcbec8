"""A survey request from the partner's draft to the Hub's decision, through the pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hubportal.core.history import history_for
from hubportal.models import Notification
from surveys.models import Answer, GridCell, SurveyRequest
from tests.surveys.conftest import answers_for

pytestmark = pytest.mark.django_db


def fill_url(r):
    return reverse("surveys:portal_request", args=[r.pk])


def post(client, r, data, action):
    return client.post(fill_url(r), {**data, "action": action})


@pytest.fixture
def outcomes(agreement_a):
    return list(agreement_a.outcomes.all())


@pytest.fixture
def partner(client_for, partner_a_user):
    return client_for(partner_a_user)


def test_the_partner_sees_the_survey_built_from_its_question_set(partner, request_a, outcomes):
    response = partner.get(fill_url(request_a))
    assert response.status_code == 200
    assert "How many children and young people took part?" in response.text
    assert response.text.count("How is this outcome going?") == len(outcomes)
    assert "Save draft" in response.text and "Save and check your answers" in response.text


def test_saving_a_draft_keeps_the_answers_and_starts_the_request(partner, request_a, question_set, outcomes):
    data = answers_for(question_set, outcomes, reach_total="12", activity_against_plan="")
    response = post(partner, request_a, data, "save")
    assert response.status_code == 302
    request_a.refresh_from_db()
    assert request_a.status == SurveyRequest.Status.IN_PROGRESS
    assert Answer.objects.get(request=request_a, question__code="reach_total").number == 12
    assert not Answer.objects.filter(request=request_a, question__code="activity_against_plan").exists()
    # The draft's grid does not add up to 12 yet: that is fine until it is submitted.
    assert sum(GridCell.objects.filter(answer__request=request_a).values_list("count", flat=True)) == 10
    assert 'value="12"' in partner.get(fill_url(request_a)).text


def test_submitting_with_a_grid_that_does_not_add_up_keeps_everything_and_shows_the_errors(
    partner, request_a, question_set, outcomes
):
    data = answers_for(question_set, outcomes, reach_by_age_phase=["2", "3", "4", "0"], activity_against_plan="")
    response = post(partner, request_a, data, "submit")
    assert response.status_code == 200
    request_a.refresh_from_db()
    assert request_a.status == SurveyRequest.Status.IN_PROGRESS  # saved as a draft, not submitted
    assert "data-error-summary" in response.text
    assert "These rows add up to 9, but your answer" in response.text
    assert "Answer this question." in response.text
    grid = question_set.questions.get(code="reach_by_age_phase")
    assert f'href="#id_q{grid.pk}_r0"' in response.text  # the summary links to the grid
    assert 'value="4"' in response.text  # what was typed is redisplayed
    assert sorted(GridCell.objects.filter(answer__request=request_a).values_list("count", flat=True)) == [0, 2, 3, 4]


def test_a_submitted_survey_is_read_only_to_the_partner(partner, request_a, question_set, outcomes, staff):
    response = post(partner, request_a, answers_for(question_set, outcomes), "submit")
    assert response.status_code == 302
    request_a.refresh_from_db()
    assert request_a.status == SurveyRequest.Status.SUBMITTED
    assert request_a.submitted_by.partner_id == request_a.partner_id
    page = partner.get(fill_url(request_a)).text
    assert "Submit survey" not in page and "<textarea" not in page
    assert "Weekly whole-class violin in three schools." in page
    again = post(partner, request_a, answers_for(question_set, outcomes, reach_total="99"), "save")
    assert again.status_code == 302
    assert Answer.objects.get(request=request_a, question__code="reach_total").number == 10
    assert Notification.objects.filter(recipient=staff, kind="surveys_submitted").exists()


def submitted(partner, request_a, question_set, outcomes):
    post(partner, request_a, answers_for(question_set, outcomes), "submit")
    request_a.refresh_from_db()
    return request_a


def test_staff_return_with_a_comment_and_the_partner_resubmits(
    partner, client_for, staff, request_a, question_set, outcomes, partner_a_user
):
    submitted(partner, request_a, question_set, outcomes)
    resubmit_by = timezone.localdate() + datetime.timedelta(days=10)
    response = client_for(staff).post(
        reverse("surveys:request_return", args=[request_a.pk]),
        {"comment": "Key stage 2 looks high: please check.", "resubmit_by": resubmit_by.isoformat()},
    )
    assert response.status_code == 302
    request_a.refresh_from_db()
    assert request_a.status == SurveyRequest.Status.RETURNED and request_a.awaits_resubmission
    assert request_a.deadline == resubmit_by
    assert Notification.objects.filter(recipient=partner_a_user, kind="surveys_returned").exists()
    page = partner.get(fill_url(request_a)).text
    assert "Key stage 2 looks high: please check." in page and "Save and check your answers" in page
    post(partner, request_a, answers_for(question_set, outcomes, reach_by_age_phase=["2", "3", "3", "2"]), "save")
    request_a.refresh_from_db()
    assert request_a.status == SurveyRequest.Status.IN_PROGRESS and request_a.awaits_resubmission
    post(partner, request_a, answers_for(question_set, outcomes, reach_by_age_phase=["2", "3", "3", "2"]), "submit")
    request_a.refresh_from_db()
    assert request_a.status == SurveyRequest.Status.SUBMITTED and not request_a.awaits_resubmission
    moves = [(h.from_state, h.to_state) for h in history_for(request_a).filter(action="transition")]
    assert moves == [
        ("pending", "submitted"),  # submitted in one go, without a draft first
        ("submitted", "returned"),
        ("returned", "in_progress"),
        ("in_progress", "submitted"),
    ]


def test_staff_accept_a_submitted_survey(partner, client_for, staff, request_a, question_set, outcomes, partner_a_user):
    submitted(partner, request_a, question_set, outcomes)
    response = client_for(staff).post(reverse("surveys:request_accept", args=[request_a.pk]))
    assert response.status_code == 302
    request_a.refresh_from_db()
    assert request_a.status == SurveyRequest.Status.ACCEPTED and request_a.reviewed_by == staff
    assert Notification.objects.filter(recipient=partner_a_user, kind="surveys_accepted").exists()


def test_accepting_a_survey_that_is_not_submitted_is_refused_with_a_message(client_for, staff, request_a):
    response = client_for(staff).post(reverse("surveys:request_accept", args=[request_a.pk]), follow=True)
    assert "Only a submitted survey can be accepted." in response.text
    request_a.refresh_from_db()
    assert request_a.status == SurveyRequest.Status.PENDING


def test_returning_without_a_comment_redisplays_the_form(partner, client_for, staff, request_a, question_set, outcomes):
    submitted(partner, request_a, question_set, outcomes)
    response = client_for(staff).post(
        reverse("surveys:request_return", args=[request_a.pk]), {"comment": "", "resubmit_by": "2099-01-31"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert 'value="2099-01-31"' in response.text
    request_a.refresh_from_db()
    assert request_a.status == SurveyRequest.Status.SUBMITTED


def test_review_actions_are_post_only(client_for, staff, request_a):
    for name in ("surveys:request_accept", "surveys:request_return"):
        assert client_for(staff).get(reverse(name, args=[request_a.pk])).status_code == 405


def test_a_partner_cannot_review_and_staff_cannot_fill(client_for, partner_a_user, staff, request_a):
    assert client_for(partner_a_user).post(reverse("surveys:request_accept", args=[request_a.pk])).status_code == 403
    assert client_for(staff).get(fill_url(request_a)).status_code == 403


def test_another_partners_request_is_not_found(client_for, partner_b_user, request_a, question_set, outcomes):
    client = client_for(partner_b_user)
    assert client.get(fill_url(request_a)).status_code == 404
    assert post(client, request_a, answers_for(question_set, outcomes), "submit").status_code == 404
    request_a.refresh_from_db()
    assert request_a.status == SurveyRequest.Status.PENDING


def test_the_staff_view_shows_the_answers_and_history(partner, client_for, staff, request_a, question_set, outcomes):
    submitted(partner, request_a, question_set, outcomes)
    response = client_for(staff).get(reverse("surveys:request_detail", args=[request_a.pk]))
    assert "Weekly whole-class violin in three schools." in response.text
    assert "Accept the survey" in response.text and "Return it with this comment" in response.text
    assert "In progress" in response.text or "Submitted" in response.text
