"""Subject access finds everything about one person and nothing about anyone
else, and downloads as one ZIP; erasure refuses what must be kept, saying
why, and anonymises a closed complaint's complainant everywhere."""

import datetime
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, ComplaintNote
from hubportal.models import HistoryEntry, OutboundEmail, Reminder
from hubportal.privacy import services
from hubportal.privacy.models import DataRequest
from hubportal.privacy.reminders import requests_due
from hubportal.privacy.selectors import personal_data_for
from tests.complaints.helpers import advance, raise_from_public
from tests.files import pdf

NAME, EMAIL = "Sam Parent", "sam.parent@example.org"
OTHER_NAME, OTHER_EMAIL = "Alex Other", "alex.other@example.org"


def _complaint(partner, *, name=NAME, email=EMAIL, attachments=()):
    complaint, token = raise_from_public(
        partner=partner, complainant_name=name, complainant_email=email, attachments=attachments
    )
    ComplaintNote.objects.create(
        complaint=complaint, kind=ComplaintNote.Kind.FROM_COMPLAINANT, author_name=name, body=f"Regards, {name}"
    )
    return complaint, token


def _request(manager, kind=DataRequest.Kind.ACCESS, **kwargs):
    return services.data_request_record(
        actor=manager,
        kind=kind,
        person_name=kwargs.get("name", NAME),
        person_email=kwargs.get("email", EMAIL),
        received_on=kwargs.get("received_on", datetime.date.today()),
    )


@pytest.fixture
def two_complainants(partner_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mine, token = _complaint(partner_a, attachments=[pdf("my-letter.pdf")])
        theirs, _ = _complaint(partner_a, name=OTHER_NAME, email=OTHER_EMAIL, attachments=[pdf("their-letter.pdf")])
    return mine, token, theirs


@pytest.mark.django_db
def test_subject_access_finds_the_complainants_records_and_no_one_elses(two_complainants):
    mine, _, theirs = two_complainants
    found = personal_data_for(name=NAME, email=EMAIL)
    assert found.complaints == [mine]
    assert {n.complaint_id for n in found.notes} == {mine.pk} and found.notes
    assert [a.original_filename for a in found.attachments] == ["my-letter.pdf"]
    assert found.emails and {e.to for e in found.emails} == {EMAIL}
    assert OutboundEmail.objects.filter(to=OTHER_EMAIL).exists()


@pytest.mark.django_db
def test_the_subject_access_zip_opens_with_summary_json_and_files(two_complainants, manager, client_for):
    mine, _, _ = two_complainants
    data_request = _request(manager)
    response = client_for(manager).get(reverse("privacy:request_zip", args=[data_request.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "summary.pdf" in names and archive.read("summary.pdf").startswith(b"%PDF")
    data = json.loads(archive.read("data.json"))
    assert [c["reference"] for c in data["complaints"]] == [mine.reference]
    assert data["complaints"][0]["complainant_email"] == EMAIL
    assert all(e["to"] == EMAIL for e in data["emails_sent"]) and data["emails_sent"]
    [letter] = [n for n in names if n.startswith("files/")]
    assert letter.endswith("my-letter.pdf") and archive.read(letter).startswith(b"%PDF")
    assert OTHER_EMAIL not in archive.read("data.json").decode()
    assert HistoryEntry.objects.filter(object_id=data_request.pk, action="subject access pack downloaded").exists()


@pytest.mark.django_db
def test_the_request_page_shows_the_one_month_deadline(manager, client_for):
    data_request = _request(manager, received_on=datetime.date(2026, 1, 31))
    assert data_request.due_on == datetime.date(2026, 2, 28)
    page = client_for(manager).get(reverse("privacy:request", args=[data_request.pk])).content.decode()
    assert "28 February 2026" in page and "Overdue" in page


@pytest.mark.django_db
def test_open_requests_are_reminded_before_on_and_after_their_deadline(manager):
    data_request = _request(manager, received_on=datetime.date(2026, 1, 10))
    due = data_request.due_on
    for days, stage in ((7, "7d-before"), (0, "on-the-day"), (-1, "1d-after")):
        [reminder] = list(requests_due(due - datetime.timedelta(days=days)))
        assert reminder.stage == stage and reminder.recipients == [manager]
    assert list(requests_due(due - datetime.timedelta(days=3))) == []
    services.data_request_fulfil(data_request=data_request, actor=manager, outcome="Sent by secure email.")
    assert list(requests_due(due)) == []
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_erasure_refuses_a_person_with_an_open_complaint_and_says_why(two_complainants, manager):
    mine, _, _ = two_complainants
    data_request = _request(manager, DataRequest.Kind.ERASURE)
    result = services.erasure_apply(data_request=data_request, actor=manager, reason="They asked us to.")
    assert result.refused == [(f"Complaint {mine.reference}", result.refused[0][1])]
    assert "still open" in result.refused[0][1]
    mine.refresh_from_db()
    assert mine.complainant_name == NAME
    data_request.refresh_from_db()
    assert "still open" in data_request.outcome


@pytest.mark.django_db
def test_erasure_refuses_a_safeguarding_record(partner_a, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        concern, _ = raise_from_public(
            partner=partner_a, complainant_name=NAME, complainant_email=EMAIL, category=Complaint.Category.SAFEGUARDING
        )
    Complaint.objects.filter(pk=concern.pk).update(status=Complaint.Status.CLOSED)
    preview = services.erasure_preview(_request(manager, DataRequest.Kind.ERASURE))
    assert "safeguarding record" in preview.refused[0][1]


@pytest.mark.django_db
def test_erasure_anonymises_a_closed_complaints_complainant_everywhere(
    two_complainants, manager, client_for, django_capture_on_commit_callbacks
):
    mine, token, theirs = two_complainants
    with django_capture_on_commit_callbacks(execute=True):
        mine = advance(mine, Complaint.Status.CLOSED, manager=manager, token=token)
    assert mine.status == Complaint.Status.CLOSED
    data_request = _request(manager, DataRequest.Kind.ERASURE)
    client = client_for(manager)
    response = client.post(reverse("privacy:request_erase", args=[data_request.pk]), {"reason": "They asked us to."})
    assert response.status_code == 302

    mine.refresh_from_db()
    assert mine.complainant_name == "Removed" and EMAIL not in mine.complainant_email
    assert not mine.attachments.exists()
    assert not OutboundEmail.objects.filter(to__iexact=EMAIL).exists()
    detail = client.get(reverse("complaints:detail", args=[mine.pk])).content.decode()
    export = b"".join(client.get(reverse("complaints:list") + "?export=csv").streaming_content).decode()
    for text in (detail, export):
        assert NAME not in text and EMAIL not in text
    assert OTHER_NAME in export  # someone else's complaint is untouched
    found = personal_data_for(name=NAME, email=EMAIL)
    assert found.count == 0
    again = _request(manager, name=NAME, email=EMAIL)
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("privacy:request_zip", args=[again.pk])).content))
    assert json.loads(archive.read("data.json"))["complaints"] == []
    for entry in HistoryEntry.objects.filter(action="erased on request"):
        assert NAME not in entry.note and EMAIL not in entry.note


@pytest.mark.django_db
def test_an_access_request_cannot_be_used_to_erase(manager, client_for):
    data_request = _request(manager)
    response = client_for(manager).post(reverse("privacy:request_erase", args=[data_request.pk]), {"reason": "x"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_recording_a_request_without_a_name_or_email_redisplays_the_form(manager, client_for):
    response = client_for(manager).post(
        reverse("privacy:requests"), {"kind": "access", "received_on": "2026-01-05", "details": "Typed details"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the person&#x27;s name or email address" in page and "Typed details" in page
    assert not DataRequest.objects.exists()


@pytest.mark.django_db
def test_staff_who_are_not_the_service_manager_cannot_open_requests(staff, client_for):
    assert client_for(staff).get(reverse("privacy:requests")).status_code == 403


@pytest.mark.django_db
def test_the_manager_sees_the_schedule_and_what_is_due(manager, client_for):
    client = client_for(manager)
    schedule = client.get(reverse("privacy:schedule")).content.decode()
    assert "dbs-certificates" in schedule and "Limitation Act 1980" in schedule
    client.post(reverse("privacy:dry_run"))
    assert "Nothing is due for removal" in client.get(reverse("privacy:due")).content.decode()


@pytest.mark.django_db
def test_the_privacy_notice_is_public_and_linked_from_the_forms_that_collect_personal_data(
    client, client_for, partner_a_user, staff
):
    assert client.get(reverse("privacy:notice")).status_code == 200
    notice = reverse("privacy:notice")
    for name in ("complaints:public_new", "partners:enquire", "complaints:track_request"):
        assert notice in client.get(reverse(name)).content.decode(), name
    assert notice in client_for(partner_a_user).get(reverse("complaints:portal_new")).content.decode()
    assert notice in client_for(staff).get(reverse("complaints:new")).content.decode()


@pytest.mark.django_db
def test_the_due_report_exports_without_personal_data(two_complainants, manager, client_for):
    mine, token, _ = two_complainants
    Complaint.objects.filter(pk=mine.pk).update(
        status=Complaint.Status.CLOSED, closed_at=timezone.now() - datetime.timedelta(days=6 * 366)
    )
    client = client_for(manager)
    client.post(reverse("privacy:dry_run"))
    export = b"".join(client.get(reverse("privacy:due") + "?export=csv").streaming_content).decode()
    assert f"Complaint {mine.reference}" in export and "complaints" in export
    assert NAME not in export and EMAIL not in export


@pytest.mark.django_db
def test_the_requests_list_reads_a_page_in_a_fixed_number_of_queries(
    manager, client_for, django_assert_max_num_queries
):
    for n in range(30):
        _request(manager, email=f"person{n}@example.org")
    client = client_for(manager)
    # The rows are the requests alone: no lookup per row (a person, a user) to grow with the page.
    with django_assert_max_num_queries(12):
        assert client.get(reverse("privacy:requests")).status_code == 200
