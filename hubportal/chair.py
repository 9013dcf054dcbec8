"""The Chair's queue: everything awaiting the Chair of the Hub Executive Board.

Each app adds its cases in ``<app>/chair.py`` (escalated complaints,
recommendations to terminate or not renew an agreement):

    @chair_cases
    def recommendations_awaiting_decision() -> list[ChairCase]:
        ...

The queue is oldest first, with each case's age.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from hubportal.registry import Registry

sources = Registry("chair")
chair_cases = sources.register


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


def chair_queue() -> list[ChairCase]:
    return sorted((case for source in sources.functions() for case in source()), key=lambda c: c.waiting_since)
