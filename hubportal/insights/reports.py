"""The termly report for the Hub Executive Board, as a PDF and an XLSX workbook.

Staff or the Chair ask for it (``board_report_request``); a Celery task
(``hubportal.insights.reports.generate_board_report``) builds it (``board_report_build``),
moving a progress figure the page polls, and stores both files privately.

The report holds counts and sums only: complaints are summarised by stage and
category with no names or details; partners appear by name with their health.
Charts are drawn server-side as SVG (a PDF runs no JavaScript).
"""

import logging
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from celery import shared_task
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import DatabaseError, connections, transaction
from django.db.models import Count, Q
from django.utils import timezone

from agreements.models import Agreement
from complaints.models import Complaint
from hubportal.core import roles
from hubportal.core.academic_years import AUTUMN, SPRING, SUMMER, current_academic_year
from hubportal.core.errors import ActionRefused, require
from hubportal.core.exports import xlsx_file
from hubportal.core.health import AMBER, LABELS, RED, health_for
from hubportal.core.history import record
from hubportal.core.pdf import render_pdf
from hubportal.core.queue import enqueue_on_commit
from hubportal.insights.dashboard import (
    FUNNEL,
    HEALTH_LEVELS,
    REQUEST_STATES,
    partners_by_stage,
    watched_partners,
)
from hubportal.insights.leverage import leverage_by_year
from hubportal.models import BoardReport, Term
from partners.models import Partner
from surveys import aggregates, codes
from surveys.models import SurveyRequest, SurveyRound
from surveys.selectors import return_timing

logger = logging.getLogger(__name__)
TERM_ORDER = {AUTUMN: 0, SPRING: 1, SUMMER: 2}
# A run says it is alive this often (a thread beside the build, and each step)...
HEARTBEAT_SECONDS = 5
# ...so a running report whose heartbeat is this old belongs to a worker that
# died (six beats missed). With beat's requeue every 30 s, a report whose
# worker died is queued again within a minute.
STALE_RUN = timedelta(seconds=30)
# A report still queued this long after it was asked for never reached a worker.
STALE_QUEUE = timedelta(minutes=5)
# The PDF names at most this many partners needing attention (red first, then amber, by name);
# the workbook has every partner. Laying out a table row takes WeasyPrint about 12 ms: 1,300
# rows at 2,000 partners made a 150-page PDF that took 15 of the report's 21 seconds.
ATTENTION_ROWS = 60


# --- Who may -------------------------------------------------------------------------------------


def can_request_board_report(user) -> bool:
    """Hub staff and the Chair of the Hub Executive Board."""
    return roles.is_hub_staff(user) or roles.is_chair(user)


def can_download_board_report(user, report: BoardReport) -> bool:
    return can_request_board_report(user) and report.status == BoardReport.Status.DONE


def report_terms(today: date) -> list[Term]:
    """Terms a report may cover: those begun, newest first (this year's terms
    are created with the usual dates if the Hub has not set them yet)."""
    terms = list(Term.objects.filter(starts_on__lte=today).order_by("-starts_on")[:9])
    if not terms:
        terms = [t for t in Term.for_year(current_academic_year()) if t.starts_on <= today][::-1]
    return terms


def default_term(today: date) -> Term | None:
    """The board reports on the last term that has ended (the current one
    before any has)."""
    terms = report_terms(today)
    ended = [t for t in terms if t.ends_on < today]
    return (ended or terms or [None])[0]


# --- Asking for one, and building it --------------------------------------------------------------


@transaction.atomic
def board_report_request(*, term: Term, actor) -> BoardReport:
    """Queue a new board report for the term; the task builds it after commit.
    A report for the term that never started (the broker was down, or the
    worker died) is queued again instead of refused."""

    require(can_request_board_report(actor), "Only Hub staff and the Chair can prepare the board report.")
    busy = BoardReport.objects.select_for_update().filter(
        term=term, status__in=[BoardReport.Status.QUEUED, BoardReport.Status.RUNNING]
    )
    for report in busy:
        if not is_stalled(report):
            raise ActionRefused(
                f"A report for {term} is already being prepared. Wait for it to finish, then download it below."
            )
        _queue_again(report, actor=actor, note=str(term))
        return report
    report = BoardReport.objects.create(term=term, requested_by=actor, step="Waiting for the report service to start")
    record(report, actor=actor, action="board report requested", note=str(term))
    enqueue_on_commit(generate_board_report, report.pk)
    return report


def _queue_again(report: BoardReport, *, actor, note: str) -> None:

    report.status, report.progress, report.step = BoardReport.Status.QUEUED, 0, "Queued again"
    report.requested_at, report.started_at = timezone.now(), None
    report.save(update_fields=["status", "progress", "step", "requested_at", "started_at"])
    record(report, actor=actor, action="board report queued again", note=note)
    enqueue_on_commit(generate_board_report, report.pk)


@transaction.atomic
def requeue_stalled() -> int:
    """Queue again each report whose worker died or that never reached one
    (beat, every minute): it then finishes by itself as soon as a worker
    takes it, with no one pressing "Start preparing it again". A report
    queued again waits STALE_QUEUE before it is queued once more."""
    busy = (
        BoardReport.objects.select_for_update(skip_locked=True)
        .select_related("term")
        .filter(status__in=[BoardReport.Status.QUEUED, BoardReport.Status.RUNNING])
    )
    stalled = [report for report in busy if is_stalled(report)]
    for report in stalled:
        _queue_again(report, actor=None, note=f"{report.term}: no worker was building it")
    return len(stalled)


def is_stalled(report: BoardReport) -> bool:
    """Queued and never started within STALE_QUEUE, or running with no
    heartbeat for STALE_RUN (the worker that had it died)."""
    now = timezone.now()
    if report.status == BoardReport.Status.QUEUED:
        return report.requested_at < now - STALE_QUEUE and report.started_at is None
    if report.status == BoardReport.Status.RUNNING:
        alive_at = report.heartbeat_at or report.started_at
        return alive_at is not None and alive_at < now - STALE_RUN
    return False


def _progress(report_id: int, progress: int, step: str) -> None:
    # An UPDATE of its own (no transaction around the build), so the page's
    # polling sees each step as it happens; each step is a heartbeat too.
    BoardReport.objects.filter(pk=report_id).update(progress=progress, step=step, heartbeat_at=timezone.now())


def _claim(report_id: int, delivery: str) -> bool:
    """Claim the report for this delivery of the task: a queued one; a running
    one whose heartbeat stopped (its worker died); or a running one claimed by
    this same delivery. Celery hands a message out again only once the run
    that had it is gone (its process was lost, or the broker's
    visibility_timeout, longer than the task's hard time limit, ran out), so a
    redelivered task rebuilds at once rather than waiting for the heartbeat
    to go stale. Anything else running it is alive: leave it be."""
    now = timezone.now()
    running = Q(status=BoardReport.Status.RUNNING)
    dead = running & (Q(heartbeat_at__lt=now - STALE_RUN) | Q(heartbeat_at=None, started_at__lt=now - STALE_RUN))
    waiting = Q(status=BoardReport.Status.QUEUED) | dead
    if delivery:
        waiting |= running & Q(claimed_by=delivery)
    return bool(
        BoardReport.objects.filter(waiting, pk=report_id).update(
            status=BoardReport.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            claimed_by=delivery,
            progress=5,
            step="Gathering the figures",
            error="",
        )
    )


class _Heartbeat(threading.Thread):
    """Refresh the report's heartbeat every HEARTBEAT_SECONDS while the build
    runs, so one long step (laying out a large PDF) is not taken for a dead
    worker. It dies with its process, which is the point."""

    def __init__(self, report_id: int):
        super().__init__(name=f"board-report-{report_id}-heartbeat", daemon=True)
        self.report_id = report_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                try:
                    BoardReport.objects.filter(pk=self.report_id, status=BoardReport.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError as exc:
                    logger.warning("Board report %s: heartbeat not recorded (%s).", self.report_id, exc)
        finally:
            connections.close_all()  # this thread's own connections

    def stop(self) -> None:
        self.stopped.set()


def board_report_build(*, report_id: int, delivery: str = "", heartbeat: bool = False) -> BoardReport | None:
    """Build a queued report's XLSX and PDF. Claimed with a conditional UPDATE
    (see _claim), so a task delivered twice builds it once, and a delivery
    whose earlier run was killed builds it at once; a failure is recorded on
    the report (the page says so) rather than lost in a log. ``heartbeat``
    starts the thread that keeps the claim alive (the task does; a build in
    the request, or a test's, has nothing else to prove it alive)."""
    if not _claim(report_id, delivery):
        return None
    beat = _Heartbeat(report_id) if heartbeat else None
    if beat:
        beat.start()
    try:
        return _build(report_id)
    finally:
        if beat:
            beat.stop()


def _build(report_id: int) -> BoardReport:
    report = BoardReport.objects.select_related("term").get(pk=report_id)
    try:
        content = board_report_content(report.term, timezone.localdate())
        _progress(report.pk, 35, "Writing the workbook")
        handle = board_report_xlsx(content)
        report.xlsx.save(f"{report.filename_stem}.xlsx", File(handle), save=False)
        handle.close()
        _progress(report.pk, 60, "Laying out the PDF")
        pdf = render_pdf("pdf/board_report.html", content)
        report.pdf.save(f"{report.filename_stem}.pdf", ContentFile(pdf), save=False)
        report.headlines = {h.label: h.value for h in content["headlines"]}
        report.status = BoardReport.Status.DONE
        report.progress = 100
        report.step = "Ready to download"
        report.finished_at = timezone.now()
        report.save(update_fields=["xlsx", "pdf", "headlines", "status", "progress", "step", "finished_at"])
    except Exception as exc:
        logger.exception("Board report %s failed.", report_id)
        BoardReport.objects.filter(pk=report_id).update(
            status=BoardReport.Status.FAILED,
            step="Failed",
            error=f"{exc.__class__.__name__}: {exc}"[:1000],
            finished_at=timezone.now(),
        )
        report.refresh_from_db()
    return report


# --- What the report says ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    label: str
    value: str


def _money(value: Decimal) -> str:
    return f"£{value:,.2f}"


def svg_bars(rows: list[tuple[str, int | float]], *, width: int = 300) -> dict:
    """A horizontal bar chart's geometry, for templates/pdf/board_report.html to
    draw as SVG (label on the left, bar and value to its right)."""
    bar, gap, label_width = 14, 6, 170
    top = max([float(v) for _, v in rows] + [1])
    bars = []
    for i, (label, value) in enumerate(rows):
        length = round(float(value) / top * (width - 40), 1)
        bars.append(
            {
                "label": str(label)[:32],
                "value": value,
                "y": i * (bar + gap),
                "text_y": i * (bar + gap) + bar - 3,
                "width": max(length, 0.5),
                "value_x": label_width + length + 4,
            }
        )
    return {
        "bars": bars,
        "height": max(len(rows), 1) * (bar + gap),
        "width": label_width + width,
        "label_width": label_width,
        "bar": bar,
    }


def _round_for(term: Term) -> SurveyRound | None:
    return SurveyRound.objects.filter(term=term).first()


def _survey_completion(term: Term, today: date) -> dict:
    survey_round = _round_for(term)
    if survey_round is None:
        return {"round": None, "asked": 0, "returned": 0, "on_time": 0, "overdue": 0, "states": []}
    rows = list(SurveyRequest.objects.filter(round=survey_round).values("status", "deadline", "submitted_at"))
    by_state = Counter(r["status"] for r in rows)
    sent = [r for r in rows if r["status"] in (SurveyRequest.Status.SUBMITTED, SurveyRequest.Status.ACCEPTED)]
    timing = Counter(return_timing(**r, today=today) for r in rows)
    on_time, overdue = timing["on_time"], timing["overdue"]
    return {
        "round": survey_round,
        "asked": len(rows),
        "returned": len(sent),
        "on_time": on_time,
        "overdue": overdue,
        "states": [(SurveyRequest.Status(s).label, by_state.get(s, 0)) for s in REQUEST_STATES],
    }


def _complaints(term: Term) -> dict:
    """Counts only: no names, no details (the board sees the shape, not the cases)."""
    received = Complaint.objects.filter(received_at__date__gte=term.starts_on, received_at__date__lte=term.ends_on)
    categories = dict(received.values_list("category").annotate(n=Count("id")).values_list("category", "n"))
    stages = dict(Complaint.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    today = timezone.localdate()
    return {
        "received": sum(categories.values()),
        "by_category": [(label, categories.get(value, 0)) for value, label in Complaint.Category.choices],
        "by_stage": [(label, stages.get(value, 0)) for value, label in Complaint.Status.choices],
        "open": Complaint.objects.open().count(),
        "breached": Complaint.objects.overdue(today).count(),
        "escalated_in_term": Complaint.objects.filter(
            escalated_at__date__gte=term.starts_on, escalated_at__date__lte=term.ends_on
        ).count(),
        "decided_in_term": Complaint.objects.filter(
            decided_at__date__gte=term.starts_on, decided_at__date__lte=term.ends_on
        ).count(),
    }


def _health(today: date) -> dict:
    partners = list(watched_partners().order_by("name").values_list("pk", "name", "status"))
    health = health_for([pk for pk, _, _ in partners], today)
    rows = [
        {
            "partner": name,
            "stage": Partner.Stage(status).label,
            "level": health[pk].level,
            "label": health[pk].label,
            # Rated with no viewer: no links, and a safeguarding concern reads only as a confidential matter.
            "reasons": [r.text for r in health[pk].reasons],
        }
        for pk, name, status in partners
    ]
    rows.sort(key=lambda r: (HEALTH_LEVELS.index(r["level"]), r["partner"]))
    levels = Counter(r["level"] for r in rows)
    attention = [r for r in rows if r["level"] in (RED, AMBER)]
    return {
        "rows": rows,
        "levels": [(LABELS[level], levels.get(level, 0)) for level in HEALTH_LEVELS],
        "attention": attention[:ATTENTION_ROWS],
        "attention_more": max(len(attention) - ATTENTION_ROWS, 0),
    }


def board_report_content(term: Term, today: date) -> dict:
    """Every figure the report states, in the order it states them."""
    year = term.year
    by_stage = partners_by_stage()
    in_force = Agreement.objects.filter(status__in=Agreement.IN_FORCE).aggregate(
        partnership=Count("id", filter=Q(kind=Agreement.Kind.PARTNERSHIP)),
        project=Count("id", filter=Q(kind=Agreement.Kind.PROJECT)),
    )
    scope_year = aggregates.Scope(year=year.start_year)
    reach_term = aggregates.headline(aggregates.Scope(year=year.start_year, term=term.name))
    reach_year = aggregates.headline(scope_year)
    terms = aggregates.by_term(scope_year)
    districts = aggregates.grids(scope_year, [codes.REACH_BY_DISTRICT, codes.REACH_BY_ACTIVITY])
    surveys = _survey_completion(term, today)
    complaints = _complaints(term)
    health = _health(today)
    leverage = leverage_by_year(today_year=year)
    this_year = leverage[0]
    headlines = [
        Headline("Active partners", str(by_stage.get(Partner.Stage.ACTIVE, 0))),
        Headline("Partners in onboarding", str(sum(by_stage.get(s, 0) for s in Partner.BEFORE_ACTIVE))),
        Headline("Partnership agreements in force", str(in_force["partnership"])),
        Headline("Project agreements in force", str(in_force["project"])),
        Headline(f"Termly surveys returned for {term}", f"{surveys['returned']} of {surveys['asked']}"),
        Headline(f"Children and young people reached in {term}", str(reach_term["reach"])),
        Headline(f"Children and young people reached in {year.label} so far", str(reach_year["reach"])),
        Headline(f"Hub Grant awarded in {year.label}", _money(this_year.total.grant)),
        Headline(f"Partner income and match funding in {year.label}", _money(this_year.total.brought_in)),
        Headline(f"Leverage in {year.label} (aim 1 : 1)", this_year.total.ratio_text),
        Headline(f"Complaints received in {term}", str(complaints["received"])),
        Headline("Partners rated red, amber, green", " / ".join(str(n) for _, n in health["levels"])),
    ]
    return {
        "term": term,
        "year": year,
        "today": today,
        "headlines": headlines,
        "pipeline": [(Partner.Stage(s).label, by_stage.get(s, 0)) for s in FUNNEL],
        "surveys": surveys,
        "reach_term": reach_term,
        "reach_year": reach_year,
        "reach_terms": terms,
        "reach_districts": districts[codes.REACH_BY_DISTRICT],
        "reach_activities": districts[codes.REACH_BY_ACTIVITY],
        "complaints": complaints,
        "health": health,
        "leverage": leverage,
        # This year's partners below the 1 : 1 aim (the report says "None" when there are none).
        "below_aim": [(name, f) for _, name, f in this_year.partners if f.level == "below"],
        "charts": {
            "pipeline": svg_bars([(Partner.Stage(s).label, by_stage.get(s, 0)) for s in FUNNEL]),
            "reach_terms": svg_bars([(t["term"], t["reach"]) for t in terms]),
            "districts": svg_bars(districts[codes.REACH_BY_DISTRICT]),
            "surveys": svg_bars(surveys["states"]),
            "leverage": svg_bars([(y.year.label, float(y.total.ratio or 0)) for y in leverage]),
        },
    }


def board_report_xlsx(content: dict):
    """The workbook: one sheet per section, the same figures as the PDF."""
    leverage_rows = [
        ["Academic year", "Partner", "Hub Grant", "Partner income", "Match funding", "Ratio", "Against the aim"]
    ]
    for year in content["leverage"]:
        for name, f in [("All partners", year.total)] + [(name, f) for _, name, f in year.partners]:
            leverage_rows.append([year.year.label, name, f.grant, f.income, f.match, f.ratio_text, f.signal])
    complaints = content["complaints"]
    surveys = content["surveys"]
    sheets = {
        "Headlines": [["Measure", "Figure"], *[[h.label, h.value] for h in content["headlines"]]],
        "Partners by health": [
            ["Partner", "Stage", "Health", "Reasons"],
            *[[r["partner"], r["stage"], r["label"], " ".join(r["reasons"])] for r in content["health"]["rows"]],
        ],
        "Complaints": [
            ["Measure", "Count"],
            [f"Received in {content['term']}", complaints["received"]],
            ["Open now", complaints["open"]],
            # Complaint.objects.overdue, the dashboard's "Deadline breached": acknowledgement or response late.
            ["Past a deadline now (acknowledgement or response)", complaints["breached"]],
            [f"Escalated to the Chair in {content['term']}", complaints["escalated_in_term"]],
            [f"Decided by the Chair in {content['term']}", complaints["decided_in_term"]],
            *[[f"Received in the term: {label}", n] for label, n in complaints["by_category"]],
            *[[f"At stage: {label}", n] for label, n in complaints["by_stage"]],
        ],
        "Leverage": leverage_rows,
        "Reach": [
            ["Measure", "Category", "Children and young people"],
            ["Term", str(content["term"]), content["reach_term"]["reach"]],
            ["Year so far", content["year"].label, content["reach_year"]["reach"]],
            *[["By term", t["term"], t["reach"]] for t in content["reach_terms"]],
            *[["By district", d, n] for d, n in content["reach_districts"]],
            *[["By activity type", a, n] for a, n in content["reach_activities"]],
        ],
        "Survey completion": [
            ["Measure", "Count"],
            ["Asked", surveys["asked"]],
            ["Returned", surveys["returned"]],
            ["Returned by the deadline", surveys["on_time"]],
            ["Overdue", surveys["overdue"]],
            *[[label, n] for label, n in surveys["states"]],
        ],
        "Onboarding": [["Stage", "Partners"], *[[label, n] for label, n in content["pipeline"]]],
    }
    return xlsx_file(sheets)


# --- The tasks (names kept from before the layers: the beat schedule and queued messages use them) ---


@shared_task(
    name="hubportal.tasks.generate_board_report", bind=True, acks_late=True, soft_time_limit=300, time_limit=360
)
def generate_board_report(self, report_id: int) -> str:
    """Build a queued board report (its PDF and workbook); safe to run twice,
    and a redelivery after its worker died rebuilds it at once (the claim is
    tied to this delivery's task id: hubportal.insights.reports._claim)."""

    report = board_report_build(
        report_id=report_id, delivery=self.request.id or "", heartbeat=not self.request.is_eager
    )
    return report.status if report else "not queued"


@shared_task(name="hubportal.tasks.requeue_stalled_board_reports", acks_late=True)
def requeue_stalled_board_reports() -> int:
    """Queue again every board report whose worker died (heartbeat stopped) or
    that never reached one, so it finishes by itself once a worker is back."""

    return requeue_stalled()
