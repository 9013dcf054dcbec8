"""The Hub record (hubportal.models.Hub), read and changed here only.

    hub = current_hub()          # cached; works with the cache down
    hub.name, hub.match_funding_floor_percent, ...

Every page (the ``hub`` context processor), email (hubportal.messaging.notifications),
PDF (hubportal.core.pdf), export and rule (working days, reminder offsets,
complaint deadlines, a new call's match floor) reads the Hub's name and terms
through current_hub(), so a second Hub is a change of one row, not of code.
"""

import base64
import logging
import time
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from hubportal.core.errors import ActionRefused
from hubportal.core.history import record
from hubportal.models import Hub

log = logging.getLogger(__name__)

CACHE_KEY = "hubportal:hub:v1"
# Long enough that pages rarely ask the database; hub_update drops it at once.
CACHE_SECONDS = 600
# Each process also keeps its copy this long, so a page, its emails and its
# working-day sums ask the shared cache once, not once per use. Another
# process sees a change within this time; the changing process at once.
LOCAL_SECONDS = 30
_local: dict = {"hub": None, "until": 0.0}

# The fields an admin edits, in the order the history lists them.
EDITABLE_FIELDS = [
    "name",
    "lead_organisation",
    "area",
    "local_authority",
    "logo",
    "primary_colour",
    "accent_colour",
    "commissioning_policy_url",
    "partnership_principles_url",
    "safeguarding_policy_url",
    "privacy_notice_url",
    "service_manager_title",
    "match_funding_floor_percent",
    "complaint_acknowledge_working_days",
    "complaint_respond_working_days",
    "complaint_escalation_working_days",
    "reminder_offsets",
    "holiday_region",
]


def _load() -> Hub:
    hub = Hub.objects.filter(pk=1).first()
    if hub is None:
        # A database flushed by a test, or migrated before the seed: the
        # neutral defaults, saved so the admin has one row to edit.
        hub, _ = Hub.objects.get_or_create(pk=1)
    return hub


def current_hub() -> Hub:
    """The Hub record, from this process's copy or the shared cache when it is
    there. A cache that is down or empty costs one query, never an error."""
    hub = _local["hub"]
    if hub is not None and time.monotonic() < _local["until"]:
        return hub
    hub = _shared()
    _local.update(hub=hub, until=time.monotonic() + LOCAL_SECONDS)
    return hub


def _shared() -> Hub:
    try:
        hub = cache.get(CACHE_KEY)
    except Exception:  # noqa: BLE001 - any cache failure: read the database instead
        log.warning("Cache unavailable; reading the Hub record from the database.", exc_info=True)
        return _load()
    if isinstance(hub, Hub):
        return hub
    hub = _load()
    try:
        cache.set(CACHE_KEY, hub, CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        log.warning("Cache unavailable; the Hub record is not cached.", exc_info=True)
    return hub


def forget_local_copy() -> None:
    _local.update(hub=None, until=0.0)


def hub_changed() -> None:
    """Drop the cached Hub record (after a change commits)."""
    forget_local_copy()
    try:
        cache.delete(CACHE_KEY)
    except Exception:  # noqa: BLE001
        log.warning("Cache unavailable; could not drop the cached Hub record.", exc_info=True)


def _shown(value) -> str:
    if hasattr(value, "name") and not isinstance(value, str):  # a file
        return value.name or "none"
    if value in ("", None):
        return "empty"
    return str(value)


@transaction.atomic
def hub_update(*, hub: Hub, actor, changes: dict) -> Hub:
    """Save the changed fields of the Hub record and write each change, old and
    new, to its history. Only an admin may change it (the admin asks can_edit_hub)."""
    allowed, reason = can_edit_hub(actor)
    if not allowed:
        raise ActionRefused(reason)
    stored = Hub.objects.select_for_update().get(pk=hub.pk) if hub.pk else None
    lines = []
    for field, value in changes.items():
        if field not in EDITABLE_FIELDS:
            raise ValueError(f"{field} is not a field of the Hub record an admin edits.")
        if value is False and field == "logo":  # the admin's "clear" box
            value = ""
        old = getattr(stored, field) if stored is not None else None
        if _shown(old) != _shown(value):
            lines.append(f"{Hub._meta.get_field(field).verbose_name}: {_shown(old)} → {_shown(value)}")
        setattr(hub, field, value)
    hub.full_clean()
    hub.save()
    if lines:
        record(hub, actor=actor, action="hub_changed", note="\n".join(lines))
    # Now, for the rest of this request, and again once committed, in case
    # another process cached the old record in between.
    hub_changed()
    transaction.on_commit(hub_changed)
    return hub


def can_edit_hub(user) -> tuple[bool, str]:
    """Only an admin (a superuser) changes the Hub's identity and terms."""
    if user is None or not user.is_authenticated or not user.is_superuser:
        return False, "Only an admin can change the Hub's name and terms."
    return True, ""


def reminder_offsets(kind: str) -> list[int]:
    """The Hub's days for a kind of reminder: its own if it set them, else the default."""
    own = current_hub().reminder_offsets or {}
    if kind in own:
        return list(own[kind])
    return list(settings.REMINDER_OFFSETS.get(kind, []))


def match_funding_floor() -> Decimal:
    return current_hub().match_funding_floor_percent


def logo_data_uri(hub: Hub) -> str:
    """The logo inline, for PDFs (WeasyPrint fetches nothing); '' when there is none."""
    if not hub.logo:
        return ""
    try:
        with hub.logo.open("rb") as handle:
            content = handle.read()
    except OSError:
        log.warning("The Hub's logo file is missing: %s", hub.logo.name)
        return ""
    mime = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"
