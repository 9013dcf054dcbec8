"""The admin: the complainant's contact details on an open complaint may be
corrected; nothing else is edited here (the lifecycle moves only through the
services, with history). A decided complaint, and every note, is read-only. Safeguarding
concerns are shown only to safeguarding leads."""

from django.contrib import admin

from complaints.models import Complaint, ComplaintAttachment, ComplaintNote, ReferenceCounter
from hubportal.core.admin import ReadOnlyAdmin, ReadOnlyInline
from hubportal.core.history import record
from hubportal.core.roles import is_safeguarding_lead

# Only the complainant's contact details may be corrected here (a mistyped
# address); everything else changes through the services, with history.
EDITABLE = ["complainant_name", "complainant_email", "complainant_phone"]


def _visible(request, queryset):
    return queryset if is_safeguarding_lead(request.user) else queryset.not_safeguarding()


class AttachmentInline(ReadOnlyInline):
    model = ComplaintAttachment
    fields = ["original_filename", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


class NoteInline(ReadOnlyInline):
    model = ComplaintNote
    fk_name = "complaint"
    fields = ["created_at", "kind", "author_name", "body", "corrects"]
    readonly_fields = fields


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["reference", "received_at", "category", "status", "partner", "respond_by", "decided_at"]
    list_filter = ["status", "category", "raised_via"]
    search_fields = ["reference", "complainant_name", "complainant_email"]
    list_select_related = ["partner"]
    date_hierarchy = "received_at"
    exclude = ["tracking_token_hash"]
    inlines = [AttachmentInline, NoteInline]

    def get_queryset(self, request):
        return _visible(request, super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        fields = [f.name for f in self.model._meta.fields if f.name not in ("id", "tracking_token_hash")]
        if obj is not None and obj.is_decided:
            return fields  # final: every field is read-only
        return [f for f in fields if f not in EDITABLE]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            record(
                obj,
                actor=request.user,
                action="contact details corrected in the admin",
                note=", ".join(form.changed_data),
            )

    def has_add_permission(self, request):
        return False  # complaints are raised through the portal, the public form or staff's form

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_decided:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ComplaintNote)
class ComplaintNoteAdmin(ReadOnlyAdmin):
    """Notes are never edited: a correction is a new note, added in the app."""

    list_display = ["created_at", "complaint", "kind", "author_name"]
    list_filter = ["kind"]
    search_fields = ["complaint__reference", "body"]
    list_select_related = ["complaint"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_safeguarding_lead(request.user):
            return queryset
        return queryset.exclude(complaint__category=Complaint.Category.SAFEGUARDING)


@admin.register(ComplaintAttachment)
class ComplaintAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["uploaded_at", "complaint", "original_filename"]
    search_fields = ["complaint__reference", "original_filename"]
    list_select_related = ["complaint"]
    fields = ["complaint", "original_filename", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_safeguarding_lead(request.user):
            return queryset
        return queryset.exclude(complaint__category=Complaint.Category.SAFEGUARDING)


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(ReadOnlyAdmin):
    list_display = ["year", "last_number"]
