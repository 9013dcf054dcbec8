"""The one upload policy every file field uses, and the one way files go out.

- Allowed: PDF, DOCX, XLSX, PNG, JPEG (a field may allow fewer), judged from
  the content, never the name.
- At most settings.UPLOAD_MAX_BYTES (10 MB); never empty.
- DOCX and XLSX are zip archives: capped in entry count and unpacked size, so
  a zip bomb is refused before anyone opens it.
- Stored under a generated name outside the web root; the original name is
  kept only in the database. Served only by views that have checked access,
  as an attachment with nosniff.
"""

import os
import uuid
import zipfile
from pathlib import PurePath

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.deconstruct import deconstructible

ALLOWED = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
# How each kind is named to users and which file names a browser offers for it.
KIND_NAMES = {"pdf": "PDF", "docx": "Word (.docx)", "xlsx": "Excel (.xlsx)", "png": "PNG", "jpg": "JPEG"}
KIND_EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "png": ".png", "jpg": ".jpg,.jpeg"}


def describe_kinds(kinds) -> str:
    """The kinds as users read them, e.g. "PDF, Word (.docx), PNG or JPEG"."""
    names = [name for kind, name in KIND_NAMES.items() if kind in kinds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def accept_attribute(kinds) -> str:
    return ",".join(extension for kind, extension in KIND_EXTENSIONS.items() if kind in kinds)


ALLOWED_DESCRIPTION = describe_kinds(KIND_NAMES)
ACCEPT_ATTRIBUTE = accept_attribute(KIND_NAMES)
MAX_ARCHIVE_ENTRIES = 2000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
STORED_EXTENSIONS = {".pdf", ".docx", ".xlsx", ".png", ".jpg", ".jpeg"}
OFFICE_MARKERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def detect_kind(uploaded, kinds=None) -> str:
    """Return the file's kind ("pdf", "docx"...) or raise ValidationError with
    the reason. `kinds` narrows the policy for one field (e.g. no spreadsheets)."""
    kinds = set(KIND_NAMES) if kinds is None else set(kinds)
    limit = settings.UPLOAD_MAX_BYTES
    if uploaded.size == 0:
        raise ValidationError("The file is empty. Choose the file again and re-upload it.", code="empty")
    if uploaded.size > limit:
        raise ValidationError(
            f"The file is {uploaded.size / (1024 * 1024):.1f} MB; the largest we accept is {_mb(limit)}. "
            "Reduce its size (for example, save a PDF at a lower quality) and try again.",
            code="too_big",
        )
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    guess = filetype.guess(head)
    mime = guess.mime if guess else None
    if head.startswith(b"PK\x03\x04"):  # a zip: only a real Word or Excel document passes
        kind = _office_kind(uploaded)
    else:
        kind = ALLOWED.get(mime)
    if kind not in kinds:
        raise ValidationError(
            f"This file's content is not a {describe_kinds(kinds)} file, whatever its name says. "
            f"Upload one of those types.",
            code="wrong_type",
        )
    lowered = head.lower()
    if kind in ("png", "jpg") and (b"<html" in lowered or b"<script" in lowered):
        raise ValidationError("This image also contains web page code, so we cannot accept it.", code="polyglot")
    return kind


def _office_kind(uploaded) -> str | None:
    try:
        with zipfile.ZipFile(uploaded) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ARCHIVE_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
                raise ValidationError(
                    "This document unpacks to far more than its size suggests, so we cannot accept it. "
                    "Save it again from Word or Excel and re-upload it.",
                    code="archive_too_big",
                )
            names = {e.filename for e in entries}
    except zipfile.BadZipFile:
        return None
    finally:
        uploaded.seek(0)
    for kind, marker in OFFICE_MARKERS.items():
        if marker in names:
            return kind
    return None


def validate_upload(uploaded) -> None:
    detect_kind(uploaded)


class SecureFileField(forms.FileField):
    """A form file field that applies the upload policy, to every allowed kind
    or only to `kinds` (e.g. ``SecureFileField(kinds={"png", "jpg"})``)."""

    def __init__(self, *args, kinds=None, **kwargs):
        self.kinds = frozenset(KIND_NAMES if kinds is None else kinds)
        super().__init__(*args, **kwargs)
        self.validators.append(self.validate_kind)

    def validate_kind(self, uploaded) -> None:
        detect_kind(uploaded, self.kinds)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = accept_attribute(self.kinds)
        return attrs


@deconstructible
class PrivateUploadTo:
    """upload_to for a FileField: a generated name in `folder`, e.g.
    ``models.FileField(upload_to=PrivateUploadTo("evidence"))``."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        # The content was checked to be an allowed type; an extension outside
        # the allowlist (a PDF named "x.html") is not carried onto the disk.
        extension = PurePath(filename).suffix.lower()
        if extension not in STORED_EXTENSIONS:
            extension = ""
        return f"{self.folder}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other):
        return isinstance(other, PrivateUploadTo) and other.folder == self.folder


def serve_private_file(file_field, download_name: str) -> FileResponse:
    """Send a stored file as an attachment. Call only after checking access."""
    response = FileResponse(file_field.open("rb"), as_attachment=True, filename=os.path.basename(download_name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
