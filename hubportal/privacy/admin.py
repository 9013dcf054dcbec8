"""The admin: admins set the schedule's periods and what each keeps; a rule's
kind, trigger and key are fixed (code reaches the records by them). The
Service Manager may read the schedule here. Removals and runs are read-only;
holds and requests change through the pages, which write history."""

from django.contrib import admin

from hubportal.core.admin import ReadOnlyAdmin
from hubportal.privacy.models import DataRequest, LegalHold, Removal, RetentionRule, RetentionRun


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "period_months", "trigger", "action", "automatic"]
    readonly_fields = ["key", "kind", "trigger", "updated_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "placed_by", "placed_at", "lifted_at"]


@admin.register(DataRequest)
class DataRequestAdmin(ReadOnlyAdmin):
    list_display = ["reference", "kind", "status", "received_on", "due_on", "fulfilled_at"]
    list_filter = ["kind", "status"]


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["ran_at", "today", "dry_run", "removed"]


@admin.register(Removal)
class RemovalAdmin(ReadOnlyAdmin):
    list_display = ["removed_at", "label", "action", "rule", "data_request"]
