"""The Chair's home: the queue, and a one-page summary of the partnership."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from tests.agreements.factories import AgreementFactory
from tests.hubportal.dashboard_world import TODAY, at, build_world
from tests.surveys.factories import income

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(TODAY), tick=False):
        yield


def test_the_summary_gives_counts_health_leverage_and_reach(client_for, chair, staff, partner_a):
    build_world(staff=staff)
    AgreementFactory(partner=partner_a, project=True, hub_contribution=Decimal("4000.00"))
    income(partner_a, "500.00", recorded_by=staff)
    response = client_for(chair).get(reverse("chair_home"))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary["active"], summary["onboarding"], summary["suspended"]) == (5, 4, 1)
    assert summary["agreements_in_force"] == {"partnership": 3, "project": 1}  # partner A's project is a draft
    assert summary["open_calls"] == 1
    assert [(level, n) for _, level, n in summary["health"]] == [("red", 4), ("amber", 1), ("green", 2)]
    this_year = summary["leverage"][0]  # last year has no figures, so it is left out
    assert this_year.total.grant == Decimal("9000.00")
    html = response.content.decode()
    assert "Funding leverage" in html and this_year.total.signal in html
    # The accepted autumn return's 42 children in 3 schools, in words and in the table by year.
    assert summary["reach"]["reach"] == 42 and summary["reach_year"].label == "2026/27"
    assert "42 children and young people reached in 2026/27, in 3 schools" in html
    assert '<th scope="row" class="fw-normal">2026/27</th><td class="text-end">42</td>' in html
    assert reverse("board_reports") in html and reverse("leverage") in html
    # Nothing on the page names a complainant or a complaint's reference.
    assert "C-TEST-" not in html


def test_the_queue_is_still_there(client_for, chair):
    html = client_for(chair).get(reverse("chair_home")).content.decode()
    assert "Needs you now" in html
    assert "Nothing needs you today." in html
