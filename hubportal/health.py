"""A partner's health: green, amber or red, with the reasons.

Each app says what it knows in ``<app>/health.py``:

    @health_signal
    def overdue_surveys(partner_ids: list[int], today: date) -> dict[int, list[Reason]]:
        ...  # a few queries for all the partners at once, never one per partner

A partner with no reasons is green; any red reason makes it red; otherwise
amber. A reason marked ``staff_only`` (e.g. an open complaint about the
partner, which staff may not have shared) counts only in the Hub's view: the
partner's own view is rated from the reasons they may see.

``health_for`` takes many partners at once so a list page costs the same few
queries whatever its length.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from hubportal.registry import Registry

GREEN, AMBER, RED = "green", "amber", "red"
LABELS = {GREEN: "Green", AMBER: "Amber", RED: "Red"}
signals = Registry("health")
health_signal = signals.register


@dataclass(frozen=True)
class Reason:
    level: str  # AMBER or RED
    text: str  # a full sentence a partner or staff member can act on
    url: str = ""
    staff_only: bool = False


@dataclass
class Health:
    level: str = GREEN
    reasons: list[Reason] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LABELS[self.level]


def rate(reasons: list[Reason]) -> Health:
    levels = {r.level for r in reasons}
    level = RED if RED in levels else AMBER if levels else GREEN
    return Health(level=level, reasons=sorted(reasons, key=lambda r: (r.level != RED, r.text)))


def health_for(
    partner_ids: Iterable[int], today: date | None = None, *, for_partner: bool = False
) -> dict[int, Health]:
    """Every partner's health, from every app's signals; ``for_partner`` rates
    it as the partner sees it, without the staff-only reasons."""
    today = today or timezone.localdate()
    ids = list(partner_ids)
    found: dict[int, list[Reason]] = defaultdict(list)
    for signal in signals.functions():
        for partner_id, reasons in signal(ids, today).items():
            found[partner_id].extend(r for r in reasons if not (for_partner and r.staff_only))
    return {pk: rate(found.get(pk, [])) for pk in ids}
