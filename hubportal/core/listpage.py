"""The list page every app repeats: filter, export what is filtered, or show
a page of it.

    return list_page(request, found, "eoi/call_list.html", columns=CALL_COLUMNS, basename="calls")

``context`` adds to what the template gets; given as a function, it is called
with the page (for what is read for the shown rows only).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hubportal.core.exports import Columns, export_format, export_rows
from hubportal.core.lists import page_of, querystring


def list_page(
    request: HttpRequest,
    found,
    template: str,
    *,
    columns: Columns,
    basename: str,
    context: dict | Callable | None = None,
    shaped: Callable | None = None,
) -> HttpResponse:
    """``found`` is the bound filter set: its ``qs`` is what is exported or paged.
    ``shaped``, given, turns that queryset into what the page lists (plain values
    read by a selector, say) before paging."""
    if export_format(request):
        return export_rows(request, found.qs, columns, basename)
    page = page_of(request, shaped(found.qs) if shaped else found.qs)
    extra = context(page) if callable(context) else (context or {})
    return render(request, template, {"filter": found, "page": page, "querystring": querystring(request), **extra})
