"""The agreement as a PDF: Hub branding, partner, year, outcomes, expectations,
monitoring, conditions and both signatures with time and hash; for staff and
the partner's own users only."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.agreements.factories import AgreementFactory, PaymentInstalmentFactory, make_live


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def live(partner_a, staff, manager, partner_a_user):
    agreement = AgreementFactory(partner=partner_a)
    return make_live(agreement, staff=staff, partner_user=partner_a_user, manager=manager)


def test_the_pdf_carries_the_partner_year_outcomes_and_both_signatures(live, staff, client_for):
    response = client_for(staff).get(reverse("agreements:pdf", kwargs={"pk": live.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;") and response["Cache-Control"] == "no-store"
    text = pdf_text(response)
    version = live.versions.get()
    partner_sig, hub_sig = live.signatures.get(party="partner"), live.signatures.get(party="hub")
    expected = [
        "Leicestershire Music Hub",
        live.partner.legal_name,
        live.year.label,
        "Agreed outcomes",
        *[o.description for o in live.outcomes.all()],
        "What the Hub will do",
        "What the partner will do",
        "Quality and performance monitoring",
        "Conditions",
        partner_sig.typed_name,
        hub_sig.typed_name,
        "Director",
        "Service Manager",
        f"{partner_sig.signed_at:%Y}",
    ]
    for item in expected:
        assert item in text, item
    squashed = text.replace(" ", "")
    assert version.text_sha256 in squashed  # the hash may wrap across lines


def test_the_partners_own_user_downloads_it_and_partner_b_gets_404(live, partner_a_user, partner_b_user, client_for):
    url = reverse("agreements:pdf", kwargs={"pk": live.pk})
    assert client_for(partner_a_user).get(url).status_code == 200
    assert client_for(partner_b_user).get(url).status_code == 404


def test_the_chair_and_assessors_cannot_download_it(live, chair, assessor, client_for):
    url = reverse("agreements:pdf", kwargs={"pk": live.pk})
    assert client_for(chair).get(url).status_code == 403
    assert client_for(assessor).get(url).status_code == 403


def test_a_project_pdf_shows_the_money_and_schedule(partner_a, staff, client_for):
    project = AgreementFactory(partner=partner_a, project=True)
    PaymentInstalmentFactory(agreement=project, milestone="On signature", amount="2500.00")
    PaymentInstalmentFactory(agreement=project, milestone="Mid-point report", amount="2500.00")
    text = pdf_text(client_for(staff).get(reverse("agreements:pdf", kwargs={"pk": project.pk})))
    for item in ["£5,000.00", "On signature", "Mid-point report", "£2,500.00", "Payment schedule", "Not signed yet."]:
        assert item in text, item


def test_the_pdf_never_fetches_outside_resources(partner_a, staff, client_for, monkeypatch):
    """A partner-supplied text that names a URL is printed, not fetched."""
    import urllib.request

    def refuse(*args, **kwargs):
        raise AssertionError("WeasyPrint tried to fetch a URL")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    agreement = AgreementFactory(partner=partner_a, basis='<img src="http://169.254.169.254/x"> see http://example.org')
    response = client_for(staff).get(reverse("agreements:pdf", kwargs={"pk": agreement.pk}))
    assert response.status_code == 200
    assert '<img src="http://169.254.169.254/x">' in pdf_text(response)
