"""The partner health, funding leverage and need-to-impact exports stream: the
response is a streaming one, nothing is read before it is, and the rows are read
and looked up a chunk at a time, so memory stays flat as the data grows. They hold
the same rows, in the same order, as the pages."""

import csv
import io
from decimal import Decimal, InvalidOperation

import pytest
import time_machine
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from hubportal.core import exports
from hubportal.core.academic_years import AcademicYear
from hubportal.insights import dashboard, leverage, reports_views
from hubportal.insights.impact import ImpactFilter, gaps_queryset, trace
from hubportal.insights.reports_views import HEALTH_COLUMNS, IMPACT_COLUMNS, LEVERAGE_COLUMNS, _impact_rows
from tests.eoi.factories import GapFactory
from tests.hubportal.dashboard_world import TODAY, at, build_world
from tests.hubportal.test_impact import traced_gap
from tests.hubportal.test_leverage import years as worked_example  # noqa: F401 - the worked example's fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(TODAY), tick=False):
        yield


def as_csv(rows, columns) -> list[list[str]]:
    """The rows as the export writes them, built all at once to compare against."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in exports._rows(list(rows), columns):
        writer.writerow([exports._csv_safe(v) for v in row])
    return list(csv.reader(io.StringIO(out.getvalue())))


def read_csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def read_xlsx(response) -> list[list]:
    assert isinstance(response, FileResponse) and response.streaming
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def numbers(rows: list[list[str]]) -> list[list]:
    """Cells as numbers where they are numbers (a workbook stores 8000.00 as 8000)."""

    def cell(value: str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value

    return [[cell(v) for v in row] for row in rows]


def counting(monkeypatch, module, name) -> list[int]:
    """Record how many items each call of module.name was given."""
    sizes = []
    real = getattr(module, name)

    def wrapped(*args, **kwargs):
        items = [a for a in args if isinstance(a, list)] or [list(next(iter(args[1:]), []))]
        sizes.append(len(items[0]))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapped)
    return sizes


# --- Partner health ------------------------------------------------------------------


@pytest.fixture
def world(staff):
    return build_world(staff=staff)


HEALTH_VIEWS = [
    {},
    {"sort": "name"},
    {"sort": "-name"},
    {"sort": "stage"},
    {"level": "amber"},
    {"level": "red", "sort": "-name"},
]


@pytest.mark.parametrize("params", HEALTH_VIEWS)
def test_the_health_export_streams_the_pages_rows_in_its_order(client_for, manager, world, params):
    client = client_for(manager)
    page = client.get(reverse("partner_health"), params).context["page"]
    expected = as_csv(page.paginator.object_list, HEALTH_COLUMNS)
    assert len(expected) > 1
    assert read_csv(client.get(reverse("partner_health"), {**params, "export": "csv"})) == expected
    assert numbers(read_xlsx(client.get(reverse("partner_health"), {**params, "export": "xlsx"}))) == numbers(expected)


@pytest.mark.parametrize(("sort", "passes"), [("name", 1), ("level", 3)])
def test_the_health_export_rates_a_chunk_of_partners_at_a_time(monkeypatch, client_for, staff, world, sort, passes):
    monkeypatch.setattr(exports, "CHUNK", 2)
    rated = counting(monkeypatch, dashboard, "health_as_seen_by")
    response = client_for(staff).get(reverse("partner_health"), {"sort": sort, "export": "csv"})
    assert rated == []  # nothing is read until the export is
    rows = read_csv(response)[1:]
    assert max(rated) <= 2
    # Red first reads the partners once for each level (red, amber, green).
    assert sum(rated) == passes * len(rows) == passes * dashboard.watched_partners().count()


# --- Funding leverage ----------------------------------------------------------------


@pytest.mark.usefixtures("worked_example")
def test_the_leverage_export_streams_each_years_partners_as_it_reaches_them(monkeypatch, client_for, staff):
    expected_rows = []
    for year in leverage.leverage_by_year(today_year=AcademicYear(2026)):
        expected_rows.append((year.year.label, "All partners", year.total))
        expected_rows += [(year.year.label, name, figures) for _, name, figures in year.partners]
    expected = as_csv(expected_rows, LEVERAGE_COLUMNS)
    assert [row[:2] for row in expected[1:]] == [
        ["2026/27", "All partners"],
        ["2026/27", "Partner A Music"],
        ["2026/27", "Partner B Strings"],
        ["2025/26", "All partners"],
        ["2025/26", "Partner A Music"],
        ["2025/26", "Partner B Strings"],
        ["2024/25", "All partners"],
        ["2024/25", "Partner A Music"],
    ]
    client = client_for(staff)
    assert numbers(read_xlsx(client.get(reverse("leverage"), {"export": "xlsx"}))) == numbers(expected)
    read = []
    real = leverage.partners_in_year
    monkeypatch.setattr(leverage, "partners_in_year", lambda year: read.append(year) or real(year))
    response = client.get(reverse("leverage"), {"export": "csv"})
    assert read == []  # each year's partners are read only as the export reaches them
    assert read_csv(response) == expected
    assert read == [2026, 2025, 2024]


@pytest.mark.usefixtures("worked_example")
def test_a_years_partners_are_read_in_chunks(monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 1)
    chunk_sizes = []
    real_iterator = leverage.Partner.objects.none().__class__.iterator

    def iterator(self, chunk_size=None):
        chunk_sizes.append(chunk_size)
        return real_iterator(self, chunk_size=chunk_size)

    monkeypatch.setattr(leverage.Partner.objects.none().__class__, "iterator", iterator)
    assert [name for _, name, _ in leverage.partners_in_year(2025)] == ["Partner A Music", "Partner B Strings"]
    assert chunk_sizes == [1]


# --- From need to impact --------------------------------------------------------------


def test_the_impact_export_traces_a_chunk_of_gaps_at_a_time(monkeypatch, client_for, staff, partner_a, partner_b):
    traced_gap(partner_a, staff)
    traced_gap(partner_b, staff, title="Singing in Melton", place="Melton", reach=12)
    GapFactory(title="Music technology in Harborough")
    expected = as_csv(_impact_rows(trace(ImpactFilter({}, queryset=gaps_queryset()).qs)), IMPACT_COLUMNS)
    assert len(expected) == 1 + 2 + 2 + 1  # two EOIs traced under each call, one gap with nothing
    client = client_for(staff)
    assert numbers(read_xlsx(client.get(reverse("impact"), {"export": "xlsx"}))) == numbers(expected)
    monkeypatch.setattr(reports_views, "IMPACT_CHUNK", 1)
    traced = counting(monkeypatch, reports_views, "trace")
    response = client.get(reverse("impact"), {"export": "csv"})
    assert traced == []  # nothing is traced until the export is read
    assert read_csv(response) == expected
    assert traced == [1, 1, 1]  # a gap at a time
