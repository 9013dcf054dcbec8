"""Small real files for upload tests, built in memory."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name="photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def docx_bytes(extra_bytes: int = 0, entries: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if extra_bytes:
            archive.writestr("word/media/bomb.bin", b"\0" * extra_bytes)
        for i in range(entries):
            archive.writestr(f"word/parts/{i}.xml", "")
    return buffer.getvalue()


def docx(name="policy.docx", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, docx_bytes(**kwargs))


def html_named_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("policy.pdf", b"<!doctype html><html><script>alert(1)</script></html>", "application/pdf")


def png_html_polyglot() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.png", PNG + b"<html><script>alert(1)</script></html>", "image/png")


def oversize_pdf(limit: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("big.pdf", PDF + b"0" * limit, "application/pdf")


def empty_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("empty.pdf", b"", "application/pdf")


def pdf_html_polyglot(name="pwned.html") -> SimpleUploadedFile:
    """A real PDF start that is also a web page: accepted as a PDF by content."""
    body = PDF + b"<html><body><script>alert(document.cookie)</script></body></html>"
    return SimpleUploadedFile(name, body, "text/html")


def png_with_html_far_in() -> SimpleUploadedFile:
    """An image whose web-page code sits past the first 8 KB."""
    return SimpleUploadedFile("photo.png", PNG + b"\0" * 20_000 + b"<SCRIPT>alert(1)</script>", "image/png")
