"""What every list page shares: its page of rows, and the query string its
pagination, sorting and export links carry (the filters, without the page)."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.template.defaultfilters import date as date_format
from django.utils import timezone
from django_filters.widgets import BooleanWidget

PER_PAGE = 25


def page_of(request: HttpRequest, rows, per_page: int = PER_PAGE, param: str = "page") -> Page:
    return Paginator(rows, per_page).get_page(request.GET.get(param))


def querystring(request: HttpRequest, drop: tuple[str, ...] = ("page", "export")) -> str:
    """The request's filters and sort, for links that keep them."""
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


def listed_day(moment) -> str:
    """A moment as a list row shows it, "1 Jul 2026", on the Hub's clock as the
    template's date filter would (called from Python, the filter does not convert)."""
    return date_format(timezone.localtime(moment), "j M Y") if moment else ""


def int_param(request: HttpRequest, name: str, *, low: int = 1, high: int = 2**31 - 1) -> int | None:
    """A whole number from the query string, or None when it is not one we can use.

    Only ASCII digits count: str.isdigit() also accepts '²' and '١٢', which
    int() then refuses or reads differently, and a huge number overflows the
    database's integer. Out of [low, high] is None too, never a 500."""
    raw = request.GET.get(name, "").strip()
    if not raw.isascii() or not raw.isdecimal() or len(raw) > 10:
        return None
    value = int(raw)
    return value if low <= value <= high else None


class YesNoAny(BooleanWidget):
    """A yes/no filter whose empty choice reads "Any", not django-filter's "Unknown"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", "Any"), ("true", "Yes"), ("false", "No")]


class FilterIdsApart:
    """For a FilterSet shown on a page with another form that has a field of
    the same name: the filter's fields take ids "filter_<name>", so no id is
    used twice (the query string keeps the plain names)."""

    @property
    def form(self):
        form = super().form
        form.auto_id = "filter_%s"
        return form
