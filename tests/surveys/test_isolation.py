"""Partner B gets 404 for partner A's requests, responses, evaluations, case
studies and images; lists show a partner only its own records."""

import pytest
from django.urls import reverse

from surveys.models import Answer, ProjectEvaluation
from tests.surveys.factories import CaseStudyFactory, completed_project, consent_for, image_for, income

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_records(request_a, partner_a, partner_a_user):
    Answer.objects.create(request=request_a, question=request_a.round.question_set.questions.first(), number=12)
    project = completed_project(partner_a)
    evaluation = ProjectEvaluation.objects.create(agreement=project)
    story = CaseStudyFactory(partner=partner_a, created_by=partner_a_user, title="Partner A's story")
    return {
        "request": request_a,
        "project": project,
        "evaluation": evaluation,
        "story": story,
        "consent": consent_for(story, "hub_reports"),
        "image": image_for(story),
        "income": income(partner_a, "321.00", description="Partner A's raffle"),
    }


def test_partner_b_gets_404_for_each_of_partner_as_records(a_records, client_for, partner_b_user):
    client = client_for(partner_b_user)
    r = a_records
    for method, url in [
        ("get", reverse("surveys:portal_request", args=[r["request"].pk])),
        ("post", reverse("surveys:portal_request", args=[r["request"].pk])),
        ("get", reverse("surveys:portal_evaluation", args=[r["project"].pk])),
        ("post", reverse("surveys:portal_evaluation", args=[r["project"].pk])),
        ("get", reverse("surveys:portal_case_study", args=[r["story"].pk])),
        ("get", reverse("surveys:portal_consent_add", args=[r["story"].pk])),
        ("get", reverse("surveys:portal_image_add", args=[r["story"].pk])),
        ("get", reverse("surveys:case_study_image", args=[r["image"].pk])),
        ("post", reverse("surveys:portal_image_delete", args=[r["image"].pk])),
        ("post", reverse("surveys:portal_consent_withdraw", args=[r["consent"].pk])),
        ("post", reverse("surveys:portal_income_delete", args=[r["income"].pk])),
    ]:
        assert getattr(client, method)(url).status_code == 404, f"{method} {url}"


def test_partner_bs_lists_show_none_of_partner_as_records(a_records, request_b, client_for, partner_b_user):
    client = client_for(partner_b_user)
    surveys = client.get(reverse("surveys:portal_surveys"))
    assert reverse("surveys:portal_request", args=[request_b.pk]) in surveys.text
    assert reverse("surveys:portal_request", args=[a_records["request"].pk]) not in surveys.text
    evaluations = client.get(reverse("surveys:portal_evaluations")).text
    assert a_records["project"].title not in evaluations and "Partner A's story" not in evaluations
    assert "Partner A's raffle" not in client.get(reverse("surveys:portal_income")).text


def test_partners_cannot_open_the_staff_pages_about_partner_as_records(a_records, client_for, partner_b_user):
    client = client_for(partner_b_user)
    for url in [
        reverse("surveys:request_detail", args=[a_records["request"].pk]),
        reverse("surveys:evaluation_detail", args=[a_records["evaluation"].pk]),
        reverse("surveys:case_study_detail", args=[a_records["story"].pk]),
        reverse("surveys:reach"),
    ]:
        assert client.get(url).status_code == 403, url
