"""The match-funding rule (hubportal.core.match_funding) applied to an EOI
under its call's terms: the share other sources must bring, whether in-kind
contributions count, and the call's largest Hub Grant."""

from hubportal.core.match_funding import MatchCheck, check_match_funding


def check_eoi(eoi) -> MatchCheck:
    """The rule applied to an EOI's saved budget and funding under its call's
    terms (prefetch budget_lines and funding_sources for lists)."""
    return check_under_call(
        eoi.call,
        budget=[line.amount for line in eoi.budget_lines.all()],
        sources=[(s.kind, s.amount) for s in eoi.funding_sources.all()],
    )


def check_under_call(call, *, budget: list, sources: list) -> MatchCheck:
    """The rule under a call's terms, for amounts already read (the assessment
    matrix reads a whole call's as plain values)."""
    return check_match_funding(
        budget=budget,
        sources=sources,
        threshold_percent=call.match_threshold_percent,
        in_kind_counts=call.in_kind_counts,
        max_hub_grant=call.max_hub_grant,
    )
