"""The one upload policy every file field uses, and the one way files go out.

- Allowed: PDF, DOCX, XLSX, PNG, JPEG (a field may allow fewer), judged from
  the content, never the name.
- At most settings.UPLOAD_MAX_BYTES (10 MB); never empty.
- DOCX and XLSX are zip archives: capped in entry count and unpacked size, so
  a zip bomb is refused before anyone opens it.
- Images are judged on their whole content: web-page code anywhere in one
  (an image/HTML polyglot) is refused.
- Stored under a generated name outside the web root; the original name is
  kept only in the database, for display. Served only by views that have
  checked access, as an attachment with nosniff, with the Content-Type and
  extension of the kind judged from the stored content, never from the
  uploader's name (a PDF named "pwned.html" goes out as application/pdf,
  "pwned.pdf").
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
CONTENT_TYPES = {kind: mime for mime, kind in ALLOWED.items()}
DOWNLOAD_EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "png": ".png", "jpg": ".jpg"}
# Web-page code a browser would run if it ever read an image as HTML.
WEB_MARKERS = (b"<html", b"<script", b"<svg", b"<body", b"<iframe", b"javascript:")


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
    kind = judge_kind(uploaded)
    if kind not in kinds:
        raise ValidationError(
            f"This file's content is not a {describe_kinds(kinds)} file, whatever its name says. "
            f"Upload one of those types.",
            code="wrong_type",
        )
    if kind in ("png", "jpg") and _holds_web_code(uploaded):
        raise ValidationError("This image also contains web page code, so we cannot accept it.", code="polyglot")
    return kind


def judge_kind(fileobj) -> str | None:
    """The kind of a file from its content alone ("pdf", "docx"...), or None."""
    fileobj.seek(0)
    head = fileobj.read(8192)
    fileobj.seek(0)
    if head.startswith(b"PK\x03\x04"):  # a zip: only a real Word or Excel document passes
        return _office_kind(fileobj)
    guess = filetype.guess(head)
    return ALLOWED.get(guess.mime if guess else None)


def _holds_web_code(fileobj, chunk: int = 64 * 1024) -> bool:
    """Scan the whole file, not just its start, with an overlap so a marker
    split across two reads is still found."""
    overlap = max(len(marker) for marker in WEB_MARKERS)
    fileobj.seek(0)
    tail = b""
    try:
        while block := fileobj.read(chunk):
            window = (tail + block).lower()
            if any(marker in window for marker in WEB_MARKERS):
                return True
            tail = window[-overlap:]
    finally:
        fileobj.seek(0)
    return False


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


def download_name_for(kind: str | None, original_name: str) -> str:
    """The name a download is offered under: the original name's stem (for
    people to recognise) with the extension of the judged kind."""
    stem = PurePath(os.path.basename(original_name or "")).stem.strip() or "download"
    return stem + DOWNLOAD_EXTENSIONS.get(kind, ".bin")


def serve_private_file(file_field, download_name: str) -> FileResponse:
    """Send a stored file as an attachment. Call only after checking access.

    The type is judged again from the stored content; a file that is none of
    the allowed kinds goes out as application/octet-stream and .bin."""
    handle = file_field.open("rb")
    try:
        kind = judge_kind(handle)
    except ValidationError:  # an archive too big to judge
        kind = None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name_for(kind, download_name),
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
