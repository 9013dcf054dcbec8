"""The board report: queued on commit, built by the Celery task (eager in
tests) into a PDF and an XLSX holding the same headline numbers; progress
polled as JSON; downloadable by staff and the Chair only."""

import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from hubportal.core.pdf import render_html
from hubportal.insights.dashboard import staff_dashboard
from hubportal.insights.reports import (
    board_report_build,
    board_report_content,
    board_report_request,
    default_term,
    generate_board_report,
)
from hubportal.models import BoardReport
from tests.agreements.factories import AgreementFactory
from tests.hubportal.dashboard_world import TODAY, at, build_world
from tests.surveys.factories import current_term, income

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(TODAY), tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def world(staff, partner_a):
    records = build_world(staff=staff)
    AgreementFactory(partner=partner_a, project=True, hub_contribution=Decimal("4000.00"))
    income(partner_a, "1234.56", recorded_by=staff)
    return records


def request_and_run(user, django_capture_on_commit_callbacks):
    # The term under way (the form offers the last term ended by default).
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = board_report_request(term=current_term(), actor=user)
    # The task is queued once the request commits (beside dropping the cached dashboard figures).
    assert [c for c in callbacks if getattr(c, "args", ())[:1] == (generate_board_report,)]
    report.refresh_from_db()
    return report


def pdf_text(report) -> str:
    with report.pdf.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def workbook(report):
    with report.xlsx.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


def test_the_task_produces_a_pdf_and_a_workbook_with_the_same_headline_numbers(
    staff, world, django_capture_on_commit_callbacks
):
    report = request_and_run(staff, django_capture_on_commit_callbacks)
    assert report.status == BoardReport.Status.DONE and report.progress == 100
    headlines = report.headlines
    # The figures from the fixture: 5 active partners (4 and partner A), the grant and income this year.
    assert headlines["Active partners"] == "5"
    assert headlines["Partnership agreements in force"] == "3"
    assert headlines[f"Hub Grant awarded in {report.term.year.label}"] == "£9,000.00"
    # (1,234.56 income + 10,000 match) / 9,000 of grant = 1.248, rounded down.
    assert headlines[f"Leverage in {report.term.year.label} (aim 1 : 1)"] == "1.24 : 1"

    text = " ".join(pdf_text(report).split())
    for label, value in headlines.items():
        assert " ".join(label.split()) in text
        assert value in text
    sheet = workbook(report)["Headlines"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows == headlines
    assert set(workbook(report).sheetnames) >= {
        "Headlines",
        "Partners by health",
        "Complaints",
        "Leverage",
        "Reach",
        "Survey completion",
    }


def test_the_workbooks_other_sheets_hold_the_same_figures_as_the_pdf(staff, world, django_capture_on_commit_callbacks):
    report = request_and_run(staff, django_capture_on_commit_callbacks)
    book = workbook(report)
    leverage = list(book["Leverage"].iter_rows(min_row=2, values_only=True))
    this_year = next(r for r in leverage if r[0] == report.term.year.label and r[1] == "All partners")
    assert this_year[2:6] == (9000, 1234.56, 10000, "1.24 : 1")
    health = {r[0]: r[2] for r in book["Partners by health"].iter_rows(min_row=2, values_only=True)}
    assert health["Active 2"] == "Red"
    text = pdf_text(report)
    assert "Active 2" in text


def test_the_report_has_no_personal_details_of_complaints(staff, world, django_capture_on_commit_callbacks):
    from complaints.models import Complaint

    report = request_and_run(staff, django_capture_on_commit_callbacks)
    text = pdf_text(report)
    book = workbook(report)
    cells = " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c)
    for complaint in Complaint.objects.all():
        for detail in [complaint.complainant_name, complaint.complainant_email, complaint.reference, complaint.account]:
            assert detail not in text
            assert detail not in cells


def test_a_task_delivered_twice_builds_the_report_once(staff, world, django_capture_on_commit_callbacks):
    report = request_and_run(staff, django_capture_on_commit_callbacks)
    first = report.pdf.name
    assert generate_board_report(report.pk) == "not queued"
    report.refresh_from_db()
    assert report.pdf.name == first


def test_a_failure_is_recorded_on_the_report(staff, world, monkeypatch):
    report = BoardReport.objects.create(term=default_term(TODAY), requested_by=staff)

    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr("hubportal.insights.reports.render_pdf", broken)
    board_report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == BoardReport.Status.FAILED
    assert "no fonts" in report.error


def test_the_page_queues_the_report_then_shows_its_progress_and_downloads(
    client_for, chair, world, django_capture_on_commit_callbacks
):
    client = client_for(chair)
    page = client.get(reverse("board_reports"))
    assert page.status_code == 200
    term = page.context["form"].fields["term"].initial
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("board_reports"), {"term": term})
    report = BoardReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("board_report", args=[report.pk])
    status = client.get(reverse("board_report_status", args=[report.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100 and status["finished"]
    assert status["pdf"] == reverse("board_report_pdf", args=[report.pk])
    pdf = client.get(status["pdf"])
    assert pdf.status_code == 200 and pdf["Content-Disposition"].startswith("attachment")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = client.get(status["xlsx"])
    assert xlsx.status_code == 200
    detail = client.get(reverse("board_report", args=[report.pk])).content.decode()
    assert "Download the PDF" in detail and "data-report-status" not in detail


def test_a_queued_report_shows_a_progress_bar_that_polls(client_for, staff, world):
    report = BoardReport.objects.create(term=default_term(TODAY), requested_by=staff, progress=35, step="Writing")
    html = client_for(staff).get(reverse("board_report", args=[report.pk])).content.decode()
    assert f'data-report-status="{reverse("board_report_status", args=[report.pk])}"' in html
    assert '<progress id="report-progress"' in html and 'value="35"' in html
    status = client_for(staff).get(reverse("board_report_status", args=[report.pk])).json()
    assert status == {
        "status": "queued",
        "label": "Waiting to start",
        "progress": 35,
        "step": "Writing",
        "finished": False,
        "pdf": "",
        "xlsx": "",
    }
    assert client_for(staff).get(reverse("board_report_pdf", args=[report.pk])).status_code == 404


def test_a_second_request_for_a_term_in_progress_is_refused_with_the_form(client_for, staff, world):
    term = default_term(TODAY)
    BoardReport.objects.create(term=term, requested_by=staff)
    response = client_for(staff).post(reverse("board_reports"), {"term": term.pk})
    assert response.status_code == 400
    assert "already being prepared" in response.content.decode()
    assert BoardReport.objects.count() == 1


def test_only_staff_and_the_chair_may_prepare_or_download(client_for, assessor, partner_a_user, staff, world):
    report = BoardReport.objects.create(term=default_term(TODAY), requested_by=staff, status=BoardReport.Status.DONE)
    for user in (assessor, partner_a_user):
        client = client_for(user)
        assert client.get(reverse("board_reports")).status_code == 403
        assert client.post(reverse("board_reports"), {"term": report.term.pk}).status_code == 403
        assert client.get(reverse("board_report_pdf", args=[report.pk])).status_code == 403
    assert client_for(staff).put(reverse("board_reports")).status_code == 405


def test_the_pdf_lists_only_partners_needing_attention_and_the_workbook_every_partner(
    staff, world, django_capture_on_commit_callbacks
):
    report = request_and_run(staff, django_capture_on_commit_callbacks)
    by_health = {r[0]: r[2] for r in workbook(report)["Partners by health"].iter_rows(min_row=2, values_only=True)}
    green = [name for name, level in by_health.items() if level == "Green"]
    attention = [name for name, level in by_health.items() if level != "Green"]
    assert green and attention, "the fixture needs both kinds"
    section = " ".join(pdf_text(report).split()).split("Partners needing attention")[1].split("Complaints summary")[0]
    assert all(name in section for name in attention)
    assert not [name for name in green if name in section]


def test_the_pdf_names_at_most_attention_rows_partners_and_counts_the_rest(
    staff, world, django_capture_on_commit_callbacks, monkeypatch
):
    """A bounded PDF at any number of partners: the rest are counted, and are in the workbook."""
    from hubportal.insights import reports

    content = board_report_content(current_term(), TODAY)
    attention = [r["partner"] for r in content["health"]["rows"] if r["level"] != "green"]
    assert len(attention) >= 2, "the fixture needs two partners needing attention"
    monkeypatch.setattr(reports, "ATTENTION_ROWS", 1)
    content = board_report_content(current_term(), TODAY)
    assert [r["partner"] for r in content["health"]["attention"]] == attention[:1]
    html = " ".join(render_html("pdf/board_report.html", content).split())
    section = html.split("Partners needing attention")[1].split("Complaints summary")[0]
    assert attention[0] in section and attention[1] not in section
    more = len(attention) - 1
    assert f"And {more} more partner{'s' if more > 1 else ''} rated red or amber" in section


def chart_bars(html: str) -> dict[str, dict[str, float]]:
    """Each bar chart the report draws, by its accessible name: the width of each labelled bar."""
    charts = {}
    for name, body in re.findall(r'<svg [^>]*aria-label="([^"]+)"[^>]*>(.*?)</svg>', html, re.S):
        bars = re.findall(r'<text x="0"[^>]*>([^<]*)</text><rect [^>]*width="([0-9.]+)"', body)
        if bars:
            charts[name] = {label: float(width) for label, width in bars}
    return charts


def test_the_pdf_draws_bar_charts_whose_bars_are_as_long_as_their_figures(
    staff, world, django_capture_on_commit_callbacks
):
    charts = chart_bars(render_html("pdf/board_report.html", board_report_content(current_term(), TODAY)))
    by_term, by_district = (
        "Children and young people reached, by term",
        "Children and young people reached, by district",
    )
    assert {by_term, by_district, "Survey requests by state", "Partners at each stage"} <= set(charts)
    assert all(width > 0 for bars in charts.values() for width in bars.values())
    # Autumn's 42 is the longest bar; a term with no returns is a hairline.
    terms = charts[by_term]
    assert terms["Autumn"] > 100 and terms["Spring"] == terms["Summer"] < 1
    # 30 in Charnwood and 12 in Melton: the bars in proportion.
    districts = charts[by_district]
    assert districts["Melton"] == pytest.approx(districts["Charnwood"] * 12 / 30, abs=0.1)
    assert max(charts["Partners at each stage"], key=charts["Partners at each stage"].get) == "Active"
    # The built PDF carries the charts: the districts are named in their chart only.
    text = pdf_text(request_and_run(staff, django_capture_on_commit_callbacks))
    assert "Charnwood" in text and "Melton" in text


def test_the_reach_complaints_and_survey_sheets_agree_with_the_headlines_and_the_staff_dashboard(
    staff, manager, world, django_capture_on_commit_callbacks
):
    report = request_and_run(staff, django_capture_on_commit_callbacks)
    term, year, headlines = report.term, report.term.year, report.headlines
    book = workbook(report)
    # A safeguarding lead's dashboard: complaints and safeguarding concerns, both of which the board counts.
    dashboard = staff_dashboard(manager, TODAY)

    reach = [row for row in book["Reach"].iter_rows(min_row=2, values_only=True)]
    by = {measure: [(category, n) for m, category, n in reach if m == measure] for measure, _, _ in reach}
    assert (
        by["Term"] == [(str(term), int(headlines[f"Children and young people reached in {term}"]))] == [(str(term), 42)]
    )
    [(_, year_total)] = by["Year so far"]
    assert year_total == int(headlines[f"Children and young people reached in {year.label} so far"])
    assert dashboard["reach"]["year"] == year and year_total == dashboard["reach"]["total"]
    assert by["By term"] == [(t["term"], t["reach"]) for t in dashboard["reach"]["terms"]]
    assert sum(n for _, n in by["By term"]) == year_total
    assert by["By district"] == dashboard["reach"]["districts"] == [("Charnwood", 30), ("Melton", 12)]

    complaints = dict(book["Complaints"].iter_rows(min_row=2, values_only=True))
    assert complaints[f"Received in {term}"] == int(headlines[f"Complaints received in {term}"]) == 4
    blocks = dashboard["complaints"]
    assert [b["title"] for b in blocks] == ["Complaints", "Safeguarding concerns"]
    assert complaints["Open now"] == sum(b["open"] for b in blocks) == 3
    # The one complaint past a deadline was not acknowledged in time: the row says it counts those too.
    assert complaints["Past a deadline now (acknowledgement or response)"] == sum(b["breached"].count for b in blocks)
    assert complaints["Past a deadline now (acknowledgement or response)"] == 1
    pdf_text = render_html("pdf/board_report.html", board_report_content(term, TODAY))
    assert "1 past a deadline (acknowledgement or response)" in pdf_text
    for i, stage in enumerate(blocks[0]["stages"]):
        assert complaints[f"At stage: {stage.label}"] == sum(b["stages"][i].count for b in blocks)

    surveys = dict(book["Survey completion"].iter_rows(min_row=2, values_only=True))
    assert (
        f"{surveys['Returned']} of {surveys['Asked']}" == headlines[f"Termly surveys returned for {term}"] == "2 of 4"
    )
    shown = dashboard["surveys"]
    assert shown["round"].term == term
    assert (surveys["Asked"], surveys["Overdue"]) == (shown["asked"], shown["overdue"].count) == (4, 1)
    assert {stat.label: surveys[stat.label] for stat in shown["states"]} == {
        stat.label: stat.count for stat in shown["states"]
    }
    assert surveys["Returned"] == sum(s.count for s in shown["states"] if s.key in ("submitted", "accepted"))
