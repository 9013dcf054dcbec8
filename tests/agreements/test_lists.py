"""Lists everywhere: the partner's agreements and the Chair's recommendations
filter, sort, page and export (CSV streamed, XLSX that openpyxl opens), a
partner's export holds only their own rows, and the query count stays the same
whatever the number of rows."""

import csv
import io
from datetime import timedelta

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from agreements.models import Agreement, Reason, TerminationRecommendation
from hubportal.core.academic_years import current_academic_year
from tests.agreements.factories import AgreementFactory
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

PORTAL = reverse("agreements:portal_list")
CHAIR = reverse("agreements:chair_recommendations")
YEAR = current_academic_year().start_year


def csv_rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse) and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def xlsx_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


@pytest.fixture
def mine(partner_a, partner_b):
    """Partner A's three agreements across two years and both kinds, and one of partner B's."""
    AgreementFactory(partner=partner_b, title="Partner B's own agreement", live=True)
    return {
        "old": AgreementFactory(
            partner=partner_a, title="Anstey partnership", academic_year=YEAR - 1, status=Agreement.Status.EXPIRED
        ),
        "live": AgreementFactory(partner=partner_a, title="Charnwood partnership", live=True),
        "project": AgreementFactory(partner=partner_a, title="Brass project", project=True),
    }


def test_the_partner_filters_their_agreements_by_state_kind_and_year(mine, partner_a_user, client_for):
    client = client_for(partner_a_user)

    def titles(query):
        return sorted(a.title for a in client.get(PORTAL, query).context["page"])

    assert titles({}) == ["Anstey partnership", "Brass project", "Charnwood partnership"]
    assert titles({"status": "live"}) == ["Charnwood partnership"]
    assert titles({"kind": "project"}) == ["Brass project"]
    assert titles({"academic_year": YEAR - 1}) == ["Anstey partnership"]
    assert titles({"academic_year": YEAR, "kind": "partnership"}) == ["Charnwood partnership"]
    assert titles({"status": "terminated"}) == []


def test_the_partner_sorts_their_agreements(mine, partner_a_user, client_for):
    client = client_for(partner_a_user)

    def order(sort):
        return [a.title for a in client.get(PORTAL, {"sort": sort}).context["page"]]

    assert order("title") == ["Anstey partnership", "Brass project", "Charnwood partnership"]
    assert order("year")[0] == "Anstey partnership"
    assert order("-year")[-1] == "Anstey partnership"


def test_the_partner_list_pages_and_keeps_the_filters(partner_a, partner_a_user, client_for):
    for n in range(27):
        AgreementFactory(partner=partner_a, title=f"Project {n:02d}", project=True, outcomes=[])
    client = client_for(partner_a_user)
    first = client.get(PORTAL, {"kind": "project", "sort": "title"})
    assert len(first.context["page"]) == 25 and "Page 1 of 2" in first.text
    assert "kind=project&amp;sort=title&amp;page=2" in first.text
    second = client.get(PORTAL, {"kind": "project", "sort": "title", "page": 2})
    assert [a.title for a in second.context["page"]] == ["Project 25", "Project 26"]


def test_the_partners_export_holds_only_their_own_filtered_rows(mine, partner_a_user, partner_b_user, client_for):
    rows = csv_rows(client_for(partner_a_user).get(PORTAL, {"export": "csv", "sort": "title"}))
    assert rows[0][:4] == ["Agreement", "Kind", "Academic year", "State"]
    assert "With the Chair" not in rows[0]  # staff's business, not the partner's
    assert [r[0] for r in rows[1:]] == ["Anstey partnership", "Brass project", "Charnwood partnership"]
    assert not any("Partner B" in cell for row in rows for cell in row)
    filtered = xlsx_rows(client_for(partner_a_user).get(PORTAL, {"export": "xlsx", "kind": "project"}))
    assert [r[0] for r in filtered[1:]] == ["Brass project"]
    theirs = csv_rows(client_for(partner_b_user).get(PORTAL, {"export": "csv"}))
    assert [r[0] for r in theirs[1:]] == ["Partner B's own agreement"]


@pytest.mark.parametrize("count", [3, 30])
def test_the_partner_list_and_export_cost_the_same_queries_at_any_size(
    count, partner_a, partner_a_user, client_for, django_assert_max_num_queries
):
    for _ in range(count):
        AgreementFactory(partner=partner_a, project=True, outcomes=[])
    client = client_for(partner_a_user)
    # Prevents a query per row for the partner or the open recommendation (joined and annotated).
    with django_assert_max_num_queries(10):
        assert len(client.get(PORTAL).context["page"]) == min(count, 25)
    with django_assert_max_num_queries(8):
        assert len(csv_rows(client.get(PORTAL, {"export": "csv"}))) == count + 1


# The Chair's recommendations.


def recommend(partner, staff, *, kind="terminate", days_ago=0, decided=None):
    agreement = AgreementFactory(partner=partner, live=True, outcomes=[])
    now = timezone.now()
    return TerminationRecommendation.objects.create(
        agreement=agreement,
        kind=kind,
        reasons=[Reason.DATA],
        evidence="No data returned for two terms.",
        raised_by=staff,
        raised_at=now - timedelta(days=days_ago),
        decision=decided or "",
        decided_at=now - timedelta(days=days_ago - 1) if decided else None,
    )


@pytest.fixture
def recommendations(staff):
    return {
        "old": recommend(PartnerFactory(name="Anstey Choir"), staff, days_ago=20),
        "new": recommend(PartnerFactory(name="Zouch Brass"), staff, kind="not_renew", days_ago=2),
        "upheld": recommend(PartnerFactory(name="Mowmacre Band"), staff, days_ago=40, decided="upheld"),
        "rejected": recommend(
            PartnerFactory(name="Birstall Strings"), staff, kind="not_renew", days_ago=30, decided="rejected"
        ),
    }


def shown(response) -> tuple[list, list]:
    names = []
    for key in ("awaiting", "decided"):
        page = response.context[key]
        names.append([r.agreement.partner.name for r in page] if page is not None else None)
    return tuple(names)


def test_the_chair_filters_by_state_kind_and_decision(recommendations, chair, client_for):
    client = client_for(chair)
    assert shown(client.get(CHAIR)) == (["Anstey Choir", "Zouch Brass"], ["Birstall Strings", "Mowmacre Band"])
    assert shown(client.get(CHAIR, {"state": "awaiting"})) == (["Anstey Choir", "Zouch Brass"], None)
    assert shown(client.get(CHAIR, {"state": "decided"})) == (None, ["Birstall Strings", "Mowmacre Band"])
    assert shown(client.get(CHAIR, {"kind": "not_renew"})) == (["Zouch Brass"], ["Birstall Strings"])
    assert shown(client.get(CHAIR, {"decision": "upheld"})) == ([], ["Mowmacre Band"])
    assert shown(client.get(CHAIR, {"q": "zouch"})) == (["Zouch Brass"], [])
    page = client.get(CHAIR, {"state": "decided"}).text
    assert "Awaiting your decision</h2>" not in page and "Decided</h2>" in page


def test_the_chair_sorts_both_lists(recommendations, chair, client_for):
    client = client_for(chair)
    assert shown(client.get(CHAIR, {"sort": "-raised"})) == (
        ["Zouch Brass", "Anstey Choir"],
        ["Birstall Strings", "Mowmacre Band"],
    )
    assert shown(client.get(CHAIR, {"sort": "partner"})) == (
        ["Anstey Choir", "Zouch Brass"],
        ["Birstall Strings", "Mowmacre Band"],
    )
    assert shown(client.get(CHAIR, {"sort": "raised"}))[1] == ["Mowmacre Band", "Birstall Strings"]


def test_the_chair_lists_page_apart(staff, chair, client_for):
    for n in range(27):
        recommend(PartnerFactory(name=f"Partner {n:02d}"), staff, days_ago=60 - n, decided="rejected")
    recommend(PartnerFactory(name="Waiting partner"), staff)
    client = client_for(chair)
    first = client.get(CHAIR, {"kind": "terminate"})
    assert len(first.context["decided"]) == 25 and len(first.context["awaiting"]) == 1
    assert "kind=terminate&amp;decided-page=2" in first.text
    second = client.get(CHAIR, {"kind": "terminate", "decided-page": 2})
    assert [r.agreement.partner.name for r in second.context["decided"]] == ["Partner 01", "Partner 00"]
    assert [r.agreement.partner.name for r in second.context["awaiting"]] == ["Waiting partner"]


def test_the_chair_exports_the_filtered_recommendations(recommendations, chair, client_for):
    client = client_for(chair)
    rows = csv_rows(client.get(CHAIR, {"export": "csv", "sort": "partner"}))
    assert rows[0][:3] == ["Recommendation", "Agreement", "Partner"]
    assert [r[2] for r in rows[1:]] == ["Anstey Choir", "Birstall Strings", "Mowmacre Band", "Zouch Brass"]
    assert rows[1][3] == Reason.DATA.label and rows[1][7] == "Awaiting your decision"
    decided = xlsx_rows(client.get(CHAIR, {"export": "xlsx", "state": "decided", "sort": "partner"}))
    assert [r[2] for r in decided[1:]] == ["Birstall Strings", "Mowmacre Band"]
    assert decided[2][8] == "End the agreement"


@pytest.mark.parametrize("who", ["staff", "partner_a_user", "assessor"])
def test_only_the_chair_reads_or_exports_the_recommendations(who, request, client_for, recommendations):
    client = client_for(request.getfixturevalue(who))
    assert client.get(CHAIR).status_code == 403
    assert client.get(CHAIR, {"export": "csv"}).status_code == 403


@pytest.mark.parametrize("count", [2, 30])
def test_the_chair_list_and_export_cost_the_same_queries_at_any_size(
    count, staff, chair, client_for, django_assert_max_num_queries
):
    for n in range(count):
        recommend(PartnerFactory(), staff, days_ago=n, decided="upheld" if n % 2 else None)
    client = client_for(chair)
    # Prevents a query per row for the agreement, its partner or who raised it (joined);
    # a count and a page for each of the two lists.
    with django_assert_max_num_queries(12):
        assert client.get(CHAIR).status_code == 200
    with django_assert_max_num_queries(8):
        assert len(csv_rows(client.get(CHAIR, {"export": "csv"}))) == count + 1
