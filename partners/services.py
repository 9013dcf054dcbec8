"""Every write to partners and every move of a partner's onboarding stage."""

from django.db import transaction

from hubportal.history import transition
from partners.models import Partner

# Moves that record why (shown to staff and, where it concerns them, the partner).
REASONED = {Partner.Stage.DECLINED, Partner.Stage.SUSPENDED, Partner.Stage.LAPSED, Partner.Stage.TERMINATED}


@transaction.atomic
def partner_move(*, partner: Partner, to: str, actor, reason: str = "") -> Partner:
    """Move a partner to another stage and record it. The caller has checked
    that the actor may (other apps call this: an agreement going live makes
    the partner active, the Chair's termination ends it); actor None is the
    system (e.g. the 31 August expiry)."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    fields = ()
    if to in REASONED:
        partner.status_reason = reason
        fields = ("status_reason",)
    transition(partner, to=to, actor=actor, note=reason, update_fields=fields)
    return partner
