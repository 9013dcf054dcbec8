"""A partner's standing: what the partner may do now and, if not, why.

Every lifecycle meets at the partner. Whether a partner may take an action, or
be the object of one, is answered here and nowhere else, from four facts:

- its onboarding stage (``Partner.status``);
- its minimum-standards evidence in force today (every required type verified
  and in date);
- its active partner users (someone who can sign);
- the Chair's upheld decisions on its agreements (terminate, do not renew),
  which the agreements app reads for it (``read_chair_decisions_with``).

``may(partner, action)`` returns ``(allowed, reason)``: the reason is a
sentence a person can act on. Services in every app ask it before changing
anything and raise ``ActionRefused`` with the reason (``require_standing``);
views and templates ask the same function to show a button or say why it is
withheld. DESIGN.md §0 is the table it implements:

| standing | may | may not |
|---|---|---|
| onboarding | meet, send evidence | have an agreement drafted or issued, start an EOI |
| agreement pending | sign its first agreement | start an EOI |
| active | everything its type allows | |
| standards lapsed | read, renew evidence, finish surveys | start or submit an EOI, sign, be countersigned, |
|  |  | be awarded, roll forward |
| suspended | read, renew evidence, see complaints | anything else |
| not renewed | its current agreement runs to 31 August | any agreement for a later year |
| terminated | read its records and complaints | everything else |
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from hubportal.core import roles
from hubportal.core.errors import ActionRefused
from hubportal.core.words import possessive
from hubportal.models import User
from partners.models import EvidenceItem, EvidenceType, Partner

Stage = Partner.Stage
Evidence = EvidenceItem.Status


class Action(enum.StrEnum):
    """What a partner does, or has done for it, that its standing governs."""

    AGREEMENT_DRAFT = "agreement_draft"
    AGREEMENT_ISSUE = "agreement_issue"
    AGREEMENT_SIGN = "agreement_sign"
    AGREEMENT_COUNTERSIGN = "agreement_countersign"
    ROLL_FORWARD = "roll_forward"
    EOI_START = "eoi_start"
    EOI_SAVE = "eoi_save"
    EOI_SUBMIT = "eoi_submit"
    # Decided successful, awarded, or a project agreement drafted, issued or signed for it.
    EOI_AWARD = "eoi_award"
    SURVEY_REQUEST = "survey_request"
    # Answer a termly survey, or send other monitoring: evaluations, case studies, income.
    SURVEY_ANSWER = "survey_answer"
    INVITE_USER = "invite_user"
    EVIDENCE_RENEW = "evidence_renew"


class Standing(enum.StrEnum):
    ONBOARDING = "onboarding"
    AGREEMENT_PENDING = "agreement_pending"
    ACTIVE = "active"
    STANDARDS_LAPSED = "standards_lapsed"
    SUSPENDED = "suspended"
    NOT_RENEWED = "not_renewed"
    LAPSED = "lapsed"
    DECLINED = "declined"
    TERMINATED = "terminated"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Standing.ONBOARDING: "Onboarding",
    Standing.AGREEMENT_PENDING: "Agreement pending",
    Standing.ACTIVE: "Active",
    Standing.STANDARDS_LAPSED: "Standards lapsed",
    Standing.SUSPENDED: "Suspended",
    Standing.NOT_RENEWED: "Not renewed",
    Standing.LAPSED: "Lapsed",
    Standing.DECLINED: "Declined",
    Standing.TERMINATED: "Terminated",
}

ONBOARDING_STAGES = {Stage.ENQUIRY, Stage.MEETING_SCHEDULED, Stage.MEETING_HELD, Stage.STANDARDS_REVIEW}
# Stages at which the partner's minimum standards must stay in force.
PAST_ONBOARDING = {Stage.AGREEMENT_PENDING, Stage.ACTIVE, Stage.SUSPENDED, Stage.LAPSED}

# The actions that need the minimum standards in force (issue 18, item 3).
NEED_STANDARDS = {
    Action.AGREEMENT_SIGN,
    Action.AGREEMENT_COUNTERSIGN,
    Action.ROLL_FORWARD,
    Action.EOI_START,
    Action.EOI_SUBMIT,
    Action.EOI_AWARD,
}
# What a suspended partner may still do: read (no action), renew evidence, have users who can.
WHILE_SUSPENDED = {Action.EVIDENCE_RENEW, Action.INVITE_USER}
# What needs an agreement-bearing partnership in force (active or, for its own
# year, not renewed): commissioning and the termly returns.
NEED_ACTIVE = {Action.EOI_START, Action.EOI_SAVE, Action.EOI_SUBMIT, Action.EOI_AWARD, Action.ROLL_FORWARD}
AGREEMENT_ACTIONS = {
    Action.AGREEMENT_DRAFT,
    Action.AGREEMENT_ISSUE,
    Action.AGREEMENT_SIGN,
    Action.AGREEMENT_COUNTERSIGN,
}


@dataclass(frozen=True)
class PartnerStanding:
    """A partner's standing today, with the facts it was read from."""

    partner: Partner
    gaps: tuple[str, ...] = ()
    signers: int = 0
    terminated_by_chair: bool = False
    # The academic year (its start) of the agreement the Chair decided not to renew.
    not_renewed_year: int | None = None
    today: date = field(default_factory=timezone.localdate)

    @property
    def standing(self) -> Standing:
        stage = self.partner.status
        if stage == Stage.TERMINATED or self.terminated_by_chair:
            return Standing.TERMINATED
        if stage == Stage.DECLINED:
            return Standing.DECLINED
        if stage == Stage.SUSPENDED:
            return Standing.SUSPENDED
        if stage in ONBOARDING_STAGES:
            return Standing.ONBOARDING
        if self.gaps:
            return Standing.STANDARDS_LAPSED
        if stage == Stage.LAPSED:
            return Standing.LAPSED
        if self.not_renewed_year is not None:
            return Standing.NOT_RENEWED
        if stage == Stage.AGREEMENT_PENDING:
            return Standing.AGREEMENT_PENDING
        return Standing.ACTIVE

    @property
    def label(self) -> str:
        return self.standing.label

    @property
    def summary(self) -> str:
        """One sentence on what the standing means for this partner now."""
        name = self.partner.name
        owner = possessive(name)  # "Harborough Youth Strings'", not "Strings's"
        match self.standing:
            case Standing.STANDARDS_LAPSED:
                return f"{owner} minimum standards have lapsed. To renew: {'; '.join(self.gaps)}."
            case Standing.SUSPENDED:
                return f"{owner} partnership is suspended: it may read its records and renew evidence, nothing more."
            case Standing.TERMINATED:
                return f"{owner} partnership was terminated; its records can be read."
            case Standing.LAPSED:
                return f"{owner} partnership has lapsed: its last agreement ended. A new agreement makes it active."
            case Standing.NOT_RENEWED:
                return (
                    f"The Chair decided not to renew {owner} partnership: its current agreement runs to "
                    "31 August and no agreement for a later year can be made."
                )
            case _:
                return ""

    def may(self, action: Action | str, *, academic_year: int | None = None) -> tuple[bool, str]:
        """Whether the partner may take (or be the object of) ``action`` now.

        ``academic_year`` is the year (its start) of the partnership agreement
        concerned, where there is one: the Chair's "do not renew" bars later years.
        """
        action = Action(action)
        partner, name = self.partner, self.partner.name
        owner = possessive(name)
        stage = partner.status
        if stage == Stage.TERMINATED or self.terminated_by_chair:
            return False, (
                f"The Chair of the Hub Executive Board terminated {owner} partnership and the decision is final: "
                "its records can be read, but nothing new can be done for it."
            )
        if stage == Stage.DECLINED:
            return False, f"{name} was declined at onboarding. A new enquiry starts onboarding again."
        if stage == Stage.SUSPENDED and action not in WHILE_SUSPENDED:
            return False, (
                f"{owner} partnership is suspended: it may read its records and renew its evidence, nothing more. "
                "Only the Service Manager can lift the suspension, with a reason."
            )
        if action in (Action.EVIDENCE_RENEW, Action.INVITE_USER):
            return True, ""
        if (
            self.not_renewed_year is not None
            and academic_year is not None
            and academic_year > self.not_renewed_year
            and action in AGREEMENT_ACTIONS | {Action.ROLL_FORWARD}
        ):
            return False, (
                f"The Chair decided not to renew {owner} partnership after {_year_label(self.not_renewed_year)}; "
                "that decision is final, so no agreement for a later year can be made."
            )
        if stage in ONBOARDING_STAGES:
            return False, _onboarding_reason(partner, action)
        if action in NEED_STANDARDS and self.gaps:
            return False, (
                f"{owner} minimum standards have lapsed, so it cannot {_VERBS[action]} until they are renewed and "
                f"verified. To renew: {'; '.join(self.gaps)}."
            )
        if action == Action.AGREEMENT_ISSUE and self.signers == 0:
            return False, f"Nobody at {name} can sign yet: invite a partner user first."
        if action in NEED_ACTIVE and stage != Stage.ACTIVE:
            if stage == Stage.AGREEMENT_PENDING:
                return False, f"{name} can {_VERBS[action]} once its first partnership agreement is live."
            return False, (
                f"{owner} partnership has lapsed: it needs a live partnership agreement to {_VERBS[action]}."
            )
        if action == Action.ROLL_FORWARD and self.not_renewed_year is not None:
            return False, (
                f"The Chair decided not to renew {owner} partnership after {_year_label(self.not_renewed_year)}."
            )
        if action in (Action.SURVEY_REQUEST, Action.SURVEY_ANSWER) and stage not in (Stage.ACTIVE, Stage.LAPSED):
            return False, f"{name} has no partnership agreement in force, so it is not asked for termly returns."
        return True, ""


_VERBS = {
    Action.AGREEMENT_DRAFT: "have an agreement drafted",
    Action.AGREEMENT_ISSUE: "have an agreement issued for signature",
    Action.AGREEMENT_SIGN: "sign an agreement",
    Action.AGREEMENT_COUNTERSIGN: "have its agreement countersigned",
    Action.ROLL_FORWARD: "be rolled forward to next year",
    Action.EOI_START: "start an expression of interest",
    Action.EOI_SAVE: "change an expression of interest",
    Action.EOI_SUBMIT: "submit an expression of interest",
    Action.EOI_AWARD: "be awarded a grant",
    Action.SURVEY_REQUEST: "be asked for a termly return",
    Action.SURVEY_ANSWER: "send monitoring returns (surveys, evaluations, case studies, income)",
}


def _year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def _onboarding_reason(partner: Partner, action: Action) -> str:
    name, stage = partner.name, partner.get_status_display().lower()
    owner = possessive(name)
    if action in AGREEMENT_ACTIONS:
        if partner.status == Stage.STANDARDS_REVIEW:
            return (
                f"{owner} minimum-standards review is not complete: verify its evidence and complete the review "
                "before an agreement is drafted or issued."
            )
        return (
            f"{name} is at {stage}: an agreement follows the introductory meeting (outcome “proceed”) and the "
            "minimum-standards review. Complete those first."
        )
    return f"{name} is still at {stage}: it can {_VERBS.get(action, 'do that')} once its partnership is active."


# --- reading the facts --------------------------------------------------------------

# The Chair's upheld decisions are on agreements, an app above this one, so the
# agreements app hands the standing the function that reads them, in its
# AppConfig.ready(): partner ids -> (the partners terminated, and for each
# partner not renewed the academic year, its start, after which it is not).
ChairDecisions = Callable[[list[int]], tuple[set[int], dict[int, int]]]
_chair_decisions_reader: ChairDecisions | None = None


def read_chair_decisions_with(reader: ChairDecisions) -> None:
    """Set the function that reads the Chair's upheld decisions on partners (agreements sets it)."""
    global _chair_decisions_reader
    _chair_decisions_reader = reader


def _chair_decisions(partner_ids: list[int]) -> tuple[set[int], dict[int, int]]:
    reader = _chair_decisions_reader
    if reader is None:
        raise ImproperlyConfigured(
            "A partner's standing needs the Chair's decisions on its agreements: the agreements app "
            "registers how to read them in its AppConfig.ready(). Is it in INSTALLED_APPS?"
        )
    return reader(partner_ids)


def standing_of(partner: Partner, *, today: date | None = None) -> PartnerStanding:
    """The partner's standing today (four small queries)."""
    return standings_of([partner], today=today)[partner.pk]


def standings_of(partners: Iterable[Partner], *, today: date | None = None) -> dict[int, PartnerStanding]:
    """Standings of many partners in a fixed number of queries (survey rounds,
    roll-forward, lists), keyed by partner id."""
    today = today or timezone.localdate()
    partners = {p.pk: p for p in partners}
    if not partners:
        return {}
    ids = list(partners)
    gaps = _gaps(ids, today) if any(p.status in PAST_ONBOARDING for p in partners.values()) else {}
    signers = defaultdict(int)
    # Someone who can sign: an active partner user who has set a password (an invitation not yet
    # accepted leaves an unusable one, which starts with "!").
    users = User.objects.filter(partner_id__in=ids, is_active=True, groups__name=roles.PARTNER).exclude(
        password__startswith=UNUSABLE_PASSWORD_PREFIX
    )
    for partner_id, _ in users.values_list("partner_id", "pk").distinct().order_by():
        signers[partner_id] += 1
    terminated, not_renewed = _chair_decisions(ids)
    return {
        pk: PartnerStanding(
            partner=partner,
            gaps=tuple(gaps.get(pk, ())) if partner.status in PAST_ONBOARDING else (),
            signers=signers[pk],
            terminated_by_chair=pk in terminated,
            not_renewed_year=not_renewed.get(pk),
            today=today,
        )
        for pk, partner in partners.items()
    }


def evidence_gaps(partner: Partner, today: date | None = None) -> list[str]:
    """What stops the minimum standards being met: one phrase per required
    type not verified and in date."""
    return _gaps([partner.pk], today or timezone.localdate()).get(partner.pk, [])


def _gaps(partner_ids: list[int], today: date) -> dict[int, list[str]]:
    required = list(EvidenceType.objects.filter(is_active=True, required=True).order_by("sort_order", "name"))
    items = defaultdict(dict)
    for item in EvidenceItem.objects.filter(partner_id__in=partner_ids, evidence_type__in=required).only(
        "partner", "evidence_type", "status", "expires_on", "previous_in_force_until"
    ):
        items[item.partner_id][item.evidence_type_id] = item
    gaps = {}
    for partner_id in partner_ids:
        phrases = []
        for evidence_type in required:
            item = items[partner_id].get(evidence_type.pk)
            if item is not None and item.previous_in_force_until and item.previous_in_force_until >= today:
                continue  # a renewal waits to be checked; the verified copy it replaces is still in date
            if item is None or item.status == Evidence.MISSING:
                phrases.append(f"{evidence_type.name} (not uploaded)")
            elif item.status == Evidence.SUBMITTED:
                phrases.append(f"{evidence_type.name} (waiting to be checked)")
            elif item.status == Evidence.REJECTED:
                phrases.append(f"{evidence_type.name} (rejected)")
            elif item.status == Evidence.EXPIRED or (item.expires_on and item.expires_on < today):
                phrases.append(f"{evidence_type.name} (expired on {item.expires_on:%-d %B %Y})")
        if phrases:
            gaps[partner_id] = phrases
    return gaps


def may(partner: Partner, action: Action | str, *, academic_year: int | None = None) -> tuple[bool, str]:
    """Whether ``partner`` may take (or be the object of) ``action`` now, and if not, why."""
    return standing_of(partner).may(action, academic_year=academic_year)


def require_standing(partner: Partner, action: Action | str, *, academic_year: int | None = None) -> None:
    """Raise ActionRefused with the reason unless the partner's standing allows ``action``."""
    allowed, reason = may(partner, action, academic_year=academic_year)
    if not allowed:
        raise ActionRefused(reason)
