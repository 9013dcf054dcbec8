"""The staff list: filters by stage, category, partner and deadline; sorting;
pagination; CSV and XLSX export without personal details unless the user is a
safeguarding lead; a bounded number of queries whatever the length."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from complaints.models import Complaint
from tests.complaints.factories import ComplaintFactory
from tests.complaints.helpers import advance, raise_from_portal, raise_from_public
from tests.factories import PartnerFactory, UserFactory

URL = "/staff/complaints/"


def csv_of(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_filters_by_stage_category_and_partner(manager, client_for, partner_a, partner_b):
    quality_a, _ = raise_from_public(partner=partner_a)
    conduct_b, _ = raise_from_public(partner=partner_b, category="conduct")
    acknowledged = advance(raise_from_public(partner=partner_b)[0], "acknowledged", manager=manager)
    client = client_for(manager)

    def shown(query):
        return {c.reference for c in client.get(f"{URL}?{query}").context["page"]}

    assert shown("") == {quality_a.reference, conduct_b.reference, acknowledged.reference}
    assert shown("status=acknowledged") == {acknowledged.reference}
    assert shown("category=conduct") == {conduct_b.reference}
    assert shown(f"partner={partner_b.pk}") == {conduct_b.reference, acknowledged.reference}
    assert shown(f"partner={partner_b.pk}&status=received") == {conduct_b.reference}
    assert shown(f"reference={quality_a.reference[-4:]}") == {quality_a.reference}


def test_the_category_filter_does_not_offer_safeguarding_on_the_main_list(manager, client_for):
    page = client_for(manager).get(URL)
    choices = dict(page.context["filter"].form.fields["category"].choices)
    assert "safeguarding" not in choices and "conduct" in choices


def test_sorting(manager, client_for, partner_a):
    first = ComplaintFactory(partner=partner_a, reference="C-2026-0001", respond_by="2026-05-01")
    second = ComplaintFactory(partner=partner_a, reference="C-2026-0002", respond_by="2026-04-01")
    client = client_for(manager)

    def order(sort):
        return [c.reference for c in client.get(f"{URL}?sort={sort}").context["page"]]

    assert order("reference") == [first.reference, second.reference]
    assert order("-reference") == [second.reference, first.reference]
    assert order("respond_by") == [second.reference, first.reference]


def test_pagination_keeps_the_filters(manager, client_for, partner_a):
    ComplaintFactory.create_batch(30, partner=partner_a, category="conduct")
    page = client_for(manager).get(f"{URL}?category=conduct")
    assert len(page.context["page"]) == 25 and "Page 1 of 2" in page.text
    assert "?category=conduct&amp;page=2" in page.text
    assert len(client_for(manager).get(f"{URL}?category=conduct&page=2").context["page"]) == 5


def test_export_leaves_out_personal_details_for_staff(staff, client_for, partner_a):
    complaint, _ = raise_from_public(partner=partner_a, complainant_name="Ruth Jones", complainant_email="ruth@x.org")
    csv = csv_of(client_for(staff).get(f"{URL}?export=csv"))
    assert complaint.reference in csv and partner_a.name in csv
    assert "Ruth Jones" not in csv and "ruth@x.org" not in csv and "Complainant" not in csv.splitlines()[0]
    xlsx = client_for(staff).get(f"{URL}?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert complaint.reference in values and "Ruth Jones" not in values


def test_export_includes_personal_details_for_safeguarding_leads(manager, safeguarding_lead, client_for, partner_a):
    complaint, _ = raise_from_public(partner=partner_a, complainant_name="Ruth Jones", complainant_email="ruth@x.org")
    for user in (manager, safeguarding_lead):
        csv = csv_of(client_for(user).get(f"{URL}?export=csv"))
        header = csv.splitlines()[0]
        assert "Complainant,Complainant email" in header and "Ruth Jones" in csv and "ruth@x.org" in csv


def test_export_follows_the_filters(manager, client_for, partner_a):
    kept, _ = raise_from_public(partner=partner_a, category="conduct")
    left, _ = raise_from_public(partner=partner_a, category="financial")
    csv = csv_of(client_for(manager).get(f"{URL}?category=conduct&export=csv"))
    assert kept.reference in csv and left.reference not in csv


def test_the_safeguarding_list_exports_the_concerns(manager, client_for, partner_a):
    concern, _ = raise_from_public(partner=partner_a, category="safeguarding")
    csv = csv_of(client_for(manager).get("/staff/complaints/safeguarding/?export=csv"))
    assert concern.reference in csv


def _many(count):
    owner = UserFactory(username=f"owner-{count}", role="Service manager")
    for _ in range(count):
        partner = PartnerFactory()
        ComplaintFactory(partner=partner, owner=owner, complainant_partner=PartnerFactory())


@pytest.mark.parametrize("count", [3, 30])
def test_the_staff_list_runs_a_fixed_number_of_queries(count, manager, client_for, django_assert_max_num_queries):
    # Prevents one query per row for the partner, the owner or the complainant's partner.
    _many(count)
    client = client_for(manager)
    with django_assert_max_num_queries(14):
        response = client.get(URL)
    assert len(response.context["page"]) == min(count, 25)


@pytest.mark.parametrize("count", [3, 30])
def test_the_export_runs_a_fixed_number_of_queries(count, manager, client_for, django_assert_max_num_queries):
    # Prevents one query per row for the partner, the owner or the complainant's partner.
    _many(count)
    client = client_for(manager)
    with django_assert_max_num_queries(10):
        assert csv_of(client.get(f"{URL}?export=csv")).count("\n") == count + 1


@pytest.mark.parametrize("count", [2, 20])
def test_the_portal_list_runs_a_fixed_number_of_queries(
    count, partner_a_user, client_for, django_assert_max_num_queries
):
    # Prevents one query per row for the partner each complaint is about.
    for _ in range(count):
        raise_from_portal(partner_a_user, about_partner=PartnerFactory())
    client = client_for(partner_a_user)
    with django_assert_max_num_queries(12):
        response = client.get("/portal/complaints/")
    assert response.text.count("/portal/complaints/") >= count


@pytest.mark.parametrize("count", [2, 12])
def test_the_chair_list_runs_a_fixed_number_of_queries(
    count, chair, manager, partner_a_user, client_for, django_assert_max_num_queries
):
    # Prevents one query per case for the partner it is about.
    for _ in range(count):
        advance(
            raise_from_portal(partner_a_user, about_partner=PartnerFactory()),
            Complaint.Status.ESCALATED,
            manager=manager,
            complainant=partner_a_user,
        )
    client = client_for(chair)
    with django_assert_max_num_queries(10):
        assert client.get("/chair/complaints/").status_code == 200


# The Chair's list of escalated complaints.

CHAIR_URL = "/chair/complaints/"


def escalated(reference, *, days_ago, category="quality", decided=None, complainant_partner=None, **kwargs):
    now = timezone.now()
    return ComplaintFactory(
        reference=reference,
        category=category,
        status=Complaint.Status.DECIDED if decided else Complaint.Status.ESCALATED,
        escalated_at=now - timedelta(days=days_ago),
        chair_decision=decided or "",
        decided_at=now - timedelta(days=days_ago - 1) if decided else None,
        complainant_partner=complainant_partner,
        complainant_name="Ruth Jones",
        complainant_email="ruth@example.org",
        complainant_phone="0116 496 0000",
        **kwargs,
    )


@pytest.fixture
def chair_cases(partner_a):
    return {
        "old": escalated("C-2026-0001", days_ago=30),
        "new": escalated("C-2026-0004", days_ago=3, category="conduct", complainant_partner=partner_a),
        "upheld": escalated("C-2026-0002", days_ago=60, decided="upheld"),
        "not_upheld": escalated("C-2026-0003", days_ago=50, category="conduct", decided="not_upheld"),
        # Still with the Service Manager: never on the Chair's list.
        "stage_one": ComplaintFactory(reference="C-2026-0009"),
    }


def chair_shown(response) -> tuple:
    return tuple(
        [c.reference for c in response.context[key]] if response.context[key] is not None else None
        for key in ("waiting", "decided")
    )


def test_the_chair_filters_by_state_category_and_decision(chair_cases, chair, client_for):
    client = client_for(chair)

    def shown(**query):
        return chair_shown(client.get(CHAIR_URL, query))

    assert shown() == (["C-2026-0001", "C-2026-0004"], ["C-2026-0003", "C-2026-0002"])
    assert shown(state="waiting") == (["C-2026-0001", "C-2026-0004"], None)
    assert shown(state="decided") == (None, ["C-2026-0003", "C-2026-0002"])
    assert shown(category="conduct") == (["C-2026-0004"], ["C-2026-0003"])
    assert shown(chair_decision="upheld") == ([], ["C-2026-0002"])
    assert shown(reference="0004") == (["C-2026-0004"], [])
    page = client.get(CHAIR_URL, {"state": "decided"}).text
    assert 'id="waiting-title"' not in page and 'id="decided-title"' in page


def test_the_chair_sorts_both_lists(chair_cases, chair, client_for):
    client = client_for(chair)
    assert chair_shown(client.get(CHAIR_URL, {"sort": "-escalated"})) == (
        ["C-2026-0004", "C-2026-0001"],
        ["C-2026-0003", "C-2026-0002"],
    )
    assert chair_shown(client.get(CHAIR_URL, {"sort": "reference"})) == (
        ["C-2026-0001", "C-2026-0004"],
        ["C-2026-0002", "C-2026-0003"],
    )


def test_the_chair_lists_page_apart_keeping_the_filters(chair, client_for):
    for n in range(27):
        escalated(f"C-2025-{n:04d}", days_ago=100 - n, decided="not_upheld", category="conduct")
    escalated("C-2026-0100", days_ago=1, category="conduct")
    client = client_for(chair)
    first = client.get(CHAIR_URL, {"category": "conduct"})
    assert len(first.context["decided"]) == 25 and len(first.context["waiting"]) == 1
    assert "category=conduct&amp;decided-page=2" in first.text
    second = client.get(CHAIR_URL, {"category": "conduct", "decided-page": 2})
    assert [c.reference for c in second.context["decided"]] == ["C-2025-0001", "C-2025-0000"]


def test_the_chairs_export_has_no_personal_details_of_the_complainant(chair_cases, chair, partner_a, client_for):
    client = client_for(chair)
    text = csv_of(client.get(f"{CHAIR_URL}?export=csv&sort=reference"))
    rows = text.splitlines()
    assert rows[0].startswith("Reference,Received,Category,About,Raised via,Raised by partner,Stage")
    assert [r.split(",")[0] for r in rows[1:]] == ["C-2026-0001", "C-2026-0002", "C-2026-0003", "C-2026-0004"]
    assert "Ruth Jones" not in text and "ruth@example.org" not in text and "0116 496 0000" not in text
    assert "Complainant" not in rows[0]
    assert partner_a.name in rows[4]  # the organisation that complained, as the case page shows
    xlsx = client.get(f"{CHAIR_URL}?export=xlsx&state=decided&sort=reference")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in values[1:]] == ["C-2026-0002", "C-2026-0003"]
    assert values[1][9] == "Upheld" and "Ruth Jones" not in [c for r in values for c in r]


@pytest.mark.parametrize("who", ["manager", "staff", "partner_a_user"])
def test_only_the_chair_exports_escalated_complaints(who, request, client_for, chair_cases):
    assert client_for(request.getfixturevalue(who)).get(f"{CHAIR_URL}?export=csv").status_code == 403


@pytest.mark.parametrize("count", [2, 30])
def test_the_chair_export_runs_a_fixed_number_of_queries(count, chair, client_for, django_assert_max_num_queries):
    # Prevents one query per case for the partner it is about or the partner that complained.
    for n in range(count):
        escalated(
            f"C-2024-{n:04d}", days_ago=n + 2, complainant_partner=PartnerFactory(), decided="upheld" if n % 2 else None
        )
    client = client_for(chair)
    with django_assert_max_num_queries(8):
        assert csv_of(client.get(f"{CHAIR_URL}?export=csv")).count("\n") == count + 1
    with django_assert_max_num_queries(12):
        assert client.get(CHAIR_URL).status_code == 200
