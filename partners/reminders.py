"""Reminders to the partner's users that a verified minimum-standards item
expires (settings.REMINDER_OFFSETS["partners_evidence_expiry"]: 30 days
before and on the day), and that it has expired (the day after: by then
partners.tasks.expire_evidence has marked it expired, so those stages look at
expired items, not verified ones)."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Prefetch, Q
from django.urls import reverse

from hubportal.messaging.reminders import Due, dates_due, reminder_kind
from hubportal.models import User
from partners.evidence_status import EVIDENCE_STAGES
from partners.models import EvidenceItem

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
