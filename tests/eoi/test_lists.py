"""Lists everywhere in commissioning: needs analyses, a needs analysis's gaps,
an assessor's assignments, a partner's EOIs and the calls open to them filter,
sort, page and export (CSV streamed, XLSX that openpyxl opens); what a partner
or an assessor exports is only their own; the query count stays the same
whatever the number of rows."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from eoi.models import Call, ExpressionOfInterest, Gap, Score
from hubportal.core.academic_years import current_academic_year
from partners.models import District, NationalPlanStrand
from tests.eoi.conftest import move
from tests.eoi.factories import (
    AssessorAssignmentFactory,
    CallFactory,
    CriterionFactory,
    ExpressionOfInterestFactory,
    GapFactory,
    NeedsAnalysisFactory,
)
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db
EOI = ExpressionOfInterest.Status
YEAR = current_academic_year().start_year


def csv_rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse) and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def xlsx_rows(response) -> list[tuple]:
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))


# Needs analyses.


@pytest.fixture
def analyses(db):
    older = NeedsAnalysisFactory(academic_year=YEAR - 2, title="Brass and wind gaps")
    GapFactory(needs_analysis=older, priority=Gap.Priority.HIGH)
    current = NeedsAnalysisFactory(academic_year=YEAR, title="Access and inclusion")
    for priority in (Gap.Priority.HIGH, Gap.Priority.LOW, Gap.Priority.HIGH):
        GapFactory(needs_analysis=current, priority=priority)
    return older, current


def test_needs_analyses_filter_by_year_sort_and_export(analyses, staff, client_for):
    older, current = analyses
    client = client_for(staff)
    url = reverse("eoi:needs_list")

    def titles(query):
        return [a.title for a in client.get(url, query).context["page"]]

    assert titles({}) == ["Access and inclusion", "Brass and wind gaps"]  # newest year first
    assert titles({"academic_year": YEAR - 2}) == ["Brass and wind gaps"]
    assert titles({"q": "inclusion"}) == ["Access and inclusion"]
    assert titles({"ordering": "year"}) == ["Brass and wind gaps", "Access and inclusion"]
    assert titles({"ordering": "gaps"}) == ["Brass and wind gaps", "Access and inclusion"]
    assert titles({"ordering": "title"}) == ["Access and inclusion", "Brass and wind gaps"]
    rows = csv_rows(client.get(url, {"export": "csv", "ordering": "year"}))
    assert rows[0][:4] == ["Academic year", "Title", "Gaps in provision", "High-priority gaps"]
    assert [r[1:4] for r in rows[1:]] == [["Brass and wind gaps", "1", "1"], ["Access and inclusion", "3", "2"]]
    only = xlsx_rows(client.get(url, {"export": "xlsx", "academic_year": YEAR}))
    assert [r[1] for r in only[1:]] == ["Access and inclusion"]


@pytest.fixture
def gaps(db):
    analysis = NeedsAnalysisFactory(academic_year=YEAR)
    inclusion = NationalPlanStrand.objects.get_or_create(name="Inclusion")[0]
    schools = NationalPlanStrand.objects.get_or_create(name="Schools")[0]
    melton = District.objects.get(name="Melton")
    low = GapFactory(
        needs_analysis=analysis, title="Folk fiddle", priority=Gap.Priority.LOW, indicative_budget=Decimal("900.00")
    )
    high = GapFactory(
        needs_analysis=analysis,
        title="SEND ensembles",
        priority=Gap.Priority.HIGH,
        strand=schools,
        indicative_budget=Decimal("12000.00"),
    )
    high.districts.set([melton])
    medium = GapFactory(needs_analysis=analysis, title="Adult learners", priority=Gap.Priority.MEDIUM, strand=inclusion)
    CallFactory(title="Ensembles call", gaps=[high])
    return analysis, low, medium, high


def test_the_gaps_sort_by_priority_high_first_and_export_what_the_filters_show(gaps, staff, client_for):
    analysis, *_ = gaps
    client = client_for(staff)
    url = reverse("eoi:needs_detail", args=[analysis.pk])

    def titles(query):
        return [g.title for g in client.get(url, query).context["page"]]

    assert titles({}) == ["SEND ensembles", "Adult learners", "Folk fiddle"]
    assert titles({"sort": "-priority"}) == ["Folk fiddle", "Adult learners", "SEND ensembles"]
    assert titles({"sort": "title"}) == ["Adult learners", "Folk fiddle", "SEND ensembles"]
    assert titles({"sort": "-budget"})[0] == "SEND ensembles"
    assert titles({"sort": "strand"})[-1] == "SEND ensembles"  # Inclusion before Schools
    rows = csv_rows(client.get(url, {"export": "csv"}))
    assert rows[0][:3] == ["Gap", "What is missing", "For"]
    send = rows[1]
    assert send[0] == "SEND ensembles" and send[4] == "Melton" and send[6] == "High" and send[9] == "Ensembles call"
    assert rows[3][4] == "Hub-wide"
    filtered = xlsx_rows(client.get(url, {"export": "xlsx", "priority": "low"}))
    assert [r[0] for r in filtered[1:]] == ["Folk fiddle"]


@pytest.mark.parametrize("count", [3, 30])
def test_the_gaps_page_and_export_cost_the_same_queries_at_any_size(
    count, staff, client_for, django_assert_max_num_queries
):
    analysis = NeedsAnalysisFactory(academic_year=YEAR)
    districts = list(District.objects.all()[:2])
    for _ in range(count):
        gap = GapFactory(needs_analysis=analysis)
        gap.districts.set(districts)
    client = client_for(staff)
    url = reverse("eoi:needs_detail", args=[analysis.pk])
    # Prevents a query per gap for its strand, target groups, districts and calls (joined and prefetched).
    with django_assert_max_num_queries(18):
        assert len(client.get(url).context["page"]) == min(count, 25)
    with django_assert_max_num_queries(12):
        assert len(csv_rows(client.get(url, {"export": "csv"}))) == count + 1
    with django_assert_max_num_queries(10):
        assert client.get(reverse("eoi:needs_list"), {"export": "csv"}).status_code == 200


# An assessor's assignments.


@pytest.fixture
def assigned(assessor, call):
    """Two EOIs assigned to the assessor, one scored; another assessor scored the first too."""
    other = UserFactory(role="Assessor", username="other-assessor")
    first = move(ExpressionOfInterestFactory(call=call, title="Brass for all"), EOI.UNDER_ASSESSMENT)
    second = move(ExpressionOfInterestFactory(call=call, title="Africa drumming"), EOI.UNDER_ASSESSMENT)
    criteria = list(call.criteria.all())
    mine = AssessorAssignmentFactory(eoi=first, assessor=assessor, has_conflict=False, completed_at=timezone.now())
    for criterion in criteria:
        Score.objects.create(assignment=mine, criterion=criterion, score=4, comment="My own view.")
    AssessorAssignmentFactory(eoi=second, assessor=assessor)
    theirs = AssessorAssignmentFactory(eoi=first, assessor=other, has_conflict=False)
    Score.objects.create(assignment=theirs, criterion=criteria[0], score=1, comment="Another assessor's secret")
    third = move(ExpressionOfInterestFactory(call=call, title="Not mine at all"), EOI.UNDER_ASSESSMENT)
    AssessorAssignmentFactory(eoi=third, assessor=other)
    return first, second


def test_an_assessor_sorts_and_exports_only_their_own_assignments(assigned, assessor, client_for):
    client = client_for(assessor)
    url = reverse("eoi:assessments")

    def titles(query):
        return [a.eoi.title for a in client.get(url, query).context["page"]]

    assert titles({"ordering": "title"}) == ["Africa drumming", "Brass for all"]
    assert titles({"ordering": "-title"}) == ["Brass for all", "Africa drumming"]
    assert titles({"outstanding": "true"}) == ["Africa drumming"]
    rows = csv_rows(client.get(url, {"export": "csv", "ordering": "title"}))
    assert rows[0][0] == "Expression of interest" and rows[0][6] == "Criteria I have scored"
    assert [(r[0], r[5], r[6]) for r in rows[1:]] == [
        ("Africa drumming", "Not yet declared", "0"),
        ("Brass for all", "No", "3"),
    ]
    body = "\n".join(",".join(r) for r in rows)
    assert "Not mine at all" not in body and "secret" not in body and "other-assessor" not in body
    assert "My own view" not in body  # comments stay on the scoring page
    workbook = xlsx_rows(client.get(url, {"export": "xlsx", "outstanding": "false"}))
    assert [r[0] for r in workbook[1:]] == ["Brass for all"]


@pytest.mark.parametrize("who", ["staff", "partner_a_user", "chair"])
def test_only_assessors_export_assignments(who, request, client_for):
    assert (
        client_for(request.getfixturevalue(who)).get(reverse("eoi:assessments"), {"export": "csv"}).status_code == 403
    )


@pytest.mark.parametrize("count", [2, 20])
def test_the_assessments_page_and_export_cost_the_same_queries_at_any_size(
    count, assessor, call, client_for, django_assert_max_num_queries
):
    for _ in range(count):
        AssessorAssignmentFactory(eoi=move(ExpressionOfInterestFactory(call=call), EOI.SUBMITTED), assessor=assessor)
    client = client_for(assessor)
    # Prevents a query per assignment for its EOI, call and partner (joined), or its scores (counted in SQL).
    with django_assert_max_num_queries(10):
        assert len(client.get(reverse("eoi:assessments")).context["page"]) == min(count, 25)
    with django_assert_max_num_queries(8):
        assert len(csv_rows(client.get(reverse("eoi:assessments"), {"export": "csv"}))) == count + 1


# The partner's EOIs.


def test_a_partner_sorts_and_exports_only_their_own_eois(partner_a_user, partner_b, client_for):
    partner_a = partner_a_user.partner
    soon = CallFactory(title="Closing soon", closes_at=timezone.now() + timedelta(days=2))
    later = CallFactory(title="Closing later", closes_at=timezone.now() + timedelta(days=40))
    ExpressionOfInterestFactory(
        call=soon, partner=partner_a, title="Zither circle", hub_grant_requested=Decimal("2000")
    )
    ExpressionOfInterestFactory(call=later, partner=partner_a, title="Accordion club")
    ExpressionOfInterestFactory(call=soon, partner=partner_b, title="Partner B's bid")
    client = client_for(partner_a_user)
    url = reverse("eoi:portal_eois")

    def titles(query):
        return [e.title for e in client.get(url, query).context["page"]]

    assert titles({"ordering": "title"}) == ["Accordion club", "Zither circle"]
    assert titles({"ordering": "closes"}) == ["Zither circle", "Accordion club"]
    assert titles({"ordering": "-closes"}) == ["Accordion club", "Zither circle"]
    assert titles({"ordering": "hub_grant"}) == ["Zither circle", "Accordion club"]
    rows = csv_rows(client.get(url, {"export": "csv", "ordering": "title"}))
    assert rows[0][:4] == ["Expression of interest", "Call", "Call closes", "State"]
    assert [(r[0], r[4], r[5], r[6]) for r in rows[1:]] == [
        ("Accordion club", "10000.00", "5000.00", "50.00"),
        ("Zither circle", "10000.00", "2000.00", "20.00"),
    ]
    assert not any("Partner B" in cell for row in rows for cell in row)
    drafts = xlsx_rows(client.get(url, {"export": "xlsx", "status": "submitted"}))
    assert drafts[1:] == []


@pytest.mark.parametrize("count", [2, 20])
def test_the_partners_eois_and_export_cost_the_same_queries_at_any_size(
    count, partner_a_user, client_for, django_assert_max_num_queries
):
    for _ in range(count):
        ExpressionOfInterestFactory(partner=partner_a_user.partner)
    client = client_for(partner_a_user)
    # Prevents a query per EOI for its call, budget lines and funding sources (joined and prefetched).
    with django_assert_max_num_queries(12):
        assert len(client.get(reverse("eoi:portal_eois")).context["page"]) == min(count, 25)
    with django_assert_max_num_queries(10):
        assert len(csv_rows(client.get(reverse("eoi:portal_eois"), {"export": "csv"}))) == count + 1


# The calls open to the partner.


@pytest.fixture
def calls(partner_a_user, partner_b):
    from partners.models import PartnerType

    now = timezone.now()
    school = PartnerType.objects.get_or_create(name="School", defaults={"kind": "network"})[0]
    made = {
        "later": CallFactory(title="Strings later", closes_at=now + timedelta(days=30), max_hub_grant=Decimal("20000")),
        "soon": CallFactory(title="Brass soon", closes_at=now + timedelta(days=3)),
        "old": CallFactory(title="Percussion old", status=Call.Status.CLOSED, closes_at=now - timedelta(days=90)),
        "recent": CallFactory(title="Voice recent", status=Call.Status.AWARDED, closes_at=now - timedelta(days=10)),
        # Open, but its close time has passed and the beat task has not closed it yet.
        "lapsed": CallFactory(title="Keyboards lapsed", closes_at=now - timedelta(hours=1)),
    }
    CallFactory(title="A draft call", status=Call.Status.DRAFT)
    schools_only = CallFactory(title="For schools only")
    schools_only.eligible_types.set([school])
    ExpressionOfInterestFactory(call=made["soon"], partner=partner_a_user.partner, title="Our brass")
    ExpressionOfInterestFactory(call=made["later"], partner=partner_b, title="Partner B's strings")
    return made


def test_the_partners_calls_are_open_first_closing_soonest_then_closed_latest_first(calls, partner_a_user, client_for):
    page = client_for(partner_a_user).get(reverse("eoi:portal_calls"))
    assert [c.title for c in page.context["page"]] == [
        "Brass soon",
        "Strings later",
        "Keyboards lapsed",
        "Voice recent",
        "Percussion old",
    ]
    assert "For schools only" not in page.text and "A draft call" not in page.text


def test_the_partner_filters_and_sorts_the_calls(calls, partner_a_user, client_for):
    client = client_for(partner_a_user)
    url = reverse("eoi:portal_calls")

    def titles(query):
        return [c.title for c in client.get(url, query).context["page"]]

    assert titles({"state": "open"}) == ["Brass soon", "Strings later"]
    assert titles({"state": "closed"}) == ["Keyboards lapsed", "Voice recent", "Percussion old"]
    assert titles({"answered": "yes"}) == ["Brass soon"]  # partner B's EOI is not theirs
    assert titles({"answered": "no", "state": "open"}) == ["Strings later"]
    assert titles({"q": "brass"}) == ["Brass soon"]
    assert titles({"ordering": "title"})[:2] == ["Brass soon", "Keyboards lapsed"]
    assert titles({"ordering": "-hub_grant"})[0] == "Strings later"
    assert titles({"ordering": "closes"})[0] == "Percussion old"


def test_the_partners_calls_page_and_keep_the_filters(partner_a_user, client_for):
    for n in range(27):
        CallFactory(title=f"Call {n:02d}", closes_at=timezone.now() + timedelta(days=n + 1), gaps=[])
    client = client_for(partner_a_user)
    first = client.get(reverse("eoi:portal_calls"), {"state": "open"})
    assert len(first.context["page"]) == 25 and "state=open&amp;page=2" in first.text
    second = client.get(reverse("eoi:portal_calls"), {"state": "open", "page": 2})
    assert [c.title for c in second.context["page"]] == ["Call 25", "Call 26"]


def test_the_partners_call_export_holds_only_their_own_eoi(calls, partner_a_user, partner_b_user, client_for):
    rows = csv_rows(client_for(partner_a_user).get(reverse("eoi:portal_calls"), {"export": "csv"}))
    assert rows[0] == [
        "Call",
        "Opens",
        "Closes",
        "Open now",
        "Largest Hub Grant",
        "Match from other sources (%)",
        "In-kind counts",
        "Your expression of interest",
    ]
    mine = {r[0]: (r[3], r[7]) for r in rows[1:]}
    assert mine == {
        "Brass soon": ("yes", "Draft"),
        "Strings later": ("yes", "Not started"),  # partner B's draft is not theirs
        "Keyboards lapsed": ("no", "Not started"),
        "Voice recent": ("no", "Not started"),
        "Percussion old": ("no", "Not started"),
    }
    theirs = xlsx_rows(
        client_for(partner_b_user).get(reverse("eoi:portal_calls"), {"export": "xlsx", "answered": "yes"})
    )
    assert [(r[0], r[7]) for r in theirs[1:]] == [("Strings later", "Draft")]


@pytest.mark.parametrize("count", [2, 20])
def test_the_partners_calls_and_export_cost_the_same_queries_at_any_size(
    count, partner_a_user, client_for, django_assert_max_num_queries
):
    for _ in range(count):
        call = CallFactory()
        CriterionFactory(call=call)
        ExpressionOfInterestFactory(call=call, partner=partner_a_user.partner)
    client = client_for(partner_a_user)
    # Prevents a query per call for the partner's own EOI (one query for the page) and its state (a subquery).
    with django_assert_max_num_queries(14):
        assert len(client.get(reverse("eoi:portal_calls")).context["page"]) == min(count, 25)
    with django_assert_max_num_queries(11):
        assert len(csv_rows(client.get(reverse("eoi:portal_calls"), {"export": "csv"}))) == count + 1


# The assessment matrix of a call.


def test_the_matrix_filters_sorts_and_exports_without_changing_a_rank(staff, call, client_for):
    assessors = [UserFactory(role="Assessor", first_name="Ann", last_name="Ray"), UserFactory(role="Assessor")]
    criteria = list(call.criteria.all())
    scores = {"Zouch Brass": (5, 3), "Anstey Choir": (4, 4), "Mowmacre Band": (2, 2)}
    for name, (first, second) in scores.items():
        eoi = move(ExpressionOfInterestFactory(call=call, partner=PartnerFactory(name=name)), EOI.UNDER_ASSESSMENT)
        for assessor, score in zip(assessors, (first, second), strict=True):
            assignment = AssessorAssignmentFactory(eoi=eoi, assessor=assessor, has_conflict=False)
            for criterion in criteria:
                Score.objects.create(assignment=assignment, criterion=criterion, score=score, comment="Fine")
    move(ExpressionOfInterestFactory(call=call, partner=PartnerFactory(name="Birstall Strings")), EOI.SUCCESSFUL)
    client = client_for(staff)
    url = reverse("eoi:call_matrix", args=[call.pk])

    def ranked(query):
        return [(row.rank, row.eoi.partner.name) for row in client.get(url, query).context["page"]]

    assert ranked({}) == [(1, "Anstey Choir"), (1, "Zouch Brass"), (3, "Mowmacre Band"), (None, "Birstall Strings")]
    assert ranked({"status": "under_assessment", "partner": "o"}) == [
        (1, "Anstey Choir"),
        (1, "Zouch Brass"),
        (3, "Mowmacre Band"),
    ]
    assert ranked({"partner": "mowmacre"}) == [(3, "Mowmacre Band")]  # its rank over the whole call
    assert ranked({"sort": "partner"})[0] == (1, "Anstey Choir")
    assert ranked({"sort": "-spread"})[0] == (1, "Zouch Brass")  # 5 and 3: the widest disagreement
    rows = csv_rows(client.get(url, {"export": "csv", "status": "under_assessment"}))
    assert rows[0][:5] == ["Rank", "Partner", "Expression of interest", "State", "Assessors' weighted scores"]
    assert [(r[0], r[1], r[5], r[6]) for r in rows[1:]] == [
        ("1", "Anstey Choir", "4.00", "0.00"),
        ("1", "Zouch Brass", "4.00", "2.00"),
        ("3", "Mowmacre Band", "2.00", "0.00"),
    ]
    assert "Ann Ray: 5.00" in rows[2][4]
    workbook = xlsx_rows(client.get(url, {"export": "xlsx", "partner": "birstall"}))
    assert [(r[0], r[1]) for r in workbook[1:]] == [(None, "Birstall Strings")]


@pytest.mark.parametrize("who", ["assessor", "partner_a_user"])
def test_only_staff_export_the_matrix(who, request, call, client_for):
    response = client_for(request.getfixturevalue(who)).get(
        reverse("eoi:call_matrix", args=[call.pk]), {"export": "csv"}
    )
    assert response.status_code == 403
