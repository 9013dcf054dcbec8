"""`make bench`: how fast the portal is at scale, measured, not guessed.

Against the PostgreSQL and Redis in DATABASE_URL and REDIS_URL, with the data
`seed_scale` makes, it serves the portal with gunicorn as `make serve` does and
loads each key page with wrk (10 connections, a fixed duration), and prints
one table: queries per page, latency p50 and p95, p50 as a ratio to the
trivial view `/livez` (the floor no Django page beats) and to the Django
admin's changelist of the same model where there is one. Then the reminders
sweep, an agreement PDF, the board report, and full exports of the survey
responses (seconds and peak memory). The same figures go to a JSON file so
runs can be compared.
"""

import http.client
import json
import logging
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hubportal.core.figures import figures_changed
from hubportal.devtools.bench import (
    LIVEZ,
    Page,
    admin_pairs,
    gunicorn_command,
    key_pages,
    serve_workers,
    timed_jobs,
)

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('BENCH {"p50": %d, "p95": %d, "requests": %d, "errors": %d, "non2xx": %d}\\n',
    latency:percentile(50), latency:percentile(95), summary.requests, errors, summary.errors.status))
end
"""


@dataclass
class Row:
    page: str
    path: str
    queries: int
    queries_first: int
    p50_ms: float | None
    p95_ms: float | None
    requests: int
    errors: int
    floor_ratio: float | None = None
    admin_ratio: float | None = None
    admin_p50_ms: float | None = None
    misses: str = ""  # the targets this page misses, empty when it meets them all
    alone_p50_ms: float | None = None  # sequential requests, one at a time (Command.alone)
    alone_ratio: float | None = None


# The targets, at 2,000 partners and ten years of data.
MAX_QUERIES = 25
MAX_P95_MS = 250
MAX_FLOOR_RATIO = 4
MAX_ADMIN_RATIO = 1
MAX_ALONE_RATIO = 3
ALONE_ROUNDS = 25


def dash(value) -> str:
    return "—" if value is None else str(value)


def first_look(row) -> str:
    """The first request after a change fills the figures cache (hubportal.core.figures)."""
    return f" ({row.queries_first})" if row.queries_first != row.queries else ""


class Command(BaseCommand):
    help = "Benchmark the key pages, the reminders sweep, PDFs and exports (PostgreSQL and Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=int, default=10, help="Seconds of load per page.")
        parser.add_argument("--connections", type=int, default=10, help="Concurrent users.")
        parser.add_argument("--workers", type=int, default=serve_workers(), help="gunicorn workers (WEB_CONCURRENCY).")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--json", default=str(Path(settings.BASE_DIR) / "var" / "bench-results.json"))
        parser.add_argument("--rounds", type=int, default=ALONE_ROUNDS, help="Sequential rounds for 'alone'.")
        parser.add_argument(
            "--scaling",
            nargs="+",
            metavar="JSON",
            help="Print each page's p50 at the sizes of these earlier runs' JSON files, and stop.",
        )

    def handle(self, *args, duration, connections, workers, port, json: str, rounds, scaling=None, **options):
        if scaling:
            self.stdout.write(scaling_table([Path(p) for p in scaling]))
            return
        if connection.vendor != "postgresql" or not settings.REDIS_URL:
            raise CommandError("make bench measures production's parts: set DATABASE_URL (PostgreSQL) and REDIS_URL.")
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed: apt-get install wrk (make bench does this).")
        # Only the table on stdout: the benchmark's own logins and PDFs would
        # log every step at INFO. The server it starts keeps make serve's level.
        logging.getLogger().setLevel(logging.WARNING)
        pages = key_pages()
        self.load_before = os.getloadavg()
        base = f"http://127.0.0.1:{port}"
        server = self.start_server(port, workers)
        self.cookies: dict[str, str] = {}
        try:
            rows = [self.measure(page, base, duration, connections) for page in pages]
            alone = self.alone(pages, port, rounds)
        finally:
            server.terminate()
            server.wait(timeout=30)
        floor = next(r for r in rows if r.page == LIVEZ)
        by_label = {r.page: r for r in rows}
        pairs = admin_pairs(pages)
        for row in rows:
            row.floor_ratio = round(row.p50_ms / floor.p50_ms, 2) if row.p50_ms and floor.p50_ms else None
            row.alone_p50_ms = alone.get(row.page)
            if row.alone_p50_ms and alone.get(LIVEZ):
                row.alone_ratio = round(row.alone_p50_ms / alone[LIVEZ], 2)
            if row.page in pairs:
                admin = by_label[pairs[row.page]]
                row.admin_p50_ms = admin.p50_ms
                row.admin_ratio = round(row.p50_ms / admin.p50_ms, 2) if row.p50_ms and admin.p50_ms else None
            row.misses = self.misses(row, pages)
        self.stdout.write("  timing the jobs …")
        jobs = timed_jobs()
        self.report(rows, jobs, duration, connections, workers, Path(json))

    def start_server(self, port: int, workers: int) -> subprocess.Popen:
        """gunicorn as make serve starts it (hubportal.devtools.bench.gunicorn_command), in make serve's
        environment; its access and error logs go to var/bench-gunicorn.log, not into the table."""
        env = {
            **os.environ,
            "DEBUG": "false",
            "HTTPS": "false",
            "REQUIRE_2FA": "false",  # the benchmark's sessions are created without a second factor
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECRET_KEY": settings.SECRET_KEY,
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
        )
        log_path = Path(settings.BASE_DIR) / "var" / "bench-gunicorn.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"  gunicorn, {workers} workers, as make serve runs it (log: {log_path}) …")
        with log_path.open("w") as log:
            # The benchmark's own fixed command; nothing in it comes from a user.
            server = subprocess.Popen(  # noqa: S603
                gunicorn_command(port=port, workers=workers),
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return server
            except OSError:
                time.sleep(0.3)
        server.terminate()
        raise CommandError(f"gunicorn did not start: see {log_path}")

    @staticmethod
    def settle(timeout: float = 180) -> float:
        """Wait until the server has finished the previous page's requests; returns the seconds waited.

        wrk stops at the end of its run, but gunicorn's workers go on serving
        the requests still queued: after the admin's survey answers changelist
        (9 s a request) that is half a minute of work, and the next page would
        be measured on a busy machine. Those requests spend their time in
        PostgreSQL, so the server is idle when no other client backend of this
        database is running a query, twice in a row."""
        started = time.monotonic()
        quiet = 0
        with connection.cursor() as cursor:
            while quiet < 2 and time.monotonic() - started < timeout:
                # Inside a transaction PostgreSQL keeps showing the activity it first saw.
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()"
                )
                quiet = quiet + 1 if cursor.fetchone()[0] == 0 else 0
                time.sleep(0.25)
        return time.monotonic() - started

    def measure(self, page: Page, base: str, duration: int, connections: int) -> Row:
        waited = self.settle()
        if waited > 1:
            self.stdout.write(f"  waited {waited:.0f} s for the previous page's queued requests to finish")
        client = Client(HTTP_HOST="127.0.0.1")
        if page.user is not None:
            client.force_login(page.user)
        figures_changed()  # the first look computes every cached figure
        with CaptureQueriesContext(connection) as first:
            response = client.get(page.path)
        with CaptureQueriesContext(connection) as queries:  # as everyone after sees it, until something changes
            client.get(page.path)
        if response.status_code != 200:
            raise CommandError(f"{page.label}: {page.path} answered {response.status_code}")
        cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
        self.cookies[page.label] = cookie
        self.stdout.write(f"  loading {page.label} …")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)

        def wrk(seconds: int) -> subprocess.CompletedProcess:
            command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script.name, "--timeout", "10s"]
            if cookie:
                command += ["-H", f"Cookie: {cookie}"]
            return subprocess.run([*command, base + page.path], capture_output=True, text=True, check=True)  # noqa: S603

        wrk(2)  # warm up: every gunicorn worker has loaded its code and opened its connections
        result = wrk(duration)
        os.unlink(script.name)
        line = next(x for x in result.stdout.splitlines() if x.startswith("BENCH "))
        figures = json.loads(line[len("BENCH ") :])
        return Row(
            page=page.label,
            path=page.path,
            queries=len(queries),
            queries_first=len(first),
            # No request finished within the run: no latency to report (the page misses its targets).
            p50_ms=round(figures["p50"] / 1000, 1) if figures["requests"] else None,
            p95_ms=round(figures["p95"] / 1000, 1) if figures["requests"] else None,
            requests=figures["requests"],
            errors=figures["errors"] + figures["non2xx"],
        )

    def alone(self, pages: list[Page], port: int, rounds: int) -> dict[str, float]:
        """p50 ms of each key page (not the admin's) requested alone: one request at a time, the
        pages interleaved round after round so that a change in the machine's load falls on all
        of them alike. The issue's 'alone' column, beside wrk's 10 connections."""
        measured = [page for page in pages if not page.admin_of]
        self.settle()
        self.stdout.write(f"  {rounds} rounds of one request a page, alone …")
        times: dict[str, list[float]] = {page.label: [] for page in measured}
        for n in range(rounds + 2):
            for page in measured:
                headers = {"Host": "127.0.0.1"}
                if self.cookies.get(page.label):
                    headers["Cookie"] = self.cookies[page.label]
                started = time.perf_counter()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", page.path, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                if n >= 2:  # two rounds of warm-up
                    times[page.label].append((time.perf_counter() - started) * 1000)
                if response.status != 200:
                    raise CommandError(f"{page.label}: {page.path} answered {response.status} alone")
        return {label: round(statistics.median(ms), 1) for label, ms in times.items() if ms}

    @staticmethod
    def misses(row: Row, pages: list[Page]) -> str:
        """Which of the issue's targets a key page misses (the floor and admin pages have none)."""
        page = next(p for p in pages if p.label == row.page)
        if page.admin_of or row.page == LIVEZ:
            return ""
        missed = []
        if row.queries > MAX_QUERIES:
            missed.append(f"queries > {MAX_QUERIES}")
        if row.p95_ms is not None and row.p95_ms >= MAX_P95_MS:
            missed.append(f"p95 ≥ {MAX_P95_MS} ms")
        if row.floor_ratio is not None and row.floor_ratio > MAX_FLOOR_RATIO:
            missed.append(f"p50 > {MAX_FLOOR_RATIO}× floor")
        if row.alone_ratio is not None and row.alone_ratio > MAX_ALONE_RATIO:
            missed.append(f"alone > {MAX_ALONE_RATIO}× floor")
        if row.admin_ratio is not None and row.admin_ratio > MAX_ADMIN_RATIO:
            missed.append("slower than admin")
        if row.errors or not row.requests:
            missed.append("errors" if row.requests else "no response within the run")
        return ", ".join(missed)

    @staticmethod
    def job_verdict(job: dict) -> str:
        if job.get("seconds") is None:
            return "—"
        verdicts = []
        if job.get("target_seconds") is not None:
            limit = job["target_seconds"]
            verdicts.append(f"✓ < {limit} s" if job["seconds"] < limit else f"✗ < {limit} s")
        if job.get("target_mb") is not None:
            limit = job["target_mb"]
            verdicts.append(f"✓ < {limit} MB" if job["peak_mb"] < limit else f"✗ < {limit} MB")
        return ", ".join(verdicts) or "—"

    @staticmethod
    def machine() -> str:
        cpu = (
            next(
                (
                    line.split(":", 1)[1].strip()
                    for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")
                ),
                platform.processor() or "unknown CPU",
            )
            if Path("/proc/cpuinfo").exists()
            else platform.processor()
        )
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0].split()[0]
        return (
            f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GB RAM; Python {platform.python_version()}, "
            f"PostgreSQL {postgres}"
        )

    @staticmethod
    def partners() -> int:
        from partners.models import Partner

        return Partner.objects.count()

    @staticmethod
    def data_size() -> str:
        from agreements.models import Agreement
        from partners.models import Partner
        from surveys.models import Answer, GridCell, SurveyRequest

        counts = [
            (Partner.objects.count(), "partners"),
            (Agreement.objects.count(), "agreements"),
            (SurveyRequest.objects.count(), "survey requests"),
            (Answer.objects.count() + GridCell.objects.count(), "answers and grid cells"),
        ]
        return ", ".join(f"{n:,} {what}" for n, what in counts)

    def report(self, rows, jobs, duration, connections, workers, path: Path):
        machine = self.machine()
        data = self.data_size()
        lines = [
            f"Machine: {machine}.",
            f"Load average (1 min) before the run {self.load_before[0]:.2f}, after it {os.getloadavg()[0]:.2f}.",
            f"Data: {data}.",
            f"gunicorn {workers} workers; wrk {connections} connections, {duration} s a page.",
            "",
            "| page | queries (first look) | alone p50 ms | alone × floor "
            "| p50 ms | p95 ms | × floor | × admin | req/s | errors | targets |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for r in rows:
            admin = f"{r.admin_ratio}" if r.admin_ratio is not None else "—"
            verdict = "—" if r.page == LIVEZ or r.page.startswith("Admin") else (f"✗ {r.misses}" if r.misses else "✓")
            rate = round(r.requests / duration)
            lines.append(
                f"| {r.page} | {r.queries}{first_look(r)} | {dash(r.alone_p50_ms)} | {dash(r.alone_ratio)} "
                f"| {dash(r.p50_ms)} | {dash(r.p95_ms)} "
                f"| {dash(r.floor_ratio)} | {admin} | {rate} | {r.errors} | {verdict} |"
            )
        lines += ["", "| job | seconds | queries | peak memory MB | target | note |", "|---|---:|---:|---:|---|---|"]
        for job in jobs:
            memory = f"{job['peak_mb']:.0f}" if job.get("peak_mb") is not None else "—"
            queries = job.get("queries") if job.get("queries") is not None else "—"
            seconds = f"{job['seconds']:.2f}" if job.get("seconds") is not None else "—"
            lines.append(
                f"| {job['job']} | {seconds} | {queries} | {memory} | {self.job_verdict(job)} | {job.get('note', '')} |"
            )
        self.stdout.write("\n".join(lines))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {
                    "machine": machine,
                    "data": data,
                    "partners": self.partners(),
                    "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                    "pages": [asdict(r) for r in rows],
                    "jobs": jobs,
                },
                indent=2,
            )
        )
        self.stdout.write(self.style.SUCCESS(f"Figures written to {path}"))


def scaling_table(paths: list[Path]) -> str:
    """Each page's p50 (alone and at 10 connections) and queries at each size of data, from the
    JSON of runs on the same machine (make bench runs one a size): flat in N, for time as well
    as for queries, when each page's figures stay the same from the smallest size to the largest."""
    runs = sorted((json.loads(p.read_text()) for p in paths), key=lambda run: run.get("partners", 0))
    sizes = [f"{run.get('partners', 0):,}" for run in runs]
    header = (
        ["page"]
        + [f"alone p50 ms at {n}" for n in sizes]
        + [f"p50 ms at {n}" for n in sizes]
        + [f"queries at {n}" for n in sizes]
    )
    lines = [
        "Scaling: " + "; ".join(f"{run.get('partners', 0):,} partners ({run['data']}, {run['when']})" for run in runs),
        "",
        "| " + " | ".join(header) + " |",
        "|---|" + "---:|" * (len(header) - 1),
    ]
    by_run = [{page["page"]: page for page in run["pages"]} for run in runs]
    for label in [page["page"] for page in runs[-1]["pages"]]:
        pages = [run.get(label, {}) for run in by_run]
        cells = (
            [dash(page.get("alone_p50_ms")) for page in pages]
            + [dash(page.get("p50_ms")) for page in pages]
            + [dash(page.get("queries")) for page in pages]
        )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
