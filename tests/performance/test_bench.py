"""The `make bench` command's own parts that need no PostgreSQL, Redis or wrk: the gunicorn it
starts is make serve's, and its report (the table and the JSON) of given rows and jobs."""

import json
import shlex
from dataclasses import asdict, fields
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from hubportal.devtools.bench import LIVEZ, SERVE_WORKERS, Page, gunicorn_command
from hubportal.management.commands.bench import Command, Row


def serve_gunicorn() -> list[str]:
    """The arguments of the gunicorn command in the Makefile's serve target (continuations joined)."""
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text().replace("\\\n", " ")
    recipe = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    line = next(line for line in recipe.splitlines() if "bin/gunicorn " in line)
    return shlex.split(line.split("bin/gunicorn ", 1)[1])


def options(arguments: list[str]) -> dict[str, str]:
    """--name value pairs after the application."""
    rest = arguments[arguments.index("hubportal.wsgi:application") + 1 :]
    return dict(zip(rest[::2], rest[1::2], strict=True))


def test_the_bench_runs_gunicorn_with_make_serves_options():
    serve = options(serve_gunicorn())
    bench = options(gunicorn_command(port=8765, workers=SERVE_WORKERS))
    assert serve.pop("--bind") == "$(HOST):$(PORT)" and bench.pop("--bind") == "127.0.0.1:8765"
    # make serve's workers are WEB_CONCURRENCY's, 4 unless set: the bench's default is the same.
    assert serve.pop("--workers") == f"$${{WEB_CONCURRENCY:-{SERVE_WORKERS}}}"
    assert bench.pop("--workers") == str(SERVE_WORKERS)
    assert bench == serve
    assert serve["--logger-class"] == "hubportal.security.redaction.RedactingGunicornLogger"
    assert serve["--access-logfile"] == "-"


# The report ---------------------------------------------------------------------------------


def fake_rows() -> list[Row]:
    return [
        Row(page=LIVEZ, path="/livez", queries=0, queries_first=0, p50_ms=2.0, p95_ms=3.0, requests=5000, errors=0),
        Row(
            page="Staff dashboard",
            path="/staff/",
            queries=12,
            queries_first=25,
            p50_ms=10.0,
            p95_ms=300.0,
            requests=900,
            errors=0,
            floor_ratio=5.0,
            misses="p95 ≥ 250 ms, p50 > 4× floor",
            alone_p50_ms=8.0,
            alone_ratio=4.0,
        ),
        Row(
            page="Reach aggregation",
            path="/staff/monitoring/reach/",
            queries=9,
            queries_first=9,
            p50_ms=6.0,
            p95_ms=20.0,
            requests=1500,
            errors=0,
            floor_ratio=3.0,
            admin_ratio=0.5,
            admin_p50_ms=12.0,
        ),
        Row(
            page="Admin: survey answers changelist",
            path="/admin/surveys/answer/",
            queries=10,
            queries_first=10,
            p50_ms=12.0,
            p95_ms=40.0,
            requests=700,
            errors=0,
            floor_ratio=6.0,
        ),
    ]


FAKE_JOBS = [
    {"job": "Daily reminders sweep (whole data set)", "seconds": 4.5, "queries": 14, "target_seconds": 30},
    {"job": "Agreement PDF (the busiest partner's)", "seconds": 2.0, "queries": 20, "target_seconds": 1.5},
    {"job": "Board report", "seconds": None, "queries": None, "note": "not built yet"},
    {
        "job": "Every survey answer, all years, CSV",
        "seconds": 169.2,
        "queries": 440,
        "peak_mb": 120.7,
        "target_mb": 300,
        "baseline_mb": 70.8,
        "note": "388.3 MB file",
    },
]


@pytest.fixture
def report(tmp_path, monkeypatch):
    """The command's report of fake rows and jobs: (the printed lines, the JSON written)."""
    monkeypatch.setattr(Command, "machine", staticmethod(lambda: "Test CPU, 2 cores"))
    monkeypatch.setattr(Command, "data_size", staticmethod(lambda: "2,000 partners"))
    monkeypatch.setattr(Command, "partners", staticmethod(lambda: 2000))
    out = StringIO()
    command = Command(stdout=out)
    command.load_before = (0.5, 0.4, 0.3)
    path = tmp_path / "bench.json"
    command.report(fake_rows(), FAKE_JOBS, 10, 10, 4, path)
    return out.getvalue().splitlines(), json.loads(path.read_text())


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def table(lines: list[str], first_header: str) -> list[list[str]]:
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(cells(line))
    return rows


def test_the_report_prints_the_machine_the_data_and_the_load(report):
    lines, _ = report
    assert "Machine: Test CPU, 2 cores." in lines
    assert "Data: 2,000 partners." in lines
    assert "gunicorn 4 workers; wrk 10 connections, 10 s a page." in lines
    assert any(line.startswith("Load average (1 min) before the run 0.50") for line in lines)


def test_the_page_table_has_a_row_per_page_with_its_figures_and_verdict(report):
    lines, _ = report
    header, rule, *rows = table(lines, "page")
    assert header == [
        "page", "queries (first look)", "alone p50 ms", "alone × floor",
        "p50 ms", "p95 ms", "× floor", "× admin", "req/s", "errors", "targets",
    ]  # fmt: skip
    assert rule == ["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---"]
    by_page = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert list(by_page) == [r.page for r in fake_rows()]
    # The floor and the admin pages are measured, not judged.
    assert by_page[LIVEZ]["targets"] == "—" and by_page[LIVEZ]["× floor"] == "—"
    assert by_page["Admin: survey answers changelist"]["targets"] == "—"
    dashboard = by_page["Staff dashboard"]
    assert dashboard["queries (first look)"] == "12 (25)"  # the first look fills the figures cache
    assert (dashboard["p50 ms"], dashboard["p95 ms"], dashboard["× floor"], dashboard["× admin"]) == (
        "10.0", "300.0", "5.0", "—",
    )  # fmt: skip
    assert (dashboard["alone p50 ms"], dashboard["alone × floor"]) == ("8.0", "4.0")
    assert dashboard["req/s"] == "90"  # 900 requests in 10 s
    assert dashboard["targets"] == "✗ p95 ≥ 250 ms, p50 > 4× floor"
    reach = by_page["Reach aggregation"]
    assert (reach["queries (first look)"], reach["× admin"], reach["targets"]) == ("9", "0.5", "✓")


def test_the_job_table_has_seconds_queries_memory_and_the_target_met_or_missed(report):
    lines, _ = report
    header, _rule, *rows = table(lines, "job")
    assert header == ["job", "seconds", "queries", "peak memory MB", "target", "note"]
    by_job = {row[0]: row[1:] for row in rows}
    assert by_job["Daily reminders sweep (whole data set)"] == ["4.50", "14", "—", "✓ < 30 s", ""]
    assert by_job["Agreement PDF (the busiest partner's)"] == ["2.00", "20", "—", "✗ < 1.5 s", ""]
    assert by_job["Board report"] == ["—", "—", "—", "—", "not built yet"]
    assert by_job["Every survey answer, all years, CSV"] == ["169.20", "440", "121", "✓ < 300 MB", "388.3 MB file"]


def test_the_json_holds_every_figure_of_the_table(report):
    lines, written = report
    assert set(written) == {"machine", "data", "partners", "when", "max_rss_mb", "pages", "jobs"}
    assert written["machine"] == "Test CPU, 2 cores" and written["data"] == "2,000 partners"
    assert written["when"].endswith("Z")
    assert [page["page"] for page in written["pages"]] == [r.page for r in fake_rows()]
    assert set(written["pages"][0]) == {f.name for f in fields(Row)}
    assert written["pages"][1]["misses"] == "p95 ≥ 250 ms, p50 > 4× floor"
    assert written["jobs"] == FAKE_JOBS
    assert lines[-1].startswith("Figures written to ")


def test_a_page_over_3x_the_floor_alone_misses_that_target():
    pages = [Page(LIVEZ, "/livez", None), Page("Agreement list", "/staff/agreements/", None)]
    row = Row(page="Agreement list", path="/", queries=10, queries_first=10, p50_ms=9.0, p95_ms=20.0,
              requests=100, errors=0, floor_ratio=3.0, alone_ratio=3.5)  # fmt: skip
    assert Command.misses(row, pages) == "alone > 3× floor"
    row.alone_ratio = 2.9
    assert Command.misses(row, pages) == ""


def test_a_job_with_a_time_and_a_memory_target_is_judged_on_both():
    job = {"job": "Every survey answer, all years, CSV", "seconds": 70.0, "peak_mb": 120.0,
           "target_seconds": 60, "target_mb": 300}  # fmt: skip
    assert Command.job_verdict(job) == "✗ < 60 s, ✓ < 300 MB"


def test_the_scaling_table_gives_each_pages_p50_at_each_size(tmp_path):
    def run(partners: int, alone: float, p50: float) -> Path:
        path = tmp_path / f"bench-{partners}.json"
        rows = [asdict(r) for r in fake_rows()]
        for row in rows:
            row.update(alone_p50_ms=alone, p50_ms=p50)
        path.write_text(json.dumps({"partners": partners, "data": f"{partners} partners", "when": "now",
                                    "pages": rows}))  # fmt: skip
        return path

    out = StringIO()
    call_command("bench", scaling=[str(run(2000, 9.0, 30.0)), str(run(500, 8.0, 28.0))], stdout=out)
    header, _rule, *rows = table(out.getvalue().splitlines(), "page")
    assert header == ["page", "alone p50 ms at 500", "alone p50 ms at 2,000", "p50 ms at 500", "p50 ms at 2,000",
                      "queries at 500", "queries at 2,000"]  # fmt: skip
    by_page = {row[0]: row[1:] for row in rows}
    assert list(by_page) == [r.page for r in fake_rows()]
    assert by_page["Staff dashboard"] == ["8.0", "9.0", "28.0", "30.0", "12", "12"]
