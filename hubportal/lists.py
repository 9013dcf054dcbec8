"""What every list page shares: its page of rows, and the query string its
pagination, sorting and export links carry (the filters, without the page)."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 25


def page_of(request: HttpRequest, rows, per_page: int = PER_PAGE, param: str = "page") -> Page:
    return Paginator(rows, per_page).get_page(request.GET.get(param))


def querystring(request: HttpRequest, drop: tuple[str, ...] = ("page", "export")) -> str:
    """The request's filters and sort, for links that keep them."""
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()
