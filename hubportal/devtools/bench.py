"""What `make bench` measures: the key pages (with the Django admin changelist
each is compared with) and the timed jobs. Objects are picked from the data
`seed_scale` made: the busiest partner, the call with most EOIs, the latest
survey round."""

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hubportal.core import roles
from hubportal.devtools.scale import PREFIX
from hubportal.models import User

LIVEZ = "Trivial view (/livez)"
# The targets for the jobs.
SWEEP_SECONDS = 30
PDF_SECONDS = 1.5
EXPORT_MB = 300
BOARD_REPORT_SECONDS = 5  # issue 24
# Issue 24: every answer of ten years, read as plain values.
ALL_ANSWERS_SECONDS = {"csv": 60, "xlsx": 150}
IMPORT_SECONDS = 60  # issue 22: a 5,000-row file, previewed and confirmed
IMPORT_ROWS = 5000


# make serve's gunicorn options (the Makefile's serve target), but for the address it binds:
# the access log, the timeout and the logger that redacts tokens, so the bench loads the server
# production runs. Its workers are WEB_CONCURRENCY's (4 unless set), as make serve's are.
# tests/performance/test_bench.py checks the two stay the same.
SERVE_OPTIONS = [
    "--access-logfile",
    "-",
    "--timeout",
    "60",
    "--logger-class",
    "hubportal.security.redaction.RedactingGunicornLogger",
]
SERVE_WORKERS = 4


def serve_workers() -> int:
    return int(os.environ.get("WEB_CONCURRENCY", SERVE_WORKERS))


def gunicorn_command(*, port: int, workers: int) -> list[str]:
    """The gunicorn command line make serve runs, bound to 127.0.0.1:port."""
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    return [
        gunicorn,
        "hubportal.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        *SERVE_OPTIONS,
    ]


@dataclass
class Page:
    label: str
    path: str
    user: User | None
    admin_of: str = ""  # the label of the page whose admin changelist this is


def _user_with_role(role: str) -> User:
    """The first scale user with the role (any user with it if there are no scale data)."""
    users = User.objects.filter(groups__name=role, is_active=True).order_by("pk")
    user = users.filter(username__startswith=PREFIX).first() or users.first()
    if user is None:
        raise LookupError(f"No active user with the role {role}: run seed_scale first.")
    return user


def _admin() -> User:
    admins = User.objects.filter(is_superuser=True, is_active=True).order_by("pk")
    admin = admins.filter(username__startswith=PREFIX).first() or admins.first()
    if admin is None:
        raise LookupError("No superuser: run seed_scale first.")
    return admin


def busiest_partner_user() -> User:
    """The portal user of the active partner with the most survey requests (ten years of them)."""
    from partners.models import Partner

    partner = (
        Partner.objects.filter(status=Partner.Stage.ACTIVE, users__is_active=True)
        .annotate(requests=Count("survey_requests", distinct=True))
        .order_by("-requests", "pk")
        .first()
    )
    if partner is None:
        raise LookupError("No active partner with a portal user: run seed_scale first.")
    return partner.users.filter(is_active=True).order_by("pk").first()


def busiest_call():
    from eoi.models import Call

    call = Call.objects.annotate(n=Count("eois")).order_by("-n", "pk").first()
    if call is None:
        raise LookupError("No call for expressions of interest: run seed_scale first.")
    return call


def latest_round():
    from surveys.models import SurveyRound

    survey_round = SurveyRound.objects.order_by("-term__starts_on").first()
    if survey_round is None:
        raise LookupError("No survey round: run seed_scale first.")
    return survey_round


def busiest_district() -> int:
    from partners.models import District

    return District.objects.annotate(n=Count("partners")).order_by("-n", "pk").values_list("pk", flat=True)[0]


def key_pages() -> list[Page]:
    """The issue's key pages, each followed by the admin changelist it is compared with."""
    staff = _user_with_role(roles.STAFF)
    manager = _user_with_role(roles.MANAGER)
    chair = _user_with_role(roles.CHAIR)
    admin = _admin()
    partner_user = busiest_partner_user()
    call = busiest_call()
    survey_round = latest_round()
    district = busiest_district()
    return [
        Page(LIVEZ, "/livez", staff),
        Page("Staff dashboard", "/staff/", staff),
        Page("Partner list (active, one district)", f"/staff/partners/?stage=active&district={district}", staff),
        Page(
            "Admin: partners changelist",
            f"/admin/partners/partner/?status__exact=active&districts__id__exact={district}",
            admin,
            admin_of="Partner list (active, one district)",
        ),
        Page("Agreement list", "/staff/agreements/", staff),
        Page("Admin: agreements changelist", "/admin/agreements/agreement/", admin, admin_of="Agreement list"),
        Page("Call's EOI list", f"/staff/commissioning/calls/{call.pk}/eois/", manager),
        Page("Assessment matrix", f"/staff/commissioning/calls/{call.pk}/matrix/", manager),
        Page(
            "Admin: EOIs changelist (the call)",
            f"/admin/eoi/expressionofinterest/?call__id__exact={call.pk}",
            admin,
            admin_of="Call's EOI list",
        ),
        Page("Survey round status", f"/staff/monitoring/rounds/{survey_round.pk}/", staff),
        Page(
            "Admin: survey requests changelist (the round)",
            f"/admin/surveys/surveyrequest/?round__id__exact={survey_round.pk}",
            admin,
            admin_of="Survey round status",
        ),
        Page("Reach aggregation", "/staff/monitoring/reach/", staff),
        # The reach page adds up survey answers; without it staff would page through them here.
        Page("Admin: survey answers changelist", "/admin/surveys/answer/", admin, admin_of="Reach aggregation"),
        Page("Chair queue", "/chair/", chair),
        Page("Admin: complaints changelist", "/admin/complaints/complaint/", admin, admin_of="Chair queue"),
        Page("Partner portal home", "/portal/", partner_user),
    ]


def admin_pairs(pages: list[Page]) -> dict[str, str]:
    """Page label -> the label of its admin changelist, for the pages that have one."""
    pairs = {page.admin_of: page.label for page in pages if page.admin_of}
    # The assessment matrix lists the same EOIs as the call's EOI list.
    if "Call's EOI list" in pairs:
        pairs["Assessment matrix"] = pairs["Call's EOI list"]
    return pairs


# Jobs ------------------------------------------------------------------------


def _timed(label: str, work, **extra) -> dict:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
    row = {"job": label, "seconds": round(seconds, 3), "queries": len(queries), **extra}
    if isinstance(result, dict):
        row.update(result)
    return row


def _sweep_and_roll_back() -> dict:
    from hubportal.messaging.reminders import sweep

    with transaction.atomic():
        claimed = sweep(timezone.localdate())
        transaction.set_rollback(True)  # measure the sweep, leave the data as it was
    return {"note": f"{claimed:,} reminders due today (rolled back)"}


def _agreement_pdf() -> dict:
    """The busiest partner's agreement in force, through the real view (selector, template, WeasyPrint)."""
    from agreements.models import Agreement

    partner_user = busiest_partner_user()
    agreement = (
        Agreement.objects.filter(partner_id=partner_user.partner_id, status__in=Agreement.IN_FORCE)
        .order_by("-academic_year")
        .first()
    )
    if agreement is None:
        raise LookupError("The busiest partner has no agreement in force: run seed_scale first.")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(_user_with_role(roles.STAFF))
    response = client.get(f"/agreements/{agreement.pk}/pdf/")
    if response.status_code != 200 or not response.content.startswith(b"%PDF"):
        raise RuntimeError(f"The agreement PDF answered {response.status_code}.")
    return {"note": f"{len(response.content) // 1024} KB"}


def _board_report() -> dict:
    """The board report's figures, workbook and PDF, as its Celery task builds them (without saving files)."""
    from hubportal.core.pdf import render_pdf
    from hubportal.insights.reports import board_report_content, board_report_xlsx, default_term

    today = timezone.localdate()
    term = default_term(today)
    content = board_report_content(term, today)
    board_report_xlsx(content).close()
    pdf = render_pdf("pdf/board_report.html", content)
    return {"note": f"{term}: {len(pdf) // 1024} KB PDF"}


def import_rows_csv(count: int) -> bytes:
    """A partners file of ``count`` rows, as a Hub would fill the template."""
    import csv
    import io

    from hubportal.records_import.kinds import KINDS
    from partners.models import District

    kind = KINDS["partners"]
    district = District.objects.filter(is_active=True).values_list("name", flat=True).first() or ""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(kind.columns)
    for n in range(count):
        row = dict(zip(kind.columns, kind.examples[0], strict=True))
        row.update(reference=f"BENCH-{n:05d}", name=f"Bench partner {n:05d}", districts=district)
        row["contact_email"] = f"bench{n}@example.org"
        writer.writerow([row[c] for c in kind.columns])
    return out.getvalue().encode()


def _import_and_roll_back() -> dict:
    """Upload (preview) and confirm a 5,000-row partners file, then roll it back."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hubportal.records_import.services import import_confirm, import_upload

    content = import_rows_csv(IMPORT_ROWS)
    with transaction.atomic():
        started = time.perf_counter()
        run, preview = import_upload(
            actor=_admin(), kind_key="partners", uploaded=SimpleUploadedFile("bench.csv", content)
        )
        previewed = time.perf_counter() - started
        summary = import_confirm(run=run, actor=_admin())
        run.file.delete(save=False)
        transaction.set_rollback(True)
    return {"note": f"{summary['created']:,} rows; preview {previewed:.1f} s (rolled back)"}


def timed_jobs() -> list[dict]:
    jobs = [_timed("Daily reminders sweep (whole data set)", _sweep_and_roll_back, target_seconds=SWEEP_SECONDS)]
    jobs.append(_timed("Import records (5,000 partners)", _import_and_roll_back, target_seconds=IMPORT_SECONDS))
    jobs.append(_timed("Agreement PDF (the busiest partner's)", _agreement_pdf, target_seconds=PDF_SECONDS))
    jobs.append(_timed("Board report (figures, XLSX and PDF)", _board_report, target_seconds=BOARD_REPORT_SECONDS))
    for label, target in exports():
        job = export_in_child(label, target)
        if target.startswith(ALL_ANSWERS):
            job["target_seconds"] = ALL_ANSWERS_SECONDS[target.removeprefix(ALL_ANSWERS)]
        jobs.append(job)
    return jobs


# Exports, each in a child process so its peak memory is its own -----------------------------------


def busiest_answer_year() -> int:
    """Of the years the reach page offers (its data return takes no others), the one with most
    survey returns sent to the Hub: the biggest year of answers to export."""
    from hubportal.core.academic_years import academic_year_choices
    from surveys.aggregates import EXPORTED
    from surveys.models import SurveyRequest

    offered = [year for year, _ in academic_year_choices(back=4, ahead=0)]
    busiest = (
        SurveyRequest.objects.filter(status__in=EXPORTED, round__term__academic_year__in=offered)
        .values("round__term__academic_year")
        .annotate(n=Count("pk"))
        .order_by("-n", "-round__term__academic_year")
        .values_list("round__term__academic_year", flat=True)
        .first()
    )
    if busiest is None:
        raise LookupError("No survey returns: run seed_scale first.")
    return busiest


ALL_ANSWERS = "all-answers."  # an export target: every survey answer of every year (all_answers_response)


def exports() -> list[tuple[str, str]]:
    """(label, target) of each export measured: every survey answer of every year, CSV and XLSX,
    one year's answers as staff download them from /staff/monitoring/answers/, and the data
    return of the busiest year (paths staff download)."""
    from hubportal.core.academic_years import AcademicYear

    year = busiest_answer_year()
    label = AcademicYear(year).label
    return [
        ("Every survey answer, all years, CSV", f"{ALL_ANSWERS}csv"),
        ("Every survey answer, all years, XLSX (a sheet a year)", f"{ALL_ANSWERS}xlsx"),
        (f"Survey answers of {label}, CSV", f"/staff/monitoring/answers/?year={year}&export=csv"),
        (f"Survey answers of {label}, XLSX", f"/staff/monitoring/answers/?year={year}&export=xlsx"),
        (f"Annual data return ({label}), XLSX", f"/staff/monitoring/data-return/?year={year}"),
    ]


def all_answers_response(fmt: str, user: User):
    """Every answer partners sent, of every year, in one file, as staff download a year of them
    from /staff/monitoring/answers/ (surveys.views.answer_export): the view's rows
    (surveys.aggregates.year_answer_rows, oldest year first) and columns, through the same writers
    (hubportal.core.exports). The CSV is one stream, year after year. The XLSX has a sheet a year: one
    sheet holds at most 1,048,576 rows, fewer than ten years of answers."""
    from django.test import RequestFactory

    from hubportal.core.academic_years import AcademicYear
    from hubportal.core.exports import _rows, export_rows, xlsx_response
    from surveys import aggregates

    request = RequestFactory().get("/staff/monitoring/answers/", {"export": fmt})
    request.user = user
    columns = [(header, itemgetter(i)) for i, header in enumerate(aggregates.ANSWER_HEADERS)]
    years = sorted(aggregates.answer_years())
    if fmt == "csv":
        rows = chain.from_iterable(aggregates.year_answer_rows(year) for year in years)
        return export_rows(request, rows, columns, "survey-answers-all-years")
    # Each sheet's rows are read only when openpyxl writes that sheet: one year in memory at most.
    sheets = {
        AcademicYear(year).label.replace("/", "-"): _rows(aggregates.year_answer_rows(year), columns) for year in years
    }
    return xlsx_response(sheets, "survey-answers-all-years.xlsx")


def _memory_mb(key: str) -> float:
    """VmHWM (peak) or VmRSS (now) of this process. Unlike ru_maxrss, the peak
    starts afresh at exec, so the child does not inherit the parent's."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_child(target: str) -> dict:
    """Run in the child: download ``target`` (a path, or every answer of every year) as a staff
    user, reading the whole body, and report."""
    staff = _user_with_role(roles.STAFF)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(staff)
    before = _memory_mb("VmRSS")
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        if target.startswith(ALL_ANSWERS):
            response = all_answers_response(target.removeprefix(ALL_ANSWERS), staff)
        else:
            response = client.get(target)
        size = 0
        if response.streaming:
            for chunk in response.streaming_content:
                size += len(chunk)
        else:
            size = len(response.content)
        seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{target} answered {response.status_code}")
    return {
        "seconds": round(seconds, 3),
        "queries": len(queries),
        "peak_mb": round(_memory_mb("VmHWM"), 1),
        "target_mb": EXPORT_MB,
        "baseline_mb": round(before, 1),
        "note": f"{size / 1024 / 1024:.1f} MB file",
    }


CHILD = """
import json, sys, django
django.setup()
from hubportal.devtools.bench import export_child
print("BENCH " + json.dumps(export_child(sys.argv[1])))
"""


def export_in_child(label: str, target: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "hubportal.settings")}
    # The benchmark's own fixed command; nothing in it comes from a user.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHILD, target],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"{label} failed: {result.stderr[-2000:]}")
    return {"job": label, **json.loads(line[len("BENCH ") :])}
