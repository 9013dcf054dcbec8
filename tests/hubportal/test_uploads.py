import re

import pytest
from django.core.exceptions import ValidationError

from hubportal.core.uploads import MAX_UNPACKED_BYTES, PrivateUploadTo, detect_kind, download_name_for
from tests import files


@pytest.mark.parametrize(
    "make, kind",
    [(files.pdf, "pdf"), (files.png, "png"), (files.docx, "docx")],
)
def test_allowed_files_are_recognised_by_content(make, kind):
    assert detect_kind(make()) == kind


@pytest.mark.parametrize(
    "make, reason",
    [
        (files.html_named_pdf, "is not a PDF, Word (.docx), Excel (.xlsx), PNG or JPEG file"),
        (files.png_html_polyglot, "contains web page code"),
        (files.png_with_html_far_in, "contains web page code"),
        (files.empty_pdf, "The file is empty"),
        (lambda: files.docx(extra_bytes=MAX_UNPACKED_BYTES + 1), "unpacks to far more"),
        (lambda: files.docx(entries=2001), "unpacks to far more"),
    ],
)
def test_refused_files_say_why(make, reason):
    with pytest.raises(ValidationError, match=re.escape(reason)):
        detect_kind(make())


def test_size_limit_is_exact(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    just_fits = files.oversize_pdf(0)
    just_fits.size = 1000
    assert detect_kind(just_fits) == "pdf"
    with pytest.raises(ValidationError, match="the largest we accept is"):
        detect_kind(files.oversize_pdf(1000))


def test_stored_names_are_generated_and_keep_nothing_of_the_original():
    name = PrivateUploadTo("evidence")(None, "../../Our Safeguarding Policy.PDF")
    assert name.startswith("evidence/") and name.endswith(".pdf")
    assert "Safeguarding" not in name and ".." not in name


@pytest.mark.parametrize("original", ["policy.html", "policy.pdf.exe", "policy", "policy.svg"])
def test_a_stored_name_never_carries_an_extension_outside_the_allowlist(original):
    name = PrivateUploadTo("evidence")(None, original)
    assert re.fullmatch(r"evidence/[0-9a-f]{32}", name), name


@pytest.mark.parametrize(
    "kind, original, offered",
    [
        ("pdf", "pwned.html", "pwned.pdf"),
        ("jpg", "Photo.JPEG", "Photo.jpg"),
        ("docx", "../../plan.docx.exe", "plan.docx.docx"),
        (None, "notes.html", "notes.bin"),
        ("xlsx", "", "download.xlsx"),
    ],
)
def test_a_download_is_named_by_its_judged_kind(kind, original, offered):
    assert download_name_for(kind, original) == offered
