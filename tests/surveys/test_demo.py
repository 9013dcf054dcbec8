"""The monitoring demo: a year of rounds in every state, evaluations with case
studies and consent, income; seeding twice changes nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from hubportal.core.health import RED
from hubportal.devtools.demo import PARTNER_A, PARTNER_B
from hubportal.models import User
from surveys.consent import may_use
from surveys.models import CaseStudy, IncomeRecord, ProjectEvaluation, SurveyRequest, SurveyRound

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_data):
    """seed_demo, run once for the module (tests/conftest.py); each test's changes are rolled back."""


def test_the_demo_has_a_year_of_rounds_with_every_state(seeded):
    assert SurveyRound.objects.count() >= 4
    states = set(SurveyRequest.objects.values_list("status", flat=True))
    assert {"accepted", "returned", "submitted", "in_progress"} <= states
    assert SurveyRequest.objects.overdue(timezone.localdate()).filter(partner__name=PARTNER_B).exists()
    returned = SurveyRequest.objects.get(partner__name=PARTNER_A, status="returned")
    assert returned.return_comment and returned.awaits_resubmission
    accepted = SurveyRequest.objects.filter(status="accepted").first()
    assert accepted.answers.filter(question__code="reach_total").exists()
    for answer in accepted.answers.filter(question__type="grid", question__total_question__isnull=False):
        reach = accepted.answers.get(question=answer.question.total_question).number
        assert sum(c.count for c in answer.cells.all()) == reach, answer.question.code


def test_the_demo_has_evaluations_case_studies_with_consent_and_income(seeded):
    assert ProjectEvaluation.objects.filter(status="accepted", agreement__partner__name=PARTNER_A).exists()
    assert ProjectEvaluation.objects.filter(status="draft", agreement__partner__name=PARTNER_B).exists()
    published = CaseStudy.objects.get(status="published")
    assert may_use(published, use="publicity") and published.images.exists()
    unpublishable = CaseStudy.objects.get(title="A first concert for Year 4")
    assert not may_use(unpublishable, use="publicity") and may_use(unpublishable, use="hub_reports")
    assert IncomeRecord.objects.filter(partner__name=PARTNER_A).count() >= 4


def test_the_demo_partners_health_and_to_dos_show_monitoring(seeded):
    from hubportal.core.todo import todos_for
    from partners.models import Partner
    from surveys.health import monitoring_health

    a, b = Partner.objects.get(name=PARTNER_A), Partner.objects.get(name=PARTNER_B)
    reasons = monitoring_health([a.pk, b.pk], timezone.localdate())
    assert any(r.level == RED and "survey was due" in r.text for r in reasons[b.pk])
    assert any("returned" in r.text for r in reasons[a.pk])
    assert any("Respond to the Hub's comments" in t.text for t in todos_for(a))
    assert any("Submit the evaluation" in t.text for t in todos_for(b))


STAFF_PAGES = [
    "surveys:round_list",
    "surveys:request_list",
    "surveys:reach",
    "surveys:income",
    "surveys:case_study_list",
    "surveys:evaluation_list",
]
PORTAL_PAGES = ["surveys:portal_surveys", "surveys:portal_evaluations", "surveys:portal_income"]


def test_the_demo_pages_open_with_something_in_them(seeded, client):
    client.force_login(User.objects.get(username="staff"))
    for name in STAFF_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("surveys:reach")).context["headline"]["reach"] > 0
    client.force_login(User.objects.get(username="partner-a"))
    for name in PORTAL_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200 and "No surveys yet" not in response.text, name
