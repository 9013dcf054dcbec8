"""The admin for the foundation, and the shapes every app's admin uses so that
the admin is no side door round a rule (issue 18): a record that is history is
a ``ReadOnlyAdmin``; a record whose rules have moved it on (an agreement once
issued, a call once open, an EOI once submitted) is a ``LockableAdmin`` whose
every field, and every row of its ``LockableInline``s, is read-only from then
on. What carries a rule changes only through the services, which check it and
write history."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from hubportal.core.hub import EDITABLE_FIELDS, can_edit_hub, current_hub, hub_update
from hubportal.core.uploads import SecureFileField
from hubportal.models import (
    AuditEvent,
    HistoryEntry,
    Hub,
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
    # A partner's users are invited through the partner's page, which asks the
    # partner's standing; the admin does not make anyone a partner's user.
    readonly_fields = ["partner", "two_factor_reset_link"]

    @admin.display(description="Reset")
    def two_factor_reset_link(self, obj):
        # The reset goes through the audited page, never by deleting devices here.
        if obj is None or obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">Reset two-factor authentication (with a reason)</a>',
            reverse("two_factor_reset", args=[obj.pk]),
        )


def every_field(model) -> list[str]:
    """Every field and many-to-many of the model but its id: a form that changes nothing."""
    return [f.name for f in [*model._meta.fields, *model._meta.many_to_many] if f.name != "id"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """History must not change: viewable, never added, edited or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown for reference on their parent's page: never added, edited or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LockableAdmin(admin.ModelAdmin):
    """Editable until ``is_locked(obj)``; from then on every field is read-only
    and the record cannot be deleted. ``always_read_only`` are the fields only
    the services ever set (the state and its stamps)."""

    always_read_only: list[str] = []

    def is_locked(self, obj) -> bool:
        raise NotImplementedError

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self.is_locked(obj):
            return every_field(self.model)
        return self.always_read_only

    def has_delete_permission(self, request, obj=None):
        return (obj is None or not self.is_locked(obj)) and super().has_delete_permission(request, obj)


class LockableInline(admin.TabularInline):
    """Rows of a parent that are part of what its rules lock: added, edited and
    deleted only while ``parent_locked(parent)`` is false."""

    extra = 0

    def parent_locked(self, parent) -> bool:
        raise NotImplementedError

    def _open(self, parent) -> bool:
        return parent is None or not self.parent_locked(parent)

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


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


# Second-factor devices are viewed in the admin, never added, edited or
# deleted there: a reset goes through the audited page (hubportal.security.two_factor).
for _model, _admin in ((TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, type(f"ViewOnly{_admin.__name__}", (ReadOnlyAdmin, _admin), {}))


class HubForm(forms.ModelForm):
    logo = SecureFileField(kinds={"png", "jpg"}, required=False, help_text=Hub._meta.get_field("logo").help_text)
    commissioning_policy_url = forms.URLField(
        label="Commissioning policy (link)", required=False, assume_scheme="https"
    )
    partnership_principles_url = forms.URLField(
        label="Partnership principles (link)", required=False, assume_scheme="https"
    )
    safeguarding_policy_url = forms.URLField(label="Safeguarding policy (link)", required=False, assume_scheme="https")
    privacy_notice_url = forms.URLField(label="Privacy notice (link)", required=False, assume_scheme="https")

    class Meta:
        model = Hub
        fields = EDITABLE_FIELDS


@admin.register(Hub)
class HubAdmin(admin.ModelAdmin):
    """The one Hub record: an admin changes it, through hub_update, so every
    change is in its history; nobody adds a second or deletes it."""

    form = HubForm
    fieldsets = [
        (
            "Identity",
            {
                "fields": [
                    "name",
                    "lead_organisation",
                    "area",
                    "local_authority",
                    "logo",
                    "primary_colour",
                    "accent_colour",
                ]
            },
        ),
        (
            "Policy links",
            {
                "fields": [
                    "commissioning_policy_url",
                    "partnership_principles_url",
                    "safeguarding_policy_url",
                    "privacy_notice_url",
                ]
            },
        ),
        (
            "Terms",
            {
                "fields": [
                    "service_manager_title",
                    "match_funding_floor_percent",
                    "complaint_acknowledge_working_days",
                    "complaint_respond_working_days",
                    "complaint_escalation_working_days",
                    "reminder_offsets",
                    "holiday_region",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return can_edit_hub(request.user)[0]

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff

    def changelist_view(self, request, extra_context=None):
        hub = current_hub()
        return HttpResponseRedirect(reverse("admin:hubportal_hub_change", args=[hub.pk]))

    def save_model(self, request, obj, form, change):
        hub_update(hub=obj, actor=request.user, changes={f: form.cleaned_data[f] for f in form.changed_data})
