"""The match-funding rule: property tests against an oracle in whole pence,
and the fixed cases the policy names."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubportal.core.match_funding import check_match_funding

D = Decimal
OTHER_KINDS = ["own_funds", "fundraising", "trading", "other_grants", "in_kind"]


def check(budget, sources, threshold="50.00", in_kind_counts=True, max_hub_grant=None):
    return check_match_funding(
        budget=[D(a) if a is not None else None for a in budget],
        sources=[(k, D(a) if a is not None else None) for k, a in sources],
        threshold_percent=D(threshold),
        in_kind_counts=in_kind_counts,
        max_hub_grant=D(max_hub_grant) if max_hub_grant is not None else None,
    )


def pence_to_pounds(p: int) -> Decimal:
    return D(p) / 100


def oracle(budget_p, sources_p, threshold_hundredths, in_kind_counts, max_p) -> bool:
    """The rule in integers (pence and hundredths of a per cent): no Decimal, no float."""
    total = sum(budget_p)
    funding = sum(a for _, a in sources_p)
    hub = sum(a for k, a in sources_p if k == "hub_grant")
    in_kind = sum(a for k, a in sources_p if k == "in_kind")
    other = funding - hub - (0 if in_kind_counts else in_kind)
    return (
        total > 0
        and funding == total
        and other * 10000 >= threshold_hundredths * total
        and hub * 10000 <= (10000 - threshold_hundredths) * total
        and (max_p is None or hub <= max_p)
    )


pence = st.integers(min_value=0, max_value=50_000_000)  # up to £500,000.00
thresholds = st.integers(min_value=0, max_value=10000)  # 0.00% to 100.00%


@st.composite
def balanced_applications(draw):
    """A budget and funding that add up to the same total, the Hub Grant anywhere from 0 to all of it."""
    budget = draw(st.lists(st.integers(min_value=0, max_value=5_000_000), min_size=1, max_size=6))
    total = sum(budget)
    hub = draw(st.integers(min_value=0, max_value=total))
    rest = total - hub
    cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=rest), max_size=4)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, rest], strict=True)]
    kinds = draw(st.lists(st.sampled_from(OTHER_KINDS), min_size=len(parts), max_size=len(parts)))
    return budget, [("hub_grant", hub), *zip(kinds, parts, strict=True)]


@settings(max_examples=400, deadline=None)
@given(balanced_applications(), thresholds, st.booleans())
def test_a_balanced_application_is_accepted_exactly_when_other_sources_reach_the_threshold(app, threshold, in_kind):
    budget, sources = app
    result = check(
        [pence_to_pounds(p) for p in budget],
        [(k, pence_to_pounds(p)) for k, p in sources],
        threshold=D(threshold) / 100,
        in_kind_counts=in_kind,
    )
    assert result.ok == oracle(budget, sources, threshold, in_kind, None)
    if sum(budget) > 0:
        other = sum(p for k, p in sources if k != "hub_grant" and (in_kind or k != "in_kind"))
        assert result.ok == (other * 10000 >= threshold * sum(budget))


@settings(max_examples=400, deadline=None)
@given(
    st.lists(pence, min_size=0, max_size=5),
    st.lists(st.tuples(st.sampled_from(["hub_grant", *OTHER_KINDS]), pence), max_size=6).filter(
        lambda s: sum(1 for k, _ in s if k == "hub_grant") <= 1
    ),
    thresholds,
    st.booleans(),
    st.one_of(st.none(), pence),
)
def test_any_application_is_accepted_exactly_when_the_oracle_accepts(budget, sources, threshold, in_kind, max_p):
    result = check(
        [pence_to_pounds(p) for p in budget],
        [(k, pence_to_pounds(p)) for k, p in sources],
        threshold=D(threshold) / 100,
        in_kind_counts=in_kind,
        max_hub_grant=pence_to_pounds(max_p) if max_p is not None else None,
    )
    assert result.ok == oracle(budget, sources, threshold, in_kind, max_p)
    assert result.ok == (result.message == "")


@settings(max_examples=300, deadline=None)
@given(balanced_applications())
def test_a_refused_share_never_shows_as_within_the_limit(app):
    budget, sources = app
    result = check([pence_to_pounds(p) for p in budget], [(k, pence_to_pounds(p)) for k, p in sources])
    if result.total_cost > 0:
        assert result.share_ok == (result.hub_share_percent <= D("50.00"))
        assert (result.shortfall == 0) == result.share_ok
        assert all(isinstance(v, Decimal) for v in (result.shortfall, result.hub_share_percent, result.total_cost))


def test_exactly_half_from_the_hub_grant_passes():
    result = check(["10000.00"], [("hub_grant", "5000.00"), ("own_funds", "5000.00")])
    assert result.ok
    assert result.hub_share_percent == D("50.00")
    assert result.shortfall == D("0.00")


def test_one_penny_more_hub_grant_fails_with_the_figures():
    result = check(["10000.00"], [("hub_grant", "5000.01"), ("own_funds", "4999.99")])
    assert not result.ok
    assert result.hub_share_percent == D("50.01")  # 50.0001%, shown rounded up
    assert result.shortfall == D("0.01")
    assert "£10,000.00" in result.message
    assert "50.01%" in result.message
    assert "The shortfall is £0.01" in result.message


def test_fifty_one_per_cent_names_cost_share_and_shortfall():
    result = check(["6000.00", "4000.00"], [("hub_grant", "5100.00"), ("fundraising", "4900.00")])
    assert not result.ok
    assert (
        result.message == "The Hub Grant requested, £5,100.00, is 51.00% of the total cost of £10,000.00; "
        "at least 50.00% (£5,000.00) must come from other sources, which bring £4,900.00. "
        "The shortfall is £100.00: lower the Hub Grant or add other funding."
    )


def test_an_odd_penny_cost_rounds_the_limit_in_the_partners_disfavour_only_by_the_penny_it_must():
    # Half of £10,000.01 is £5,000.005: the Hub Grant may be £5,000.00, not £5,000.01.
    assert check(["10000.01"], [("hub_grant", "5000.00"), ("own_funds", "5000.01")]).ok
    refused = check(["10000.01"], [("hub_grant", "5000.01"), ("own_funds", "5000.00")])
    assert not refused.ok
    assert refused.hub_share_percent == D("50.01")
    assert refused.shortfall == D("0.01")


def test_in_kind_counts_towards_the_match_when_the_call_allows():
    sources = [("hub_grant", "5000.00"), ("in_kind", "3000.00"), ("own_funds", "2000.00")]
    assert check(["10000.00"], sources, in_kind_counts=True).ok


def test_in_kind_does_not_count_when_the_call_says_so():
    sources = [("hub_grant", "5000.00"), ("in_kind", "3000.00"), ("own_funds", "2000.00")]
    result = check(["10000.00"], sources, in_kind_counts=False)
    assert not result.ok
    assert result.other_counted == D("2000.00")
    assert result.shortfall == D("3000.00")
    assert "In-kind contributions (£3,000.00) do not count towards the match for this call." in result.message


def test_funding_that_does_not_add_up_to_the_cost_is_refused():
    result = check(["6000.00", "4000.00"], [("hub_grant", "4000.00"), ("own_funds", "5000.00")])
    assert not result.ok
    assert (
        "Your funding sources add up to £9,000.00 but the total cost is £10,000.00: "
        "they must be equal (£1,000.00 still to find)." in result.message
    )
    too_much = check(["10000.00"], [("hub_grant", "5000.00"), ("own_funds", "6000.00")])
    assert "(£1,000.00 too much)" in too_much.message


def test_budget_lines_are_summed_to_the_penny():
    result = check(["3333.33", "3333.33", "3333.34"], [("hub_grant", "5000.00"), ("trading", "5000.00")])
    assert result.ok and result.total_cost == D("10000.00")


def test_the_call_maximum_caps_the_hub_grant():
    sources = [("hub_grant", "12000.00"), ("own_funds", "12000.00")]
    result = check(["24000.00"], sources, max_hub_grant="10000.00")
    assert "is more than this call's maximum of £10,000.00" in result.message
    assert check(["24000.00"], sources, max_hub_grant="12000.00").ok


def test_an_amount_not_yet_entered_is_refused():
    result = check(["10000.00", None], [("hub_grant", "5000.00"), ("own_funds", "5000.00")])
    assert not result.ok
    assert "1 budget line or funding source has no amount yet" in result.message


def test_an_empty_budget_is_refused():
    assert "the total cost is £0.00" in check([], []).message


def test_another_threshold_moves_the_line():
    sources_at = {"6000.00": [("hub_grant", "6000.00"), ("own_funds", "4000.00")]}
    assert check(["10000.00"], sources_at["6000.00"], threshold="40.00").ok
    assert not check(["10000.00"], sources_at["6000.00"], threshold="40.01").ok


@pytest.mark.parametrize("threshold", ["-1", "100.01"])
def test_a_threshold_outside_0_to_100_is_a_programming_error(threshold):
    with pytest.raises(ValueError):
        check(["1.00"], [("own_funds", "1.00")], threshold=threshold)
