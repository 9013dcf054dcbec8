"""Partner health from the minimum standards: missing or rejected evidence
(amber while onboarding, red once active), evidence expiring within 30 days
(amber) and expired evidence (red)."""

from datetime import date

from hubportal.core.health import AMBER, RED, Reason, health_signal
from partners.evidence_status import ONBOARDING_STAGES, findings


@health_signal
def minimum_standards(partner_ids: list[int], today: date) -> dict[int, list[Reason]]:
    found = {}
    for partner_id, (stage, problems) in findings(partner_ids, today).items():
        missing_level = AMBER if stage in ONBOARDING_STAGES else RED
        reasons = []
        for f in problems:
            name = f.evidence_type.name
            if f.problem == "missing":
                reasons.append(Reason(missing_level, f"{name}: not uploaded yet."))
            elif f.problem == "rejected":
                reasons.append(Reason(missing_level, f"{name}: rejected; a new document is needed."))
            elif f.problem == "expired":
                when = f" on {f.expires_on:%-d %B %Y}" if f.expires_on else ""
                reasons.append(Reason(RED, f"{name}: expired{when}."))
            else:
                reasons.append(Reason(AMBER, f"{name}: expires on {f.expires_on:%-d %B %Y}."))
        if reasons:
            found[partner_id] = reasons
    return found
