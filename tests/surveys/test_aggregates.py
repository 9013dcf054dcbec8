"""Reach and breakdowns added up in the database, checked against a worked example
computed by hand; the page's query count does not grow with the data."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from hubportal.core.academic_years import current_academic_year
from hubportal.models import Term
from partners.models import NationalPlanStrand
from surveys import aggregates
from surveys.aggregates import Scope
from surveys.models import Answer, GridCell, Question, SurveyRequest
from tests.agreements.factories import AgreementFactory
from tests.factories import PartnerFactory
from tests.surveys.factories import QuestionFactory, QuestionSetFactory, SurveyRequestFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db
YEAR = current_academic_year().start_year
DISTRICTS = ["Charnwood", "Harborough", "Melton", "Not known"]
ACTIVITIES = ["Singing", "Ensembles (choir, band, orchestra, other)"]


@pytest.fixture
def reporting_set():
    question_set = QuestionSetFactory()
    reach = QuestionFactory(question_set=question_set, code="reach_total")
    QuestionFactory(question_set=question_set, code="schools_count")
    QuestionFactory(question_set=question_set, code="sessions_delivered")
    QuestionFactory(question_set=question_set, code="schools_worked_with", type=Question.Type.LONG_TEXT)
    QuestionFactory(
        question_set=question_set, code="reach_by_district", type="grid", rows=DISTRICTS, total_question=reach
    )
    QuestionFactory(question_set=question_set, code="reach_by_activity", type="grid", rows=ACTIVITIES)
    return question_set


def term(name, year=YEAR):
    return next(t for t in Term.for_year(current_academic_year().__class__(year)) if t.name == name)


def answer(survey_request, *, reach, schools, sessions, districts, activities, status="accepted", schools_list=""):
    """Store a return's answers as the service would."""
    questions = {q.code: q for q in survey_request.round.question_set.questions.all()}
    for code, value in (("reach_total", reach), ("schools_count", schools), ("sessions_delivered", sessions)):
        Answer.objects.create(request=survey_request, question=questions[code], number=value)
    if schools_list:
        Answer.objects.create(request=survey_request, question=questions["schools_worked_with"], text=schools_list)
    for code, cells in (("reach_by_district", districts), ("reach_by_activity", activities)):
        grid = Answer.objects.create(request=survey_request, question=questions[code], number=sum(cells.values()))
        GridCell.objects.bulk_create(GridCell(answer=grid, row=row, count=n) for row, n in cells.items())
    survey_request.status = status
    survey_request.save()


@pytest.fixture
def worked_example(reporting_set):
    """Two partners over two terms; a submitted (not accepted) return and last year's are not this year's total."""
    schools, inclusion = (
        NationalPlanStrand.objects.get(name="Schools"),
        NationalPlanStrand.objects.get(name="Inclusion"),
    )
    p1 = AgreementFactory(live=True, partner=PartnerFactory(name="P1 Music"))
    p2 = AgreementFactory(live=True, partner=PartnerFactory(name="P2 Strings"))
    p1.partner.strands.set([schools, inclusion])
    p2.partner.strands.set([schools])
    autumn = SurveyRoundFactory(term=term("autumn"), question_set=reporting_set)
    spring = SurveyRoundFactory(term=term("spring"), question_set=reporting_set)
    last_year = SurveyRoundFactory(term=term("autumn", YEAR - 1), question_set=reporting_set)
    answer(
        SurveyRequestFactory(round=autumn, agreement=p1),
        reach=30, schools=3, sessions=12,
        districts={"Charnwood": 20, "Melton": 10}, activities={"Singing": 30, ACTIVITIES[1]: 5},
        schools_list="Rothley Primary\nBirkett House School",
    )  # fmt: skip
    answer(
        SurveyRequestFactory(round=autumn, agreement=p2),
        reach=50, schools=2, sessions=20,
        districts={"Charnwood": 5, "Harborough": 45}, activities={"Singing": 10, ACTIVITIES[1]: 40},
        schools_list="Market Harborough Academy",
    )  # fmt: skip
    answer(
        SurveyRequestFactory(round=spring, agreement=p1),
        reach=40, schools=4, sessions=15, districts={"Charnwood": 40}, activities={"Singing": 40},
    )  # fmt: skip
    answer(
        SurveyRequestFactory(round=spring, agreement=p2),
        reach=999, schools=99, sessions=99, districts={"Melton": 999}, activities={"Singing": 999}, status="submitted",
    )  # fmt: skip
    last_years_agreement = AgreementFactory(status="renewed", academic_year=YEAR - 1, partner=p1.partner)
    answer(
        SurveyRequestFactory(round=last_year, agreement=last_years_agreement),
        reach=7, schools=1, sessions=1, districts={"Melton": 7}, activities={"Singing": 7},
    )  # fmt: skip
    return p1.partner, p2.partner


def test_totals_match_the_worked_example(worked_example):
    scope = Scope(year=YEAR)
    assert aggregates.headline(scope) == {"reach": 30 + 50 + 40, "schools": 3 + 2 + 4, "sessions": 12 + 20 + 15}
    assert [(t["term"], t["reach"]) for t in aggregates.by_term(scope)] == [
        ("Autumn", 80),
        ("Spring", 40),
        ("Summer", 0),
    ]
    assert aggregates.by_year() == [
        {"year": current_academic_year().previous().label, "reach": 7},
        {"year": current_academic_year().label, "reach": 120},
    ]


def test_breakdowns_by_district_and_activity_match_the_worked_example(worked_example):
    grids = aggregates.grids(Scope(year=YEAR), ["reach_by_district", "reach_by_activity"])
    # In the grid's own row order: Charnwood, Harborough, Melton.
    assert grids["reach_by_district"] == [("Charnwood", 20 + 5 + 40), ("Harborough", 45), ("Melton", 10)]
    assert grids["reach_by_activity"] == [("Singing", 30 + 10 + 40), (ACTIVITIES[1], 5 + 40)]


def test_reach_by_strand_counts_a_partner_in_each_of_its_strands(worked_example):
    assert dict(aggregates.by_strand(Scope(year=YEAR))) == {"Schools": 70 + 50, "Inclusion": 70}


def test_a_term_or_a_partner_narrows_the_totals(worked_example):
    p1, p2 = worked_example
    assert aggregates.headline(Scope(year=YEAR, term="autumn"))["reach"] == 80
    assert aggregates.headline(Scope(year=YEAR, partner_id=p2.pk))["reach"] == 50
    assert [(p["partner"], p["reach"]) for p in aggregates.by_partner(Scope(year=YEAR))] == [
        ("P1 Music", 70),
        ("P2 Strings", 50),
    ]


def test_the_reach_page_shows_the_totals_and_exports_them(worked_example, client_for, staff):
    client = client_for(staff)
    page = client.get(reverse("surveys:reach"), {"year": YEAR})
    assert page.context["headline"]["reach"] == 120
    assert "data-reach-total>120<" in page.text
    assert page.context["charts"]["terms"]["datasets"][0]["data"] == [80, 40, 0]
    exported = client.get(reverse("surveys:reach"), {"year": YEAR, "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert rows[0] == ["Measure", "Category", "Count"]
    assert ["District", "Charnwood", "65"] in rows
    assert ["Activity type", "Singing", "80"] in rows
    assert ["Strand", "Inclusion", "70"] in rows


def test_the_annual_data_return_has_a_schools_sheet_and_a_reach_sheet(worked_example, client_for, staff):
    response = client_for(staff).get(reverse("surveys:data_return"), {"year": YEAR})
    assert response["Content-Disposition"].endswith(f'{current_academic_year().label.replace("/", "-")}.xlsx"')
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert workbook.sheetnames == ["Schools", "Reach by activity, demographics"]
    schools = [list(r) for r in workbook["Schools"].iter_rows(values_only=True)]
    assert schools[0] == ["Partner", "Term", "School"]
    assert sorted(r[2] for r in schools[1:]) == ["Birkett House School", "Market Harborough Academy", "Rothley Primary"]
    reach = [list(r) for r in workbook["Reach by activity, demographics"].iter_rows(values_only=True)]
    assert reach[0] == ["Measure", "Category", "Autumn", "Spring", "Summer", "Year (sum of terms)"]
    assert ["Total", "Children and young people reached", 80, 40, 0, 120] in reach
    assert ["Activity type", "Singing", 40, 40, 0, 80] in reach
    assert ["District", "Charnwood", 25, 40, 0, 65] in reach


@pytest.mark.parametrize("partners", [2, 12])
def test_the_reach_page_query_count_does_not_grow_with_the_returns(
    partners, reporting_set, client_for, staff, django_assert_max_num_queries
):
    autumn = SurveyRoundFactory(term=term("autumn"), question_set=reporting_set)
    for n in range(partners):
        answer(
            SurveyRequestFactory(round=autumn, agreement=AgreementFactory(live=True)),
            reach=10 + n, schools=1, sessions=2, districts={"Charnwood": 10 + n}, activities={"Singing": 10},
        )  # fmt: skip
    client = client_for(staff)
    # Each figure is one GROUP BY over all the answers, never a query per return or per partner.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("surveys:reach"), {"year": YEAR})
    assert response.context["headline"]["reach"] == sum(10 + n for n in range(partners))


def test_only_accepted_returns_count(reporting_set):
    autumn = SurveyRoundFactory(term=term("autumn"), question_set=reporting_set)
    for status in SurveyRequest.Status.values:
        answer(
            SurveyRequestFactory(round=autumn, agreement=AgreementFactory(live=True)),
            reach=1, schools=0, sessions=0, districts={}, activities={}, status=status,
        )  # fmt: skip
    assert aggregates.headline(Scope(year=YEAR))["reach"] == 1


def test_income_against_hub_grant_by_year_and_partner(partner_a, partner_b):
    from tests.surveys.factories import income

    income(partner_a, "3000.00")
    income(partner_a, "1500.50", source="trading")
    income(partner_b, "1000.00")
    income(partner_a, "999.99", year=YEAR - 1)
    AgreementFactory(project=True, partner=partner_a, hub_contribution=Decimal("2000.00"))
    AgreementFactory(project=True, partner=partner_b, hub_contribution=Decimal("4000.00"))
    this_year = next(y for y in aggregates.income_against_grant() if y["year"] == YEAR)
    assert (this_year["income"], this_year["grant"], this_year["ratio"]) == (
        Decimal("5500.50"),
        Decimal("6000.00"),
        Decimal("0.92"),
    )
    rows = {r["partner"]: r for r in aggregates.income_by_partner(YEAR)}
    assert rows[partner_a.name]["by_source"]["trading"] == Decimal("1500.50")
    assert rows[partner_a.name]["ratio"] == Decimal("2.25")
    assert rows[partner_b.name]["ratio"] == Decimal("0.25")


def test_the_dashboards_combined_reads_give_the_same_figures_in_fewer_queries(
    worked_example, django_assert_num_queries
):
    """The staff dashboard reads by_term and grids_by_term in one query (plus the grids'
    row order); the Chair's summary reads every year's headline in one."""
    scope, grid_codes = Scope(year=YEAR), ["reach_by_district", "reach_by_activity"]
    with django_assert_num_queries(2):
        terms, grids = aggregates.by_term_and_grids(scope, grid_codes)
    assert terms == aggregates.by_term(scope)
    assert grids == aggregates.grids_by_term(scope, grid_codes)
    assert grids["reach_by_district"] == [
        ("Charnwood", {"autumn": 25, "spring": 40}),
        ("Harborough", {"autumn": 45}),
        ("Melton", {"autumn": 10}),
    ]
    with django_assert_num_queries(1):
        years = aggregates.headline_by_year()
    assert years == {YEAR - 1: {"reach": 7, "schools": 1, "sessions": 1}, YEAR: aggregates.headline(scope)}
    assert [(current_academic_year().__class__(y).label, t["reach"]) for y, t in years.items()] == [
        (row["year"], row["reach"]) for row in aggregates.by_year()
    ]
