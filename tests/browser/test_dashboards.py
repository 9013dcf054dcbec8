"""The dashboards in Chromium, on the demo data: the staff dashboard draws its
charts (each canvas has a chart with data), the board report is prepared and
downloaded, its progress is polled, and every page passes axe-core with no
console errors or CSP violations (the page fixture fails on any)."""

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from hubportal.devtools.demo import DEMO_PASSWORD
from hubportal.insights.reports import default_term
from hubportal.models import BoardReport, User
from tests.browser.support import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo", "--force", verbosity=0)


CHARTS = ["chart-funnel", "chart-rounds", "chart-reach-activity", "chart-reach-district"]


def chart_points(page, chart_id: str) -> float:
    """The sum of every value Chart.js drew on the canvas (0 if no chart)."""
    return page.evaluate(
        """id => {
            const chart = Chart.getChart(document.getElementById(id + "-canvas"));
            if (!chart) { return 0; }
            return chart.data.datasets.reduce((sum, d) => sum + d.data.reduce((a, b) => a + b, 0), 0);
        }""",
        chart_id,
    )


def test_the_staff_dashboard_draws_every_chart_with_data(page, demo):
    login(page, "manager", DEMO_PASSWORD)
    assert page.url.endswith("/staff/")
    page.wait_for_function("() => typeof Chart !== 'undefined' && document.querySelectorAll('canvas').length >= 4")
    for chart_id in CHARTS:
        canvas = page.locator(f"#{chart_id}-canvas")
        expect(canvas).to_be_visible()
        assert canvas.get_attribute("role") == "img"
        assert chart_points(page, chart_id) > 0, chart_id
    # Each chart has its figures in text too.
    expect(page.get_by_role("table", name="Requests in each state, by round")).to_be_visible()
    expect(page.locator("caption", has_text="Children and young people reached, by district")).to_be_visible()
    assert_accessible(page)


LAPTOP = {"width": 1366, "height": 900}


def test_a_laptop_screen_shows_what_needs_doing_and_the_figures_before_any_chart(page, demo):
    """Issue 21: at 1366x900 "Needs you now" and the grouped figures come first and
    fit about one screen (the Service Manager's is the longest: eight needs, the
    safeguarding figures too); nothing scrolls sideways, the long menu included."""
    page.set_viewport_size(LAPTOP)
    login(page, "manager", DEMO_PASSWORD)
    layout = page.evaluate(
        """() => ({
            width: document.documentElement.scrollWidth,
            menu: document.querySelector('.hub-navbar').offsetHeight,
            figuresEnd: document.getElementById('glance-title').closest('section').getBoundingClientRect().bottom,
            firstChart: document.querySelector('canvas').getBoundingClientRect().top,
        })"""
    )
    assert layout["width"] <= LAPTOP["width"], layout
    assert layout["menu"] < 70, layout  # one row, "Notifications" beside its count
    assert layout["figuresEnd"] <= LAPTOP["height"] * 1.1, layout
    assert layout["figuresEnd"] < layout["firstChart"], layout
    # The survey table shows every column beside its chart, none scrolled out of sight.
    table = page.get_by_role("table", name="Requests in each state, by round")
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    # The participations axis names its unit in a word, not the caption's whole sentence.
    axis = page.evaluate(
        "() => Chart.getChart(document.getElementById('chart-reach-activity-canvas')).options.scales.y.title.text"
    )
    assert axis == "Participations"


def test_count_axes_tick_in_whole_numbers_with_room_above_the_tallest_bar(page, demo):
    login(page, "manager", DEMO_PASSWORD)
    page.wait_for_function("() => typeof Chart !== 'undefined' && document.querySelectorAll('canvas').length >= 4")
    for chart_id in CHARTS:
        axis = page.evaluate(
            """id => {
                const chart = Chart.getChart(document.getElementById(id + "-canvas"));
                const scale = chart.options.indexAxis === "y" ? chart.scales.x : chart.scales.y;
                const n = chart.data.labels.length;
                let tallest = 0;
                for (let i = 0; i < n; i++) {
                    const values = chart.data.datasets.map(d => d.data[i] || 0);
                    const bar = scale.options.stacked ? values.reduce((a, b) => a + b, 0) : Math.max(...values);
                    tallest = Math.max(tallest, bar);
                }
                return {ticks: scale.ticks.map(t => t.value), max: scale.max, tallest: tallest,
                        title: scale.options.title.text};
            }""",
            chart_id,
        )
        assert all(float(t).is_integer() for t in axis["ticks"]), (chart_id, axis)
        assert axis["max"] > axis["tallest"], (chart_id, axis)  # no bar reaches the top
        assert axis["title"], chart_id  # the axis says what it counts


def test_a_dashboard_number_opens_the_list_behind_it(page, demo):
    login(page, "staff", DEMO_PASSWORD)
    link = page.locator('[data-stat="issued"]').first
    count = link.locator(".stat-count").inner_text()
    link.click()
    page.wait_for_load_state()
    assert "/staff/agreements/" in page.url and "status=issued" in page.url
    assert page.locator("tbody tr").count() == int(count)


def test_the_reports_pages_are_accessible(page, demo):
    login(page, "staff", DEMO_PASSWORD)
    for path, heading in [
        ("/reports/leverage/", "Funding leverage"),
        ("/staff/impact/", "From need to impact"),
        ("/staff/health/", "Partners by health"),
        ("/reports/board/", "Board report"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert_accessible(page)
    page.goto("/reports/leverage/")
    page.wait_for_function("() => Chart.getChart(document.getElementById('chart-leverage-canvas'))")
    assert chart_points(page, "chart-leverage") > 0
    page.goto("/staff/impact/")
    assert page.locator(".gap-unprovided").count() >= 1
    expect(page.get_by_text("No provision: no call has answered it.").first).to_be_visible()


def test_the_board_report_is_prepared_and_downloaded_in_one_click(page, demo):
    login(page, "chair", DEMO_PASSWORD)
    page.get_by_role("link", name="Prepare or download the board report").click()
    page.get_by_role("button", name="Prepare the board report").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Board report, ")
    download_link = page.get_by_role("link", name="Download the PDF")
    download_link.wait_for(state="visible")
    with page.expect_download() as pdf:
        download_link.click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Download the workbook (XLSX)").click()
    assert xlsx.value.suggested_filename.endswith(".xlsx")
    expect(page.get_by_role("heading", name="Headline numbers")).to_be_visible()
    assert_accessible(page)


def test_the_progress_bar_follows_the_task_until_the_report_is_ready(page, demo):
    staff = User.objects.get(username="staff")
    report = BoardReport.objects.create(
        term=default_term(timezone.localdate()),
        requested_by=staff,
        status=BoardReport.Status.RUNNING,
        progress=35,
        step="Writing the workbook",
    )
    login(page, "staff", DEMO_PASSWORD)
    page.goto(f"/reports/board/{report.pk}/")
    status = page.get_by_role("status")
    assert "35%" in status.inner_text()
    assert page.locator("[data-report-downloads]").is_hidden()
    assert_accessible(page)
    BoardReport.objects.filter(pk=report.pk).update(progress=60, step="Laying out the PDF")
    page.wait_for_function("() => document.querySelector('progress').value === 60")
    report.pdf.save("r.pdf", ContentFile(b"%PDF-1.4"), save=False)
    report.xlsx.save("r.xlsx", ContentFile(b"PK"), save=False)
    report.status, report.progress, report.step = BoardReport.Status.DONE, 100, "Ready to download"
    report.save()
    page.locator("[data-report-downloads]").wait_for(state="visible", timeout=15_000)
    assert "100%" in status.inner_text()
    assert (
        page.get_by_role("link", name="Download the PDF").get_attribute("href")
        == f"/reports/board/{report.pk}/report.pdf"
    )


@pytest.mark.parametrize(
    ("username", "path", "heading"),
    [
        ("partner-a", "/portal/", "Charnwood Music Collective"),
        ("partner-b", "/portal/", "Harborough Youth Strings"),
        ("chair", "/chair/", "Chair's review"),
        ("chair", "/reports/leverage/", "Funding leverage"),
        ("assessor", "/staff/", "Staff dashboard"),
        # Lists given filters, sorting and exports with the dashboards.
        ("partner-a", "/portal/surveys/", "Termly surveys"),
        ("partner-a", "/portal/income/", "Income you have secured"),
        ("partner-a", "/notifications/", "Notifications"),
        ("partner-a", "/portal/complaints/", "Complaints"),
        ("staff", "/staff/reminders/", "Reminders and emails"),
        ("staff", "/staff/monitoring/income/records/", "Income records"),
    ],
)
def test_the_other_homes_are_accessible(page, demo, username, path, heading):
    login(page, username, DEMO_PASSWORD)
    page.goto(path)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    assert_accessible(page)
