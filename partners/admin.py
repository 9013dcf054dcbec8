from django.contrib import admin

from partners.models import ActivityType, District, NationalPlanStrand, Partner, PartnerType

for model in (District, NationalPlanStrand, ActivityType):
    admin.site.register(
        model, list_display=["name", "is_active", "sort_order"], list_editable=["is_active", "sort_order"]
    )


@admin.register(PartnerType)
class PartnerTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "agreement_required", "termly_surveys_required", "is_active"]
    list_filter = ["kind", "agreement_required"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "partner_type", "status", "created_at"]
    list_filter = ["status", "partner_type"]
    search_fields = ["name", "legal_name"]
    list_select_related = ["partner_type"]
    # The stage moves only through the onboarding services, which write history.
    readonly_fields = ["status"]
