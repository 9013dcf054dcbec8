"""A second Hub proves the portal names only the Hub its record names: with
another Hub loaded (tests/hubportal/second_hub.py), every page every role may
open, every email kind, an agreement PDF and the board report say nothing of
Leicestershire. It lives beside the URL sweep because it crawls the sweep's
table (tests/security/access.py) with the sweep's cast and sample records."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from hubportal.messaging.notifications import render_kind
from hubportal.models import OutboundEmail
from tests.conftest import media_settings
from tests.hubportal import second_hub
from tests.security.access import ROLES, all_rules
from tests.security.conftest import build_cast, build_sample

RULES = all_rules()


@pytest.fixture
def severn(admin_user):
    return second_hub.load_second_hub(admin_user)


# This module's own cast and sample, made after the second Hub is loaded: what
# the sample writes (a notification, an email) is worded by the Hub of the day.
@pytest.fixture
def cast(severn):
    return build_cast()


@pytest.fixture
def sample(cast):
    return build_sample(cast)


@pytest.fixture(scope="module", autouse=True)
def media(tmp_path_factory):
    """Uploaded files in a folder of the module's own, set before the sweep's
    module-wide sample saves its files there (so the crawl finds them)."""
    with override_settings(**media_settings(tmp_path_factory.mktemp("second-hub-media"))):
        yield


def text_of(response) -> tuple[str, str]:
    """(kind, the text a person would read) of a page, export or document."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "").split(";")[0]
    if kind == "application/pdf" and body.startswith(b"%PDF-1.") and len(body) > 100:
        return "pdf", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if kind.endswith("spreadsheetml.sheet") and len(body) > 100:
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        cells = [str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
        return "xlsx", " ".join(cells)
    if kind.startswith("image/"):
        return "image", ""
    return kind, body.decode("utf-8", errors="replace")


def test_no_page_export_or_document_of_any_role_names_another_hub(severn, cast, sample):
    seen, kinds, named = [], set(), 0
    for name, rule in sorted(RULES.items()):
        if "GET" not in rule.methods:
            continue
        url = reverse(name, kwargs=rule.args(sample) if rule.args else None)
        for role in ROLES:
            if rule.expected(role, "GET") in ("login", "admin_login") or 200 not in rule.expected(role, "GET"):
                continue
            client = Client()
            if cast[role] is not None:
                client.force_login(cast[role])
            response = client.get(url)
            assert response.status_code < 500, f"{url} as {role}: {response.status_code}"
            kind, text = text_of(response)
            kinds.add(kind)
            seen.append(url)
            assert not second_hub.FIRST_HUB.search(text), f"{url} as {role} names Leicestershire ({kind})"
            named += second_hub.NAME in text
    assert len(seen) > 300 and {"text/html", "pdf", "text/csv"} <= kinds, (len(seen), kinds)
    assert named > 100  # the pages name the second Hub (title and footer)
    # Whatever the crawl's records sent on the way.
    for email in OutboundEmail.objects.all():
        assert not second_hub.FIRST_HUB.search(email.subject + email.body), email.kind


def test_an_agreement_pdf_names_the_second_hub_and_its_signatory(severn, partner_a, staff, manager, partner_a_user):
    from tests.agreements.factories import AgreementFactory, make_live

    agreement = make_live(
        AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager
    )
    client = Client()
    client.force_login(staff)
    kind, text = text_of(client.get(reverse("agreements:pdf", kwargs={"pk": agreement.pk})))
    assert kind == "pdf" and second_hub.NAME in text and f"Led by {second_hub.LEAD}" in " ".join(text.split())
    assert not second_hub.FIRST_HUB.search(text)


def test_every_email_kind_names_the_second_hub_only(severn, cast, sample):
    kinds = sorted(p.stem for p in (Path(settings.BASE_DIR) / "templates" / "notifications").glob("*.txt"))
    context = {**sample, "partner": cast["partner_a"].partner, "invited_by": cast["staff"], "when": "Monday"}
    naming = 0
    for kind in kinds:
        subject, body = render_kind(kind, {**context, "recipient": cast["partner_a"]})
        assert not second_hub.FIRST_HUB.search(subject + body), kind
        naming += second_hub.NAME in subject + body or second_hub.LEAD in subject + body
    assert len(kinds) > 40 and naming >= 15


def test_the_board_report_names_the_second_hub_only(severn, staff, partner_a, django_capture_on_commit_callbacks):
    from hubportal.insights.reports import board_report_request
    from tests.surveys.factories import current_term

    with django_capture_on_commit_callbacks(execute=True):
        report = board_report_request(term=current_term(), actor=staff)
    report.refresh_from_db()
    assert report.status == report.Status.DONE, report.error
    with report.pdf.open("rb") as handle:
        pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    with report.xlsx.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()), read_only=True)
        cells = " ".join(
            str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
        )
    assert second_hub.NAME in pdf
    assert not second_hub.FIRST_HUB.search(pdf + cells)
