"""The staff partner list costs the same few queries for 5 partners and for 50:
health is rated for the page's partners only (the export rates a chunk at a
time), and the filter form reads each reference list once, as ids and names."""

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hubportal.core import exports
from partners.models import District, NationalPlanStrand, Partner, PartnerType
from partners.views import staff as views
from tests.factories import PartnerFactory
from tests.partners.factories import ContactFactory
from tests.partners.helpers import all_verified

pytestmark = pytest.mark.django_db
URL = reverse("partners:list")
# Bounds the N+1s on the list: partner type, districts and contacts per row (select and
# prefetch), each row's health (one bulk health_for for the page), and the filter form's
# options (one query of ids and names per reference list, none for a chosen one).
BOUND = 22


def build(count: int, start: int = 0) -> None:
    districts = list(District.objects.all()[:3])
    strands = list(NationalPlanStrand.objects.all()[:2])
    school = PartnerType.objects.get(name="School")
    for n in range(start, start + count):
        partner = PartnerFactory(name=f"Bulk partner {n:03d}", status=Partner.Stage.ACTIVE, partner_type=school)
        partner.districts.set(districts)
        partner.strands.set(strands)
        ContactFactory(partner=partner)
        all_verified(partner, days_left=10)  # every item expiring: every row has health reasons


def filtered_url() -> str:
    district = District.objects.all()[0].pk
    strand = NationalPlanStrand.objects.all()[0].pk
    school = PartnerType.objects.get(name="School").pk
    return f"{URL}?stage=active&district={district}&strand={strand}&partner_type={school}&sort=name"


def list_queries(client, url) -> tuple[int, object]:
    client.get(url)  # the session, the user's roles
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_the_list_costs_the_same_queries_for_5_and_50_partners(staff, client_for):
    client = client_for(staff)
    build(5)
    small, response = list_queries(client, filtered_url())
    assert len(response.context["rows"]) == 5
    build(45, start=5)
    large, response = list_queries(client, filtered_url())
    assert len(response.context["rows"]) == 25
    assert small == large <= BOUND, f"{small} queries for 5 partners, {large} for 50"


@pytest.mark.parametrize("count", [5, 50])
def test_the_list_is_bounded(count, staff, client_for, django_assert_max_num_queries):
    build(count)
    client = client_for(staff)
    client.get(URL)
    url = filtered_url()
    with django_assert_max_num_queries(BOUND):
        response = client.get(url)
    assert len(response.context["rows"]) == min(count, 25)


def test_health_is_rated_for_the_page_only(staff, client_for, monkeypatch):
    build(30)
    asked = []
    rate = views.listed_health
    monkeypatch.setattr(views, "listed_health", lambda ids, **kw: asked.append(list(ids)) or rate(ids, **kw))
    response = client_for(staff).get(URL + "?sort=name&page=2")
    assert [row["pk"] for row in response.context["rows"]] == asked[0] and len(asked) == 1
    assert len(asked[0]) == 5  # the second page of 30: partners 26 to 30
    assert all(row["health"] == "amber" for row in response.context["rows"])


def test_the_filter_form_reads_ids_and_names_once_and_checks_a_choice_without_a_query(staff, client_for):
    build(2)
    client = client_for(staff)
    _, response = list_queries(client, filtered_url())
    with CaptureQueriesContext(connection) as captured:
        form = response.context["filter"].form
        assert form.is_valid(), form.errors
        html = str(form["partner_type"])
    assert len(captured) == 0  # read once, when the page was drawn
    assert f'<option value="{PartnerType.objects.get(name="School").pk}" selected>School</option>' in html
    plain, _ = list_queries(client, URL + "?sort=name")
    chosen, _ = list_queries(client, filtered_url())
    assert chosen == plain  # choosing a district, strand or type costs no query of its own


def test_the_filter_options_are_ids_and_names_only(staff, client_for):
    client = client_for(staff)
    client.get(URL)
    url = filtered_url()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    for table in ("partners_partnertype", "partners_district", "partners_nationalplanstrand"):
        [sql] = [
            q["sql"] for q in captured.captured_queries if f'FROM "{table}"' in q["sql"] and " JOIN " not in q["sql"]
        ]
        assert sql.startswith(f'SELECT "{table}"."id" AS "pk", "{table}"."name" AS "name" FROM')


def test_an_unknown_district_is_refused_like_any_bad_choice(staff, client_for):
    build(2)
    response = client_for(staff).get(URL + "?district=999999")
    assert response.status_code == 200
    assert "district" in response.context["filter"].form.errors


def test_the_export_rates_health_a_chunk_at_a_time(staff, client_for, monkeypatch):
    build(5)
    monkeypatch.setattr(exports, "CHUNK", 2)
    asked = []
    rate = views.health_for
    monkeypatch.setattr(views, "health_for", lambda ids, **kw: asked.append(len(ids)) or rate(ids, **kw))
    response = client_for(staff).get(URL + "?sort=name&export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r[0] for r in rows[1:]] == [f"Bulk partner {n:03d}" for n in range(5)]
    assert [r[-1] for r in rows[1:]] == ["Amber"] * 5
    assert asked == [2, 2, 1]
