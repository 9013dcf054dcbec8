"""The Django admin for commissioning: reference data (target groups,
procurement bands) is edited here; lifecycle states move only through the
services, which write history, so they are read-only. A call's terms are
frozen once it opens, an EOI (its money included) once it is submitted, and
assessments and awards are records of what was decided."""

from django.contrib import admin

from eoi.models import (
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
    ProcurementBand,
    Score,
    TargetGroup,
)
from hubportal.core.admin import LockableAdmin, LockableInline, ReadOnlyAdmin, ReadOnlyInline


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]


@admin.register(ProcurementBand)
class ProcurementBandAdmin(admin.ModelAdmin):
    """The Contract Procedure Rules bands. Awards keep the route as it stood,
    so editing a band never changes a past award."""

    list_display = ["name", "minimum", "maximum", "route"]


class GapInline(admin.StackedInline):
    model = Gap
    extra = 0
    filter_horizontal = ["target_groups", "districts"]


@admin.register(NeedsAnalysis)
class NeedsAnalysisAdmin(admin.ModelAdmin):
    list_display = ["title", "academic_year", "created_at"]
    inlines = [GapInline]


@admin.register(Gap)
class GapAdmin(admin.ModelAdmin):
    list_display = ["title", "needs_analysis", "strand", "priority", "indicative_budget"]
    list_filter = ["priority", "strand", "needs_analysis"]
    list_select_related = ["needs_analysis", "strand"]
    search_fields = ["title", "description"]
    filter_horizontal = ["target_groups", "districts"]


def _call_open(call: Call) -> bool:
    return call.status != Call.Status.DRAFT


class CriterionInline(LockableInline):
    """The criteria are the terms assessors score against: fixed once the call opens."""

    model = Criterion

    def parent_locked(self, parent) -> bool:
        return _call_open(parent)


@admin.register(Call)
class CallAdmin(LockableAdmin):
    """A draft call is edited here or in the staff area; it opens through the
    service, and from then on its terms (threshold, in-kind rule, maximum
    grant, criteria) are what partners answered, so nothing changes here."""

    list_display = ["title", "status", "opens_at", "closes_at", "max_hub_grant", "match_threshold_percent"]
    list_filter = ["status"]
    search_fields = ["title"]
    always_read_only = ["status", "created_by", "created_at", "updated_at"]
    filter_horizontal = ["gaps", "eligible_types"]
    inlines = [CriterionInline]

    def is_locked(self, obj) -> bool:
        return _call_open(obj)


def _submitted(eoi: ExpressionOfInterest) -> bool:
    return eoi.status != ExpressionOfInterest.Status.DRAFT


class EoiMoneyInline(LockableInline):
    """An EOI's money: the partner's while a draft, fixed once submitted (the
    match-funding rule was checked on these figures, and an award is made on them)."""

    def parent_locked(self, parent) -> bool:
        return _submitted(parent)


class BudgetLineInline(EoiMoneyInline):
    model = BudgetLine


class FundingSourceInline(EoiMoneyInline):
    model = FundingSource


class AttachmentInline(ReadOnlyInline):
    model = EoiAttachment
    readonly_fields = ["original_filename", "uploaded_by", "uploaded_at"]
    fields = ["original_filename", "uploaded_by", "uploaded_at"]


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(LockableAdmin):
    """Started, saved and submitted by the partner through the services (which
    ask the partner's standing and check the match-funding rule); assessed,
    moderated and decided by staff in the staff area. Once submitted nothing
    of it changes here."""

    list_display = ["title", "partner", "call", "status", "total_cost", "hub_grant_requested", "submitted_at"]
    list_filter = ["status", "call"]
    list_select_related = ["partner", "call"]
    search_fields = ["title", "partner__name"]
    always_read_only = [
        "partner",
        "call",
        "status",
        "total_cost",
        "hub_grant_requested",
        "submitted_at",
        "submitted_by",
        "moderated_score",
        "moderation_note",
        "moderated_by",
        "moderated_at",
        "decision_reasons",
        "feedback",
        "decided_at",
        "decided_by",
    ]
    inlines = [BudgetLineInline, FundingSourceInline, AttachmentInline]

    def is_locked(self, obj) -> bool:
        return _submitted(obj)

    def has_add_permission(self, request):
        return False  # started by the partner, whose standing decides whether it may


class ScoreInline(ReadOnlyInline):
    model = Score


@admin.register(AssessorAssignment)
class AssessorAssignmentAdmin(ReadOnlyAdmin):
    """Assigned and removed by staff, declared and scored by the assessor, each
    through its service (which checks conflicts and writes history)."""

    list_display = ["eoi", "assessor", "has_conflict", "declared_at", "completed_at"]
    list_select_related = ["eoi__partner", "assessor"]
    inlines = [ScoreInline]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    """An award is the record of a decision: read-only."""

    list_display = ["eoi", "amount", "procurement_band", "awarded_by", "awarded_at"]
    list_select_related = ["eoi__partner", "procurement_band", "awarded_by"]
