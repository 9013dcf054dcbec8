"""A partner's health: green, amber or red, with the reasons.

Each app says what it knows in ``<app>/health.py``:

    @health_signal
    def overdue_surveys(partner_ids: list[int], today: date) -> dict[int, list[Reason]]:
        ...  # a few queries for all the partners at once, never one per partner

A partner with no reasons is green; any red reason makes it red; otherwise
amber. A partner outside the stages that are rated (before the standards
review, or after the partnership ended) is "Not rated", with the reason: an
app says which partners those are with ``@health_scope`` (partners does,
from the stage), and no signal is asked about them. A reason marked ``staff_only`` (e.g. an open complaint about the
partner, which staff may not have shared) counts only in the Hub's view: the
partner's own view is rated from the reasons they may see. A reason marked
``safeguarding_only`` (an open safeguarding concern) reads in full only for
safeguarding leads; anyone else sees that a confidential matter is under
review, at the same level, with no link. Links go only to Hub staff, who can
open the lists behind them.

``health_for`` takes many partners at once so a list page costs the same few
queries whatever its length; ``listed_health`` is the same for the staff
partner list, from reasons cached once per change (hubportal.core.figures).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from hubportal.core.figures import cached_each
from hubportal.core.registry import Registry
from hubportal.core.roles import is_hub_staff, is_safeguarding_lead

GREEN, AMBER, RED = "green", "amber", "red"
UNRATED = "unrated"
LABELS = {GREEN: "Green", AMBER: "Amber", RED: "Red", UNRATED: "Not rated"}
signals = Registry("health")
# Which partners are not rated, and why: functions of (partner_ids, today, stages) -> {id: reason},
# where ``stages`` is each partner's stage when the caller has it at hand (else None: read it).
scopes = Registry("health")
health_scope = scopes.register


def health_signal(function=None, *, staff_only: bool = False):
    """Register a signal (``@health_signal``). ``@health_signal(staff_only=True)``: every
    reason it gives is staff_only, so rating a partner as the partner sees it skips it."""

    def register(function):
        function.staff_only = staff_only
        return signals.register(function)

    return register(function) if function is not None else register


@dataclass(frozen=True)
class Reason:
    level: str  # AMBER or RED
    text: str  # a full sentence a partner or staff member can act on
    url: str = ""
    staff_only: bool = False
    safeguarding_only: bool = False


CONFIDENTIAL = "A confidential matter about this partner is under review; the safeguarding lead can say more."


@dataclass
class Health:
    level: str = GREEN
    reasons: list[Reason] = field(default_factory=list)
    not_rated: str = ""  # why the partner is not rated (level UNRATED), in a sentence

    @property
    def rated(self) -> bool:
        return self.level != UNRATED

    @property
    def label(self) -> str:
        return LABELS[self.level]


def rate(reasons: list[Reason]) -> Health:
    levels = {r.level for r in reasons}
    level = RED if RED in levels else AMBER if levels else GREEN
    return Health(level=level, reasons=sorted(reasons, key=lambda r: (r.level != RED, r.text)))


def as_seen_by(reason: Reason, viewer, *, for_partner: bool) -> Reason | None:
    """The reason as this viewer may see it, or None if they may not."""
    if for_partner:
        return None if reason.staff_only or reason.safeguarding_only else reason
    if reason.safeguarding_only and not (viewer is not None and is_safeguarding_lead(viewer)):
        return Reason(reason.level, CONFIDENTIAL, staff_only=True)
    if reason.url and not (viewer is not None and is_hub_staff(viewer)):
        return Reason(reason.level, reason.text, staff_only=reason.staff_only)
    return reason


def health_for(
    partner_ids: Iterable[int],
    today: date | None = None,
    *,
    viewer=None,
    for_partner: bool = False,
    stages: dict[int, str] | None = None,
) -> dict[int, Health]:
    """Every partner's health, from every app's signals, as ``viewer`` may see
    it (no viewer: a report with no links and no confidential details);
    ``for_partner`` rates it as the partner sees it, without staff-only reasons.
    ``stages``: each partner's stage, where the caller has read it, saving a query."""
    today = today or timezone.localdate()
    ids = list(partner_ids)
    unrated = _unrated(ids, today, stages)
    rated = [pk for pk in ids if pk not in unrated]
    health = _as_seen(_reasons(rated, today, for_partner=for_partner), rated, viewer, for_partner=for_partner)
    return {pk: health[pk] if pk in health else Health(UNRATED, not_rated=unrated[pk]) for pk in ids}


def listed_health(partner_ids: Iterable[int], *, viewer, stages: dict[int, str] | None = None) -> dict[int, Health]:
    """health_for a page of a staff list. Each partner's reasons are worked out
    once per change (hubportal.core.figures) for everyone who lists it, then shown
    as this viewer may see them: paging through lists does not ask every app
    again for the same partners."""
    today = timezone.localdate()
    ids = list(partner_ids)
    unrated = _unrated(ids, today, stages)
    rated = [pk for pk in ids if pk not in unrated]
    reasons = cached_each(f"health:{today}", rated, lambda missing: _reasons(missing, today, for_partner=False))
    health = _as_seen(reasons, rated, viewer, for_partner=False)
    return {pk: health[pk] if pk in health else Health(UNRATED, not_rated=unrated[pk]) for pk in ids}


def _unrated(ids: list[int], today: date, stages: dict[int, str] | None = None) -> dict[int, str]:
    """The partners no rating applies to, with the reason (a query per scope, none with ``stages``)."""
    found: dict[int, str] = {}
    if not ids:
        return found
    for scope in scopes.functions():
        for partner_id, reason in scope(ids, today, stages=stages).items():
            found.setdefault(partner_id, reason)
    return found


def _reasons(ids: list[int], today: date, *, for_partner: bool) -> dict[int, list[Reason]]:
    """Every reason every signal gives for each partner, before anyone's view of them."""
    found: dict[int, list[Reason]] = defaultdict(list)
    for signal in signals.functions():
        if for_partner and getattr(signal, "staff_only", False):
            continue  # the partner would see none of its reasons
        for partner_id, reasons in signal(ids, today).items():
            found[partner_id].extend(r for r in reasons if r not in found[partner_id])
    return {pk: found[pk] for pk in ids}


def _as_seen(found: dict[int, list[Reason]], ids: list[int], viewer, *, for_partner: bool) -> dict[int, Health]:
    health = {}
    for pk in ids:
        shown: list[Reason] = []
        for reason in found[pk]:
            seen = as_seen_by(reason, viewer, for_partner=for_partner)
            if seen is not None and seen not in shown:
                shown.append(seen)
        health[pk] = rate(shown)
    return health
