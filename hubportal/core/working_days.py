"""Working days: Monday to Friday, except the bank holidays of the Hub's region.

Deadlines the Hub promises in working days (acknowledge a complaint within
five, respond within twenty) are counted here, so a deadline never falls on a
weekend or a bank holiday and the arithmetic lives in one place:

    acknowledge_by = add_working_days(received_on, 5)

The holidays come from the ``holidays`` package, for the region the Hub
record names (hubportal.models.Hub.holiday_region: England, Wales, Scotland or
Northern Ireland), including substitute days such as "Boxing Day (observed)".
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays

from hubportal.core.hub import current_hub


@lru_cache(maxsize=64)
def _calendar(year: int, region: str) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv=region, years=year))


def _region() -> str:
    return current_hub().holiday_region


def bank_holiday_name(day: date) -> str | None:
    """The bank holiday's name ("Easter Monday"), or None on any other day."""
    return _calendar(day.year, _region()).get(day)


# Each public function reads the region once and passes it down, so counting
# twenty days asks the Hub record once, not twenty times.
def is_working_day(day: date, region: str | None = None) -> bool:
    return day.weekday() < 5 and day not in _calendar(day.year, region or _region())


def next_working_day(day: date, region: str | None = None) -> date:
    """The first working day after ``day``."""
    region = region or _region()
    day += timedelta(days=1)
    while not is_working_day(day, region):
        day += timedelta(days=1)
    return day


def previous_working_day(day: date, region: str | None = None) -> date:
    """The last working day before ``day``."""
    region = region or _region()
    day -= timedelta(days=1)
    while not is_working_day(day, region):
        day -= timedelta(days=1)
    return day


def subtract_working_days(end: date, days: int) -> date:
    """The working day ``days`` working days before ``end`` (the inverse of
    add_working_days for a working day ``end``)."""
    if days < 0:
        raise ValueError("Count working days backwards with a positive number.")
    region = _region()
    day = end
    for _ in range(days):
        day = previous_working_day(day, region)
    return day


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start``: the day the count ends on.

    ``start`` itself never counts (a complaint received on Friday is on day one
    on Monday), whether or not it is a working day. Zero days is ``start``.
    """
    if days < 0:
        raise ValueError("Count working days forwards only.")
    region = _region()
    day = start
    for _ in range(days):
        day = next_working_day(day, region)
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days after ``start`` up to and including ``end``
    (negative when ``end`` is before ``start``): the inverse of add_working_days."""
    if end < start:
        return -working_days_between(end, start)
    region = _region()
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, region):
            count += 1
    return count
