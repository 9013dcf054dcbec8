"""The match-funding rule, in one function.

The policy ("Financial Arrangements"): at least 50% of the cost of the work
must come from sources other than the Hub Grant. The share is the call's
(default 50%), with whether in-kind contributions count. Used by the EOI form
(the figures shown as the partner saves), the submit transition and the award
(through ``eoi.funding``, which applies it under a call's terms), and by a
project agreement's money, so all of them decide the same way:

- the budget lines add up to the total cost, which must be more than nothing;
- the funding sources, the Hub Grant requested among them, add up to the total cost;
- the Hub Grant is at most (100% - threshold) of the total cost, i.e. other
  sources (in-kind only where the call allows) bring at least the threshold:
  exactly 50.00% passes, one penny more Hub Grant fails;
- the Hub Grant is no more than the call's maximum.

Money is Decimal pounds and pence throughout; the comparisons are exact
(cross-multiplied, never divided), and figures shown to people are rounded
in the direction that never makes a refused request look allowed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_UP, Decimal

from hubportal.core.money import PENNY

HUNDRED = Decimal("100")
ZERO = Decimal("0.00")
HUB_GRANT = "hub_grant"
IN_KIND = "in_kind"


def pounds(amount: Decimal) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def percent(value: Decimal) -> str:
    return f"{value:.2f}%"


@dataclass(frozen=True)
class MatchCheck:
    """The figures of one application of the rule, and what is wrong, if anything."""

    total_cost: Decimal
    funding_total: Decimal
    hub_grant: Decimal
    other_counted: Decimal  # other sources that count towards the match
    in_kind: Decimal
    in_kind_counts: bool
    threshold_percent: Decimal
    max_hub_grant: Decimal | None
    missing_amounts: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def message(self) -> str:
        """The refusal, naming the figures; empty when the rule is met."""
        return " ".join(self.problems)

    @property
    def hub_share_percent(self) -> Decimal | None:
        """The Hub Grant's share of the total cost, rounded up to 0.01%, so a
        share just over the limit never shows as the limit itself."""
        if self.total_cost <= 0:
            return None
        return (self.hub_grant * HUNDRED / self.total_cost).quantize(PENNY, rounding=ROUND_UP)

    @property
    def hub_limit_percent(self) -> Decimal:
        return HUNDRED - self.threshold_percent

    @property
    def required_other(self) -> Decimal:
        """The least, in whole pence, that other sources must bring."""
        return (self.threshold_percent * self.total_cost / HUNDRED).quantize(PENNY, rounding=ROUND_CEILING)

    @property
    def hub_grant_limit(self) -> Decimal:
        """The most, in whole pence, the Hub Grant may be for this cost."""
        return (self.hub_limit_percent * self.total_cost / HUNDRED).quantize(PENNY, rounding=ROUND_FLOOR)

    @property
    def shortfall(self) -> Decimal:
        """How many pounds the match falls short by (nothing when it is met)."""
        return max(self.required_other - self.other_counted, self.hub_grant - self.hub_grant_limit, ZERO)

    @property
    def share_ok(self) -> bool:
        return (
            self.total_cost > 0
            and self.other_counted * HUNDRED >= self.threshold_percent * self.total_cost
            and self.hub_grant * HUNDRED <= self.hub_limit_percent * self.total_cost
        )


def _sum(amounts: Iterable[Decimal | None]) -> tuple[Decimal, int]:
    total, missing = ZERO, 0
    for amount in amounts:
        if amount is None:
            missing += 1
        else:
            total += Decimal(amount)
    return total, missing


def check_match_funding(
    *,
    budget: Iterable[Decimal | None],
    sources: Iterable[tuple[str, Decimal | None]],
    threshold_percent: Decimal,
    in_kind_counts: bool,
    max_hub_grant: Decimal | None = None,
) -> MatchCheck:
    """Apply the rule to a budget (the amounts of its lines) and funding
    sources ((kind, amount) pairs, the Hub Grant requested as kind "hub_grant").
    An amount of None is one not yet entered (a draft): it counts as nothing and
    is itself a reason to refuse."""
    threshold = Decimal(threshold_percent)
    if not ZERO <= threshold <= HUNDRED:
        raise ValueError(f"A match-funding threshold must be from 0 to 100%, not {threshold}.")
    budget = list(budget)
    sources = list(sources)
    total_cost, missing_budget = _sum(budget)
    funding_total, missing_sources = _sum(amount for _, amount in sources)
    hub_grant, _ = _sum(amount for kind, amount in sources if kind == HUB_GRANT)
    in_kind, _ = _sum(amount for kind, amount in sources if kind == IN_KIND)
    other = funding_total - hub_grant
    other_counted = other if in_kind_counts else other - in_kind
    check = MatchCheck(
        total_cost=total_cost,
        funding_total=funding_total,
        hub_grant=hub_grant,
        other_counted=other_counted,
        in_kind=in_kind,
        in_kind_counts=in_kind_counts,
        threshold_percent=threshold,
        max_hub_grant=max_hub_grant,
        missing_amounts=missing_budget + missing_sources,
        problems=(),
    )
    return _with_problems(check, budget, sources)


def _with_problems(check: MatchCheck, budget: list, sources: list) -> MatchCheck:
    problems = []
    amounts = [a for a in budget if a is not None] + [a for _, a in sources if a is not None]
    if any(Decimal(a) < 0 for a in amounts):
        problems.append("Amounts cannot be negative: enter each cost and each source as a positive sum.")
    if check.missing_amounts:
        n = check.missing_amounts
        problems.append(
            f"{n} budget line{'s' if n != 1 else ''} or funding source{'s' if n != 1 else ''} "
            f"{'have' if n != 1 else 'has'} no amount yet: enter an amount for each (or remove the line)."
        )
    if check.total_cost <= 0:
        problems.append("Add your budget lines: the total cost is £0.00.")
    elif check.funding_total != check.total_cost:
        difference = check.total_cost - check.funding_total
        problems.append(
            f"Your funding sources add up to {pounds(check.funding_total)} but the total cost is "
            f"{pounds(check.total_cost)}: they must be equal "
            f"({pounds(abs(difference))} {'still to find' if difference > 0 else 'too much'})."
        )
    if check.total_cost > 0 and not check.share_ok:
        in_kind_note = (
            f" In-kind contributions ({pounds(check.in_kind)}) do not count towards the match for this call."
            if check.in_kind and not check.in_kind_counts
            else ""
        )
        problems.append(
            f"The Hub Grant requested, {pounds(check.hub_grant)}, is {percent(check.hub_share_percent)} of the "
            f"total cost of {pounds(check.total_cost)}; at least {percent(check.threshold_percent)} "
            f"({pounds(check.required_other)}) must come from other sources, which bring "
            f"{pounds(check.other_counted)}. The shortfall is {pounds(check.shortfall)}: lower the Hub Grant "
            f"or add other funding.{in_kind_note}"
        )
    if check.max_hub_grant is not None and check.hub_grant > check.max_hub_grant:
        problems.append(
            f"The Hub Grant requested, {pounds(check.hub_grant)}, is more than this call's maximum of "
            f"{pounds(check.max_hub_grant)}."
        )
    return MatchCheck(**{**check.__dict__, "problems": tuple(problems)})
