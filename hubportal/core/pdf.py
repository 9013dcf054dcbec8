"""PDF documents (an agreement, the board report), rendered once, here.

A document is a Django template under ``templates/pdf/`` extending
``pdf/base.html`` (the Hub's branding, page size, running footer), rendered
to HTML and laid out by WeasyPrint:

    content = render_pdf("pdf/agreement.html", {"agreement": agreement})
    return pdf_response(content, "agreement-2026-27.pdf")

WeasyPrint may fetch nothing from outside: images and styles are inline or
``data:`` URIs, so a document never reaches the network or the file system
whatever text it carries.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from hubportal.core.hub import current_hub, logo_data_uri

ALLOWED_PROTOCOLS = {"data"}


def render_html(template_name: str, context: dict) -> str:
    hub = current_hub()
    context = {
        "hub": hub,
        "hub_name": hub.name,
        "hub_lead_organisation": hub.lead_organisation,
        "hub_logo": logo_data_uri(hub),
        "generated_at": timezone.now(),
        **context,
    }
    return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict) -> bytes:
    """The document as PDF bytes."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_html(template_name, context)
    fetcher = URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS, allow_redirects=False, timeout=1)
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()


def pdf_response(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """Send a rendered PDF, never cached (it may hold a partner's details)."""
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
