from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from hubportal.models import (
    AuditEvent,
    HistoryEntry,
    MessageTemplate,
    Notification,
    OutboundEmail,
    Reminder,
    Term,
    User,
)


@admin.register(User)
class HubUserAdmin(UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "partner", "is_active"]
    list_filter = ["groups", "is_active", "is_superuser"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    fieldsets = UserAdmin.fieldsets + (
        ("Hub Portal", {"fields": ("partner", "job_title", "prefers_daily_digest")}),
        ("Two-factor authentication", {"fields": ("two_factor_reset_link",)}),
    )
    readonly_fields = ["two_factor_reset_link"]

    @admin.display(description="Reset")
    def two_factor_reset_link(self, obj):
        # The reset goes through the audited page, never by deleting devices here.
        if obj is None or obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">Reset two-factor authentication (with a reason)</a>',
            reverse("two_factor_reset", args=[obj.pk]),
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """History must not change: viewable, never added, edited or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "content_type", "object_id", "action", "from_state", "to_state", "actor_name"]
    list_filter = ["content_type", "action"]
    search_fields = ["actor_name", "note"]
    date_hierarchy = "at"


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "to", "subject", "kind", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    exclude = ["attachments"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "subject", "read_at"]
    list_filter = ["kind"]
    search_fields = ["subject", "recipient__username"]
    list_select_related = ["recipient"]


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["__str__", "starts_on", "ends_on"]
    list_filter = ["academic_year", "name"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "username", "ip_address", "method", "path", "status"]
    list_filter = ["action", "status"]
    search_fields = ["username", "path", "ip_address"]
    date_hierarchy = "at"


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["claimed_at", "kind", "stage", "due_on", "recipient", "sent_at"]
    list_filter = ["kind", "stage"]
    search_fields = ["recipient__username", "kind"]
    list_select_related = ["recipient"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject", "updated_by", "updated_at"]
    readonly_fields = ["updated_by", "updated_at"]


class DeviceViewOnly:
    """Second-factor devices are viewed in the admin, never added, edited or
    deleted there: a reset goes through the audited page (hubportal.two_factor)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for _model, _admin in ((TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, type(f"ViewOnly{_admin.__name__}", (DeviceViewOnly, _admin), {}))
