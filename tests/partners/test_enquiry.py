"""The public "Become a partner" form."""

import pytest
from django.core import mail
from django.urls import reverse

from hubportal.core.history import history_for
from hubportal.models import Notification
from partners.models import Contact, District, Partner

pytestmark = pytest.mark.django_db

URL = "/become-a-partner/"


def valid(**overrides):
    data = {
        "form": "organisation",
        "name": "Coalville Ukulele Club",
        "partner_type": "",
        "contact_name": "Jo Bright",
        "contact_role": "Organiser",
        "email": "jo@coalvilleukes.example",
        "phone": "0116 496 0000",
        "town": "Coalville",
        "postcode": "le67 3aa",
        "website": "coalvilleukes.example",
        "districts": [District.objects.get(name="North West Leicestershire").pk],
        "message": "We run ukulele groups for 8 to 14 year olds after school.",
        "fax_number": "",
    }
    return {**data, **overrides}


def test_the_url_is_become_a_partner():
    assert reverse("partners:enquire") == URL


def test_an_enquiry_creates_the_partner_at_enquiry_with_its_primary_contact_and_emails(
    client, staff, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid())
    assert response.status_code == 302 and response.url == reverse("partners:enquiry_done")
    partner = Partner.objects.get(name="Coalville Ukulele Club")
    assert partner.status == Partner.Stage.ENQUIRY and partner.source == Partner.Source.PUBLIC_ENQUIRY
    assert partner.postcode == "LE67 3AA" and partner.website == "https://coalvilleukes.example"
    assert partner.enquiry_message.startswith("We run ukulele groups")
    assert [d.name for d in partner.districts.all()] == ["North West Leicestershire"]
    contact = Contact.objects.get(partner=partner)
    assert (contact.name, contact.email, contact.is_primary) == ("Jo Bright", "jo@coalvilleukes.example", True)
    assert history_for(partner).get().action == "enquiry received"
    confirmation = [m for m in mail.outbox if m.to == ["jo@coalvilleukes.example"]]
    assert len(confirmation) == 1
    assert confirmation[0].subject == "Thank you for asking to become a Leicestershire Music Hub partner"
    assert "introductory meeting" in confirmation[0].body
    told = Notification.objects.filter(kind="partners_enquiry_staff").values_list("recipient__username", flat=True)
    assert sorted(told) == ["manager-user", "staff-user"]


def test_the_confirmation_page_says_what_happens_next(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid(), follow=True)
    assert "Thank you for your enquiry" in response.text
    assert "sent a confirmation to jo@coalvilleukes.example" in response.text


def test_invalid_input_is_redisplayed_with_the_errors_and_what_was_typed(client):
    response = client.post(URL, valid(email="not-an-email", message=""))
    assert response.status_code == 200
    assert "Enter a valid email address." in response.text
    assert 'value="Coalville Ukulele Club"' in response.text
    assert 'value="not-an-email"' in response.text
    assert "There is a problem" in response.text
    assert not Partner.objects.filter(name="Coalville Ukulele Club").exists()


def test_a_filled_honeypot_is_refused_and_nothing_is_created(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid(fax_number="0116 000 0000"))
    assert response.status_code == 400
    assert "We could not accept this enquiry" in response.text
    assert not Partner.objects.filter(name="Coalville Ukulele Club").exists()
    assert mail.outbox == [] and not Notification.objects.exists()


def test_the_honeypot_is_hidden_from_people(client):
    response = client.get(URL)
    assert 'class="d-none"' in response.text and 'name="fax_number"' in response.text


def test_enquiries_are_limited_per_address_per_hour(client, settings, django_capture_on_commit_callbacks):
    settings.PARTNERS_ENQUIRY_RATE_LIMIT = 2
    for n in range(2):
        assert client.post(URL, valid(name=f"Club {n}")).status_code == 302
    response = client.post(URL, valid(name="Club 3"))
    assert response.status_code == 429
    assert "several enquiries from your connection" in response.text
    assert 'value="Club 3"' in response.text  # what was typed is kept
    assert not Partner.objects.filter(name="Club 3").exists()
    other = client.post(URL, valid(name="Club 4"), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302  # another address is not held back


def test_invalid_attempts_do_not_use_up_the_limit(client, settings):
    settings.PARTNERS_ENQUIRY_RATE_LIMIT = 1
    for _ in range(3):
        assert client.post(URL, valid(email="")).status_code == 200
    assert client.post(URL, valid()).status_code == 302


@pytest.mark.parametrize("method", ["put", "delete"])
def test_wrong_method_is_405(client, method):
    assert getattr(client, method)(URL).status_code == 405


def test_the_landing_page_links_to_the_form(client):
    assert URL in client.get("/").text
