"""A completed project's evaluation: outcomes against targets, reach, spend and
match funding against the budget, learning and legacy; submitted, accepted or returned."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from hubportal.models import Notification
from surveys.models import ProjectEvaluation
from tests.agreements.factories import AgreementFactory
from tests.surveys.factories import completed_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(partner_a):
    return completed_project(partner_a, evaluation_due_on=timezone.localdate() + datetime.timedelta(days=20))


def url(project):
    return reverse("surveys:portal_evaluation", args=[project.pk])


def full_answers(project, **overrides):
    data = {
        "actual_reach": "140",
        "actual_spend": "10250.00",
        "actual_match_funding": "5250.00",
        "learning": "Short taster sessions recruited better than a long course.",
        "legacy": "Two schools now run their own after-school band.",
    }
    for outcome in project.outcomes.all():
        data[f"achieved_{outcome.pk}"] = "131 children started lessons"
        data[f"met_target_{outcome.pk}"] = "on"
        data[f"commentary_{outcome.pk}"] = ""
    return {**data, **overrides}


def test_the_partner_sees_the_budget_and_each_outcome(client_for, partner_a_user, project):
    response = client_for(partner_a_user).get(url(project))
    assert response.status_code == 200
    assert "£5,000.00" in response.text and "£10,000.00" in response.text  # contribution and total budget
    for outcome in project.outcomes.all():
        assert outcome.description in response.text and outcome.target in response.text
    assert not ProjectEvaluation.objects.exists()  # nothing is created by looking


def test_a_draft_is_saved_and_submitting_an_incomplete_one_says_what_is_missing(client_for, partner_a_user, project):
    client = client_for(partner_a_user)
    response = client.post(url(project), {"actual_reach": "140", "action": "save"})
    assert response.status_code == 302
    evaluation = ProjectEvaluation.objects.get(agreement=project)
    assert (evaluation.status, evaluation.actual_reach) == (ProjectEvaluation.Status.DRAFT, 140)
    response = client.post(url(project), {"actual_reach": "140", "learning": "Lots", "action": "submit"})
    assert response.status_code == 200
    # Each missing answer at its field, and linked from the error summary.
    for field, missing in [
        ("actual_spend", "the actual spend"),
        ("actual_match_funding", "the match funding raised"),
        ("legacy", "the legacy"),
    ]:
        assert f'href="#id_{field}"' in response.text
        assert f"Add {missing} before you submit." in response.text
    evaluation.refresh_from_db()
    assert evaluation.status == ProjectEvaluation.Status.DRAFT and evaluation.learning == "Lots"


def test_negative_money_is_refused_and_the_typed_values_kept(client_for, partner_a_user, project):
    response = client_for(partner_a_user).post(url(project), full_answers(project, actual_spend="-5", action="save"))
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0" in response.text
    assert "Short taster sessions recruited better" in response.text
    assert not ProjectEvaluation.objects.exists()


def test_submit_then_staff_return_then_resubmit_then_accept(client_for, partner_a_user, staff, project):
    partner = client_for(partner_a_user)
    assert partner.post(url(project), full_answers(project, action="submit")).status_code == 302
    evaluation = ProjectEvaluation.objects.get(agreement=project)
    assert evaluation.status == ProjectEvaluation.Status.SUBMITTED
    assert evaluation.outcome_results.filter(met_target=True).count() == project.outcomes.count()
    assert Notification.objects.filter(recipient=staff, kind="surveys_evaluation_submitted").exists()
    assert "Submit the evaluation" not in partner.get(url(project)).text

    hub = client_for(staff)
    detail = hub.get(reverse("surveys:evaluation_detail", args=[evaluation.pk]))
    assert "£250.00 over the budget" in detail.text  # £10,250 spent against £10,000
    hub.post(reverse("surveys:evaluation_return", args=[evaluation.pk]), {"comment": "Please add the match funders."})
    evaluation.refresh_from_db()
    assert evaluation.status == ProjectEvaluation.Status.RETURNED
    assert "Please add the match funders." in partner.get(url(project)).text
    partner.post(
        url(project), full_answers(project, legacy="Two schools run a band; the council funds it.", action="submit")
    )
    hub.post(reverse("surveys:evaluation_accept", args=[evaluation.pk]))
    evaluation.refresh_from_db()
    assert evaluation.status == ProjectEvaluation.Status.ACCEPTED and evaluation.reviewed_by == staff
    assert Notification.objects.filter(recipient=partner_a_user, kind="surveys_evaluation_accepted").exists()


def test_only_completed_projects_owing_one_have_an_evaluation(client_for, partner_a_user, partner_a):
    live = AgreementFactory(project=True, status=Agreement.Status.LIVE, partner=partner_a)
    no_evaluation = completed_project(partner_a, requires_evaluation=False)
    client = client_for(partner_a_user)
    assert client.get(url(live)).status_code == 404
    assert client.get(url(no_evaluation)).status_code == 404


def test_another_partners_evaluation_is_not_found(client_for, partner_b_user, project):
    evaluation = ProjectEvaluation.objects.create(agreement=project)
    client = client_for(partner_b_user)
    assert client.get(url(project)).status_code == 404
    assert client.post(url(project), full_answers(project, action="submit")).status_code == 404
    assert client.get(reverse("surveys:evaluation_detail", args=[evaluation.pk])).status_code == 403
    evaluation.refresh_from_db()
    assert evaluation.status == ProjectEvaluation.Status.DRAFT


def test_review_is_post_only_and_for_staff(client_for, staff, partner_a_user, project):
    evaluation = ProjectEvaluation.objects.create(agreement=project, status=ProjectEvaluation.Status.SUBMITTED)
    accept = reverse("surveys:evaluation_accept", args=[evaluation.pk])
    assert client_for(staff).get(accept).status_code == 405
    assert client_for(partner_a_user).post(accept).status_code == 403


def test_returning_needs_a_comment(client_for, staff, project):
    evaluation = ProjectEvaluation.objects.create(agreement=project, status=ProjectEvaluation.Status.SUBMITTED)
    response = client_for(staff).post(reverse("surveys:evaluation_return", args=[evaluation.pk]), {"comment": ""})
    assert response.status_code == 200 and "This field is required." in response.text
    evaluation.refresh_from_db()
    assert evaluation.status == ProjectEvaluation.Status.SUBMITTED
