"""What a partner's minimum-standards evidence says about it, for many
partners at once: shared by health, the to-do list and the reminders."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q

from hubportal.core.shared_reads import read_once
from partners.models import EvidenceItem, EvidenceType, Partner

Stage = Partner.Stage
Status = EvidenceItem.Status

# Evidence is asked for from the standards review on, and kept up while the partnership lasts.
EVIDENCE_STAGES = {Stage.STANDARDS_REVIEW, Stage.AGREEMENT_PENDING, Stage.ACTIVE, Stage.SUSPENDED}
ONBOARDING_STAGES = {Stage.STANDARDS_REVIEW, Stage.AGREEMENT_PENDING}
EXPIRY_WARNING_DAYS = 30


@dataclass(frozen=True)
class Finding:
    evidence_type: EvidenceType
    problem: str  # "missing", "rejected", "expired", "expiring"
    expires_on: date | None = None
    item: EvidenceItem | None = None


def findings(partner_ids, today: date) -> dict[int, tuple[str, list[Finding]]]:
    """Per partner at an evidence stage whose register is open (it holds any
    item), its stage and what is wrong: each required standard missing or
    rejected, and each held item expired or expiring within 30 days. Three
    queries, whatever the number of partners, and little for Python to do: a
    Hub of 2,000 partners holds some 17,000 items, nearly all of them in order,
    so the database counts what each partner holds and sends only the items
    with a problem (and every item of a partner missing a required standard).
    Read once for a page that asks twice (hubportal.core.shared_reads): the portal
    home's to-do list and health."""
    ids = tuple(partner_ids)
    return read_once(("partners.findings", ids, today), lambda: _findings(ids, today))


def _findings(partner_ids, today: date) -> dict[int, tuple[str, list[Finding]]]:
    soon = today + timedelta(days=EXPIRY_WARNING_DAYS)
    active = Q(evidence__evidence_type__is_active=True)
    counted = (
        Partner.objects.filter(pk__in=list(partner_ids), status__in=EVIDENCE_STAGES)
        .annotate(
            held=Count("evidence", filter=active),
            held_required=Count("evidence", filter=active & Q(evidence__evidence_type__required=True)),
        )
        .order_by()
        .values_list("pk", "status", "held", "held_required")
    )
    # The register opens at the standards review: a partner added or imported
    # as active, holding nothing, is not marked down for evidence never asked for.
    rows = [row for row in counted if row[2]]
    if not rows:
        return {}
    types = list(EvidenceType.objects.filter(is_active=True))
    required = sum(1 for t in types if t.required)
    stages = {pk: status for pk, status, _, _ in rows}
    incomplete = {pk for pk, _, _, held_required in rows if held_required < required}
    wrong = Q(status__in=[Status.MISSING, Status.REJECTED, Status.EXPIRED]) | Q(
        status=Status.VERIFIED, expires_on__lte=soon
    )
    items = (
        EvidenceItem.objects.filter(partner_id__in=list(stages), evidence_type__is_active=True)
        .filter(wrong | Q(partner_id__in=list(incomplete)))
        .only("id", "partner_id", "evidence_type_id", "status", "expires_on")
    )
    held: dict[int, set[int]] = {pk: set() for pk in incomplete}
    problems: dict[tuple[int, int], EvidenceItem] = {}
    for item in items:
        if item.partner_id in held:
            held[item.partner_id].add(item.evidence_type_id)
        problems[(item.partner_id, item.evidence_type_id)] = item
    found: dict[int, tuple[str, list[Finding]]] = {}
    for partner_id, stage in stages.items():
        result = []
        for evidence_type in types:
            item = problems.get((partner_id, evidence_type.pk))
            if item is None and (partner_id not in held or evidence_type.pk in held[partner_id]):
                continue  # held and in order (or, not being required, nothing to say)
            if item is not None:
                item.evidence_type = evidence_type  # no extra query when callers read it
            status = item.status if item else Status.MISSING
            if status == Status.VERIFIED and item.expires_on is None:
                continue  # renewed on change, not by date
            if evidence_type.required and status in (Status.MISSING, Status.REJECTED):
                result.append(Finding(evidence_type, str(status), item=item))
            elif status == Status.EXPIRED or (status == Status.VERIFIED and item.expires_on < today):
                result.append(Finding(evidence_type, "expired", item.expires_on, item))
            elif status == Status.VERIFIED and item.expires_on and item.expires_on <= soon:
                result.append(Finding(evidence_type, "expiring", item.expires_on, item))
        found[partner_id] = (stage, result)
    return found
