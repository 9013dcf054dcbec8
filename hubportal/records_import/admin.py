from django.contrib import admin

from hubportal.admin import ReadOnlyAdmin
from hubportal.records_import.models import ImportedRecord, ImportRun


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
