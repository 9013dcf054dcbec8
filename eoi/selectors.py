"""Reads for commissioning, always scoped to the user: another partner's
record, or an EOI not assigned to an assessor, is a 404 like a missing one."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import localize

from eoi.funding import check_eoi, check_under_call
from eoi.models import (
    AssessorAssignment,
    BudgetLine,
    Call,
    Criterion,
    EoiAttachment,
    ExpressionOfInterest,
    FundingSource,
    Gap,
    NeedsAnalysis,
    ProcurementBand,
    Score,
)
from eoi.templatetags.eoi_tags import percent
from hubportal.core.lists import listed_day
from hubportal.core.match_funding import MatchCheck
from hubportal.core.roles import ASSESSOR, is_hub_staff
from hubportal.models import User
from hubportal.templatetags.hub import money

TWO_PLACES = Decimal("0.01")


# --- Fetch one record the user may see -------------------------------------


def get_needs_analysis(pk: int) -> NeedsAnalysis:
    """Needs analyses are the Hub's own; the views are for Hub staff only."""
    return get_object_or_404(NeedsAnalysis, pk=pk)


def get_gap(pk: int) -> Gap:
    return get_object_or_404(Gap.objects.select_related("needs_analysis"), pk=pk)


def get_call_for(user, pk: int) -> Call:
    return get_object_or_404(
        Call.objects.visible_to(user).prefetch_related("eligible_types", "criteria", "gaps__needs_analysis"), pk=pk
    )


def get_eoi_for(user, pk: int) -> ExpressionOfInterest:
    return get_object_or_404(
        ExpressionOfInterest.objects.visible_to(user)
        .select_related("call", "partner__partner_type")
        .prefetch_related("budget_lines", "funding_sources", "attachments", "call__criteria"),
        pk=pk,
    )


def get_assignment_for(user, pk: int) -> AssessorAssignment:
    """An assessor's own assignment; staff may fetch any (to remove it)."""
    assignments = AssessorAssignment.objects.select_related("eoi__call", "eoi__partner", "assessor")
    if not is_hub_staff(user):
        assignments = assignments.filter(assessor_id=user.pk)
    return get_object_or_404(assignments, pk=pk)


def get_attachment_for(user, pk: int) -> EoiAttachment:
    return get_object_or_404(
        EoiAttachment.objects.filter(eoi__in=ExpressionOfInterest.objects.visible_to(user)).select_related("eoi"),
        pk=pk,
    )


# --- Lists -----------------------------------------------------------------


def gaps_of(analysis: NeedsAnalysis) -> QuerySet[Gap]:
    return analysis.gaps.select_related("strand").prefetch_related("target_groups", "districts", "calls")


def calls_for_staff() -> QuerySet[Call]:
    return Call.objects.prefetch_related("gaps", "eligible_types").with_counts().order_by("-closes_at", "pk")


def calls_for_partner(user) -> QuerySet[Call]:
    """Calls open to the partner's type that are, or were, open."""
    return Call.objects.visible_to(user).prefetch_related("gaps", "eligible_types")


def eois_for_partner(user) -> QuerySet[ExpressionOfInterest]:
    return (
        ExpressionOfInterest.objects.visible_to(user)
        .select_related("call")
        .prefetch_related("budget_lines", "funding_sources")
        .order_by("-created_at")
    )


def eois_for_call(call: Call) -> QuerySet[ExpressionOfInterest]:
    """A call's EOIs with what the list and the export show: budget and
    funding are prefetched so the match share costs no query per row."""
    return (
        call.eois.select_related("partner", "call")
        .prefetch_related("budget_lines", "funding_sources")
        .order_by("partner__name")
    )


CALL_EOI_FIELDS = ("pk", "title", "status", "submitted_at", "partner__name")


def call_eoi_values(queryset: QuerySet[ExpressionOfInterest]) -> QuerySet:
    """The call's EOI list, filtered and sorted, as plain values: what a row shows besides
    the money, which call_eoi_rows reads for the page alone."""
    return queryset.prefetch_related(None).values(*CALL_EOI_FIELDS)


def call_eoi_rows(call: Call, values) -> list[dict]:
    """A page of call_eoi_values shaped for the list's template: the match-funding figures,
    labels, link and date worked out here, once, so the template only places them (issue 24:
    a badge, a {% url %} and seven filters a row were most of the page's time). Three queries
    for a page: its rows, their budget lines and their funding sources."""
    page = list(values)
    budget, sources = _amounts([v["pk"] for v in page])
    statuses = dict(ExpressionOfInterest.Status.choices)
    detail = _eoi_detail_prefix()
    rows = []
    for v in page:
        match = check_under_call(call, budget=budget[v["pk"]], sources=sources[v["pk"]])
        rows.append(
            {
                "partner": v["partner__name"],
                "url": f"{detail}{v['pk']}/",
                "title": v["title"],
                "status": v["status"],
                "status_label": statuses.get(v["status"], v["status"]),
                "total_cost": money(match.total_cost),
                "hub_grant": money(match.hub_grant),
                "other_counted": money(match.other_counted),
                "in_kind": money(match.in_kind) if match.in_kind else "",
                "share": percent(match.hub_share_percent),
                "rule_met": match.ok,
                "shortfall": money(match.shortfall) if match.shortfall else "",
                "submitted": listed_day(v["submitted_at"]) or "\u2014",
            }
        )
    return rows


def _eoi_detail_prefix() -> str:
    """The EOI page's address without its id: one reverse for a page, not one a row."""
    return reverse("eoi:eoi_detail", args=[0]).removesuffix("0/")


def _amounts(eoi_ids: list[int]) -> tuple[dict, dict]:
    """The EOIs' budget line amounts and (kind, amount) funding sources as plain values, by EOI
    id, in two queries: a model instance for each would cost more than the rule applied to them."""
    budget, sources = defaultdict(list), defaultdict(list)
    for eoi_id, amount in BudgetLine.objects.filter(eoi_id__in=eoi_ids).values_list("eoi_id", "amount"):
        budget[eoi_id].append(amount)
    for eoi_id, kind, amount in FundingSource.objects.filter(eoi_id__in=eoi_ids).values_list(
        "eoi_id", "kind", "amount"
    ):
        sources[eoi_id].append((kind, amount))
    return budget, sources


def assessments_for(assessor) -> QuerySet[AssessorAssignment]:
    return (
        AssessorAssignment.objects.filter(assessor=assessor)
        .exclude(eoi__status=ExpressionOfInterest.Status.DRAFT)
        .select_related("eoi__call", "eoi__partner")
        .order_by("eoi__call__closes_at", "eoi__title")
    )


def assessors() -> QuerySet[User]:
    return User.objects.filter(groups__name=ASSESSOR, is_active=True).order_by("first_name", "last_name")


def band_for(amount: Decimal) -> ProcurementBand | None:
    """The Contract Procedure Rules band an amount falls in (from inclusive, up to exclusive)."""
    from django.db.models import Q

    return (
        ProcurementBand.objects.filter(minimum__lte=amount)
        .filter(Q(maximum__isnull=True) | Q(maximum__gt=amount))
        .order_by("-minimum")
        .first()
    )


def match_for(eoi: ExpressionOfInterest) -> MatchCheck:
    return check_eoi(eoi)


# --- Assessment -------------------------------------------------------------


@dataclass
class AssessorResult:
    assignment: AssessorAssignment
    scored: int  # criteria scored so far
    weighted: Decimal | None  # the weighted mean (1 to 5) once every criterion is scored
    scores: dict[int, int] = field(default_factory=dict)  # criterion id -> score given

    @property
    def conflicted(self) -> bool:
        return self.assignment.has_conflict is True


@dataclass
class MatrixRow:
    eoi: ExpressionOfInterest
    match: MatchCheck
    results: list[AssessorResult] = field(default_factory=list)
    mean: Decimal | None = None
    spread: Decimal | None = None
    rank: int | None = None

    @property
    def ranking_score(self) -> Decimal | None:
        """Moderation overrides the mean."""
        return self.eoi.moderated_score if self.eoi.moderated_score is not None else self.mean


def weighted_score(by_criterion: dict[int, int], criteria: list[Criterion]) -> Decimal | None:
    """Σ(score × weight) / Σ weight over every criterion, to two places; None
    until each criterion has a score. ``by_criterion``: each criterion's id and score."""
    if not criteria or any(c.pk not in by_criterion for c in criteria):
        return None
    total_weight = sum(c.weight for c in criteria)
    weighted = sum(by_criterion[c.pk] * c.weight for c in criteria)
    return (Decimal(weighted) / Decimal(total_weight)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def rank(rows: list[MatrixRow]) -> list[MatrixRow]:
    """Highest score first; equal scores share a rank (1, 2, 2, 4); unscored last, unranked."""
    scored = sorted((r for r in rows if r.ranking_score is not None), key=lambda r: -r.ranking_score)
    for position, row in enumerate(scored, start=1):
        previous = scored[position - 2] if position > 1 else None
        row.rank = previous.rank if previous and previous.ranking_score == row.ranking_score else position
    unscored = sorted((r for r in rows if r.ranking_score is None), key=lambda r: r.eoi.partner.name)
    return scored + unscored


@dataclass
class GridCell:
    """One assessor's part in one line of the grid: a score, or why there is none."""

    score: int | Decimal | None = None
    note: str = ""  # "Conflict declared", "To declare", "Not scored yet", "Not assigned"
    conflict: bool = False


@dataclass
class GridLine:
    label: str
    weight: int | None  # None on the weighted-total line
    cells: list[GridCell]
    spread: int | Decimal | None  # highest minus lowest of the scores given, once two are given


@dataclass
class GridBlock:
    row: MatrixRow
    lines: list[GridLine]
    total: GridLine
    conflicts: list[AssessorAssignment]


@dataclass
class Grid:
    assessors: list[User]
    blocks: list[GridBlock]


def _spread(values: list) -> int | Decimal | None:
    return max(values) - min(values) if len(values) >= 2 else None


def _cell(result: AssessorResult | None, value) -> GridCell:
    if result is None:
        return GridCell(note="Not assigned")
    if result.conflicted:
        return GridCell(note="Conflict declared", conflict=True)
    if result.assignment.has_conflict is None:
        return GridCell(note="To declare")
    score = value(result)
    return GridCell(score=score) if score is not None else GridCell(note="Not scored yet")


def matrix_grid(rows: list[MatrixRow], criteria: list[Criterion]) -> Grid:
    """The matrix as a grid: for each EOI, a line per criterion with each
    assessor's score side by side and the spread, then the weighted totals.
    The columns are every assessor assigned to any of these EOIs, by name;
    made from the rows assessment_matrix read (no query)."""
    assessors: dict[int, User] = {}
    for row in rows:
        for result in row.results:
            assessors.setdefault(result.assignment.assessor_id, result.assignment.assessor)
    columns = sorted(assessors.values(), key=lambda u: (u.get_full_name() or u.username).lower())
    blocks = []
    for row in rows:
        by_assessor = {r.assignment.assessor_id: r for r in row.results}
        lines = []
        for criterion in criteria:
            cells = [_cell(by_assessor.get(user.pk), lambda r, c=criterion: r.scores.get(c.pk)) for user in columns]
            given = [c.score for c in cells if c.score is not None]
            lines.append(GridLine(label=criterion.name, weight=criterion.weight, cells=cells, spread=_spread(given)))
        totals = [_cell(by_assessor.get(user.pk), lambda r: r.weighted) for user in columns]
        total = GridLine(
            label="Weighted total",
            weight=None,
            cells=totals,
            spread=_spread([c.score for c in totals if c.score is not None]),
        )
        conflicts = [r.assignment for r in row.results if r.conflicted]
        blocks.append(GridBlock(row=row, lines=lines, total=total, conflicts=conflicts))
    return Grid(assessors=columns, blocks=blocks)


def matrix_grid_rows(grid: Grid) -> dict:
    """The grid shaped for the matrix's template: each EOI's heading, each cell and each spread
    worked out here, once, as the template wrote them, so the template only places them (issue 24:
    a badge, a {% url %} and the lookups of every cell were most of the page's time). No query."""
    statuses = dict(ExpressionOfInterest.Status.choices)
    detail = _eoi_detail_prefix()
    blocks = []
    for block in grid.blocks:
        row, eoi = block.row, block.row.eoi
        blocks.append(
            {
                "pk": eoi.pk,
                "rank": f"Rank {row.rank}:" if row.rank else "Not ranked:",
                "url": f"{detail}{eoi.pk}/",
                "title": eoi.title,
                "partner": eoi.partner.name,
                "status": eoi.status,
                "status_label": statuses.get(eoi.status, eoi.status),
                "hub_grant": money(row.match.hub_grant),
                "share": percent(row.match.hub_share_percent),
                "mean": localize(row.mean) if row.mean is not None else "not yet",
                "moderated": localize(eoi.moderated_score) if eoi.moderated_score is not None else "",
                "moderation_note": eoi.moderation_note,
                "conflicts": _conflicts_sentence(block.conflicts),
                "unassigned": not row.results,
                "lines": [_shaped_line(line) for line in block.lines],
                "total": _shaped_line(block.total),
            }
        )
    return {
        "assessors": [user.get_full_name() or user.username for user in grid.assessors],
        "columns": len(grid.assessors) + 2,
        "blocks": blocks,
    }


def _shaped_line(line: GridLine) -> dict:
    return {
        "label": line.label,
        "weight": line.weight,
        # A score, or (with no score) why there is none.
        "cells": [(localize(c.score), "") if c.score is not None else ("", c.note) for c in line.cells],
        "spread": localize(line.spread) if line.spread is not None else "\u2014",
    }


def _conflicts_sentence(conflicts: list[AssessorAssignment]) -> str:
    if not conflicts:
        return ""
    named = []
    for assignment in conflicts:
        name = assignment.assessor.get_full_name() or assignment.assessor.username
        named.append(f"{name} ({assignment.conflict_details})" if assignment.conflict_details else name)
    return f"Conflict of interest declared by {'; '.join(named)}: not scoring."


def assessment_matrix(call: Call) -> list[MatrixRow]:
    """Every EOI in assessment or decided, each assessor's weighted score side
    by side, the mean and the spread (highest minus lowest), ranked. A fixed
    number of queries whatever the number of EOIs and assessors."""
    criteria = list(call.criteria.all())
    eois = list(
        call.eois.exclude(status__in=[ExpressionOfInterest.Status.DRAFT, ExpressionOfInterest.Status.WITHDRAWN])
        .select_related("partner", "call")
        # A list (to_attr), not a related manager for each EOI: at a whole call's
        # size the managers cost more than the rows.
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=AssessorAssignment.objects.select_related("assessor"),
                to_attr="listed_assignments",
            ),
        )
    )
    # Scores and amounts as plain values: a model instance for each would cost more than the rest.
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for assignment_id, criterion_id, score in Score.objects.filter(assignment__eoi__in=eois).values_list(
        "assignment_id", "criterion_id", "score"
    ):
        scores[assignment_id][criterion_id] = score
    budget, sources = _amounts([eoi.pk for eoi in eois])
    rows = []
    for eoi in eois:
        row = MatrixRow(eoi=eoi, match=check_under_call(call, budget=budget[eoi.pk], sources=sources[eoi.pk]))
        for assignment in eoi.listed_assignments:
            given = scores[assignment.pk]
            row.results.append(
                AssessorResult(
                    assignment=assignment,
                    scored=len(given),
                    weighted=None if assignment.has_conflict else weighted_score(given, criteria),
                    scores=given,
                )
            )
        complete = [r.weighted for r in row.results if r.weighted is not None]
        if complete:
            row.mean = (sum(complete) / len(complete)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
            row.spread = max(complete) - min(complete)
        rows.append(row)
    return rank(rows)
