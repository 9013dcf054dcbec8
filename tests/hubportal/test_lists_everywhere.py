"""Lists everywhere: the list pages that lacked sorting, filters or an export
now have them (monitoring's staff and portal lists, the reminder log's emails,
notifications), and a partner's export holds only their own rows."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from hubportal.messaging.notifications import notify
from hubportal.models import Notification, OutboundEmail
from surveys.models import SurveyRequest
from tests.surveys.factories import SurveyRequestFactory, SurveyRoundFactory, income

pytestmark = pytest.mark.django_db


def csv_lines(response) -> list[str]:
    return b"".join(response.streaming_content).decode().splitlines()


def test_staff_monitoring_lists_sort(client_for, staff, partner_a, partner_b):
    client = client_for(staff)
    income(partner_a, "10.00", recorded_by=staff)
    income(partner_b, "900.00", recorded_by=staff)
    income(partner_a, "55.00", recorded_by=staff)
    amounts = [r.amount for r in client.get(reverse("surveys:income_records"), {"sort": "-amount"}).context["page"]]
    assert amounts == [Decimal("900.00"), Decimal("55.00"), Decimal("10.00")]
    exported = csv_lines(client.get(reverse("surveys:income_records"), {"sort": "amount", "export": "csv"}))
    assert [line.split(",")[4] for line in exported[1:]] == ["10.00", "55.00", "900.00"]
    for name in ["surveys:round_list", "surveys:evaluation_list", "surveys:case_study_list"]:
        form = client.get(reverse(name)).context["filter"].form
        assert "sort" in form.fields, name


def test_a_partner_filters_sorts_and_exports_their_own_surveys(client_for, partner_a_user, partner_b_user, staff):
    survey_round = SurveyRoundFactory(opened_by=staff)
    mine = SurveyRequestFactory(
        round=survey_round, partner=partner_a_user.partner, agreement__partner=partner_a_user.partner
    )
    SurveyRequestFactory(
        round=survey_round,
        partner=partner_b_user.partner,
        agreement__partner=partner_b_user.partner,
        status=SurveyRequest.Status.SUBMITTED,
    )
    client = client_for(partner_a_user)
    page = client.get(reverse("surveys:portal_surveys"), {"status": "pending"})
    assert [r.pk for r in page.context["page"]] == [mine.pk]
    assert client.get(reverse("surveys:portal_surveys"), {"status": "submitted"}).context["page"].paginator.count == 0
    lines = csv_lines(client.get(reverse("surveys:portal_surveys"), {"export": "csv"}))
    assert lines[0] == "Survey,Status,Deadline,Overdue,Submitted"
    assert len(lines) == 2


def test_a_partner_filters_and_exports_their_own_income(client_for, partner_a_user, partner_b, staff):
    year = timezone.localdate().year - 1
    income(partner_a_user.partner, "100.00", year=year, recorded_by=staff)
    income(partner_a_user.partner, "250.00", year=year + 1, recorded_by=staff)
    income(partner_b, "999.00", year=year, recorded_by=staff)
    client = client_for(partner_a_user)
    response = client.get(reverse("surveys:portal_income"), {"filter-academic_year": year})
    assert [r.amount for r in response.context["page"]] == [Decimal("100.00")]
    html = response.content.decode()
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "the filter and the form to record income share no ids"
    lines = csv_lines(client.get(reverse("surveys:portal_income"), {"export": "csv", "filter-sort": "-amount"}))
    assert [line.split(",")[-1] for line in lines[1:]] == ["250.00", "100.00"]


def test_the_reminder_log_sorts_and_exports_its_emails(client_for, staff):
    now = timezone.now()
    OutboundEmail.objects.create(to="b@example.org", subject="Second", body=".", created_at=now)
    OutboundEmail.objects.create(
        to="a@example.org", subject="First", body=".", status=OutboundEmail.Status.FAILED, created_at=now - timedelta(1)
    )
    client = client_for(staff)
    page = client.get(reverse("reminder_log"), {"email-sort": "to"})
    assert [e.to for e in page.context["emails"]] == ["a@example.org", "b@example.org"]
    assert "list=emails&amp;export=csv" in page.content.decode()
    lines = csv_lines(
        client.get(reverse("reminder_log"), {"list": "emails", "email-status": "failed", "export": "csv"})
    )
    assert lines[0].startswith("Queued,To,Subject") and len(lines) == 2 and "a@example.org" in lines[1]
    reminders = csv_lines(client.get(reverse("reminder_log"), {"export": "csv", "sort": "-due"}))
    assert reminders[0].startswith("Kind,Stage,Due on")


def test_notifications_filter_and_export_only_ones_own(client_for, staff, partner_a_user):
    notify(kind="welcome", recipients=[partner_a_user], url="/portal/")
    notify(kind="welcome", recipients=[partner_a_user], url="/portal/")
    notify(kind="welcome", recipients=[staff], url="/staff/")
    first = Notification.objects.filter(recipient=partner_a_user).order_by("pk").first()
    Notification.objects.filter(pk=first.pk).update(read_at=timezone.now())
    client = client_for(partner_a_user)
    assert client.get(reverse("notifications"), {"state": "unread"}).context["page"].paginator.count == 1
    assert client.get(reverse("notifications"), {"state": "read"}).context["page"].paginator.count == 1
    lines = csv_lines(client.get(reverse("notifications"), {"export": "csv"}))
    assert lines[0] == "Date,Subject,Message,Read" and len(lines) >= 3
    assert not any("/staff/" in line for line in lines)


def test_a_partners_complaints_filter_and_export_without_who_complained_about_them(
    client_for, partner_a_user, partner_b
):
    from complaints.models import Complaint, ComplaintNote
    from tests.complaints.factories import ComplaintFactory

    partner_a = partner_a_user.partner
    made = ComplaintFactory(complainant_partner=partner_a, raised_via=Complaint.RaisedVia.PORTAL, partner=partner_b)
    ComplaintFactory(
        complainant_partner=partner_a,
        raised_via=Complaint.RaisedVia.PORTAL,
        partner=partner_b,
        status=Complaint.Status.CLOSED,
    )
    about = ComplaintFactory(partner=partner_a, complainant_name="Jo Public", complainant_email="jo@example.org")
    ComplaintNote.objects.create(
        complaint=about, kind=ComplaintNote.Kind.SHARED_WITH_PARTNER, author_name="Staff", body="Shared."
    )
    ComplaintFactory(partner=partner_b, complainant_partner=partner_b, raised_via=Complaint.RaisedVia.PORTAL)
    client = client_for(partner_a_user)
    page = client.get(reverse("complaints:portal_list"), {"status": "received"})
    assert [c.pk for c in page.context["raised"]] == [made.pk]
    assert [c.pk for c in page.context["about"]] == [about.pk]
    lines = csv_lines(client.get(reverse("complaints:portal_list"), {"export": "csv"}))
    assert lines[0] == "Reference,Received,Yours,About,Category,Stage"
    assert len(lines) == 4
    body = "\n".join(lines)
    assert "Jo Public" not in body and "jo@example.org" not in body
    assert sum("About you" in line for line in lines) == 1
