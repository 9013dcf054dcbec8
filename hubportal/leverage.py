"""Funding leverage: what partners bring for each pound of Hub Grant.

The Hub aims for at least £1 of partner-generated income and match funding
for every £1 of Hub Grant awarded, across the Hub area (1 : 1). The figures,
by academic year, hub-wide and per partner:

- Hub Grant awarded: the Hub's contribution to project agreements, read through
  awarded_projects() here and everywhere else that shows "Hub Grant" (monitoring's
  income against Hub Grant, a partner's income tab, the board report);
- partner-generated income: what partners record they secured (IncomeRecord);
- match funding: what partners commit to project agreements beside the grant.

Everything is added up in the database: three grouped queries for every
year and partner at once.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db.models import QuerySet, Sum

from agreements.models import Agreement
from hubportal.academic_years import AcademicYear, current_academic_year
from hubportal.money import to_money
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


def awarded_projects() -> QuerySet[Agreement]:
    """The project agreements whose Hub Grant counts as awarded: the one rule for
    every Hub Grant figure. Every project agreement counts, whatever its state: staff
    award the grant when they award the expression of interest, and its project
    agreement is drafted from the award in the same step, so a draft already holds an
    awarded grant; a completed or terminated project still had its grant awarded.
    Partnership agreements carry no grant."""
    return Agreement.objects.filter(kind=Agreement.Kind.PROJECT, hub_contribution__isnull=False)


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


def _by_partner_and_year():
    """{(partner id, year): Leverage} and {partner id: name}, in three queries."""
    figures: dict[tuple[int, int], Leverage] = defaultdict(Leverage)
    names: dict[int, str] = {}
    for row in IncomeRecord.objects.values("partner_id", "partner__name", "academic_year").annotate(
        total=Sum("amount")
    ):
        figures[(row["partner_id"], row["academic_year"])].income = to_money(row["total"] or 0)
        names[row["partner_id"]] = row["partner__name"]
    projects = (
        awarded_projects()
        .values("partner_id", "partner__name", "academic_year")
        .annotate(grant=Sum("hub_contribution"), match=Sum("match_funding_commitment"))
    )
    for row in projects:
        entry = figures[(row["partner_id"], row["academic_year"])]
        entry.grant = to_money(row["grant"] or 0)
        entry.match = to_money(row["match"] or 0)
        names[row["partner_id"]] = row["partner__name"]
    return figures, names


def leverage_by_year(*, years_back: int = 4, today_year: AcademicYear | None = None) -> list[YearLeverage]:
    """The current academic year and the past ones (newest first), each hub-wide
    and per partner. Years before the earliest figure are left out, but the
    current year is always there, even with nothing recorded yet."""
    current = today_year or current_academic_year()
    figures, names = _by_partner_and_year()
    earliest = min([year for _, year in figures] + [current.start_year])
    first = max(earliest, current.start_year - years_back)
    result = []
    for start in range(current.start_year, first - 1, -1):
        total = Leverage()
        partners = []
        for (partner_id, year), entry in figures.items():
            if year != start:
                continue
            total.grant += entry.grant
            total.income += entry.income
            total.match += entry.match
            partners.append((partner_id, names[partner_id], entry))
        partners.sort(key=lambda p: p[1])
        result.append(YearLeverage(year=AcademicYear(start), total=total, partners=partners))
    return result
