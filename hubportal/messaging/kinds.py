"""Reminder kinds: what each app registers, and the days of each kind's series.

Each app declares its reminder kinds in `<app>/reminders.py`:

    @reminder_kind("surveys_deadline")
    def survey_deadlines(today: date) -> Iterable[Due]:
        ...  # a few queries, whatever the number of objects

A finder yields one `Due` per object and stage that is due today. Offsets
(how many days before or after a date) come from the Hub record, else
settings.REMINDER_OFFSETS, so changing them is configuration, not code. The
sweep that sends them is hubportal.messaging.reminders; messaging imports no app.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.utils.module_loading import autodiscover_modules

from hubportal.core.hub import reminder_offsets
from hubportal.models import User

Finder = Callable[[date], Iterable["Due"]]
_KINDS: dict[str, Finder] = {}


@dataclass
class Due:
    kind: str
    obj: object
    stage: str
    due_on: date
    recipients: list[User]
    url: str = ""
    context: dict = field(default_factory=dict)
    # The date this series started from, when the same object can start it
    # again (an agreement reopened and issued again): stored in the reminder's
    # stage, which is part of its unique key, so the new series is sent too.
    series_from: date | None = None

    @property
    def stage_key(self) -> str:
        return f"{self.stage} {self.series_from.isoformat()}" if self.series_from else self.stage


def reminder_kind(kind: str):
    def register(finder: Finder) -> Finder:
        _KINDS[kind] = finder
        return finder

    return register


def kinds() -> dict[str, Finder]:
    autodiscover_modules("reminders")
    return dict(_KINDS)


def offsets(kind: str) -> list[int]:
    """Days relative to the date: 14 is fourteen days before, -1 a day after
    (the Hub record's days for the kind, else the default)."""
    return reminder_offsets(kind)


def stage_name(days_before: int) -> str:
    if days_before > 0:
        return f"{days_before}d-before"
    if days_before == 0:
        return "on-the-day"
    return f"{-days_before}d-after"


def catch_up(today: date, kind: str, stage_day: Callable[[date, int], date | None]) -> dict[date, str]:
    """Which dates (deadlines, expiries) have a reminder due today, by stage name.

    `stage_day(day, n)` is the date that a sweep on `day` reminds of at offset
    n (None: no reminders that day). A stage whose day was missed (beat was
    down, the machine was off) is still due for REMINDER_CATCH_UP_DAYS days,
    unless a later stage has come due since; the reminder's unique key stops a
    stage already sent from going again. "On the day" is never sent late: its
    wording says "today"."""
    found = {}
    # Oldest missed day first and, within a day, earliest stage first, so a
    # date keeps the latest stage that has come due for it.
    for late in range(settings.REMINDER_CATCH_UP_DAYS, -1, -1):
        day = today - timedelta(days=late)
        for n in sorted(offsets(kind), reverse=True):
            reminded = stage_day(day, n)
            if reminded is not None and not (late and n == 0):
                found[reminded] = stage_name(n)
    return found


def dates_due(today: date, kind: str) -> dict[date, str]:
    """Which dates have a reminder due today, by stage name, offsets in calendar days."""
    return catch_up(today, kind, lambda day, n: day + timedelta(days=n))
