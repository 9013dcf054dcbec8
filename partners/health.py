"""Partner health from the partner's own record: a suspension (red, whatever
its evidence), and the minimum standards: missing or rejected evidence (amber
while onboarding, red once active), evidence expiring within 30 days (amber)
and expired evidence (red)."""

from datetime import date

from hubportal.core.health import AMBER, RED, Reason, health_scope, health_signal
from partners.evidence_status import EVIDENCE_STAGES, ONBOARDING_STAGES, findings
from partners.models import Partner

Stage = Partner.Stage
SUSPENDED = "Suspended: it may only read its records and renew evidence until the Service Manager lifts the suspension."
RATED_FROM = "Ratings start at the standards review, when the Hub first asks for minimum-standards evidence."
# Why a partner at each stage outside EVIDENCE_STAGES is not rated.
NOT_RATED = {
    Stage.ENQUIRY: f"Not rated yet: still an enquiry. {RATED_FROM}",
    Stage.MEETING_SCHEDULED: f"Not rated yet: the introductory meeting is still to come. {RATED_FROM}",
    Stage.MEETING_HELD: f"Not rated yet: the introductory meeting has been held. {RATED_FROM}",
    Stage.DECLINED: "Not rated: the partnership was declined before it began.",
    Stage.LAPSED: "Not rated: the partnership has lapsed (its agreement ended and was not renewed).",
    Stage.TERMINATED: "Not rated: the partnership was terminated.",
}


@health_scope
def stages_not_rated(partner_ids: list[int], today: date, stages: dict[int, str] | None = None) -> dict[int, str]:
    """Partners outside the stages that are rated (the standards review on, while
    the partnership lasts), with the reason: one query, or none if the caller
    gives every partner's stage."""
    if stages is not None and all(pk in stages for pk in partner_ids):
        rows = [(pk, stages[pk]) for pk in partner_ids if stages[pk] not in EVIDENCE_STAGES]
    else:
        rows = (
            Partner.objects.filter(pk__in=partner_ids).exclude(status__in=EVIDENCE_STAGES).values_list("pk", "status")
        )
    return {pk: NOT_RATED.get(status, f"Not rated at this stage. {RATED_FROM}") for pk, status in rows}


@health_signal
def minimum_standards(partner_ids: list[int], today: date) -> dict[int, list[Reason]]:
    found = {}
    for partner_id, (stage, problems) in findings(partner_ids, today).items():
        missing_level = AMBER if stage in ONBOARDING_STAGES else RED
        # Read with the register (a suspended partner held evidence while active): no query of its own.
        reasons = [Reason(RED, SUSPENDED)] if stage == Stage.SUSPENDED else []
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
