"""The Django admin for agreements. What is history stays as it was: signatures,
stored versions and evidence documents are read-only; an agreement's text is
editable only while it is a draft and its state only moves through the
portal's services; a recommendation the Chair has decided is read-only, and
its decision is only ever made on the Chair's screen."""

from django.contrib import admin

from agreements.models import (
    Agreement,
    AgreementTemplate,
    AgreementVersion,
    AnnualReview,
    Outcome,
    OutcomeReview,
    PaymentInstalment,
    RecommendationDocument,
    Signature,
    TerminationRecommendation,
)
from hubportal.core.admin import LockableAdmin, LockableInline, ReadOnlyAdmin, ReadOnlyInline


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "partner_type", "requires_termly_surveys", "review_meetings_per_year", "updated_at"]
    list_filter = ["kind", "requires_termly_surveys"]
    search_fields = ["name"]
    list_select_related = ["partner_type"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class DraftOnlyInline(LockableInline):
    """Rows that are part of the signed text (outcomes, a project's money):
    editable only while the agreement is a draft."""

    def parent_locked(self, parent) -> bool:
        return parent.status != Agreement.Status.DRAFT


class OutcomeInline(DraftOnlyInline):
    model = Outcome
    fields = ["order", "description", "measure", "target"]


class InstalmentInline(DraftOnlyInline):
    model = PaymentInstalment
    fields = ["milestone", "due_on", "amount", "paid_on"]


class SignatureInline(ReadOnlyInline):
    model = Signature
    fields = ["party", "version", "typed_name", "role_title", "user", "signed_at", "text_sha256", "voided_at"]
    readonly_fields = fields


class VersionInline(ReadOnlyInline):
    model = AgreementVersion
    fields = ["version", "created_at", "text_sha256", "reason"]
    readonly_fields = fields


@admin.register(Agreement)
class AgreementAdmin(LockableAdmin):
    list_display = ["title", "partner", "kind", "academic_year", "status", "version", "updated_at"]
    list_filter = ["kind", "status", "academic_year"]
    search_fields = ["title", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    inlines = [OutcomeInline, InstalmentInline, SignatureInline, VersionInline]
    # The lifecycle moves only through the services, which check and record each
    # move; once issued, nothing of it is edited (a change is a new version).
    always_read_only = [
        "status",
        "version",
        "kind",
        "partner",
        "academic_year",
        "eoi",
        "renewal_of",
        "created_by",
        "created_at",
        "issued_at",
        "live_at",
        "ended_at",
        # Roll-forward without a completed review: the Service Manager's exception, through the service.
        "review_exception",
        "review_exception_by",
        "review_exception_at",
    ]

    def is_locked(self, obj) -> bool:
        return obj.status != Agreement.Status.DRAFT

    def has_add_permission(self, request):
        # Drafted in the staff area (or by an award), which asks the partner's standing.
        return False


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ReadOnlyAdmin):
    list_display = ["agreement", "version", "created_at", "text_sha256"]
    list_select_related = ["agreement"]
    search_fields = ["agreement__title", "text_sha256"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["agreement", "party", "version", "typed_name", "role_title", "signed_at", "voided_at"]
    list_filter = ["party"]
    list_select_related = ["agreement"]
    search_fields = ["agreement__title", "typed_name", "text_sha256"]


class OutcomeReviewInline(admin.TabularInline):
    model = OutcomeReview
    extra = 0
    fields = ["outcome", "rating", "commentary"]

    def _open(self, obj) -> bool:
        return obj is None or obj.completed_at is None

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


@admin.register(AnnualReview)
class AnnualReviewAdmin(admin.ModelAdmin):
    list_display = ["agreement", "held_on", "recommendation", "completed_at"]
    list_filter = ["recommendation", "branding"]
    list_select_related = ["agreement"]
    search_fields = ["agreement__title", "agreement__partner__name"]
    inlines = [OutcomeReviewInline]
    readonly_fields = ["agreement", "reviewed_by", "created_at", "completed_at"]

    def has_add_permission(self, request):
        return False  # reviews start from the agreement, in the staff area

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.completed_at is None) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class DocumentInline(ReadOnlyInline):
    model = RecommendationDocument
    fields = ["original_filename", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(TerminationRecommendation)
class TerminationRecommendationAdmin(admin.ModelAdmin):
    list_display = ["agreement", "kind", "raised_at", "decision", "decided_at"]
    list_filter = ["kind", "decision"]
    list_select_related = ["agreement"]
    search_fields = ["agreement__title", "agreement__partner__name"]
    inlines = [DocumentInline]
    # The decision is made on the Chair's screen, never here; what is recommended
    # (terminate or not renew, and on which grounds) is what the Chair decides on,
    # so only the evidence may be corrected before the decision.
    readonly_fields = [
        "agreement",
        "kind",
        "reasons",
        "complaint",
        "review",
        "partnership_suspended",
        "raised_by",
        "raised_at",
        "decision",
        "decision_reasons",
        "decided_by",
        "decided_at",
    ]

    def has_add_permission(self, request):
        return False  # raised from the agreement, in the staff area

    def has_change_permission(self, request, obj=None):
        """Once the Chair has decided, nothing about it changes."""
        return (obj is None or not obj.is_decided) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RecommendationDocument)
class RecommendationDocumentAdmin(ReadOnlyAdmin):
    list_display = ["original_filename", "recommendation", "uploaded_by", "uploaded_at"]
    list_select_related = ["recommendation", "uploaded_by"]


class DraftOnlyAdmin(admin.ModelAdmin):
    """A row of an agreement's signed text, on its own: editable only while the agreement is a draft."""

    list_select_related = ["agreement"]
    search_fields = ["agreement__title", "agreement__partner__name"]

    def _draft(self, obj) -> bool:
        return obj is None or obj.agreement.status == Agreement.Status.DRAFT

    def has_add_permission(self, request):
        return False  # added on the agreement's own page

    def has_change_permission(self, request, obj=None):
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._draft(obj) and super().has_delete_permission(request, obj)


@admin.register(Outcome)
class OutcomeAdmin(DraftOnlyAdmin):
    list_display = ["description", "agreement", "measure", "target"]
    readonly_fields = ["agreement"]


@admin.register(PaymentInstalment)
class PaymentInstalmentAdmin(DraftOnlyAdmin):
    list_display = ["milestone", "agreement", "due_on", "amount", "paid_on"]
    readonly_fields = ["agreement"]


@admin.register(OutcomeReview)
class OutcomeReviewAdmin(admin.ModelAdmin):
    list_display = ["outcome", "review", "rating"]
    list_filter = ["rating"]
    list_select_related = ["outcome", "review"]
    readonly_fields = ["review", "outcome"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.review.completed_at is None) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
