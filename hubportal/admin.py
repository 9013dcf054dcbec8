from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpResponseRedirect
from django.urls import reverse

from hubportal.hub import EDITABLE_FIELDS, can_edit_hub, hub_update
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
from hubportal.uploads import SecureFileField


@admin.register(User)
class HubUserAdmin(UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "partner", "is_active"]
    list_filter = ["groups", "is_active", "is_superuser"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    fieldsets = UserAdmin.fieldsets + (("Hub Portal", {"fields": ("partner", "job_title", "prefers_daily_digest")}),)


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
        from hubportal.hub import current_hub

        hub = current_hub()
        return HttpResponseRedirect(reverse("admin:hubportal_hub_change", args=[hub.pk]))

    def save_model(self, request, obj, form, change):
        hub_update(hub=obj, actor=request.user, changes={f: form.cleaned_data[f] for f in form.changed_data})
