"""Pages that look across the whole partnership: partner health, funding
leverage, from need to impact, and the board report. Thin: the figures come
from hubportal.insights.dashboard, .leverage, .impact and .reports."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hubportal.core import roles
from hubportal.core.academic_years import current_academic_year
from hubportal.core.errors import ActionRefused
from hubportal.core.exports import export_format, export_rows, rows_by_chunk
from hubportal.core.history import history_for
from hubportal.core.lists import int_param, page_of, querystring
from hubportal.core.uploads import serve_private_file
from hubportal.insights.dashboard import chart, health_as_seen_by, health_rows, watched_partners
from hubportal.insights.filters import BoardReportFilter
from hubportal.insights.impact import ImpactFilter, gaps_queryset, trace
from hubportal.insights.leverage import leverage_by_year, leverage_rows
from hubportal.insights.report_forms import LEVEL_ORDER, BoardReportForm, PartnerHealthFilter
from hubportal.insights.reports import (
    board_report_content,
    board_report_request,
    can_download_board_report,
    default_term,
    is_stalled,
    report_terms,
)
from hubportal.models import BoardReport

staff_or_chair_required = roles.role_required(
    lambda user: roles.is_hub_staff(user) or roles.is_chair(user),
    "This page is for Hub staff and the Chair of the Hub Executive Board.",
)


# --- Partner health ---------------------------------------------------------------------------------------

HEALTH_COLUMNS = [
    ("Partner", lambda r: r[0].name),
    ("Stage", lambda r: r[0].get_status_display()),
    ("Type", lambda r: str(r[0].partner_type or "")),
    ("Health", lambda r: r[1].label),
    ("Reasons", lambda r: " ".join(reason.text for reason in r[1].reasons)),
]


@roles.hub_staff_required
@require_GET
def partner_health(request: HttpRequest) -> HttpResponse:
    """Partners by health (green, amber, red) with the reasons, rated in bulk."""
    found = PartnerHealthFilter(
        request.GET, queryset=watched_partners().select_related("partner_type").order_by("name")
    )
    level, sort = found.level_and_sort()
    if export_format(request):
        rows = health_rows(request.user, found.qs.distinct(), level=level, sort=sort, today=timezone.localdate())
        return export_rows(request, rows, HEALTH_COLUMNS, "partner-health")
    partners = list(found.qs.distinct())
    health = health_as_seen_by(request.user, [p.pk for p in partners], timezone.localdate())
    rows = [(p, health[p.pk]) for p in partners if not level or health[p.pk].level == level]
    sorts = {
        "level": lambda r: (LEVEL_ORDER[r[1].level], r[0].name),
        "name": lambda r: r[0].name,
        "-name": lambda r: r[0].name,
        "stage": lambda r: (r[0].get_status_display(), r[0].name),
    }
    rows.sort(key=sorts.get(sort, sorts["level"]), reverse=sort == "-name")
    return render(
        request,
        "staff/partner_health.html",
        {"filter": found, "page": page_of(request, rows), "querystring": querystring(request)},
    )


# --- Funding leverage --------------------------------------------------------------------------------------

LEVERAGE_COLUMNS = [
    ("Academic year", lambda r: r[0]),
    ("Partner", lambda r: r[1]),
    ("Hub Grant awarded", lambda r: r[2].grant),
    ("Partner-generated income", lambda r: r[2].income),
    ("Match funding", lambda r: r[2].match),
    ("Income and match funding", lambda r: r[2].brought_in),
    ("For each £1 of Hub Grant", lambda r: r[2].ratio_text),
    ("Against the 1 : 1 aim", lambda r: r[2].signal),
]
LEVERAGE_SORTS = {
    "partner": (lambda p: p[1], False),
    "grant": (lambda p: p[2].grant, True),
    "income": (lambda p: p[2].brought_in, True),
    "ratio": (lambda p: (p[2].ratio is None, p[2].ratio or 0), False),
}


@staff_or_chair_required
@require_GET
def leverage(request: HttpRequest) -> HttpResponse:
    """Hub Grant against partner income and match funding, by year, hub-wide and per partner."""
    if export_format(request):
        return export_rows(request, leverage_rows(), LEVERAGE_COLUMNS, "funding-leverage")
    years = leverage_by_year()
    chosen = int_param(request, "year", low=1900, high=2999) or current_academic_year().start_year
    selected = next((y for y in years if y.year.start_year == chosen), years[0])
    sort = request.GET.get("sort", "partner")
    key, reverse_order = LEVERAGE_SORTS.get(sort, LEVERAGE_SORTS["partner"])
    partners = sorted(selected.partners, key=key, reverse=reverse_order)
    oldest_first = years[::-1]
    return render(
        request,
        "reports/leverage.html",
        {
            "years": years,
            "selected": selected,
            "sort": sort,
            "sort_choices": [
                ("partner", "Partner, A to Z"),
                ("grant", "Hub Grant, largest first"),
                ("income", "Income and match, largest first"),
                ("ratio", "Ratio, lowest first"),
            ],
            "page": page_of(request, partners),
            "querystring": querystring(request),
            "chart": chart(
                [y.year.label for y in oldest_first],
                ("Hub Grant awarded (£)", [str(y.total.grant) for y in oldest_first]),
                ("Partner income and match funding (£)", [str(y.total.brought_in) for y in oldest_first]),
            ),
        },
    )


# --- From need to impact ---------------------------------------------------------------------------------------

IMPACT_COLUMNS = [
    ("Needs analysis", lambda r: r[0].gap.needs_analysis.year.label),
    ("Gap", lambda r: r[0].gap.title),
    ("Strand", lambda r: r[0].gap.strand.name),
    ("Districts", lambda r: ", ".join(d.name for d in r[0].gap.districts.all()) or "Hub-wide"),
    ("Priority", lambda r: r[0].gap.get_priority_display()),
    ("Provision", lambda r: r[0].provision_text),
    ("Call", lambda r: r[1].call.title if r[1] else ""),
    ("Partner", lambda r: r[2].eoi.partner.name if r[2] else ""),
    ("Expression of interest", lambda r: r[2].eoi.title if r[2] else ""),
    ("State", lambda r: r[2].eoi.get_status_display() if r[2] else ""),
    ("Hub Grant awarded", lambda r: r[2].award.amount if r[2] and r[2].award else None),
    ("Project agreement", lambda r: r[2].agreement.get_status_display() if r[2] and r[2].agreement else ""),
    ("Expected reach", lambda r: r[2].eoi.expected_reach if r[2] else None),
    ("Reported reach", lambda r: _reported(r[2]) if r[2] else None),
    ("Outcomes met", lambda r: f"{r[2].outcomes_met} of {r[2].outcomes_reported}" if r[2] and r[2].evaluation else ""),
]


# Gaps traced at a time while the export streams: each carries its calls, their
# EOIs and agreements, so a chunk is smaller than a list export's.
IMPACT_CHUNK = 100


def _reported(provision) -> int | None:
    if provision.evaluation and provision.evaluation.actual_reach:
        return provision.evaluation.actual_reach
    return provision.survey_reach or None


def _impact_rows(traces):
    for gap in traces:
        if not gap.calls:
            yield (gap, None, None)
        for call in gap.calls:
            if not call.provisions:
                yield (gap, call, None)
            for provision in call.provisions:
                yield (gap, call, provision)


@roles.hub_staff_required
@require_GET
def impact(request: HttpRequest) -> HttpResponse:
    """Each gap in provision traced to the work that answered it and what it reported."""
    found = ImpactFilter(request.GET, queryset=gaps_queryset())
    if export_format(request):
        rows = rows_by_chunk(found.qs, lambda gaps: _impact_rows(trace(gaps)), size=IMPACT_CHUNK)
        return export_rows(request, rows, IMPACT_COLUMNS, "need-to-impact")
    page = page_of(request, found.qs, 10)
    traces = trace(page.object_list)
    return render(
        request,
        "reports/impact.html",
        {
            "filter": found,
            "page": page,
            "traces": traces,
            "querystring": querystring(request),
            "unprovided": sum(1 for t in traces if t.provision != "provided"),
        },
    )


# --- The board report ----------------------------------------------------------------------------------------------


@staff_or_chair_required
@require_http_methods(["GET", "POST"])
def board_reports(request: HttpRequest) -> HttpResponse:
    """The reports made so far, and the form that prepares a new one."""
    today = timezone.localdate()
    # Its own ids (id_new_term): the filter of the reports below has a "term" field too.
    form = BoardReportForm(
        request.POST or None, terms=report_terms(today), initial_term=default_term(today), auto_id="id_new_%s"
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = board_report_request(term=form.cleaned_data["term"], actor=request.user)
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            # No "being prepared" here: a message would stay on the page beside "Ready" (the
            # progress line below it says where the report is, and updates itself).
            messages.success(request, f"You asked for the board report for {report.term}.")
            return redirect("board_report", pk=report.pk)
    reports = BoardReportFilter(request.GET, queryset=BoardReport.objects.select_related("term", "requested_by"))
    if request.method == "GET" and export_format(request):
        return export_rows(request, reports.qs, BOARD_REPORT_COLUMNS, "board-reports")
    return render(
        request,
        "reports/board_reports.html",
        {
            "form": form,
            "filter": reports,
            "page": page_of(request, reports.qs),
            "querystring": querystring(request),
        },
        status=400 if request.method == "POST" else 200,
    )


BOARD_REPORT_COLUMNS = [
    ("Term", lambda r: str(r.term)),
    ("State", lambda r: r.get_status_display()),
    ("Asked for", lambda r: r.requested_at),
    ("Asked for by", lambda r: str(r.requested_by)),
    ("Finished", lambda r: r.finished_at),
]


@staff_or_chair_required
@require_GET
def board_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(BoardReport.objects.select_related("term", "requested_by"), pk=pk)
    return render(
        request,
        "reports/board_report.html",
        {"report": report, "stalled": is_stalled(report), "history": history_for(report).select_related("actor")},
    )


@staff_or_chair_required
@require_GET
def board_report_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's pages on screen, from today's figures for its term (the same
    template as the PDF's body), to read before or without downloading."""
    report = get_object_or_404(BoardReport.objects.select_related("term", "requested_by"), pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "reports/board_report_preview.html",
        {"report": report, **board_report_content(report.term, today)},
    )


def status_payload(report: BoardReport) -> dict:
    done = report.status == BoardReport.Status.DONE
    return {
        "status": report.status,
        "label": report.get_status_display(),
        "progress": report.progress,
        "step": report.step,
        "finished": report.is_finished,
        "pdf": reverse("board_report_pdf", args=[report.pk]) if done else "",
        "xlsx": reverse("board_report_xlsx", args=[report.pk]) if done else "",
    }


@staff_or_chair_required
@require_GET
def board_report_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled by static/js/dashboard.js while the report is prepared."""
    report = get_object_or_404(BoardReport, pk=pk)
    return JsonResponse(status_payload(report))


def _download(request: HttpRequest, pk: int, field: str, extension: str) -> HttpResponse:
    report = get_object_or_404(BoardReport.objects.select_related("term"), pk=pk)
    if not can_download_board_report(request.user, report) or not getattr(report, field):
        raise Http404("This report is not ready yet.")
    return serve_private_file(getattr(report, field), f"{report.filename_stem}.{extension}")


@staff_or_chair_required
@require_GET
def board_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, "pdf", "pdf")


@staff_or_chair_required
@require_GET
def board_report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, "xlsx", "xlsx")
