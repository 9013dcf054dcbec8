"""Monitoring's tabs on the staff partner page: surveys, evaluations, income."""

import pytest
from django.urls import reverse

from hubportal.core.partner_tabs import tabs_for
from surveys import partner_tabs
from tests.surveys.factories import CaseStudyFactory, completed_project, consent_for, income

pytestmark = pytest.mark.django_db


def test_staff_get_three_monitoring_tabs_and_others_none(partner_a, staff, assessor, partner_a_user):
    for function in (partner_tabs.surveys_tab, partner_tabs.evaluations_tab, partner_tabs.income_tab):
        assert function(partner_a, staff) is not None
        assert function(partner_a, assessor) is None
        assert function(partner_a, partner_a_user) is None
    slugs = {t.slug for t in tabs_for(partner_a, staff)}
    assert {"surveys", "evaluations", "income"} <= slugs


def test_the_surveys_tab_counts_open_requests(request_a, partner_a, staff):
    tab = partner_tabs.surveys_tab(partner_a, staff)
    assert tab.count == 1 and tab.context["survey_requests"] == [request_a]


def test_the_tabs_render_on_the_partner_page(request_a, partner_a, partner_a_user, staff, client_for):
    completed_project(partner_a)
    story = CaseStudyFactory(partner=partner_a, created_by=partner_a_user)
    consent_for(story, "hub_reports")
    income(partner_a, "750.00", description="Quiz night")
    client = client_for(staff)
    url = reverse("partners:detail", args=[partner_a.pk])
    surveys = client.get(url, {"tab": "surveys"})
    assert reverse("surveys:request_detail", args=[request_a.pk]) in surveys.text
    evaluations = client.get(url, {"tab": "evaluations"})
    assert story.title in evaluations.text
    money = client.get(url, {"tab": "income"})
    assert "Quiz night" in money.text and "£750.00" in money.text
