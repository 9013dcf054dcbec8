"""Reminders to the partner's users that a verified minimum-standards item
expires (settings.REMINDER_OFFSETS["partners_evidence_expiry"]: 30 days
before and on the day), and that it has expired (the day after: by then
partners.tasks.expire_evidence has marked it expired, so those stages look at
expired items, not verified ones)."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Prefetch, Q
from django.urls import reverse

from hubportal.messaging.kinds import Due, dates_due, reminder_kind
from hubportal.messaging.wording_samples import SAMPLE_PK, reminder_sample
from hubportal.models import User
from partners.evidence_status import EVIDENCE_STAGES
from partners.models import EvidenceItem, EvidenceType, Partner

KIND = "partners_evidence_expiry"


@reminder_kind(KIND)
def evidence_expiring(today: date) -> Iterable[Due]:
    stages = dates_due(today, KIND)
    if not stages:
        return []
    coming = [d for d in stages if d >= today]
    gone = [d for d in stages if d < today]
    items = (
        EvidenceItem.objects.filter(
            Q(status=EvidenceItem.Status.VERIFIED, expires_on__in=coming)
            | Q(status=EvidenceItem.Status.EXPIRED, expires_on__in=gone),
            partner__status__in=EVIDENCE_STAGES,
            evidence_type__is_active=True,
        )
        .select_related("evidence_type", "partner")
        .prefetch_related(Prefetch("partner__users", queryset=User.objects.filter(is_active=True)))
    )
    return [
        Due(
            KIND,
            item,
            stages[item.expires_on],
            item.expires_on,
            list(item.partner.users.all()),
            url=reverse("partners:evidence_upload", kwargs={"type_pk": item.evidence_type_id}),
            # Renewed evidence expires again on a new date: a new series of reminders.
            series_from=item.expires_on,
        )
        for item in items
    ]


# --- The object each kind is about, for the wording editor (hubportal.messaging.wording_samples) ---


def sample_partner() -> Partner:
    """The partner every sample object belongs to."""
    return Partner(
        pk=SAMPLE_PK, name="Harborough Community Music", legal_name="Harborough Community Music CIC", status="active"
    )


@reminder_sample("partners_evidence_expiry")
def sample_evidence_item(today: date):
    return EvidenceItem(
        pk=SAMPLE_PK,
        partner=sample_partner(),
        evidence_type=EvidenceType(pk=SAMPLE_PK, name="Public liability insurance"),
        status=EvidenceItem.Status.VERIFIED,
        issued_on=today - timedelta(days=335),
        expires_on=today + timedelta(days=30),
    )
