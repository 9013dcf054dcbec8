"""Every refused upload says why, keeps what was typed and stores nothing:
checked through a real form (the public complaint form, whose attachments
follow the one upload policy)."""

import pytest

from complaints.models import Complaint, ComplaintAttachment
from hubportal.core.uploads import MAX_ARCHIVE_ENTRIES, MAX_UNPACKED_BYTES
from tests import files
from tests.complaints.test_public_form import URL, valid


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


@pytest.mark.parametrize(
    "make, reason",
    [
        (files.html_named_pdf, "whatever its name says"),
        (files.png_html_polyglot, "contains web page code"),
        (lambda: files.oversize_pdf(10 * 1024 * 1024), "the largest we accept is 10 MB"),
        (lambda: files.docx(extra_bytes=MAX_UNPACKED_BYTES + 1), "unpacks to far more than its size suggests"),
        (lambda: files.docx(entries=MAX_ARCHIVE_ENTRIES), "unpacks to far more than its size suggests"),
    ],
    ids=["html-named-pdf", "png-html-polyglot", "oversize", "zip-bomb-docx", "too-many-entries-docx"],
)
def test_a_refused_upload_says_why_keeps_the_account_and_stores_nothing(client, db, media, make, reason):
    response = client.post(URL, valid(attachments=[make()]))
    assert response.status_code == 200
    assert reason in response.text
    assert "a tutor shouted at my daughter" in response.text
    assert not Complaint.objects.exists() and not ComplaintAttachment.objects.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_a_docx_just_inside_the_archive_limits_is_accepted(client, db, media):
    # Two entries are always there ([Content_Types].xml, word/document.xml).
    response = client.post(URL, valid(attachments=[files.docx(entries=MAX_ARCHIVE_ENTRIES - 2)]))
    assert response.status_code == 302
    [stored] = [p for p in media.rglob("*") if p.is_file()]
    assert stored.suffix == ".docx" and "policy" not in stored.name
