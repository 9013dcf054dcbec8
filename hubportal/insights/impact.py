"""From need to impact: each gap the needs analysis found, traced through the
calls that answered it, the expressions of interest and awards, the project
agreements, to the reach and outcomes their surveys and evaluations reported.

A page of gaps costs a fixed number of queries: the gaps, their districts and
target groups, the calls with their EOIs (award, project agreement and its
evaluation joined in), then one grouped query each for outcome results and
for survey reach under those agreements.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import django_filters
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Sum, When

from eoi.filters import GapFilter
from eoi.models import Call, ExpressionOfInterest, Gap, NeedsAnalysis
from hubportal.core.academic_years import AcademicYear
from surveys import codes
from surveys.aggregates import COUNTED
from surveys.models import Answer, OutcomeResult, ProjectEvaluation

# EOIs worth tracing: sent to the Hub (a draft or withdrawn one provided nothing).
TRACED = [
    ExpressionOfInterest.Status.SUBMITTED,
    ExpressionOfInterest.Status.UNDER_ASSESSMENT,
    ExpressionOfInterest.Status.SUCCESSFUL,
    ExpressionOfInterest.Status.UNSUCCESSFUL,
]
NO_CALL = "none"
NO_AWARD = "unawarded"
PROVIDED = "provided"
PROVISION_CHOICES = [
    (NO_CALL, "No call has answered it"),
    (NO_AWARD, "Answered by a call, nothing awarded yet"),
    (PROVIDED, "Provision awarded"),
]


# Priority sorts high, medium, low (alphabetical order would not).
PRIORITY_RANK = Case(When(priority=Gap.Priority.HIGH, then=0), When(priority=Gap.Priority.MEDIUM, then=1), default=2)
SORTS = {
    "title": ("Gap, A to Z", ["title", "pk"]),
    "priority": ("Priority, highest first", [PRIORITY_RANK, "title"]),
    "strand": ("Strand", ["strand__sort_order", "strand__name", "title"]),
    "oldest": ("Oldest needs analysis first", ["needs_analysis__academic_year", PRIORITY_RANK, "title"]),
}


class ImpactFilter(GapFilter):
    """The commissioning app's gap filters (district, strand, priority, target
    group), plus the needs analysis's year and whether anything was provided."""

    year = django_filters.ChoiceFilter(
        field_name="needs_analysis__academic_year", label="Needs analysis", choices=[], empty_label="Every year"
    )
    provision = django_filters.ChoiceFilter(
        choices=PROVISION_CHOICES, method="with_provision", label="Provision", empty_label="Any"
    )
    sort = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        method="sort_by",
        label="Sort by",
        empty_label="Newest needs analysis, highest priority first",
    )

    class Meta(GapFilter.Meta):
        fields = ["year", "district", "strand", "priority", "target_group", "provision", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = [
            (y, AcademicYear(y).label)
            for y in NeedsAnalysis.objects.order_by("-academic_year").values_list("academic_year", flat=True)
        ]

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["title"])[1])

    def with_provision(self, queryset, name, value):
        awarded = Gap.objects.filter(calls__eois__award__isnull=False).values("pk")
        if value == NO_CALL:
            return queryset.filter(calls__isnull=True)
        if value == NO_AWARD:
            return queryset.filter(calls__isnull=False).exclude(pk__in=awarded).distinct()
        if value == PROVIDED:
            return queryset.filter(pk__in=awarded)
        return queryset


@dataclass
class Provision:
    """One EOI answering a gap, and what became of it."""

    eoi: ExpressionOfInterest
    agreement: object = None  # the project agreement, if one was drawn up
    evaluation: ProjectEvaluation | None = None
    outcomes_met: int = 0
    outcomes_reported: int = 0
    survey_reach: int = 0

    @property
    def award(self):
        return self.eoi.award if self.eoi.has_award else None


@dataclass
class CallTrace:
    call: Call
    provisions: list[Provision] = field(default_factory=list)

    @property
    def awarded(self) -> list[Provision]:
        return [p for p in self.provisions if p.award]


@dataclass
class GapTrace:
    gap: Gap
    calls: list[CallTrace] = field(default_factory=list)

    @property
    def awards(self) -> list[Provision]:
        return [p for c in self.calls for p in c.awarded]

    @property
    def provision(self) -> str:
        if not self.calls:
            return NO_CALL
        return PROVIDED if self.awards else NO_AWARD

    @property
    def provision_text(self) -> str:
        return dict(PROVISION_CHOICES)[self.provision]

    @property
    def awarded_total(self) -> Decimal:
        return sum((p.award.amount for p in self.awards), Decimal("0.00"))

    @property
    def expected_reach(self) -> int:
        return sum(p.eoi.expected_reach or 0 for p in self.awards)

    @property
    def reported_reach(self) -> int:
        """Reach the projects reported: the evaluation's actual reach where there
        is one, else what accepted surveys under the agreement said."""
        return sum(
            (p.evaluation.actual_reach or 0) if p.evaluation and p.evaluation.actual_reach else p.survey_reach
            for p in self.awards
        )


def gaps_queryset() -> QuerySet[Gap]:
    eois = ExpressionOfInterest.objects.filter(status__in=TRACED).select_related(
        "partner", "award", "project_agreement", "project_agreement__evaluation"
    )
    calls = Call.objects.order_by("opens_at", "pk").prefetch_related(
        Prefetch("eois", queryset=eois.order_by("partner__name"))
    )
    return (
        Gap.objects.select_related("needs_analysis", "strand")
        .prefetch_related("districts", "target_groups", Prefetch("calls", queryset=calls))
        .order_by("-needs_analysis__academic_year", PRIORITY_RANK, "title")
    )


def trace(gaps) -> list[GapTrace]:
    """The gaps (already fetched with gaps_queryset) traced to impact."""
    traces = []
    agreements = []
    for gap in gaps:
        gap_trace = GapTrace(gap=gap)
        for call in gap.calls.all():
            call_trace = CallTrace(call=call)
            for eoi in call.eois.all():
                provision = Provision(eoi=eoi)
                agreement = getattr(eoi, "project_agreement", None) if _has(eoi, "project_agreement") else None
                if agreement is not None:
                    provision.agreement = agreement
                    provision.evaluation = agreement.evaluation if _has(agreement, "evaluation") else None
                    agreements.append(provision)
                call_trace.provisions.append(provision)
            gap_trace.calls.append(call_trace)
        traces.append(gap_trace)
    _add_results(agreements)
    return traces


def _has(obj, relation: str) -> bool:
    try:
        return getattr(obj, relation) is not None
    except Exception:  # the reverse one-to-one is missing (RelatedObjectDoesNotExist)
        return False


def _add_results(provisions: list[Provision]) -> None:
    """Outcome results of the evaluations and reach from accepted surveys under
    the agreements: one grouped query each."""
    if not provisions:
        return
    evaluation_ids = [p.evaluation.pk for p in provisions if p.evaluation]
    results = {
        row["evaluation_id"]: row
        for row in OutcomeResult.objects.filter(evaluation_id__in=evaluation_ids)
        .values("evaluation_id")
        .annotate(n=Count("id"), met=Count("id", filter=Q(met_target=True)))
    }
    reach = defaultdict(int)
    for row in (
        Answer.objects.filter(
            request__agreement_id__in=[p.agreement.pk for p in provisions],
            request__status__in=COUNTED,
            question__code=codes.REACH_TOTAL,
        )
        .values("request__agreement_id")
        .annotate(total=Sum("number"))
    ):
        reach[row["request__agreement_id"]] = int(row["total"] or 0)
    for p in provisions:
        if p.evaluation and p.evaluation.pk in results:
            p.outcomes_reported = results[p.evaluation.pk]["n"]
            p.outcomes_met = results[p.evaluation.pk]["met"]
        p.survey_reach = reach[p.agreement.pk]
