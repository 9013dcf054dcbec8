"""The board report's pages: a request leaves no "being prepared" message beside
"Ready", the report can be read on screen, the PDF says "None" when no partner
is below the 1 : 1 aim, and the page's ids are each used once."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from hubportal.core.pdf import render_html
from hubportal.insights.reports import board_report_content
from hubportal.models import BoardReport
from tests.surveys.factories import current_term

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    settings.MEDIA_ROOT = str(tmp_path)


def ids_used_twice(html: str) -> list[str]:
    return [name for name, n in Counter(re.findall(r'\sid="([^"]+)"', html)).items() if n > 1]


def test_the_board_reports_page_uses_each_id_once(client_for, staff):
    html = client_for(staff).get(reverse("board_reports")).content.decode()
    assert ids_used_twice(html) == []
    assert 'id="id_new_term"' in html and 'for="id_new_term"' in html


def test_a_ready_report_says_ready_and_nothing_about_being_prepared(
    client_for, staff, django_capture_on_commit_callbacks
):
    term = current_term()
    client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=True):  # the report is built as the request commits
        asked = client.post(reverse("board_reports"), {"term": term.pk})
    report = BoardReport.objects.get()
    assert report.status == BoardReport.Status.DONE
    html = client.get(asked.url).content.decode()  # the page it goes to, with the message it left
    assert f"You asked for the board report for {term}" in html
    assert "being prepared" not in html.lower()
    assert "Ready" in html


def test_the_report_can_be_read_on_screen(client_for, staff, chair, partner_a_user):
    report = BoardReport.objects.create(term=current_term(), requested_by=staff)
    url = reverse("board_report_preview", args=[report.pk])
    assert f'href="{url}"' in client_for(staff).get(reverse("board_report", args=[report.pk])).content.decode()
    for user in (staff, chair):
        html = client_for(user).get(url).content.decode()
        assert "Headline numbers" in html and "Partners below the 1 : 1 aim" in html
        assert "from today's figures" in html
        assert ids_used_twice(html) == []
        assert "<script>" not in html
    assert client_for(partner_a_user).get(url).status_code == 403


def test_no_partner_below_the_aim_reads_none_in_the_pdf():
    html = render_html("pdf/board_report.html", board_report_content(current_term(), current_term().starts_on))
    section = html.split("Partners below the 1 : 1 aim")[1].split("<h2>")[0]
    assert "None: no partner with Hub Grant" in section
    assert "<tbody></tbody>" not in section
