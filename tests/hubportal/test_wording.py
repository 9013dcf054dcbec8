import pytest
from django.core import mail
from django.urls import reverse

from hubportal.messaging.notifications import notify
from hubportal.models import MessageTemplate, OutboundEmail

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


REMINDER_URL = reverse("wording_edit", args=["agreements_unsigned"])


def _save(client, url, subject, body):
    return client.post(url, {"subject": subject, "body": body, "action": "save"})


@pytest.mark.parametrize(
    "url, subject, body, unknown",
    [
        (REMINDER_URL, "Please sign {{ obj.title }}", "It is {{ obj.nonexistent }}.", "{{ obj.nonexistent }}"),
        (REMINDER_URL, "Please sign {{ obj.partner.nmae }}", "Thanks.", "{{ obj.partner.nmae }}"),
        (REMINDER_URL, "Please sign", "{% if typo %}Late.{% endif %}", "{{ typo }}"),
        (REMINDER_URL, "Please sign", "{% if stage == 'x' %}{% elif obj.titel %}x{% endif %}", "{{ obj.titel }}"),
        (
            REMINDER_URL,
            "Please sign",
            "Dear {{ recipient.first_name|default:recipient.usrname }}",
            "{{ recipient.usrname }}",
        ),
        (URL, "Hello", "{% if typo %}Hi{% endif %}", "{{ typo }}"),
        (URL, "Hello", "{% for x in recipeint.groups %}{% endfor %}", "{{ recipeint }}"),
        # A loop variable is known only inside its loop.
        (URL, "Hello", "{% for letter in recipient.first_name %}{% endfor %}{{ letter }}", "{{ letter }}"),
        # The sample has items to loop over, so each item is checked too.
        (
            REMINDER_URL,
            "Hello",
            "{% for letter in obj.title %}{{ letter.nonexistent }}{% endfor %}",
            "{{ letter.nonexistent }}",
        ),
    ],
)
def test_a_placeholder_the_message_cannot_fill_is_refused_in_any_branch(url, subject, body, unknown, staff, client_for):
    response = _save(client_for(staff), url, subject, body)
    assert response.status_code == 200
    assert f"Unknown placeholder: {unknown}" in response.text.replace("&#x27;", "'")
    assert not MessageTemplate.objects.exists()


@pytest.mark.parametrize(
    "url, body",
    [
        (REMINDER_URL, "{% for outcome in obj.outcomes.all %}- {{ outcome.description }}{% empty %}None{% endfor %}"),
        (REMINDER_URL, "{% for letter in obj.title %}{{ letter|upper }}{{ forloop.counter }}{% endfor %}"),
        (REMINDER_URL, "{% with partner=obj.partner %}{{ partner.name }}{% endwith %} {{ obj.year.next.label }}"),
        (REMINDER_URL, "{% if 'after' in stage and obj.partner.name %}{{ due_on|date:'j F Y' }}{% endif %}"),
        (URL, "{% for letter in recipient.first_name %}{{ letter }}{% endfor %} {{ site_url }}{{ url }}"),
    ],
)
def test_loop_and_with_variables_and_real_fields_are_accepted(url, body, staff, client_for):
    response = _save(client_for(staff), url, "Hello {{ recipient.first_name }}", body)
    assert response.status_code == 302, response.text
    assert MessageTemplate.objects.get().body == body


def test_every_default_wording_passes_its_own_check(db):
    # db: since issue 22 a reminder's offsets and the Hub's name come from the Hub record.
    from hubportal.messaging import wording

    for kind in wording.kinds():
        wording.validate(kind, *wording.default_text(kind))


def test_a_reminder_preview_shows_sample_data_at_each_stage_and_saves_nothing(staff, client_for):
    from hubportal.messaging import wording

    url = reverse("wording_edit", args=["surveys_deadline"])
    subject, body = wording.default_text("surveys_deadline")
    response = client_for(staff).post(url, {"subject": subject, "body": body, "action": "preview"})
    assert response.status_code == 200
    shown = response.context["preview"]
    assert [p.stage for p in shown] == ["14d-before", "3d-before", "on-the-day", "1d-after"]
    assert shown[2].subject.startswith("Your Autumn ") and shown[2].subject.endswith(" survey is due today")
    assert shown[3].subject.endswith("survey is overdue")
    assert "Hello Sam," in shown[0].body and "Harborough Community Music" in shown[0].body
    assert "[" not in shown[0].body  # real values, not names in brackets
    assert "Stage: 1d-after" in response.text and "With sample data" in response.text
    assert not MessageTemplate.objects.exists()


def test_a_reminder_preview_renders_the_typed_wording_not_the_saved_one(staff, client_for):
    response = client_for(staff).post(
        REMINDER_URL,
        {"subject": "Sign {{ obj.partner.name }}'s agreement", "body": "By {{ due_on }}", "action": "preview"},
    )
    [first, second] = response.context["preview"]
    assert first.subject == "Sign Harborough Community Music's agreement"
    assert not MessageTemplate.objects.exists()
