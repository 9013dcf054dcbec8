import pytest
from django.core import mail
from django.urls import reverse

from hubportal.models import MessageTemplate, OutboundEmail
from hubportal.notifications import notify

URL = reverse("wording_edit", args=["welcome"])


def test_an_unknown_placeholder_is_refused_with_the_reason_and_the_typed_text_kept(staff, client_for):
    response = client_for(staff).post(
        URL, {"subject": "Hello {{ recipeint.first_name }}", "body": "Welcome aboard.", "action": "save"}
    )
    assert response.status_code == 200
    assert "Unknown placeholder: {{ recipeint }}" in response.text
    assert "This message can use:" in response.text
    assert "Hello {{ recipeint.first_name }}" in response.text
    assert not MessageTemplate.objects.exists()


def test_broken_template_syntax_is_refused(staff, client_for):
    response = client_for(staff).post(URL, {"subject": "Hi", "body": "{% if %}", "action": "save"})
    assert "has a mistake" in response.text


def test_preview_shows_placeholders_by_name_and_saves_nothing(staff, client_for):
    response = client_for(staff).post(
        URL, {"subject": "Hello {{ recipient.first_name }}", "body": "Go to {{ site_url }}", "action": "preview"}
    )
    assert "Hello [recipient.first_name]" in response.text
    assert "Go to [site_url]" in response.text
    assert not MessageTemplate.objects.exists()


def test_saved_wording_is_used_for_new_messages_until_reset(staff, partner_a_user, client_for):
    client = client_for(staff)
    client.post(URL, {"subject": "Hi {{ recipient.first_name }}", "body": "Our own words.", "action": "save"})
    [note] = notify(kind="welcome", recipients=[partner_a_user])
    assert (note.subject, note.body) == (f"Hi {partner_a_user.first_name}", "Our own words.")
    client.post(URL, {"action": "reset"})
    [note] = notify(kind="welcome", recipients=[partner_a_user])
    assert note.subject == "Welcome to Hub Portal"


@pytest.mark.parametrize("url", [reverse("wording_list"), URL, reverse("reminder_log")])
@pytest.mark.parametrize("who, status", [("staff", 200), ("manager", 200), ("assessor", 403), ("partner_a_user", 403)])
def test_only_hub_staff_reach_the_message_pages(url, who, status, request, client_for):
    assert client_for(request.getfixturevalue(who)).get(url).status_code == status


def test_an_unknown_kind_is_404(staff, client_for):
    assert client_for(staff).get(reverse("wording_edit", args=["no_such_kind"])).status_code == 404


def test_the_reminder_log_shows_failed_emails_and_exports(staff, client_for):
    OutboundEmail.objects.create(to="a@example.org", subject="Lost", body="x", status="failed", last_error="550 no")
    client = client_for(staff)
    page = client.get(reverse("reminder_log"), {"email-status": "failed"})
    assert "1 email could not be delivered" in page.text
    assert "550 no" in page.text
    export = client.get(reverse("reminder_log"), {"export": "csv"})
    assert b"".join(export.streaming_content).decode().startswith("Kind,Stage,Due on")
    assert mail.outbox == []
