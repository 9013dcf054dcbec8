"""The staff dashboard's charts agree with their tables and say what they count:
children and young people, or participations (a child in two activities counts
in each); counts on whole-number axes; a text alternative beside each."""

import json
import re

import pytest
import time_machine
from django.urls import reverse

from tests.hubportal.dashboard_world import TODAY, at, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(TODAY), tick=False):
        yield


def chart_data(html: str, chart_id: str) -> dict:
    return json.loads(re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S)[1])


def test_each_chart_says_what_it_counts_and_where_its_figures_are_in_text(client_for, staff):
    build_world(staff=staff)
    response = client_for(staff).get(reverse("staff_home"))
    html = response.content.decode()
    units = {
        "chart-funnel": "Partners",
        "chart-rounds": "Survey requests",
        "chart-reach-activity": "Participations",
        "chart-reach-district": "Children and young people",
    }
    for chart_id, unit in units.items():
        canvas = re.search(rf'<canvas id="{chart_id}-canvas"[^>]*>', html)[0]
        assert 'data-counts="true"' in canvas, chart_id  # whole-number ticks (static/js/dashboard.js)
        assert f'data-unit="{unit}' in canvas, chart_id
        assert f'aria-describedby="{chart_id}-about"' in canvas
        caption = re.search(rf'<figcaption class="chart-caption" id="{chart_id}-about">(.*?)</figcaption>', html, re.S)
        assert caption and "same figures" in caption[1], chart_id
    assert "a child in two activities counts in each" in html


def test_the_reach_charts_hold_the_figures_of_their_tables(client_for, staff):
    build_world(staff=staff)
    response = client_for(staff).get(reverse("staff_home"))
    html = response.content.decode()
    reach = response.context["reach"]
    activity = chart_data(html, "chart-reach-activity")
    assert {d["label"]: d["data"] for d in activity["datasets"]} == dict(reach["activity_rows"])
    district = chart_data(html, "chart-reach-district")
    assert district["datasets"] == [{"label": "Children and young people", "data": [n for _, n in reach["districts"]]}]
    # Participations add up to more than the children reached; the table says which is which.
    assert sum(sum(d["data"]) for d in activity["datasets"]) > reach["total"]
    assert "Participations by activity type and term" in html
    assert "Children and young people reached (each once a term)" in html
