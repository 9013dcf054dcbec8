from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from hubportal.core.admin import LockableAdmin, ReadOnlyInline
from partners.models import (
    ActivityType,
    Contact,
    District,
    EvidenceItem,
    EvidenceType,
    Meeting,
    NationalPlanStrand,
    Partner,
    PartnerType,
)

for model in (District, NationalPlanStrand, ActivityType):
    admin.site.register(
        model,
        list_display=["name", "is_active", "sort_order"],
        list_editable=["is_active", "sort_order"],
        search_fields=["name"],
    )


@admin.register(PartnerType)
class PartnerTypeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "agreement_required",
        "termly_surveys_required",
        "annual_review_meetings",
        "is_active",
    ]
    list_filter = ["kind", "agreement_required", "is_active"]
    search_fields = ["name"]


@admin.register(EvidenceType)
class EvidenceTypeAdmin(admin.ModelAdmin):
    """The minimum standards and how long each lasts; a change applies to
    evidence uploaded from then on (existing expiry dates stay)."""

    list_display = [
        "name",
        "required",
        "renewal_months",
        "renewal_months_for_charities",
        "renew_on_change",
        "is_active",
        "sort_order",
    ]
    list_editable = ["required", "renewal_months", "renewal_months_for_charities", "renew_on_change", "sort_order"]
    list_filter = ["required", "renew_on_change", "is_active"]
    search_fields = ["name"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class EvidenceInline(ReadOnlyInline):
    """Shown for reference: evidence moves only through upload and checking,
    which write its history."""

    model = EvidenceItem
    fields = ["evidence_type", "status", "issued_on", "expires_on", "reviewed_by", "reviewed_at"]
    readonly_fields = fields


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "partner_type", "status", "source", "created_at"]
    list_filter = ["status", "partner_type", "source", "districts"]
    search_fields = ["name", "legal_name", "charity_number", "company_number"]
    list_select_related = ["partner_type"]
    filter_horizontal = ["districts", "strands", "activity_types"]
    inlines = [ContactInline, EvidenceInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # The stage moves only through the onboarding services, which write history.
    readonly_fields = ["status", "status_reason", "created_at", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # a partner is declined or its partnership ended, never deleted: its history stays


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "partner", "email", "is_primary", "is_safeguarding_lead"]
    list_filter = ["is_primary", "is_safeguarding_lead"]
    search_fields = ["name", "email", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]


@admin.register(Meeting)
class MeetingAdmin(LockableAdmin):
    """A meeting is scheduled, rescheduled and recorded in the staff area, which
    moves the partner's stage; its outcome decides whether onboarding goes on,
    so it is never set here, and a recorded or cancelled meeting is read-only."""

    list_display = ["partner", "starts_at", "outcome", "recorded_at", "cancelled_at"]
    list_filter = ["outcome"]
    search_fields = ["partner__name"]
    list_select_related = ["partner"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["hlo_representatives"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    always_read_only = [
        "partner",
        "outcome",
        "proposed_partner_type",
        "scheduled_by",
        "scheduled_at",
        "cancelled_at",
        "recorded_by",
        "recorded_at",
        "confirmed_by",
        "confirmed_at",
    ]

    def is_locked(self, obj) -> bool:
        return obj.recorded_at is not None or obj.cancelled_at is not None

    def has_add_permission(self, request):
        return False  # scheduled from the partner's page, which moves its stage

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvidenceItem)
class EvidenceItemAdmin(admin.ModelAdmin):
    list_display = ["partner", "evidence_type", "status", "issued_on", "expires_on", "reviewed_at"]
    list_filter = ["status", "evidence_type"]
    search_fields = ["partner__name", "original_filename"]
    list_select_related = ["partner", "evidence_type"]
    date_hierarchy = "expires_on"
    # Status, dates, file and review move only through the services, which write
    # history: whether the evidence is in force today (its status and expiry)
    # decides the partner's standing, so an admin may correct only the note (an
    # expiry is corrected when staff verify it). The file is left out of the form
    # (not merely read-only, which would link to its media path): "document" links
    # to the checked download, and an upload goes through the portal's policy.
    exclude = ["file"]
    readonly_fields = [
        "partner",
        "evidence_type",
        "status",
        "issued_on",
        "expires_on",
        "previous_in_force_until",
        "document",
        "original_filename",
        "uploaded_by",
        "uploaded_at",
        "reviewed_by",
        "reviewed_at",
        "rejection_reason",
    ]

    def has_add_permission(self, request):
        return False  # evidence is uploaded by the partner in the portal

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Document")
    def document(self, obj):
        # Through the checked download view: uploads are never served by URL.
        if not obj.file:
            return "—"
        url = reverse("partners:evidence_download", kwargs={"pk": obj.pk})
        return format_html('<a href="{}">{}</a>', url, obj.original_filename or "Download")
