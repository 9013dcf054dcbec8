"""Funding leverage: partner income and match funding for each £1 of Hub Grant,
against the 1 : 1 aim, worked by hand."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from agreements.models import Agreement
from hubportal.core.academic_years import AcademicYear
from hubportal.insights.leverage import NO_GRANT, Leverage, leverage_by_year, leverage_ratio, leverage_totals
from surveys import aggregates
from tests.agreements.factories import AgreementFactory
from tests.hubportal.dashboard_world import TODAY, at
from tests.surveys.factories import income

D = Decimal


def test_the_ratio_on_a_worked_example():
    # £10,000 of grant; £6,000 income and £5,500 match: £11,500 brought in, 1.15 : 1.
    assert leverage_ratio(grant=D("10000.00"), income=D("6000.00"), match=D("5500.00")) == D("1.15")
    # Exactly 1 : 1 meets the aim; a penny short does not, and says by how much.
    assert Leverage(grant=D("100.00"), income=D("60.00"), match=D("40.00")).meets_aim is True
    short = Leverage(grant=D("100.00"), income=D("60.00"), match=D("39.99"))
    assert short.ratio == D("0.99")  # rounded down: just short never reads as 1.00
    assert short.meets_aim is False
    assert short.signal == "Below the 1 : 1 aim by £0.01"
    below = Leverage(grant=D("1000.00"), income=D("400.00"), match=D("350.00"))
    assert below.ratio == D("0.75")
    assert below.meets_aim is False
    assert below.signal == "Below the 1 : 1 aim by £250.00"


def test_a_year_with_no_grant_says_so_and_never_divides_by_zero():
    assert leverage_ratio(grant=D("0.00"), income=D("2500.00"), match=D("0.00")) is None
    none = Leverage(income=D("2500.00"))
    assert none.ratio is None
    assert none.meets_aim is None
    assert none.signal == NO_GRANT == "No Hub Grant awarded"
    assert none.ratio_text == "No Hub Grant awarded"


@pytest.fixture
def years(db, partner_a, partner_b, staff):
    """2024/25: no grant, only income. 2025/26: £10,000 of grant (A £6,000, B £4,000),
    £6,000 income and £5,500 match. 2026/27: £8,000 of grant, £1,000 income, £2,000 match: below."""
    with time_machine.travel(at(TODAY), tick=False):
        income(partner_a, "2500.00", year=2024, recorded_by=staff)
        AgreementFactory(
            partner=partner_a,
            project=True,
            academic_year=2025,
            hub_contribution=D("6000.00"),
            match_funding_commitment=D("3000.00"),
        )
        AgreementFactory(
            partner=partner_b,
            project=True,
            academic_year=2025,
            hub_contribution=D("4000.00"),
            match_funding_commitment=D("2500.00"),
        )
        income(partner_a, "4000.00", year=2025, recorded_by=staff)
        income(partner_b, "2000.00", year=2025, recorded_by=staff)
        AgreementFactory(
            partner=partner_b,
            project=True,
            academic_year=2026,
            hub_contribution=D("8000.00"),
            match_funding_commitment=D("2000.00"),
        )
        income(partner_a, "1000.00", year=2026, recorded_by=staff)
        yield


def test_leverage_by_year_hub_wide_and_per_partner(years, partner_a, partner_b):
    rows = {y.year.start_year: y for y in leverage_by_year(today_year=AcademicYear(2026))}
    assert list(rows) == [2026, 2025, 2024]
    assert (rows[2025].total.grant, rows[2025].total.income, rows[2025].total.match) == (
        D("10000.00"),
        D("6000.00"),
        D("5500.00"),
    )
    assert rows[2025].total.ratio == D("1.15") and rows[2025].total.signal == "Meets the 1 : 1 aim"
    assert rows[2026].total.ratio == D("0.37")  # 3,000 / 8,000 = 0.375, rounded down
    assert rows[2026].total.signal == "Below the 1 : 1 aim by £5,000.00"
    assert rows[2024].total.ratio is None and rows[2024].total.signal == "No Hub Grant awarded"
    per_partner = {name: f for _, name, f in rows[2025].partners}
    assert per_partner[partner_a.name].ratio == D("1.16")  # (4,000 + 3,000) / 6,000 = 1.166...
    assert per_partner[partner_b.name].ratio == D("1.12")  # (2,000 + 2,500) / 4,000 = 1.125
    # The grant is the same figure monitoring reports as "Hub Grant".
    assert {y: v for y, v in aggregates.grant_by_year().items()} == {2025: D("10000.00"), 2026: D("8000.00")}


def test_the_totals_alone_are_the_same_years_and_figures_in_two_queries(years, django_assert_num_queries):
    """The Chair's summary shows only the hub-wide figures: no query per year for its partners."""
    full = leverage_by_year(today_year=AcademicYear(2026))
    with django_assert_num_queries(2):
        totals = leverage_totals(today_year=AcademicYear(2026))
    assert [(y.year, y.total) for y in totals] == [(y.year, y.total) for y in full]
    assert all(y.partners == [] for y in totals)


def test_leverage_page_shows_the_signal_in_words_and_exports(years, client_for, staff, chair):
    with time_machine.travel(at(TODAY), tick=False):
        for user in (staff, chair):
            page = client_for(user).get(reverse("leverage"), {"year": 2025}).content.decode()
            assert "Below the 1 : 1 aim by £5,000.00" in page
            assert "No Hub Grant awarded" in page
            assert "1.15 : 1" in page
        export = client_for(staff).get(reverse("leverage"), {"export": "csv"})
        lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[0].startswith("Academic year,Partner,Hub Grant awarded")
    assert "2024/25,All partners,0.00,2500.00,0.00,2500.00,No Hub Grant awarded,No Hub Grant awarded" in lines
    assert any(line.startswith("2026/27,All partners,8000.00,1000.00,2000.00") for line in lines)


def test_project_agreement_grants_count_whatever_their_state(years):
    # A completed or terminated project still had its grant awarded.
    Agreement.objects.filter(academic_year=2025).update(status=Agreement.Status.COMPLETED)
    [year] = [y for y in leverage_by_year(today_year=AcademicYear(2026)) if y.year.start_year == 2025]
    assert year.total.grant == D("10000.00")


PROJECT_STATES = sorted(
    {Agreement.Status.DRAFT} | {state for targets in Agreement.PROJECT_TRANSITIONS.values() for state in targets}
)


@pytest.mark.parametrize("state", PROJECT_STATES)
def test_every_hub_grant_figure_counts_the_same_project_agreements(years, partner_a, state):
    """The grant is awarded with the EOI and the project agreement drafted from the
    award, so a draft counts, and so does a project later completed or terminated;
    leverage, income against Hub Grant and the partner's income tab agree."""
    AgreementFactory(
        partner=partner_a,
        project=True,
        academic_year=2026,
        status=state,
        hub_contribution=D("500.00"),
        match_funding_commitment=D("100.00"),
    )
    # A partnership agreement carries no grant, even with a figure typed in.
    AgreementFactory(partner=partner_a, academic_year=2026, live=True, hub_contribution=D("99999.00"))
    [year] = [y for y in leverage_by_year(today_year=AcademicYear(2026)) if y.year.start_year == 2026]
    per_partner = {pk: figures for pk, _, figures in year.partners}
    assert year.total.grant == D("8500.00") and year.total.match == D("2100.00")
    assert per_partner[partner_a.pk].grant == D("500.00")
    assert aggregates.grant_by_year()[2026] == D("8500.00")
    assert next(y["grant"] for y in aggregates.income_against_grant() if y["year"] == 2026) == D("8500.00")
    assert {r["partner_id"]: r["grant"] for r in aggregates.income_by_partner(2026)}[partner_a.pk] == D("500.00")
    assert next(y["grant"] for y in aggregates.partner_income(partner_a.pk) if y["year"] == 2026) == D("500.00")
