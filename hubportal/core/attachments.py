"""The shape every uploaded document shares: a private file stored under a
generated name, the name it was sent under, who sent it and when.

A concrete attachment declares its ``file`` (``FileField(upload_to=
PrivateUploadTo("<folder>"))``, its folder its own) and the record it hangs
from; the rest comes from here, with the same columns as before.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Attachment(models.Model):
    original_filename = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_filename
