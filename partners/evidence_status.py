"""What a partner's minimum-standards evidence says about it, for many
partners at once: shared by health, the to-do list and the reminders."""

from dataclasses import dataclass
from datetime import date, timedelta

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
    queries, whatever the number of partners. The register is read as plain
    rows and only the items with a problem become objects: a Hub of 2,000
    partners holds some 17,000 items, nearly all of them in order."""
    partners = Partner.objects.filter(pk__in=list(partner_ids), status__in=EVIDENCE_STAGES)
    stages = dict(partners.values_list("pk", "status"))
    if not stages:
        return {}
    types = list(EvidenceType.objects.filter(is_active=True))
    soon = today + timedelta(days=EXPIRY_WARNING_DAYS)
    columns = ["id", "partner_id", "evidence_type_id", "status", "expires_on"]
    register = EvidenceItem.objects.filter(partner_id__in=stages, evidence_type__is_active=True)
    held: dict[int, set[int]] = {pk: set() for pk in stages}
    problems: dict[tuple[int, int], EvidenceItem] = {}
    for row in register.values_list(*columns):
        _, partner_id, type_id, status, expires_on = row
        held[partner_id].add(type_id)
        if status in (Status.MISSING, Status.REJECTED, Status.EXPIRED) or (
            status == Status.VERIFIED and expires_on is not None and expires_on <= soon
        ):
            # The other fields load on first use, as with .only().
            problems[(partner_id, type_id)] = EvidenceItem.from_db(register.db, columns, row)
    found: dict[int, tuple[str, list[Finding]]] = {}
    for partner_id, holds in held.items():
        if not holds:
            # The register was never opened (it opens at the standards review):
            # a partner added or imported as active is not marked down for it.
            continue
        result = []
        for evidence_type in types:
            item = problems.get((partner_id, evidence_type.pk))
            if item is None and evidence_type.pk in holds:
                continue  # held and in order (submitted, or verified and not expiring soon)
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
        found[partner_id] = (stages[partner_id], result)
    return found
