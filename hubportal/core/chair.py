"""The Chair's queue: everything awaiting the Chair of the Hub Executive Board.

Each app adds its cases in ``<app>/chair.py`` (escalated complaints,
recommendations to terminate or not renew an agreement). A source returns
its oldest SHOWN cases as ``Oldest`` (read with LIMIT in SQL), saying how many
it has in all; a plain list is taken as every case it has:

    @chair_cases
    def recommendations_awaiting_decision() -> Oldest:
        ...

The queue is oldest first, with each case's age: the Chair's home shows the
oldest SHOWN of every source together, and how many there are in all.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet, Window
from django.utils import timezone

from hubportal.core.registry import Registry

sources = Registry("chair")
chair_cases = sources.register

SHOWN = 20  # cases on the Chair's home; the lists behind it have them all


@dataclass(frozen=True)
class ChairCase:
    kind: str  # "Escalated complaint", "Termination recommendation"...
    title: str
    url: str  # the case file and decision form
    waiting_since: datetime
    partner_name: str = ""
    summary: str = ""

    @property
    def age_days(self) -> int:
        return (timezone.now() - self.waiting_since).days


class Oldest(list):
    """The oldest cases (a list, oldest first) and ``total``: how many are waiting in all."""

    def __init__(self, cases=(), *, total: int | None = None):
        super().__init__(cases)
        self.total = len(self) if total is None else total


def oldest_rows(queryset: QuerySet) -> tuple[list, int]:
    """The first SHOWN rows of an ordered queryset and the number of all its rows, in
    one query: the count is a window over every row, worked out before the LIMIT."""
    rows = list(queryset.annotate(waiting_in_all=Window(Count("pk")))[:SHOWN])
    return rows, (rows[0].waiting_in_all if rows else 0)


def chair_queue() -> Oldest:
    """The oldest SHOWN cases of every source, oldest first, and how many wait in all."""
    parts = [found if isinstance(found, Oldest) else Oldest(found) for found in (s() for s in sources.functions())]
    cases = sorted((case for part in parts for case in part), key=lambda c: c.waiting_since)
    return Oldest(cases[:SHOWN], total=sum(part.total for part in parts))
