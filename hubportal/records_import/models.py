from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from hubportal.core.uploads import PrivateUploadTo


class ImportRun(models.Model):
    """One uploaded file: previewed, then confirmed (all its rows, or none)."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        CONFIRMED = "confirmed", "Imported"

    kind = models.CharField(max_length=20)
    file = models.FileField(upload_to=PrivateUploadTo("imports"))
    original_filename = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # {"created": n, "updated": n, "unchanged": n} once confirmed.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.original_filename} ({self.get_status_display()})"


class ImportedRecord(models.Model):
    """The Hub's own reference for an imported record: a re-import with the
    same reference updates that record instead of adding another."""

    kind = models.CharField(max_length=20)
    reference = models.CharField(max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "reference"], name="one_record_per_reference")]

    def __str__(self):
        return f"{self.kind} {self.reference}"


class LegacySignedCopy(models.Model):
    """The signed PDF of an agreement signed before the Hub used the portal.

    An imported agreement has no signature records: this copy is what shows
    it was signed. The file is stored under a generated name; the original
    name is for display only."""

    agreement = models.OneToOneField(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="legacy_signed_copy"
    )
    file = models.FileField(upload_to=PrivateUploadTo("legacy-agreements"))
    original_filename = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.original_filename
