"""The partner portal's to-do list: one list across the whole product.

Each app adds what a partner must do in ``<app>/todo.py``:

    @todo_source
    def surveys_to_complete(partner: Partner, today: date) -> list[Todo]:
        ...

The list is ordered soonest due first; items with no date come last.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from hubportal.core.registry import Registry

sources = Registry("todo")
todo_source = sources.register


@dataclass(frozen=True)
class Todo:
    text: str  # "Sign your 2026/27 partnership agreement"
    url: str
    due_on: date | None = None
    kind: str = ""  # the app or action, for styling and tests


def todos_for(partner, today: date | None = None) -> list[Todo]:
    today = today or timezone.localdate()
    items = [item for source in sources.functions() for item in source(partner, today)]
    return sorted(items, key=lambda t: (t.due_on is None, t.due_on or date.max, t.text))
