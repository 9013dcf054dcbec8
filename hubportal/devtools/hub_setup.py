"""Make this portal a particular Hub: its record, districts, bands and the
wording of its seeded reference text (manage.py setup_hub, and tests that load
a second Hub).

The migrations seed the first Hub's reference data (its districts, and
agreement templates and evidence descriptions that name it). A new Hub keeps
the rest of the reference data (partner types, strands, evidence types...)
and gets its own names in place of the first Hub's.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from agreements.models import AgreementTemplate
from eoi.models import ProcurementBand
from hubportal.core.hub import current_hub, hub_update
from hubportal.models import Hub, User
from partners.models import District, EvidenceType


@dataclass(frozen=True)
class Band:
    name: str
    minimum: Decimal
    maximum: Decimal | None
    route: str


def _reword(text: str, replacements: list[tuple[str, str]]) -> str:
    for old, new in replacements:
        if old and old != new:
            text = text.replace(old, new)
    return text


def _replacements(before: Hub, after: dict) -> list[tuple[str, str]]:
    # Longest first: "Leicestershire Music Hub" before "Leicestershire Music".
    pairs = [
        (before.name, after.get("name", before.name)),
        (before.local_authority, after.get("local_authority", before.local_authority) or "the local authority"),
        (before.area, after.get("area", before.area)),
        (before.lead_organisation, after.get("lead_organisation", before.lead_organisation)),
    ]
    return sorted((p for p in pairs if p[0]), key=lambda p: len(p[0]), reverse=True)


def reword_reference_text(replacements: list[tuple[str, str]]) -> int:
    """Put the new Hub's names into the seeded templates and descriptions.
    Signed agreements are records and keep the words they were signed in."""
    changed = 0
    for model, fields in (
        (AgreementTemplate, ["name", "basis", "hub_expectations", "partner_expectations", "monitoring", "conditions"]),
        (EvidenceType, ["name", "description"]),
    ):
        for obj in model.objects.all():
            updated = [f for f in fields if _reword(getattr(obj, f), replacements) != getattr(obj, f)]
            for f in updated:
                setattr(obj, f, _reword(getattr(obj, f), replacements))
            if updated:
                obj.save(update_fields=updated)
                changed += 1
    return changed


def districts_set(names: list[str]) -> None:
    """The Hub's districts are exactly ``names``: others in use are kept on old
    records but no longer offered; others never used are removed."""
    names = [n.strip() for n in names if n.strip()]
    for order, name in enumerate(names):
        District.objects.update_or_create(name=name, defaults={"is_active": True, "sort_order": order})
    others = District.objects.exclude(name__in=names)
    others.filter(partners__isnull=True, gaps__isnull=True).delete()
    others.update(is_active=False)


def bands_set(bands: list[Band]) -> None:
    """Replace the procurement bands (awards keep the route they were given)."""
    ProcurementBand.objects.all().delete()
    for band in bands:
        ProcurementBand.objects.create(name=band.name, minimum=band.minimum, maximum=band.maximum, route=band.route)


def first_admin(*, username: str, email: str, password: str) -> User:
    """The first admin: a superuser who signs in to the admin and adds the team."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_superuser(username=username, email=email, password=password)
    return user


@transaction.atomic
def hub_setup(
    *,
    actor: User,
    name: str,
    lead_organisation: str,
    area: str,
    districts: list[str],
    bands: list[Band] | None = None,
    **terms,
) -> Hub:
    """Make the portal this Hub: its record (through hub_update, so the change
    is in the history), its districts, its bands if given, and its names in
    the seeded reference text."""
    hub = current_hub()
    before = Hub.objects.get(pk=hub.pk)
    changes = {"name": name, "lead_organisation": lead_organisation, "area": area, **terms}
    hub = hub_update(hub=Hub.objects.get(pk=hub.pk), actor=actor, changes=changes)
    reword_reference_text(_replacements(before, changes))
    districts_set(districts)
    if bands is not None:
        bands_set(bands)
    return hub
