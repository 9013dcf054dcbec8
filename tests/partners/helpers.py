"""Small builders the partners tests share."""

from datetime import timedelta

from django.utils import timezone

from partners.models import EvidenceItem, EvidenceType, Partner
from tests.partners.factories import ContactFactory, EvidenceItemFactory


def at_stage(partner: Partner, stage: str) -> Partner:
    """Put the partner at a stage. Before the standards review a partner has
    no evidence yet (the factory's verified register is for partners past it)."""
    Partner.objects.filter(pk=partner.pk).update(status=stage)
    if stage in (Partner.Stage.ENQUIRY, Partner.Stage.MEETING_SCHEDULED, Partner.Stage.MEETING_HELD):
        EvidenceItem.objects.filter(partner=partner).delete()
    partner.refresh_from_db()
    return partner


def all_verified(partner: Partner, *, days_left: int = 200) -> list[EvidenceItem]:
    """Every active evidence type verified and in date for the partner."""
    today = timezone.localdate()
    return [
        EvidenceItemFactory(
            partner=partner,
            evidence_type=t,
            status=EvidenceItem.Status.VERIFIED,
            issued_on=today - timedelta(days=30),
            expires_on=today + timedelta(days=days_left) if t.renewal_months else None,
        )
        for t in EvidenceType.objects.filter(is_active=True)
    ]


def with_contact(partner: Partner, **kwargs):
    return ContactFactory(partner=partner, **kwargs)
