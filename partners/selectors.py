"""Reads, always scoped to the user asking."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.timezone import localtime

from hubportal.core.lists import listed_day
from hubportal.models import HistoryEntry
from partners.models import Contact, EvidenceItem, EvidenceType, Meeting, Partner


def get_partner_for(user, pk: int) -> Partner:
    return get_object_or_404(Partner.objects.visible_to(user).select_related("partner_type"), pk=pk)


def get_own_partner(user) -> Partner:
    """The partner user's own partner (the portal's pages take no partner id)."""
    return get_object_or_404(Partner.objects.visible_to(user).select_related("partner_type"), pk=user.partner_id)


def evidence_visible_to(user) -> QuerySet[EvidenceItem]:
    return EvidenceItem.objects.filter(partner__in=Partner.objects.visible_to(user))


def get_evidence_for(user, pk: int) -> EvidenceItem:
    return get_object_or_404(evidence_visible_to(user).select_related("partner", "evidence_type"), pk=pk)


def get_meeting_for(user, pk: int) -> Meeting:
    meetings = Meeting.objects.filter(partner__in=Partner.objects.visible_to(user))
    return get_object_or_404(meetings.select_related("partner", "partner__partner_type"), pk=pk)


def get_contact_for(user, pk: int) -> Contact:
    contacts = Contact.objects.filter(partner__in=Partner.objects.visible_to(user))
    return get_object_or_404(contacts.select_related("partner"), pk=pk)


def last_recorded_meeting(partner: Partner) -> Meeting | None:
    """The introductory meeting most recently recorded: its outcome is the one that stands."""
    return partner.meetings.exclude(recorded_at=None).order_by("-recorded_at", "-pk").first()


def primary_contact(partner: Partner) -> Contact | None:
    """The contact the Hub writes to: the primary one, else the first."""
    return partner.contacts.order_by("-is_primary", "pk").first()


def active_evidence_types() -> QuerySet[EvidenceType]:
    return EvidenceType.objects.filter(is_active=True).order_by("sort_order", "name")


def evidence_register(partner: Partner) -> list[tuple[EvidenceType, EvidenceItem | None]]:
    """Every active evidence type with the partner's item for it (None if
    nothing was ever asked or uploaded), plus retired types they still hold."""
    items = {i.evidence_type_id: i for i in partner.evidence.select_related("evidence_type", "reviewed_by")}
    rows = [(t, items.pop(t.pk, None)) for t in active_evidence_types()]
    rows += [(i.evidence_type, i) for i in items.values()]
    return rows


def partner_history(partner: Partner) -> list[HistoryEntry]:
    """The partner's own history with that of its meetings, contacts and evidence,
    oldest first. Each entry of a meeting, contact or evidence item names it
    (``about``: "Safeguarding policy"), read with the ids: no query per entry."""
    types = ContentType.objects.get_for_models(Partner, Meeting, EvidenceItem, Contact)
    named_by_key = {}
    condition = Q(content_type=types[Partner], object_id=partner.pk)
    meetings = partner.meetings.values_list("pk", "starts_at")
    for model, rows in [
        (Meeting, [(pk, f"the meeting of {localtime(starts):%-d %B %Y}") for pk, starts in meetings]),
        (EvidenceItem, partner.evidence.values_list("pk", "evidence_type__name")),
        (Contact, partner.contacts.values_list("pk", "name")),
    ]:
        named = dict(rows)
        named_by_key.update({(types[model].pk, pk): name for pk, name in named.items()})
        condition |= Q(content_type=types[model], object_id__in=list(named))
    entries = list(HistoryEntry.objects.filter(condition).order_by("at", "pk"))
    for entry in entries:
        entry.about = named_by_key.get((entry.content_type_id, entry.object_id), "")
    return entries


def partners_for_list(user) -> QuerySet[Partner]:
    return (
        Partner.objects.visible_to(user)
        .select_related("partner_type")
        .prefetch_related(Prefetch("districts"), Prefetch("contacts", queryset=Contact.objects.order_by("-is_primary")))
    )


def partner_list_rows(partners, health: dict) -> list[dict]:
    """A page of partners_for_list shaped for the list's template, each with its health
    (hubportal.core.health.listed_health): names, links, badges and dates worked out here, once, so
    the template only places them (issue 24: no include, {% url %} or display lookup per row)."""
    detail = reverse("partners:detail", args=[0]).removesuffix("0/")
    stages = dict(Partner.Stage.choices)
    rows = []
    for partner in partners:
        rated = health[partner.pk]
        rows.append(
            {
                "pk": partner.pk,
                "name": partner.name,
                "url": f"{detail}{partner.pk}/",
                "type": str(partner.partner_type) if partner.partner_type_id else "Not yet agreed",
                "stage": partner.status,
                "stage_label": stages.get(partner.status, partner.status),
                "districts": ", ".join(d.name for d in partner.districts.all()) or "\u2014",
                "primary_contacts": [(c.name, c.email) for c in partner.contacts.all() if c.is_primary],
                "health": rated.level,
                "health_label": rated.label,
                "reasons": len(rated.reasons),
                "not_rated": "" if rated.rated else rated.not_rated,
                "added": listed_day(partner.created_at),
            }
        )
    return rows
