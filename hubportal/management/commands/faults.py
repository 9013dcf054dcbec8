"""`make faults`: what the portal does when its parts fail, measured (issue 25).

Against the PostgreSQL in DATABASE_URL and a redis-server of its own (REDIS_URL
points at it; it must be a port no one else uses, never the shared 6379), it
runs the portal as `make serve` does (gunicorn, a Celery worker, beat) and:

1. stops Redis for ten seconds while the public makes complaints and enquiries,
   someone signs in, a partner opens the portal and staff open the dashboard
   and the partner list; then starts it again and waits until every email from
   those ten seconds has gone, once;
2. kills the Celery worker's pool process mid-way through a board report
   (Celery redelivers the task) and waits for the report to finish;
3. kills the whole Celery worker (every process) mid-way through another, starts
   a new one, and waits for the report to finish with no one pressing a button.

It prints what each request answered and what was saved or sent, and exits
non-zero if anything was lost or answered with an error.
"""

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from uuid import uuid4

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from complaints.models import Complaint
from hubportal.core.history import history_for
from hubportal.devtools.bench import gunicorn_command
from hubportal.devtools.demo import DEMO_PASSWORD
from hubportal.insights.reports import default_term
from hubportal.models import BoardReport, OutboundEmail
from partners.models import District, Partner

OUTAGE_SECONDS = 10
PATIENCE = 300  # seconds to wait for an email or a report before calling it lost


class Browser:
    """A person with a browser: cookies, a CSRF token from each form, redirects followed."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        return self._open(self._request(path))

    def post(self, path: str, data: dict) -> tuple[int, str]:
        status, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            return status, page
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token.group(1)}, doseq=True).encode()
        return self._open(self._request(path, body))

    def _request(self, path: str, body: bytes | None = None) -> urllib.request.Request:
        # Always http://127.0.0.1:<port> (self.base): the command's own server.
        return urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})  # noqa: S310

    # Seconds each HTTP request took (a form is two: its page, then the POST).
    timings: list[float] = []

    def _open(self, request) -> tuple[int, str]:
        started = time.monotonic()
        try:
            return self._read(request)
        finally:
            Browser.timings.append(time.monotonic() - started)

    def _read(self, request) -> tuple[int, str]:
        try:
            # Only http://127.0.0.1 (self.base): the command's own server.
            with self.opener.open(request, timeout=60) as response:  # noqa: S310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except OSError as error:
            return 0, str(error)


def wait_until(condition, seconds: float, step: float = 0.2) -> float | None:
    """Seconds until condition() held, or None if it never did within seconds."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(step)
    return None


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


class Command(BaseCommand):
    help = "Stop Redis and kill workers under a make serve-like stack; report what was lost (nothing, we hope)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8102, help="Where gunicorn listens.")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers.")

    def handle(self, *args, port: int, workers: int, **options):
        if connection.vendor != "postgresql":
            raise CommandError("make faults runs production's parts: set DATABASE_URL=postgres://...")
        redis_url = urllib.parse.urlparse(settings.REDIS_URL or "")
        if redis_url.hostname not in ("127.0.0.1", "localhost") or not redis_url.port or redis_url.port == 6379:
            raise CommandError("make faults stops its own Redis: set REDIS_URL=redis://127.0.0.1:<a port of yours>/0.")
        self.redis_port = redis_url.port
        self.var = Path(settings.BASE_DIR) / "var" / "faults"
        self.var.mkdir(parents=True, exist_ok=True)
        self.failures: list[str] = []
        self.processes: dict[str, subprocess.Popen] = {}
        self.base = f"http://127.0.0.1:{port}"
        self.start_redis()
        try:
            # With its Redis up, so seeding queues its emails rather than waiting on a dead broker.
            call_command("migrate", interactive=False, verbosity=0)
            call_command("seed_demo", force=True, stdout=self.stdout)
            self.start("gunicorn", gunicorn_command(port=port, workers=workers))
            self.start_worker()
            self.start(
                "beat",
                [
                    self._celery(),
                    "-A",
                    "hubportal",
                    "beat",
                    "--loglevel=INFO",
                    "--schedule",
                    str(self.var / "beat-schedule"),
                ],
            )
            if wait_until(lambda: listening(port), 60) is None:
                raise CommandError(f"gunicorn did not start: see {self.var / 'gunicorn.log'}")
            self.redis_outage()
            self.report_with_a_killed_pool_process()
            self.report_with_the_whole_worker_killed()
        finally:
            for process in self.processes.values():
                self._stop(process)
            self.stop_redis()
        if self.failures:
            raise CommandError("Lost or refused: " + "; ".join(self.failures))
        self.stdout.write(self.style.SUCCESS("Nothing lost, no committed action answered with an error."))

    # --- the parts ----------------------------------------------------------------------------

    def _celery(self) -> str:
        return str(Path(sys.executable).with_name("celery"))

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (self.var / f"{name}.log").open("a")
        # A fixed command of this command's own; its own session, so killing it kills its children.
        process = subprocess.Popen(  # noqa: S603
            command, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes[name] = process
        return process

    def start_worker(self) -> subprocess.Popen:
        log = self.var / "worker.log"
        seen = log.stat().st_size if log.exists() else 0
        worker = self.start(
            "worker", [self._celery(), "-A", "hubportal", "worker", "--concurrency=2", "--loglevel=INFO"]
        )
        self.say("  waiting for the Celery worker …")
        if wait_until(lambda: "ready." in log.read_text()[seen:], 120) is None:
            raise CommandError(f"the Celery worker did not start: see {self.var / 'worker.log'}")
        return worker

    def _stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(  # noqa: S603 - redis-server on the port REDIS_URL names
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.var),
                "--save",
                "",
                "--appendonly",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if wait_until(lambda: listening(self.redis_port), 30) is None:
            raise CommandError(f"redis-server did not start on port {self.redis_port}")

    def stop_redis(self) -> None:
        if self.redis.poll() is None:
            self.redis.terminate()
            self.redis.wait(timeout=30)

    def say(self, text: str) -> None:
        self.stdout.write(text)

    def verdict(self, what: str, ok: bool, detail: str = "") -> None:
        self.say(f"  {'ok  ' if ok else 'FAIL'} {what}{': ' + detail if detail else ''}")
        if not ok:
            self.failures.append(what)

    # --- 1. Redis stopped for ten seconds -------------------------------------------------------

    def redis_outage(self) -> None:
        self.say(f"1. Redis stopped for {OUTAGE_SECONDS} s while people use the portal")
        tag = uuid4().hex[:6]
        started = timezone.now()
        staff, partner = Browser(self.base), Browser(self.base)
        for browser, username in ((staff, "staff"), (partner, "partner-a")):
            status, _ = browser.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
            self.verdict(f"{username} signs in before the outage", status == 200, str(status))
        district = District.objects.order_by("pk").first()

        self.stop_redis()
        stopped = time.monotonic()
        Browser.timings.clear()
        answers = []
        for n in range(3):
            answers.append(
                (
                    "public complaint",
                    Browser(self.base).post(
                        "/complaints/new/",
                        {
                            "complainant_name": f"Faults {tag} {n}",
                            "complainant_email": f"faults-{tag}-{n}@example.org",
                            "complainant_phone": "",
                            "category": "conduct",
                            "about": "hub",
                            "partner": "",
                            "account": "A concern reported while Redis is down; it must be saved.",
                            "desired_outcome": "",
                            "website": "",
                        },
                    ),
                )
            )
        for n in range(2):
            answers.append(
                (
                    "enquiry",
                    Browser(self.base).post(
                        "/become-a-partner/",
                        {
                            "form": "organisation",
                            "name": f"Faults {tag} {n}",
                            "partner_type": "",
                            "contact_name": "Jo Bright",
                            "contact_role": "Organiser",
                            "email": f"faults-{tag}-{n}@example.org",
                            "phone": "",
                            "town": "Coalville",
                            "postcode": "LE67 3AA",
                            "website": "",
                            "districts": [district.pk],
                            "message": "We run ukulele groups.",
                            "fax_number": "",
                        },
                    ),
                )
            )
        answers.append(
            (
                "sign-in",
                Browser(self.base).post("/accounts/login/", {"username": "partner-b", "password": DEMO_PASSWORD}),
            )
        )
        answers.append(("portal home", partner.get("/portal/")))
        answers.append(("staff dashboard", staff.get("/staff/")))
        answers.append(("partner list", staff.get("/staff/partners/")))
        health_status, health = staff.get("/healthz")
        answered = time.monotonic() - stopped
        time.sleep(max(0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
        self.start_redis()
        back = time.monotonic()

        for what, (status, _) in answers:
            self.verdict(f"{what} while Redis is down", status == 200, str(status))
        timings = sorted(Browser.timings)
        self.say(
            f"  {len(timings)} HTTP requests while Redis was down, {answered:.1f} s in all: "
            f"median {timings[len(timings) // 2]:.2f} s, slowest {timings[-1]:.2f} s"
        )
        self.verdict(
            "/healthz while Redis is down says the cache is down",
            health_status == 200 and json.loads(health).get("cache") == "unreachable",
            health,
        )
        complaints = Complaint.objects.filter(complainant_name__startswith=f"Faults {tag}").count()
        enquiries = Partner.objects.filter(name__startswith=f"Faults {tag}").count()
        self.verdict("complaints saved", complaints == 3, f"{complaints} of 3")
        self.verdict("enquiries saved", enquiries == 2, f"{enquiries} of 2")
        emails = OutboundEmail.objects.filter(created_at__gte=started)

        def all_sent() -> bool:
            return not emails.exclude(status=OutboundEmail.Status.SENT).exists()

        took = wait_until(all_sent, PATIENCE, 1)
        total = emails.count()
        once = emails.filter(status=OutboundEmail.Status.SENT, attempts=1).count()
        self.verdict(
            "every email sent, once",
            took is not None and once == total,
            f"{once} of {total}, the last {time.monotonic() - back:.0f} s after Redis returned",
        )

    # --- 2 and 3. A worker killed mid-report ------------------------------------------------------

    def _request_report(self) -> BoardReport:
        BoardReport.objects.filter(status__in=[BoardReport.Status.QUEUED, BoardReport.Status.RUNNING]).update(
            status=BoardReport.Status.FAILED, error="cleared by make faults"
        )
        staff = Browser(self.base)
        staff.post("/accounts/login/", {"username": "staff", "password": DEMO_PASSWORD})
        term = default_term(timezone.localdate())
        status, _ = staff.post("/reports/board/", {"term": term.pk})
        self.verdict("the board report is asked for", status == 200, str(status))
        return BoardReport.objects.filter(term=term).order_by("-pk").first()

    def _kill_when_running(self, report: BoardReport, kill) -> bool:
        def running() -> bool:
            return BoardReport.objects.filter(pk=report.pk, status=BoardReport.Status.RUNNING).exists()

        if wait_until(running, 120, 0.02) is None:
            self.verdict("the report started", False, BoardReport.objects.get(pk=report.pk).status)
            return False
        kill()
        report.refresh_from_db()
        if report.status != BoardReport.Status.RUNNING:
            self.say(f"  (the report was {report.status} before the kill landed; not a test of anything)")
            return False
        self.say(f"  killed at {report.progress}% ({report.step})")
        return True

    def _finished_by_itself(self, report: BoardReport, since: float, what: str) -> None:
        took = wait_until(lambda: BoardReport.objects.get(pk=report.pk).is_finished, PATIENCE, 0.5)
        report.refresh_from_db()
        # Queued again by beat (actor None) is the portal helping itself; by a person would be a button pressed.
        pressed = history_for(report).filter(action="board report queued again").exclude(actor=None).exists()
        self.verdict(
            what,
            took is not None and report.status == BoardReport.Status.DONE and not pressed,
            f"{report.status} {time.monotonic() - since:.0f} s after the worker came back",
        )

    def report_with_a_killed_pool_process(self) -> None:
        self.say("2. The worker's pool process killed mid-way through a board report")
        report = self._request_report()
        worker = self.processes["worker"]

        def kill_children() -> None:
            children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
            for pid in children:
                os.kill(int(pid), signal.SIGKILL)

        if self._kill_when_running(report, kill_children):
            self._finished_by_itself(report, time.monotonic(), "the redelivered task finishes the report")

    def report_with_the_whole_worker_killed(self) -> None:
        self.say("3. The whole Celery worker killed mid-way through a board report, then started again")
        report = self._request_report()
        worker = self.processes["worker"]
        if self._kill_when_running(report, lambda: os.killpg(worker.pid, signal.SIGKILL)):
            worker.wait(timeout=30)
            self.start_worker()
            self._finished_by_itself(report, time.monotonic(), "the report finishes with no one pressing a button")
