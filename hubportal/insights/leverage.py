"""Funding leverage: what partners bring for each pound of Hub Grant.

The Hub aims for at least £1 of partner-generated income and match funding
for every £1 of Hub Grant awarded, across the Hub area (1 : 1). The figures,
by academic year, hub-wide and per partner:

- Hub Grant awarded: the Hub's contribution to project agreements, read through
  awarded_projects() here and everywhere else that shows "Hub Grant" (monitoring's
  income against Hub Grant, a partner's income tab, the board report);
- partner-generated income: what partners record they secured (IncomeRecord);
- match funding: what partners commit to project agreements beside the grant.

Everything is added up in the database: two grouped queries for the years'
totals, and one for each year's partners (read in chunks, so the export
streams however many partners there are).
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db.models import OuterRef, Q, Subquery, Sum

from agreements.selectors import awarded_projects
from hubportal.core import exports
from hubportal.core.academic_years import AcademicYear, current_academic_year
from hubportal.core.money import to_money
from partners.models import Partner
from surveys.models import IncomeRecord

ZERO = Decimal("0.00")
AIM = Decimal("1.00")  # £1 brought in for every £1 of Hub Grant
NO_GRANT = "No Hub Grant awarded"


def leverage_ratio(*, grant: Decimal, income: Decimal, match: Decimal) -> Decimal | None:
    """Pounds of partner income and match funding for each £1 of Hub Grant, to
    two places, rounded down (so a ratio just short of the aim never reads as
    1.00); None when no grant was awarded (there is nothing to divide by)."""
    if not grant:
        return None
    return ((income + match) / grant).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


@dataclass
class Leverage:
    """One year's (or one partner's) figures and how they stand against the aim."""

    grant: Decimal = ZERO
    income: Decimal = ZERO
    match: Decimal = ZERO

    @property
    def brought_in(self) -> Decimal:
        return self.income + self.match

    @property
    def ratio(self) -> Decimal | None:
        return leverage_ratio(grant=self.grant, income=self.income, match=self.match)

    @property
    def meets_aim(self) -> bool | None:
        """True at or above 1 : 1, False below, None with no grant to compare."""
        return None if not self.grant else self.brought_in >= self.grant * AIM

    @property
    def shortfall(self) -> Decimal:
        """How much more partners would need to bring in to reach 1 : 1."""
        return max(self.grant * AIM - self.brought_in, ZERO)

    @property
    def ratio_text(self) -> str:
        return NO_GRANT if self.ratio is None else f"{self.ratio} : 1"

    @property
    def signal(self) -> str:
        """The standing against the aim in words (never colour alone)."""
        if self.ratio is None:
            return NO_GRANT
        if self.meets_aim:
            return "Meets the 1 : 1 aim"
        return f"Below the 1 : 1 aim by £{self.shortfall:,.2f}"

    @property
    def level(self) -> str:
        """For styling only: the words above say the same."""
        return "none" if self.ratio is None else ("met" if self.meets_aim else "below")


@dataclass
class YearLeverage:
    year: AcademicYear
    total: Leverage
    partners: list[tuple[int, str, Leverage]] = field(default_factory=list)  # (partner id, name, figures)


def _totals_by_year() -> dict[int, Leverage]:
    """{year: hub-wide Leverage} for every year with a figure, in two grouped queries."""
    totals: dict[int, Leverage] = defaultdict(Leverage)
    for row in IncomeRecord.objects.values("academic_year").annotate(total=Sum("amount")):
        totals[row["academic_year"]].income = to_money(row["total"] or 0)
    projects = awarded_projects().values("academic_year")
    for row in projects.annotate(grant=Sum("hub_contribution"), match=Sum("match_funding_commitment")):
        totals[row["academic_year"]].grant = to_money(row["grant"] or 0)
        totals[row["academic_year"]].match = to_money(row["match"] or 0)
    return totals


def _years(totals: dict[int, Leverage], current: AcademicYear, years_back: int) -> list[AcademicYear]:
    """The current year and the past ones newest first, from the earliest with a figure."""
    earliest = min([*totals, current.start_year])
    first = max(earliest, current.start_year - years_back)
    return [AcademicYear(start) for start in range(current.start_year, first - 1, -1)]


def partners_in_year(start_year: int) -> Iterator[tuple[int, str, Leverage]]:
    """(partner id, name, figures) for each partner with income recorded or a grant
    awarded in the year, A to Z. One query, read in chunks as it is consumed, so an
    export of many partners never holds them all."""
    income = (
        IncomeRecord.objects.filter(partner=OuterRef("pk"), academic_year=start_year)
        .order_by()
        .values("partner")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    projects = awarded_projects().filter(partner=OuterRef("pk"), academic_year=start_year).order_by().values("partner")
    rows = (
        Partner.objects.annotate(
            year_income=Subquery(income),
            year_grant=Subquery(projects.annotate(total=Sum("hub_contribution")).values("total")),
            year_match=Subquery(projects.annotate(total=Sum("match_funding_commitment")).values("total")),
        )
        .filter(Q(year_income__isnull=False) | Q(year_grant__isnull=False))
        .order_by("name", "pk")
        .values_list("pk", "name", "year_income", "year_grant", "year_match")
    )
    for pk, name, income_total, grant, match in rows.iterator(chunk_size=exports.CHUNK):
        yield (
            pk,
            name,
            Leverage(grant=to_money(grant or 0), income=to_money(income_total or 0), match=to_money(match or 0)),
        )


def leverage_totals(*, years_back: int = 4, today_year: AcademicYear | None = None) -> list[YearLeverage]:
    """The hub-wide figures of leverage_by_year's years, without the partners (two queries):
    for a summary that shows only the totals."""
    totals = _totals_by_year()
    return [
        YearLeverage(year=year, total=totals.get(year.start_year, Leverage()))
        for year in _years(totals, today_year or current_academic_year(), years_back)
    ]


def leverage_by_year(*, years_back: int = 4, today_year: AcademicYear | None = None) -> list[YearLeverage]:
    """The current academic year and the past ones (newest first), each hub-wide
    and per partner. Years before the earliest figure are left out, but the
    current year is always there, even with nothing recorded yet. Two queries,
    and one for each year's partners."""
    totals = _totals_by_year()
    return [
        YearLeverage(
            year=year, total=totals.get(year.start_year, Leverage()), partners=list(partners_in_year(year.start_year))
        )
        for year in _years(totals, today_year or current_academic_year(), years_back)
    ]


HUB_WIDE = "All partners"


def leverage_rows(
    *, years_back: int = 4, today_year: AcademicYear | None = None
) -> Iterator[tuple[str, str, Leverage]]:
    """The export of leverage_by_year, streamed: for each year newest first, the
    hub-wide figures and then each partner's, as (year, partner, figures). The years
    are fixed now; each year's partners are read only as the export reaches them."""
    totals = _totals_by_year()
    years = _years(totals, today_year or current_academic_year(), years_back)

    def rows():
        for year in years:
            yield year.label, HUB_WIDE, totals.get(year.start_year, Leverage())
            for _, name, figures in partners_in_year(year.start_year):
                yield year.label, name, figures

    return rows()
