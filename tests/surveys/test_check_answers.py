"""Check your answers before a survey or an evaluation is submitted: the form
saves and goes on to the check page, which lists every answer with a link back
to change it (nothing is lost going back) and submits the saved answers."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Answer, ProjectEvaluation, SurveyRequest
from tests.surveys.conftest import answers_for
from tests.surveys.factories import completed_project
from tests.surveys.test_evaluations import full_answers

pytestmark = pytest.mark.django_db


def fill_url(r):
    return reverse("surveys:portal_request", args=[r.pk])


def check_url(r):
    return reverse("surveys:portal_request_check", args=[r.pk])


@pytest.fixture
def outcomes(agreement_a):
    return list(agreement_a.outcomes.all())


@pytest.fixture
def partner(client_for, partner_a_user):
    return client_for(partner_a_user)


def test_complete_answers_go_on_to_the_check_page_saved_not_submitted(partner, request_a, question_set, outcomes):
    response = partner.post(fill_url(request_a), {**answers_for(question_set, outcomes), "action": "check"})
    assert response.status_code == 302 and response.url == check_url(request_a)
    request_a.refresh_from_db()
    assert request_a.status == SurveyRequest.Status.IN_PROGRESS
    assert Answer.objects.get(request=request_a, question__code="reach_total").number == 10


def test_the_check_page_lists_every_answer_with_a_change_link(partner, request_a, question_set, outcomes):
    partner.post(fill_url(request_a), {**answers_for(question_set, outcomes), "action": "check"})
    page = partner.get(check_url(request_a)).text
    reach = question_set.questions.get(code="reach_total")
    grid = question_set.questions.get(code="reach_by_age_phase")
    assert f'href="{fill_url(request_a)}#id_q{reach.pk}"' in page
    assert f'href="{fill_url(request_a)}#id_q{grid.pk}_r0"' in page
    assert page.count('data-change="') >= len(question_set.questions.all())
    assert "Submit survey" in page


def test_answers_with_problems_stay_on_the_form_marked(partner, request_a, question_set, outcomes):
    data = answers_for(question_set, outcomes, reach_by_age_phase=["2", "3", "4", "0"])
    response = partner.post(fill_url(request_a), {**data, "action": "check"})
    assert response.status_code == 200 and "data-error-summary" in response.text
    assert "These rows add up to 9, but your answer" in response.text
    assert 'value="4"' in response.text
    # The problems are in the summary once, not again in an alert above it.
    assert "need attention" not in response.text


def test_submitting_from_the_check_page(partner, request_a, question_set, outcomes):
    partner.post(fill_url(request_a), {**answers_for(question_set, outcomes), "action": "check"})
    response = partner.post(check_url(request_a), {"action": "submit"})
    assert response.status_code == 302 and response.url == fill_url(request_a)
    request_a.refresh_from_db()
    assert request_a.status == SurveyRequest.Status.SUBMITTED
    assert Answer.objects.get(request=request_a, question__code="reach_total").number == 10
    assert partner.get(check_url(request_a)).status_code == 302  # nothing left to check


def test_a_saved_draft_with_problems_goes_back_to_the_form_from_the_check_page(
    partner, request_a, question_set, outcomes
):
    data = answers_for(question_set, outcomes, reach_by_age_phase=["2", "3", "4", "0"])
    partner.post(fill_url(request_a), {**data, "action": "save"})
    response = partner.post(check_url(request_a), {"action": "submit"})
    assert response.status_code == 200 and "These rows add up to 9, but your answer" in response.text
    request_a.refresh_from_db()
    assert request_a.status == SurveyRequest.Status.IN_PROGRESS


def test_the_check_page_is_the_partners_own(client_for, partner_b_user, staff, request_a):
    assert client_for(partner_b_user).get(check_url(request_a)).status_code == 404
    assert client_for(partner_b_user).post(check_url(request_a), {"action": "submit"}).status_code == 404
    assert client_for(staff).get(check_url(request_a)).status_code == 403
    assert client_for(None).get(check_url(request_a)).status_code == 302
    request_a.refresh_from_db()
    assert request_a.status != SurveyRequest.Status.SUBMITTED


def test_the_check_page_wrong_method(partner, request_a):
    assert partner.put(check_url(request_a)).status_code == 405


# The evaluation ----------------------------------------------------------------


@pytest.fixture
def project(partner_a):
    return completed_project(partner_a, evaluation_due_on=timezone.localdate() + datetime.timedelta(days=20))


def eval_url(project, check=False):
    return reverse("surveys:portal_evaluation_check" if check else "surveys:portal_evaluation", args=[project.pk])


def test_an_evaluation_goes_on_to_check_and_is_submitted_from_there(partner, project):
    response = partner.post(eval_url(project), full_answers(project, action="check"))
    assert response.status_code == 302 and response.url == eval_url(project, check=True)
    evaluation = ProjectEvaluation.objects.get(agreement=project)
    assert evaluation.status == ProjectEvaluation.Status.DRAFT
    page = partner.get(eval_url(project, check=True)).text
    assert "Two schools now run their own after-school band." in page
    assert f'href="{eval_url(project)}#id_legacy"' in page
    for outcome in project.outcomes.all():
        assert f'href="{eval_url(project)}#id_achieved_{outcome.pk}"' in page
    response = partner.post(eval_url(project, check=True), {"action": "submit"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == ProjectEvaluation.Status.SUBMITTED
    assert evaluation.learning == "Short taster sessions recruited better than a long course."


def test_an_incomplete_evaluation_is_marked_at_each_field_and_not_checked(partner, project):
    response = partner.post(eval_url(project), full_answers(project, legacy="", actual_spend="", action="check"))
    assert response.status_code == 200
    assert 'href="#id_legacy"' in response.text and 'href="#id_actual_spend"' in response.text
    assert response.text.count("Add the legacy before you submit.") == 2  # the summary and the field
    assert ProjectEvaluation.objects.get(agreement=project).status == ProjectEvaluation.Status.DRAFT


def test_the_evaluation_check_page_is_the_partners_own(client_for, partner_b_user, partner, project):
    partner.post(eval_url(project), full_answers(project, action="save"))
    assert client_for(partner_b_user).get(eval_url(project, check=True)).status_code == 404
    assert client_for(partner_b_user).post(eval_url(project, check=True)).status_code == 404
    assert ProjectEvaluation.objects.get(agreement=project).status == ProjectEvaluation.Status.DRAFT
