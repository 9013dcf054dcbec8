from django.contrib import admin

from hubportal.core.admin import ReadOnlyAdmin
from hubportal.records_import.models import ImportedRecord, ImportRun, LegacySignedCopy


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    """Uploaded files and what importing them did: a record, never edited."""

    list_display = ["original_filename", "kind", "status", "uploaded_by", "uploaded_at", "confirmed_at"]
    list_filter = ["kind", "status"]


@admin.register(ImportedRecord)
class ImportedRecordAdmin(ReadOnlyAdmin):
    """Which record each of the Hub's references made (re-imports update it)."""

    list_display = ["kind", "reference", "content_type", "object_id"]
    list_filter = ["kind"]
    search_fields = ["reference"]


@admin.register(LegacySignedCopy)
class LegacySignedCopyAdmin(ReadOnlyAdmin):
    """An imported agreement's signed copy: attached and replaced only on the
    agreement's staff page, where the upload policy and the history apply."""

    list_display = ["original_filename", "agreement", "uploaded_by", "uploaded_at"]
    search_fields = ["original_filename", "agreement__partner__name"]
