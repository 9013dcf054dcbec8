"""Every write in commissioning, and every move of a call or an expression of interest.

Each transition locks its row, checks the actor (403) and the preconditions
(ActionRefused, a sentence saying what to do), moves the state through
hubportal.core.history and queues its notifications inside the transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agreements.services import project_agreement_draft
from eoi import permissions as perms
from eoi.funding import check_eoi
from eoi.models import (
    POLICY_MATCH_FLOOR,
    AssessorAssignment,
    Award,
    BudgetLine,
    Call,
    Criterion,
    EoiAttachment,
    ExpressionOfInterest,
    FundingSource,
    Gap,
    NeedsAnalysis,
    Score,
)
from eoi.selectors import band_for
from hubportal.core.actions import enforce
from hubportal.core.errors import ActionRefused, require
from hubportal.core.history import record, transition
from hubportal.core.match_funding import HUB_GRANT, pounds
from hubportal.core.roles import is_assessor
from hubportal.core.users import partner_users
from hubportal.messaging.notifications import notify
from hubportal.models import User
from partners.models import Partner

EOI = ExpressionOfInterest.Status


# --- Needs analysis and gaps -------------------------------------------------


@transaction.atomic
def needs_analysis_save(*, actor, analysis: NeedsAnalysis | None = None, **fields) -> NeedsAnalysis:
    """Create a year's needs analysis, or change its title and summary."""
    enforce(perms.may_manage_commissioning(actor))
    created = analysis is None
    analysis = analysis or NeedsAnalysis(created_by=actor)
    if created and NeedsAnalysis.objects.filter(academic_year=fields.get("academic_year")).exists():
        raise ActionRefused("There is already a needs analysis for that academic year: open it and add gaps there.")
    for name, value in fields.items():
        setattr(analysis, name, value)
    analysis.save()
    record(analysis, actor=actor, action="created" if created else "edited")
    return analysis


@transaction.atomic
def gap_save(
    *, actor, needs_analysis: NeedsAnalysis, gap: Gap | None = None, target_groups=(), districts=(), **fields
) -> Gap:
    """Record a gap in provision, or change one."""
    enforce(perms.may_manage_commissioning(actor))
    created = gap is None
    gap = gap or Gap(needs_analysis=needs_analysis)
    for name, value in fields.items():
        setattr(gap, name, value)
    gap.save()
    gap.target_groups.set(target_groups)
    gap.districts.set(districts)
    record(gap, actor=actor, action="gap recorded" if created else "gap edited")
    return gap


# --- Calls -------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionData:
    name: str
    weight: int
    description: str = ""


@transaction.atomic
def call_save(
    *,
    actor,
    call: Call | None = None,
    gaps: Iterable[Gap],
    eligible_types=(),
    criteria: list[CriterionData],
    **fields,
) -> Call:
    """Create a draft call, or change one while it is a draft. Its criteria are
    replaced by the ones given (nothing has been scored against a draft)."""
    created = call is None
    if created:
        enforce(perms.may_manage_commissioning(actor))
        call = Call(created_by=actor)
    else:
        call = Call.objects.select_for_update().get(pk=call.pk)
        enforce(perms.may_edit_call(actor, call))
    for name, value in fields.items():
        setattr(call, name, value)
    if call.closes_at <= call.opens_at:
        raise ActionRefused("The close time must be after the open time.")
    if call.match_threshold_percent is None or not POLICY_MATCH_FLOOR <= call.match_threshold_percent <= 100:
        raise ActionRefused(
            "The policy asks for at least 50% of the cost from other sources: set the match threshold from "
            "50% to 100% (a call may ask for more, never less)."
        )
    if call.min_assessor_scores is None or call.min_assessor_scores < 1:
        raise ActionRefused(
            "Every expression of interest needs at least one assessor's scores: set the minimum to 1 or more."
        )
    call.save()
    call.gaps.set(list(gaps))
    call.eligible_types.set(list(eligible_types))
    call.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(call=call, name=c.name, description=c.description, weight=c.weight, order=i)
        for i, c in enumerate(criteria)
    )
    record(call, actor=actor, action="call created" if created else "call edited")
    return call


def eligible_partner_ids(call: Call) -> list[int]:
    partners = Partner.objects.filter(status=Partner.Stage.ACTIVE)
    if call.eligible_type_ids:
        partners = partners.filter(partner_type_id__in=call.eligible_type_ids)
    return list(partners.values_list("pk", flat=True))


@transaction.atomic
def call_open(*, call: Call, actor) -> Call:
    """Open a draft call and invite every eligible active partner."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    enforce(perms.may_open_call(actor, call))
    now = timezone.now()
    problems = []
    if call.closes_at <= now:
        problems.append("its close time has passed: set a close time in the future")
    if not call.gaps.exists():
        problems.append("it answers no gap in provision: choose at least one gap")
    if not call.criteria.exists():
        problems.append("it has no assessment criteria: add at least one")
    if problems:
        raise ActionRefused("This call cannot open yet: " + "; ".join(problems) + ".")
    fields = ()
    if call.opens_at > now:  # opened early: the record shows when it really opened
        call.opens_at = now
        fields = ("opens_at",)
    transition(call, to=Call.Status.OPEN, actor=actor, update_fields=fields)
    invited = eligible_partner_ids(call)
    notify(
        kind="eoi_call_opened",
        recipients=partner_users(invited),
        context={"call": call},
        url=reverse("eoi:portal_call", args=[call.pk]),
    )
    record(
        call,
        actor=actor,
        action="partners invited",
        note=f"The invitation went to {len(invited)} eligible active partner{'s' if len(invited) != 1 else ''}.",
    )
    return call


@transaction.atomic
def call_close(*, call: Call, actor=None) -> Call:
    """Close a call at its close time (the beat task; actor None is the system).
    Safe to run twice: a call no longer open is left as it is. Submitted EOIs
    move into assessment; drafts stay drafts and can no longer be submitted."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != Call.Status.OPEN:
        return call
    if actor is not None:
        enforce(perms.may_manage_commissioning(actor))
    transition(call, to=Call.Status.CLOSED, actor=actor, note="Closed at its close time.")
    for eoi in ExpressionOfInterest.objects.select_for_update().filter(call=call, status=EOI.SUBMITTED):
        transition(eoi, to=EOI.UNDER_ASSESSMENT, actor=actor, note="The call closed; assessment begins.")
    return call


def close_due_calls(now: datetime | None = None) -> int:
    """Close every open call whose close time has come. Returns how many it closed."""
    now = now or timezone.now()
    closed = 0
    for pk in Call.objects.filter(status=Call.Status.OPEN, closes_at__lte=now).values_list("pk", flat=True):
        if call_close(call=Call(pk=pk)).status == Call.Status.CLOSED:
            closed += 1
    return closed


# --- Expressions of interest (the partner) ------------------------------------


@transaction.atomic
def eoi_start(*, call: Call, actor) -> ExpressionOfInterest:
    """Start the partner's draft answer to a call (or return the one it has)."""
    enforce(perms.may_start_eoi(actor, call))
    eoi, created = ExpressionOfInterest.objects.get_or_create(
        call=call, partner_id=actor.partner_id, defaults={"title": call.title, "created_by": actor}
    )
    if created:
        record(eoi, actor=actor, action="draft started")
    return eoi


@dataclass(frozen=True)
class FundingData:
    kind: str
    amount: Decimal | None
    description: str = ""
    confirmed: bool = False


@transaction.atomic
def eoi_save_draft(
    *,
    eoi: ExpressionOfInterest,
    actor,
    fields: dict,
    budget: list[tuple[str, Decimal | None]],
    funding: list[FundingData],
    hub_grant: Decimal | None,
) -> ExpressionOfInterest:
    """Keep whatever the partner has typed: a draft may be incomplete and may
    break the rule; only submitting checks. Budget lines and funding sources
    are replaced by the ones given; the totals follow them."""
    eoi = ExpressionOfInterest.objects.select_for_update().select_related("call", "partner").get(pk=eoi.pk)
    enforce(perms.may_save_eoi(actor, eoi))
    for name, value in fields.items():
        setattr(eoi, name, value)
    eoi.budget_lines.all().delete()
    eoi.funding_sources.all().delete()
    BudgetLine.objects.bulk_create(BudgetLine(eoi=eoi, item=item, amount=amount) for item, amount in budget)
    sources = [FundingSource(eoi=eoi, kind=HUB_GRANT, amount=hub_grant, description="", confirmed=False)]
    sources += [
        FundingSource(eoi=eoi, kind=f.kind, amount=f.amount, description=f.description, confirmed=f.confirmed)
        for f in funding
        if f.kind != HUB_GRANT
    ]
    FundingSource.objects.bulk_create(sources)
    eoi.total_cost = sum((amount for _, amount in budget if amount is not None), Decimal("0.00"))
    eoi.hub_grant_requested = hub_grant or Decimal("0.00")
    eoi.save()
    return eoi


# What a submission must say, beyond the money: field name, what to call it.
REQUIRED_TO_SUBMIT = [
    ("title", "a title"),
    ("what", "what you will deliver"),
    ("how", "how you will deliver it"),
    ("who_benefits", "who benefits"),
    ("expected_reach", "the number of children and young people you expect to reach"),
    ("timeline", "the timeline"),
    ("quality_alignment", "how the work aligns with the Hub's quality and performance frameworks"),
    ("inclusive", "how it is inclusive"),
    ("collaborative", "how it is collaborative"),
    ("high_quality", "how it is high quality"),
    ("evaluative", "how it is evaluative"),
    ("legacy", "the legacy it leaves"),
]


def missing_to_submit(eoi: ExpressionOfInterest) -> list[str]:
    return [label for _, label in _missing_fields(eoi)]


def _missing_fields(eoi: ExpressionOfInterest) -> list[tuple[str, str]]:
    """What a submission still lacks, as (field, what to call it); "budget" names the budget lines."""
    missing = [(name, label) for name, label in REQUIRED_TO_SUBMIT if getattr(eoi, name) in (None, "")]
    if any(not line.item.strip() for line in eoi.budget_lines.all()):
        missing.append(("budget", "a description for every budget line"))
    if not eoi.safeguarding_confirmed:
        missing.append(("safeguarding_confirmed", "your safeguarding confirmation"))
    return missing


def _money_field(problem: str) -> str:
    """The part of the form a match-funding problem concerns: the Hub Grant
    requested, the funding sources or the budget lines."""
    if problem.startswith("The Hub Grant requested"):
        return "hub_grant_requested"
    if problem.startswith("Your funding sources"):
        return "funding"
    return "budget"


def submission_problems(eoi: ExpressionOfInterest, now: datetime | None = None) -> list[tuple[str | None, str]]:
    """Why this EOI cannot be submitted now, one (field, sentence) per problem:
    the field is the form's field name, "budget" or "funding" for those
    sections, or None for the whole EOI (the call has closed). Empty if it can."""
    now = now or timezone.now()
    call = eoi.call
    if not perms.call_accepts_submissions(call, now):
        closed = timezone.localtime(call.closes_at)
        return [
            (
                None,
                f"This call closed at {closed:%H:%M} on {closed:%-d %B %Y}, so it no longer accepts expressions of "
                "interest. Your draft is kept; contact the Hub if you believe this is wrong.",
            )
        ]
    problems: list[tuple[str | None, str]] = [
        (field, f"Add {label} before you submit.") for field, label in _missing_fields(eoi)
    ]
    problems += [(_money_field(problem), problem) for problem in check_eoi(eoi).problems]
    return problems


def submission_refusal(eoi: ExpressionOfInterest, now: datetime | None = None) -> str:
    """Why this EOI cannot be submitted now, as sentences; empty if it can."""
    problems = submission_problems(eoi, now)
    if problems and problems[0][0] is None:
        return problems[0][1]  # the call has closed: nothing else matters
    parts = []
    missing = missing_to_submit(eoi)
    if missing:
        parts.append("Before you submit, add " + ", ".join(missing) + ".")
    match = check_eoi(eoi)
    if not match.ok:
        parts.append(match.message)
    return " ".join(parts)


def eoi_submit(*, eoi: ExpressionOfInterest, actor) -> ExpressionOfInterest:
    """Submit a draft: the call must be open and before its close time, the
    EOI complete, and its money must meet the match-funding rule. A refusal
    keeps the draft as it is and is recorded in its history."""
    try:
        return _submit(eoi=eoi, actor=actor)
    except ActionRefused as refusal:
        with transaction.atomic():
            record(eoi, actor=actor, action="submission refused", note=str(refusal))
        raise


@transaction.atomic
def _submit(*, eoi: ExpressionOfInterest, actor) -> ExpressionOfInterest:
    eoi = (
        ExpressionOfInterest.objects.select_for_update()
        .select_related("call", "partner")
        .prefetch_related("budget_lines", "funding_sources")
        .get(pk=eoi.pk)
    )
    require(perms.is_own_eoi(actor, eoi), "Only the partner's own users can submit its expression of interest.")
    if eoi.status != EOI.DRAFT:
        raise ActionRefused("This expression of interest has already been submitted.")
    if perms.call_accepts_submissions(eoi.call):  # a closed call is explained with its close time below
        enforce(perms.may_submit_eoi(actor, eoi))
    refusal = submission_refusal(eoi)
    if refusal:
        raise ActionRefused(refusal, problems=submission_problems(eoi))
    eoi.submitted_at = timezone.now()
    eoi.submitted_by = actor
    transition(eoi, to=EOI.SUBMITTED, actor=actor, update_fields=("submitted_at", "submitted_by"))
    notify(
        kind="eoi_submitted",
        recipients=partner_users([eoi.partner_id]),
        context={"eoi": eoi, "call": eoi.call},
        url=reverse("eoi:portal_eoi", args=[eoi.pk]),
    )
    return eoi


@transaction.atomic
def eoi_withdraw(*, eoi: ExpressionOfInterest, actor, reason: str = "") -> ExpressionOfInterest:
    """The partner withdraws before a decision; any assessment stops."""
    eoi = ExpressionOfInterest.objects.select_for_update().get(pk=eoi.pk)
    enforce(perms.may_withdraw_eoi(actor, eoi))
    transition(eoi, to=EOI.WITHDRAWN, actor=actor, note=reason)
    return eoi


@transaction.atomic
def attachment_add(*, eoi: ExpressionOfInterest, actor, file) -> EoiAttachment:
    eoi = ExpressionOfInterest.objects.select_for_update().select_related("call", "partner").get(pk=eoi.pk)
    enforce(perms.may_save_eoi(actor, eoi))  # an attachment is part of the draft
    attachment = EoiAttachment.objects.create(eoi=eoi, file=file, original_filename=file.name, uploaded_by=actor)
    record(eoi, actor=actor, action="attachment added", note=file.name)
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: EoiAttachment, actor) -> None:
    eoi = ExpressionOfInterest.objects.select_for_update().select_related("call", "partner").get(pk=attachment.eoi_id)
    enforce(perms.may_save_eoi(actor, eoi))
    name = attachment.original_filename
    attachment.file.delete(save=False)
    attachment.delete()
    record(eoi, actor=actor, action="attachment removed", note=name)


# --- Assessment -------------------------------------------------------------


@transaction.atomic
def assessor_assign(*, eoi: ExpressionOfInterest, assessor: User, actor) -> AssessorAssignment:
    """Staff assign an assessor; the assessor declares any conflict before scoring."""
    eoi = ExpressionOfInterest.objects.select_for_update().get(pk=eoi.pk)
    enforce(perms.may_assign_assessors(actor, eoi))
    if not is_assessor(assessor) or not assessor.is_active:
        raise ActionRefused(f"{assessor} does not have the Assessor role: an admin must give it first.")
    if AssessorAssignment.objects.filter(eoi=eoi, assessor=assessor).exists():
        raise ActionRefused(f"{assessor} is already assigned to this expression of interest.")
    assignment = AssessorAssignment.objects.create(eoi=eoi, assessor=assessor, assigned_by=actor)
    record(eoi, actor=actor, action="assessor assigned", note=str(assessor))
    notify(
        kind="eoi_assessor_assigned",
        recipients=[assessor],
        context={"eoi": eoi, "call": eoi.call},
        url=reverse("eoi:conflict", args=[assignment.pk]),
    )
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: AssessorAssignment, actor) -> None:
    assignment = AssessorAssignment.objects.select_for_update().select_related("eoi", "assessor").get(pk=assignment.pk)
    enforce(perms.may_remove_assignment(actor, assignment))
    record(assignment.eoi, actor=actor, action="assessor removed", note=str(assignment.assessor))
    assignment.delete()


@transaction.atomic
def conflict_declare(
    *, assignment: AssessorAssignment, actor, has_conflict: bool, details: str = ""
) -> AssessorAssignment:
    """The assessor declares, once, whether they have a conflict of interest. A
    conflicted assessor cannot score this EOI."""
    assignment = AssessorAssignment.objects.select_for_update().select_related("eoi").get(pk=assignment.pk)
    enforce(perms.may_declare_conflict(actor, assignment))
    if has_conflict and not details.strip():
        raise ActionRefused("Say what the conflict of interest is, so staff can assign another assessor.")
    assignment.has_conflict = has_conflict
    assignment.conflict_details = details.strip()
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["has_conflict", "conflict_details", "declared_at"])
    record(
        assignment.eoi,
        actor=actor,
        action="conflict of interest declared" if has_conflict else "no conflict of interest declared",
        note=assignment.conflict_details,
    )
    return assignment


@transaction.atomic
def scores_save(*, assignment: AssessorAssignment, actor, scores: dict[int, tuple[int, str]]) -> AssessorAssignment:
    """Record the assessor's score (1 to 5) and comment for criteria of the
    call; complete once every criterion is scored. Refused for a conflicted
    assessor, before the declaration, and outside assessment."""
    assignment = (
        AssessorAssignment.objects.select_for_update().select_related("eoi__call", "assessor").get(pk=assignment.pk)
    )
    enforce(perms.may_score(actor, assignment))
    criteria = {c.pk: c for c in assignment.eoi.call.criteria.all()}
    for criterion_id, (score, comment) in scores.items():
        if criterion_id not in criteria:
            raise ActionRefused("That criterion is not one of this call's.")
        if not 1 <= int(score) <= 5:
            raise ActionRefused(f"Score {criteria[criterion_id].name} from 1 to 5.")
        if not comment.strip():
            raise ActionRefused(f"Add a comment on {criteria[criterion_id].name} to explain the score.")
        Score.objects.update_or_create(
            assignment=assignment, criterion_id=criterion_id, defaults={"score": int(score), "comment": comment.strip()}
        )
    complete = set(assignment.scores.values_list("criterion_id", flat=True)) >= set(criteria)
    if complete and assignment.completed_at is None:
        assignment.completed_at = timezone.now()
        assignment.save(update_fields=["completed_at"])
        record(assignment.eoi, actor=actor, action="assessment completed")
    return assignment


@transaction.atomic
def eoi_moderate(*, eoi: ExpressionOfInterest, actor, score: Decimal, note: str) -> ExpressionOfInterest:
    """Staff set the moderated score (1 to 5) that ranks the EOI, and why."""
    eoi = ExpressionOfInterest.objects.select_for_update().get(pk=eoi.pk)
    enforce(perms.may_moderate(actor, eoi))
    if not Decimal("1") <= score <= Decimal("5"):
        raise ActionRefused("A moderated score is from 1.00 to 5.00.")
    if not note.strip():
        raise ActionRefused("Say why the moderated score differs from the assessors', or what it is based on.")
    eoi.moderated_score = score
    eoi.moderation_note = note.strip()
    eoi.moderated_by = actor
    eoi.moderated_at = timezone.now()
    eoi.save(update_fields=["moderated_score", "moderation_note", "moderated_by", "moderated_at", "updated_at"])
    record(eoi, actor=actor, action="score moderated", note=f"{score}: {eoi.moderation_note}")
    return eoi


@transaction.atomic
def eoi_decide(
    *, eoi: ExpressionOfInterest, actor, successful: bool, reasons: str, feedback: str
) -> ExpressionOfInterest:
    """Record the decision with its reasons; the partner hears it with the
    feedback, by email and in the portal. The call's last decision completes
    its assessment."""
    eoi = ExpressionOfInterest.objects.select_for_update().select_related("call", "partner").get(pk=eoi.pk)
    enforce(perms.may_decide(actor, eoi))
    if successful:
        enforce(perms.may_decide_successful(eoi))
    if not reasons.strip():
        raise ActionRefused("Record the reasons for the decision.")
    if not successful and not feedback.strip():
        raise ActionRefused("Write the feedback the partner will receive: it helps them next time.")
    if successful:
        match = check_eoi(eoi)
        if not match.ok:
            raise ActionRefused("This expression of interest no longer meets the match-funding rule. " + match.message)
    eoi.decision_reasons = reasons.strip()
    eoi.feedback = feedback.strip()
    eoi.decided_by = actor
    eoi.decided_at = timezone.now()
    transition(
        eoi,
        to=EOI.SUCCESSFUL if successful else EOI.UNSUCCESSFUL,
        actor=actor,
        note=eoi.decision_reasons,
        update_fields=("decision_reasons", "feedback", "decided_by", "decided_at"),
    )
    notify(
        kind="eoi_successful" if successful else "eoi_unsuccessful",
        recipients=partner_users([eoi.partner_id]),
        context={"eoi": eoi, "call": eoi.call},
        url=reverse("eoi:portal_eoi", args=[eoi.pk]),
    )
    call = Call.objects.select_for_update().get(pk=eoi.call_id)
    pending = call.eois.filter(status__in=[EOI.SUBMITTED, EOI.UNDER_ASSESSMENT]).exists()
    if call.status == Call.Status.CLOSED and not pending:
        transition(call, to=Call.Status.ASSESSED, actor=actor, note="Every expression of interest has a decision.")
    return eoi


# --- Award ------------------------------------------------------------------


@transaction.atomic
def eoi_award(*, eoi: ExpressionOfInterest, actor, procurement_notes: str) -> Award:
    """Award the Hub Grant requested by a successful EOI, on the procurement
    route its value puts it on, and draft its project agreement. The
    match-funding rule is checked once more on the figures awarded."""
    eoi = (
        ExpressionOfInterest.objects.select_for_update()
        .select_related("call", "partner")
        .prefetch_related("budget_lines", "funding_sources")
        .get(pk=eoi.pk)
    )
    # The partner's standing is asked here for the award and the project
    # agreement drafted from it below, in the same transaction.
    enforce(perms.may_award(actor, eoi))
    # The figures are the EOI's budget lines and funding sources as submitted
    # (nothing changes them after submission); its stored totals must agree.
    match = check_eoi(eoi)
    if not match.ok:
        raise ActionRefused("This award would break the match-funding rule. " + match.message)
    if (eoi.total_cost, eoi.hub_grant_requested) != (match.total_cost, match.hub_grant):
        raise ActionRefused(
            f"This expression of interest's totals ({pounds(eoi.total_cost)} cost, {pounds(eoi.hub_grant_requested)} "
            f"Hub Grant) do not match its submitted budget and funding ({pounds(match.total_cost)} cost, "
            f"{pounds(match.hub_grant)} Hub Grant): its money has been changed outside the portal. "
            "Ask an admin to restore the submitted figures before awarding."
        )
    band = band_for(match.hub_grant)
    if band is None:
        raise ActionRefused(
            f"No procurement band covers {pounds(match.hub_grant)}: an admin must set up the bands first."
        )
    if not procurement_notes.strip():
        raise ActionRefused(f"Say how the {band.name} route was followed: {band.route}")
    award = Award.objects.create(
        eoi=eoi,
        amount=match.hub_grant,
        procurement_band=band,
        procurement_route=band.route,
        procurement_notes=procurement_notes.strip(),
        awarded_by=actor,
        total_cost=match.total_cost,
        other_funding=match.other_counted,
        in_kind=match.in_kind,
        match_threshold_percent=match.threshold_percent,
        in_kind_counted=match.in_kind_counts,
    )
    record(
        eoi,
        actor=actor,
        action="awarded",
        note=(
            f"{pounds(award.amount)}, {band.name}: {band.route}\nHow it was followed: {award.procurement_notes}\n"
            f"Match funding checked on the submitted figures: Hub Grant {pounds(match.hub_grant)} of "
            f"{pounds(match.total_cost)} ({match.hub_share_percent}%); other sources counted "
            f"{pounds(match.other_counted)}, at least {match.threshold_percent}% required"
            f"{'' if match.in_kind_counts else ' (in-kind not counted)'}."
        ),
    )
    project_agreement_draft(eoi=eoi, award=award, actor=actor)
    notify(
        kind="eoi_awarded",
        recipients=partner_users([eoi.partner_id]),
        context={"eoi": eoi, "call": eoi.call, "award": award},
        url=reverse("eoi:portal_eoi", args=[eoi.pk]),
    )
    call = Call.objects.select_for_update().get(pk=eoi.call_id)
    unawarded = call.eois.filter(status=EOI.SUCCESSFUL, award__isnull=True).exists()
    if call.status == Call.Status.ASSESSED and not unawarded:
        transition(
            call, to=Call.Status.AWARDED, actor=actor, note="Every successful expression of interest is awarded."
        )
    return award
