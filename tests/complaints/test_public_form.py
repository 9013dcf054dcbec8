"""The open form at /complaints/new/: validated, a honeypot for robots, a rate
limit, and a confirmation page and email with the private link."""

import pytest
from django.test import override_settings

from complaints.models import Complaint
from hubportal.models import Notification, OutboundEmail
from tests.files import html_named_pdf, pdf

URL = "/complaints/new/"


def valid(**overrides):
    data = {
        "complainant_name": "Sam O'Brien",
        "complainant_email": "sam@example.org",
        "complainant_phone": "0116 000 0000",
        "category": "conduct",
        "about": "partner",
        "partner": "",
        "account": "At the concert on Saturday a tutor shouted at my daughter in front of the group.",
        "desired_outcome": "An apology.",
        "website": "",
    }
    data.update(overrides)
    return data


def test_the_landing_page_links_to_the_form(client, db):
    assert URL in client.get("/").text


def test_a_member_of_the_public_makes_a_complaint(client, manager, partner_a):
    response = client.post(URL, valid(partner=partner_a.pk, attachments=[pdf("programme.pdf")]))
    assert response.status_code == 302 and response.url == "/complaints/new/done/"
    complaint = Complaint.objects.get()
    assert complaint.raised_via == Complaint.RaisedVia.PUBLIC and complaint.raised_by is None
    assert complaint.partner == partner_a and complaint.complainant_name == "Sam O'Brien"
    assert complaint.reference.startswith("C-") and complaint.attachments.get().original_filename == "programme.pdf"
    done = client.get(response.url)
    assert complaint.reference in done.text and "/complaints/track/" in done.text
    # The link is shown once: the page does not show it again.
    assert "/complaints/track/" not in client.get(response.url).text.replace('/complaints/track/"', "")
    email = OutboundEmail.objects.get(to="sam@example.org")
    assert complaint.reference in email.subject and "/complaints/track/" in email.body
    assert Notification.objects.get(kind="complaints_received").recipient == manager


def test_not_knowing_the_partner_is_fine_for_the_public(client, db):
    assert client.post(URL, valid()).status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.partner is None and complaint.about_label == "A partner (not yet identified)"


def test_invalid_input_is_redisplayed_with_the_errors_and_what_was_typed(client, db):
    response = client.post(URL, valid(complainant_email="not-an-email", account=""))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Sam O&#x27;Brien" in response.text and 'value="not-an-email"' in response.text
    assert not Complaint.objects.exists()


def test_a_complaint_about_the_hub_cannot_name_a_partner(client, partner_a):
    response = client.post(URL, valid(about="hub", partner=partner_a.pk))
    assert response.status_code == 200 and "Leave the partner empty" in response.text
    assert not Complaint.objects.exists()


def test_a_file_that_is_not_what_it_says_is_refused(client, db):
    response = client.post(URL, valid(attachments=[html_named_pdf()]))
    assert response.status_code == 200 and "whatever its name says" in response.text
    assert not Complaint.objects.exists()


def test_too_many_files_are_refused(client, db):
    response = client.post(URL, valid(attachments=[pdf(f"{i}.pdf") for i in range(6)]))
    assert response.status_code == 200 and "Attach at most 5 files" in response.text


def test_a_robot_filling_the_honeypot_is_thanked_and_ignored(client, manager):
    response = client.post(URL, valid(website="http://spam.example"))
    assert response.status_code == 302
    assert not Complaint.objects.exists() and not OutboundEmail.objects.exists()


@override_settings(COMPLAINT_PUBLIC_RATE_LIMIT=2)
def test_the_form_is_rate_limited_per_address(client, db):
    assert client.post(URL, valid()).status_code == 302
    assert client.post(URL, valid()).status_code == 302
    response = client.post(URL, valid())
    assert response.status_code == 429 and "try again" in response.text.lower()
    assert Complaint.objects.count() == 2
    # Another address is not held up.
    assert client.post(URL, valid(), REMOTE_ADDR="192.0.2.7").status_code == 302


@override_settings(COMPLAINT_PUBLIC_RATE_LIMIT=1)
def test_asking_for_new_links_is_rate_limited(client, db):
    form = {"reference": "C-2026-0001", "email": "x@example.org"}
    assert client.post("/complaints/track/", form).status_code == 200
    assert client.post("/complaints/track/", form).status_code == 429


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_are_refused(client, db, method):
    assert getattr(client, method)(URL).status_code == 405
