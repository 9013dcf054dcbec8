"""Working days skip weekends and the bank holidays of England and Wales."""

from datetime import date

import pytest

from hubportal.core.working_days import (
    add_working_days,
    bank_holiday_name,
    is_working_day,
    next_working_day,
    previous_working_day,
    subtract_working_days,
    working_days_between,
)

# Since issue 22 the region whose bank holidays count is the Hub record's
# (England, as the first Hub's record is seeded): the tests read it.
pytestmark = pytest.mark.django_db


def test_weekends_are_not_working_days():
    assert is_working_day(date(2026, 3, 13))  # Friday
    assert not is_working_day(date(2026, 3, 14))  # Saturday
    assert not is_working_day(date(2026, 3, 15))  # Sunday
    assert is_working_day(date(2026, 3, 16))  # Monday


def test_england_and_wales_bank_holidays_are_not_working_days():
    assert bank_holiday_name(date(2026, 4, 6)) == "Easter Monday"
    assert not is_working_day(date(2026, 4, 3))  # Good Friday
    assert not is_working_day(date(2026, 8, 31))  # Late Summer Bank Holiday
    # Boxing Day 2026 is a Saturday: the substitute day is Monday 28 December.
    assert not is_working_day(date(2026, 12, 28))
    # St Andrew's Day is a Scottish bank holiday only.
    assert is_working_day(date(2026, 11, 30))
    assert bank_holiday_name(date(2026, 11, 30)) is None


def test_counting_across_a_weekend():
    # Thursday + 2 working days: Friday, then (skipping Saturday and Sunday) Monday.
    assert add_working_days(date(2026, 3, 12), 2) == date(2026, 3, 16)
    # Five working days from a Friday is the next Friday.
    assert add_working_days(date(2026, 3, 13), 5) == date(2026, 3, 20)


def test_counting_across_a_weekend_and_a_bank_holiday():
    # Wednesday 1 April 2026 + 5 working days: Thu 2, (Good Friday 3, weekend, Easter Monday 6)
    # Tue 7, Wed 8, Thu 9, Fri 10.
    assert add_working_days(date(2026, 4, 1), 5) == date(2026, 4, 10)
    # Twenty working days from Friday 22 May 2026 cross the Spring Bank Holiday (25 May).
    assert add_working_days(date(2026, 5, 22), 20) == date(2026, 6, 22)


def test_a_count_starting_on_a_non_working_day_starts_on_the_next_working_day():
    assert add_working_days(date(2026, 3, 14), 1) == date(2026, 3, 16)  # Saturday + 1 is Monday
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)  # over Christmas and Boxing Day


def test_zero_days_is_the_start_and_negative_counts_are_refused():
    assert add_working_days(date(2026, 3, 14), 0) == date(2026, 3, 14)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 14), -1)


def test_next_working_day_skips_weekend_and_holiday():
    assert next_working_day(date(2026, 4, 2)) == date(2026, 4, 7)


@pytest.mark.parametrize(
    "start,days",
    [(date(2026, 4, 1), 5), (date(2026, 5, 22), 20), (date(2026, 12, 18), 10), (date(2027, 3, 1), 40)],
)
def test_working_days_between_is_the_inverse_of_adding(start, days):
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days
    assert working_days_between(end, start) == -days


def test_counting_backwards_skips_weekend_and_holiday():
    assert previous_working_day(date(2026, 4, 7)) == date(2026, 4, 2)  # over Easter
    assert subtract_working_days(date(2026, 3, 16), 1) == date(2026, 3, 13)  # Monday back to Friday
    assert subtract_working_days(date(2026, 4, 10), 5) == date(2026, 4, 1)
    assert subtract_working_days(date(2026, 4, 10), 0) == date(2026, 4, 10)
    with pytest.raises(ValueError):
        subtract_working_days(date(2026, 4, 10), -1)
