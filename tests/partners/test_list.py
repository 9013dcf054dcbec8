"""The staff partner list: filters, sorting, health, export and a bounded query count."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hubportal.core.figures import figures_changed
from hubportal.core.health import CONFIDENTIAL, RED, listed_health
from partners.models import District, EvidenceItem, EvidenceType, NationalPlanStrand, Partner, PartnerType
from tests.complaints.helpers import raise_from_public
from tests.factories import PartnerFactory
from tests.partners.factories import ContactFactory, EvidenceItemFactory
from tests.partners.helpers import all_verified

URL = reverse("partners:list")
Stage = Partner.Stage


def names(response) -> list[str]:
    return [row["name"] for row in response.context["rows"]]


@pytest.fixture
def spread(db):
    """Four partners that differ in every filter."""
    charnwood = District.objects.get(name="Charnwood")
    melton = District.objects.get(name="Melton")
    schools = NationalPlanStrand.objects.get(name="Schools")
    inclusion = NationalPlanStrand.objects.get(name="Inclusion")
    school_type = PartnerType.objects.get(name="School")
    # Neither active partner has its register filled by the factory: Anstey's was never opened.
    a = PartnerFactory(name="Anstey Choir", status=Stage.ACTIVE, standards_met=False)
    a.districts.set([charnwood, melton])
    a.strands.set([schools])
    b = PartnerFactory(name="Birstall Band", status=Stage.ENQUIRY, partner_type=school_type, legal_name="BB Trust")
    b.districts.set([melton])
    b.strands.set([inclusion, schools])
    c = PartnerFactory(name="Coalville Strings", status=Stage.STANDARDS_REVIEW)
    d = PartnerFactory(name="Diseworth Drums", status=Stage.ACTIVE, standards_met=False)
    policy = EvidenceType.objects.get(name="Safeguarding policy")
    EvidenceItemFactory(partner=c, evidence_type=policy, status=EvidenceItem.Status.SUBMITTED)
    EvidenceItemFactory(
        partner=d, evidence_type=policy, expires_on=timezone.localdate() + timedelta(days=10)
    )  # verified, expiring
    return a, b, c, d


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["Anstey Choir", "Birstall Band", "Coalville Strings", "Diseworth Drums"]),
        ("?stage=active", ["Anstey Choir", "Diseworth Drums"]),
        ("?q=band", ["Birstall Band"]),
        ("?q=bb+trust", ["Birstall Band"]),  # legal name
        ("?partner_type={school}", ["Birstall Band"]),
        ("?district={melton}", ["Anstey Choir", "Birstall Band"]),
        ("?district={melton}&strand={schools}", ["Anstey Choir", "Birstall Band"]),
        ("?strand={inclusion}", ["Birstall Band"]),
        ("?evidence=submitted", ["Coalville Strings"]),
        ("?evidence=expiring", ["Diseworth Drums"]),
        ("?evidence=verified", ["Diseworth Drums"]),
        ("?sort=-name", ["Diseworth Drums", "Coalville Strings", "Birstall Band", "Anstey Choir"]),
        ("?stage=active&sort=-created", ["Diseworth Drums", "Anstey Choir"]),
    ],
)
def test_filters_and_sorting(spread, staff, client_for, query, expected):
    ids = {
        "school": PartnerType.objects.get(name="School").pk,
        "melton": District.objects.get(name="Melton").pk,
        "schools": NationalPlanStrand.objects.get(name="Schools").pk,
        "inclusion": NationalPlanStrand.objects.get(name="Inclusion").pk,
    }
    response = client_for(staff).get(URL + query.format(**ids))
    assert response.status_code == 200
    assert names(response) == expected


def test_the_list_shows_each_partners_health(spread, staff, client_for):
    response = client_for(staff).get(URL + "?stage=active")
    health = {row["name"]: row["health"] for row in response.context["rows"]}
    # Anstey's register was never opened: nothing to mark down. Diseworth's is
    # open: its policy expires within 30 days and the other standards are missing.
    assert health == {"Anstey Choir": "green", "Diseworth Drums": "red"}
    assert "health-red" in response.text


def test_pagination_keeps_the_filters(staff, client_for):
    for n in range(30):
        PartnerFactory(name=f"Partner {n:02d}", status=Stage.ENQUIRY)
    response = client_for(staff).get(URL + "?stage=enquiry&page=2")
    assert len(names(response)) == 5
    assert "stage=enquiry&amp;page=1" in response.text


def test_csv_export_has_the_filtered_rows(spread, staff, client_for):
    ContactFactory(partner=spread[0], name="Ann Smith", email="ann@example.org")
    response = client_for(staff).get(URL + "?stage=active&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["Name", "Legal name", "Organisation or individual", "Type", "Stage"]
    assert rows[0][-1] == "Health"
    assert [r[0] for r in rows[1:]] == ["Anstey Choir", "Diseworth Drums"]
    assert rows[1][9] == "Charnwood, Melton" and rows[1][11:13] == ["Ann Smith", "ann@example.org"]
    assert [r[-1] for r in rows[1:]] == ["Green", "Red"]


def test_xlsx_export(spread, staff, client_for):
    response = client_for(staff).get(URL + "?q=birstall&export=xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert [c.value for c in sheet[2]][:2] == ["Birstall Band", "BB Trust"]
    assert sheet.max_row == 2


def build(count: int) -> None:
    districts = list(District.objects.all()[:3])
    strands = list(NationalPlanStrand.objects.all()[:2])
    for n in range(count):
        partner = PartnerFactory(name=f"Bulk partner {n:03d}", status=Stage.ACTIVE)
        partner.districts.set(districts)
        partner.strands.set(strands)
        ContactFactory(partner=partner)
        all_verified(partner, days_left=10)  # every item expiring: every row has health reasons


@pytest.mark.parametrize("count", [5, 50])
def test_the_list_query_count_does_not_grow_with_partners(count, staff, client_for, django_assert_max_num_queries):
    build(count)
    client = client_for(staff)
    # Bounds the N+1s on the list: partner type, districts and contacts per row
    # (select/prefetch), and each row's health (one bulk health_for per page).
    # 20 today; the rest is room for the few bulk queries each other app's
    # health signal adds, which must not grow with the rows either.
    with django_assert_max_num_queries(32):
        response = client.get(URL + "?sort=name")
    assert response.status_code == 200 and len(names(response)) == min(count, 25)


@pytest.mark.parametrize("count", [5, 50])
def test_the_evidence_list_query_count_does_not_grow(count, staff, client_for, django_assert_max_num_queries):
    build(count)
    client = client_for(staff)
    # Bounds the N+1 on partner, evidence type and reviewer per row (select_related).
    with django_assert_max_num_queries(12):
        response = client.get(reverse("partners:evidence_list") + "?status=expiring")
    assert response.status_code == 200 and len(response.context["page"]) == min(count * 9, 25)


def test_the_evidence_list_filters_and_exports(spread, staff, client_for):
    response = client_for(staff).get(reverse("partners:evidence_list") + "?status=submitted")
    assert [i.partner.name for i in response.context["page"]] == ["Coalville Strings"]
    export = client_for(staff).get(reverse("partners:evidence_list") + "?status=expiring&export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[1][:3] == ["Diseworth Drums", "Safeguarding policy", "Verified"]


# Assessors too (issue 18): they see the partner of an EOI assigned to them on
# the assessment page, never the list of every partner.
@pytest.mark.parametrize("who", ["partner_a_user", "chair", "assessor"])
def test_the_list_is_for_hub_staff(who, request, client_for):
    assert client_for(request.getfixturevalue(who)).get(URL).status_code == 403


def test_the_staff_dashboard_pipeline_links_to_the_filtered_list(spread, staff, client_for):
    response = client_for(staff).get(reverse("staff_home"))
    assert f'href="{URL}?stage=enquiry"' in response.text
    filtered = client_for(staff).get(URL + "?stage=enquiry")
    assert names(filtered) == ["Birstall Band"]


def test_the_evidence_list_sorts_and_exports_in_that_order(staff, client_for):
    policy = EvidenceType.objects.get(name="Safeguarding policy")
    today = timezone.localdate()
    EvidenceItemFactory(
        partner=PartnerFactory(name="Zouch Brass", standards_met=False),
        evidence_type=policy,
        expires_on=today + timedelta(5),
    )
    EvidenceItemFactory(
        partner=PartnerFactory(name="Anstey Choir", standards_met=False),
        evidence_type=policy,
        expires_on=today + timedelta(90),
    )
    EvidenceItemFactory(
        partner=PartnerFactory(name="Mowmacre Band", standards_met=False),
        evidence_type=policy,
        expires_on=today + timedelta(30),
    )
    client = client_for(staff)
    url = reverse("partners:evidence_list")

    def order(query):
        return [i.partner.name for i in client.get(url + query).context["page"]]

    assert order("") == ["Zouch Brass", "Mowmacre Band", "Anstey Choir"]  # soonest expiry first
    assert order("?sort=-expires") == ["Anstey Choir", "Mowmacre Band", "Zouch Brass"]
    assert order("?sort=partner") == ["Anstey Choir", "Mowmacre Band", "Zouch Brass"]
    assert order("?sort=-partner") == ["Zouch Brass", "Mowmacre Band", "Anstey Choir"]
    assert "sort" in client.get(url).context["filter"].form.fields
    export = client.get(url + "?sort=partner&export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [r[0] for r in rows[1:]] == ["Anstey Choir", "Mowmacre Band", "Zouch Brass"]
    workbook = load_workbook(io.BytesIO(b"".join(client.get(url + "?sort=-partner&export=xlsx").streaming_content)))
    assert [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)] == [
        "Zouch Brass",
        "Mowmacre Band",
        "Anstey Choir",
    ]


def test_the_evidence_list_pages_keep_the_sort(staff, client_for):
    policy = EvidenceType.objects.get(name="Safeguarding policy")
    for n in range(30):
        EvidenceItemFactory(partner=PartnerFactory(name=f"Partner {n:02d}", standards_met=False), evidence_type=policy)
    response = client_for(staff).get(reverse("partners:evidence_list") + "?sort=-partner&page=2")
    assert [i.partner.name for i in response.context["page"]][:2] == ["Partner 04", "Partner 03"]
    assert "sort=-partner&amp;page=1" in response.text


# Health is worked out once per change for everyone who lists the same partners
# (hubportal.core.health.listed_health), and still shown as each viewer may see it.


def health_in(response) -> dict[str, str]:
    return {row["name"]: row["health"] for row in response.context["rows"]}


def test_a_second_look_asks_no_app_again_and_a_change_shows_at_once(spread, staff, manager, client_for):
    anstey, _, _, _ = spread
    with CaptureQueriesContext(connection) as first:
        assert health_in(client_for(staff).get(URL + "?stage=active")) == {
            "Anstey Choir": "green",
            "Diseworth Drums": "red",
        }
    # Another member of staff, the same partners: the reasons come from the cache.
    with CaptureQueriesContext(connection) as second:
        client_for(manager).get(URL + "?stage=active")
    asked = [q["sql"] for q in second.captured_queries if "partners_evidenceitem" in q["sql"]]
    assert asked == [] and len(second) < len(first)

    raise_from_public(partner=anstey, category="safeguarding")
    figures_changed()  # what every history row does once its transaction commits
    assert health_in(client_for(staff).get(URL + "?stage=active"))["Anstey Choir"] == RED


def test_each_viewer_sees_the_cached_reasons_as_they_may(manager, staff):
    partner = PartnerFactory(name="Enderby Ensemble")
    raise_from_public(partner=partner, category="safeguarding")
    lead = listed_health([partner.pk], viewer=manager)[partner.pk]  # fills the cache
    assert "A safeguarding concern about this partner is open." in [r.text for r in lead.reasons]

    other = listed_health([partner.pk], viewer=staff)[partner.pk]
    assert other.level == RED
    assert [r.text for r in other.reasons] == [CONFIDENTIAL]
