"""The reminder log: who sees complaint messages, and the filters."""

import csv
import uuid
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from hubportal.core import roles
from hubportal.models import Notification, OutboundEmail, Reminder
from tests.complaints.factories import ComplaintFactory
from tests.factories import UserFactory

URL = reverse("reminder_log")


def _reminder(obj, recipient, *, kind: str, stage: str = "on-the-day") -> Reminder:
    return Reminder.objects.create(
        kind=kind,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        recipient=recipient,
        stage=stage,
        due_on=date(2027, 3, 10),
        sweep_id=uuid.uuid4(),
    )


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def complaint_messages(manager, partner_a_user):
    """A complaint's response reminder to its owner, the email confirming it to
    the member of the public who made it, and an ordinary partner reminder."""
    complaint = ComplaintFactory(reference="C-SECRET-0001", owner=manager)
    _reminder(complaint, manager, kind="complaints_response_due")
    OutboundEmail.objects.create(
        to="worried.parent@example.org",
        subject="We have received your complaint C-SECRET-0001",
        body=".",
        kind="complaints_confirmation",
        status=OutboundEmail.Status.FAILED,
    )
    _reminder(partner_a_user.partner, partner_a_user, kind="partners_evidence_expiry")
    OutboundEmail.objects.create(to=partner_a_user.email, subject="Your insurance expires", body=".", kind="partners_x")
    return complaint


@pytest.fixture
def staff_safeguarding_lead(db):
    user = UserFactory(username="staff-safeguarding", role=roles.STAFF)
    user.groups.add(Group.objects.get(name=roles.SAFEGUARDING))
    return user


@pytest.fixture
def safeguarding_only(db):
    return UserFactory(username="safeguarding-only", role=roles.SAFEGUARDING)


@pytest.mark.parametrize(
    "who, sees_complaints",
    [("staff", False), ("admin_user", False), ("manager", True), ("staff_safeguarding_lead", True)],
)
def test_complaint_reminders_and_emails_show_only_to_safeguarding_leads_and_the_service_manager(
    who, sees_complaints, complaint_messages, request, client_for
):
    client = client_for(request.getfixturevalue(who))
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    kinds = [r.kind for r in page.context["page"]]
    assert "partners_evidence_expiry" in kinds and "Your insurance expires" in html
    assert ("complaints_response_due" in kinds) is sees_complaints
    assert ("worried.parent@example.org" in html) is sees_complaints
    assert ("C-SECRET-0001" in html) is sees_complaints
    assert ("complaints_response_due" in dict(page.context["filter"].filters["kind"].extra["choices"])) is (
        sees_complaints
    )
    # The failed complaint email is theirs to follow up only if they may see it.
    assert ("1 email could not be delivered" in html) is sees_complaints
    assert ("only safeguarding leads and the Service Manager see them" in html) is not sees_complaints

    reminders_csv = _csv(client.get(URL, {"export": "csv"}))
    emails_csv = _csv(client.get(URL, {"export": "csv", "list": "emails"}))
    assert "partners_evidence_expiry" in reminders_csv and "Your insurance expires" in emails_csv
    assert ("complaints_response_due" in reminders_csv) is sees_complaints
    assert ("worried.parent@example.org" in emails_csv) is sees_complaints
    # Asking for the kind by name shows nothing more.
    named = client.get(URL, {"email-kind": "complaints", "kind": "complaints_response_due"})
    assert (len(named.context["emails"]) == 1) is sees_complaints


def test_a_reminder_about_a_complaint_is_hidden_whatever_its_kind_is_called(staff, manager, client_for):
    complaint = ComplaintFactory(category=Complaint.Category.SAFEGUARDING, owner=manager)
    _reminder(complaint, manager, kind="test_checkin")
    assert list(client_for(staff).get(URL).context["page"]) == []
    assert len(client_for(manager).get(URL).context["page"]) == 1


@pytest.mark.parametrize("who", ["safeguarding_only", "assessor", "chair", "partner_a_user"])
def test_roles_outside_hub_staff_do_not_reach_the_log(who, complaint_messages, request, client_for):
    assert client_for(request.getfixturevalue(who)).get(URL).status_code == 403


def test_the_log_filters_failed_reminders_and_those_whose_email_failed(staff, partner_a_user, client_for):
    partner = partner_a_user.partner
    sent = _reminder(partner, partner_a_user, kind="partners_evidence_expiry", stage="30d-before")
    email = OutboundEmail.objects.create(to=partner_a_user.email, subject="x", body=".", status="sent")
    Reminder.objects.filter(pk=sent.pk).update(
        sent_at=timezone.now(), notification=Notification.objects.create(recipient=partner_a_user, email=email)
    )
    broken = _reminder(partner, partner_a_user, kind="partners_evidence_expiry", stage="on-the-day")
    Reminder.objects.filter(pk=broken.pk).update(failed_at=timezone.now(), error="TemplateSyntaxError: oops")
    bounced = _reminder(partner, partner_a_user, kind="partners_evidence_expiry", stage="1d-after")
    lost = OutboundEmail.objects.create(to=partner_a_user.email, subject="y", body=".", status="failed")
    Reminder.objects.filter(pk=bounced.pk).update(
        sent_at=timezone.now(), notification=Notification.objects.create(recipient=partner_a_user, email=lost)
    )
    client = client_for(staff)

    def stages(**params):
        return sorted(r.stage for r in client.get(URL, params).context["page"])

    assert stages(failed="true") == ["1d-after", "on-the-day"]
    assert stages(failed="false") == ["30d-before"]
    assert stages() == ["1d-after", "30d-before", "on-the-day"]
    # A reminder whose email was given up on is not "sent": only its in-app notice reached the person.
    assert stages(sent="true") == ["30d-before"]
    assert stages(sent="false") == ["1d-after", "on-the-day"]
    page = client.get(URL, {"failed": "true"}).content.decode()
    assert 'name="failed"' in page and "TemplateSyntaxError: oops" in page
    assert "Email failed" in page and "In-app notice only" in page
    exported = _csv(client.get(URL, {"failed": "true", "export": "csv"})).splitlines()
    assert len(exported) == 3
    # In the export too, the bounced reminder has no "Sent" time, only its in-app notice's.
    by_stage = {row["Stage"]: row for row in csv.DictReader(exported)}
    assert by_stage["1d-after"]["Sent"] == "" and by_stage["1d-after"]["In-app notice"]
