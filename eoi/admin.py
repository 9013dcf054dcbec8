"""The Django admin for commissioning: reference data (target groups,
procurement bands) is edited here; lifecycle states move only through the
services, which write history, so they are read-only."""

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


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "opens_at", "closes_at", "max_hub_grant", "match_threshold_percent"]
    list_filter = ["status"]
    search_fields = ["title"]
    readonly_fields = ["status"]
    filter_horizontal = ["gaps", "eligible_types"]
    inlines = [CriterionInline]


class BudgetLineInline(admin.StackedInline):
    model = BudgetLine
    extra = 0


class FundingSourceInline(admin.StackedInline):
    model = FundingSource
    extra = 0


class AttachmentInline(admin.StackedInline):
    model = EoiAttachment
    extra = 0
    readonly_fields = ["original_filename", "uploaded_by", "uploaded_at"]
    fields = ["original_filename", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(admin.ModelAdmin):
    list_display = ["title", "partner", "call", "status", "total_cost", "hub_grant_requested", "submitted_at"]
    list_filter = ["status", "call"]
    list_select_related = ["partner", "call"]
    search_fields = ["title", "partner__name"]
    readonly_fields = [
        "status",
        "total_cost",
        "hub_grant_requested",
        "submitted_at",
        "submitted_by",
        "decided_at",
        "decided_by",
        "moderated_by",
        "moderated_at",
    ]
    inlines = [BudgetLineInline, FundingSourceInline, AttachmentInline]


class ScoreInline(admin.StackedInline):
    model = Score
    extra = 0


@admin.register(AssessorAssignment)
class AssessorAssignmentAdmin(admin.ModelAdmin):
    list_display = ["eoi", "assessor", "has_conflict", "declared_at", "completed_at"]
    list_select_related = ["eoi__partner", "assessor"]
    readonly_fields = ["has_conflict", "conflict_details", "declared_at", "completed_at"]
    inlines = [ScoreInline]


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    """An award is the record of a decision: read-only."""

    list_display = ["eoi", "amount", "procurement_band", "awarded_by", "awarded_at"]
    list_select_related = ["eoi__partner", "procurement_band", "awarded_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
