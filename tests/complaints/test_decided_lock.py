"""Nobody, the admin included, can change a decided complaint: the services,
the views, the forms and the admin refuse, and on PostgreSQL the database
does too. A correction is a new note linked to what it corrects."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.forms.models import model_to_dict

from complaints.models import Complaint, ComplaintAttachment, ComplaintNote
from complaints.services import complaint_note_add
from hubportal.core.errors import ActionRefused
from hubportal.models import Notification
from tests.complaints.helpers import advance, raise_from_portal, raise_from_public

Status = Complaint.Status


@pytest.fixture
def decided(partner_a_user, partner_b, manager, chair):
    complaint = raise_from_portal(partner_a_user, about_partner=partner_b)
    complaint_note_add(complaint=complaint, actor=manager, kind="to_complainant", body="We are looking into it.")
    return advance(complaint, Status.DECIDED, manager=manager, chair=chair, complainant=partner_a_user)


def frozen(complaint):
    fresh = Complaint.objects.get(pk=complaint.pk)
    return model_to_dict(fresh), fresh.updated_at, fresh.notes.count(), fresh.attachments.count()


def test_the_decision_is_dated_and_signed(decided, chair):
    assert decided.is_decided and decided.decided_by == chair and decided.decided_at is not None
    assert decided.chair_decision == "upheld"


def test_no_view_changes_a_decided_complaint(decided, manager, staff, chair, partner_a_user, client_for):
    before = frozen(decided)
    pk = decided.pk
    attempts = [
        (manager, f"/staff/complaints/{pk}/acknowledge/", {"message": "x"}),
        (manager, f"/staff/complaints/{pk}/investigate/", {"note": "x"}),
        (manager, f"/staff/complaints/{pk}/resolve/", {"resolution": "A new resolution."}),
        (manager, f"/staff/complaints/{pk}/details/", {"details-category": "conduct", "details-about": "hub"}),
        (manager, f"/staff/complaints/{pk}/notes/", {"note-kind": "internal", "note-body": "Edited!"}),
        (staff, f"/staff/complaints/{pk}/notes/", {"note-kind": "internal", "note-body": "Edited!"}),
        (chair, f"/chair/complaints/{pk}/review/", {}),
        (
            chair,
            f"/chair/complaints/{pk}/decide/",
            {"findings": "New", "decision": "not_upheld", "reasons": "Changed my mind", "confirm": "on"},
        ),
        (chair, f"/chair/complaints/{pk}/notes/", {"note-kind": "to_complainant", "note-body": "Changed!"}),
        (partner_a_user, f"/portal/complaints/{pk}/accept/", {}),
        (partner_a_user, f"/portal/complaints/{pk}/escalate/", {"reasons": "Again"}),
        (partner_a_user, f"/portal/complaints/{pk}/message/", {"body": "Hello?"}),
    ]
    for user, url, data in attempts:
        response = client_for(user).post(url, data)
        assert response.status_code in (200, 302, 403), f"{url}: {response.status_code}"
        assert frozen(decided) == before, f"{url} as {user.username} changed the decided complaint"


def test_refusals_say_why(decided, manager, chair, client_for):
    response = client_for(manager).post(f"/staff/complaints/{decided.pk}/resolve/", {"resolution": "x"})
    assert "the decision is final and the case cannot be changed" in response.text
    again = client_for(chair).post(
        f"/chair/complaints/{decided.pk}/decide/",
        {"findings": "x", "decision": "not_upheld", "reasons": "y", "confirm": "on"},
        follow=True,
    )
    assert "the decision is final" in again.text and "Continue to confirm your decision" not in again.text


def test_the_forms_on_a_decided_case_offer_corrections_only(decided, manager, chair, client_for):
    staff_page = client_for(manager).get(f"/staff/complaints/{decided.pk}/").text
    chair_page = client_for(chair).get(f"/chair/complaints/{decided.pk}/").text
    for page in (staff_page, chair_page):
        assert "Add the correction" in page
        assert 'value="internal"' not in page and 'value="to_complainant"' not in page
    assert "Send the resolution" not in staff_page and "Save the details" not in staff_page
    assert "Continue to confirm your decision" not in chair_page and "Start my review" not in chair_page


def test_a_correction_is_a_new_note_linked_to_what_it_corrects(decided, chair, manager, partner_a_user, client_for):
    before = model_to_dict(Complaint.objects.get(pk=decided.pk))
    response = client_for(chair).post(
        f"/chair/complaints/{decided.pk}/notes/",
        {
            "note-kind": "correction",
            "note-body": "The date of the concert was 14 June, not 4 June.",
            "note-corrects": "",
        },
    )
    assert response.status_code == 302
    correction = decided.notes.get(kind="correction")
    assert correction.corrects is None  # the decision itself
    assert model_to_dict(Complaint.objects.get(pk=decided.pk)) == before
    assert Notification.objects.filter(recipient=partner_a_user, kind="complaints_correction").exists()
    message = decided.notes.get(kind="to_complainant")
    client_for(manager).post(
        f"/staff/complaints/{decided.pk}/notes/",
        {"note-kind": "correction", "note-body": "We meant the Tuesday group.", "note-corrects": message.pk},
    )
    linked = decided.notes.get(corrects=message)
    assert linked.kind == "correction" and message.body == "We are looking into it."
    page = client_for(partner_a_user).get(f"/portal/complaints/{decided.pk}/").text
    assert "The date of the concert was 14 June" in page and "We meant the Tuesday group." in page


def test_only_the_chair_and_service_manager_correct(decided, staff):
    with pytest.raises(Exception) as refused:
        complaint_note_add(complaint=decided, actor=staff, kind="correction", body="x")
    assert "PermissionDenied" in type(refused.value).__name__


def test_the_service_refuses_a_note_that_is_not_a_correction(decided, manager):
    with pytest.raises(ActionRefused, match="final"):
        complaint_note_add(complaint=decided, actor=manager, kind="internal", body="x")


def test_the_admin_is_read_only_for_a_decided_complaint_and_its_notes(decided, admin_user, client_for):
    client = client_for(admin_user)
    before = frozen(decided)
    change = f"/admin/complaints/complaint/{decided.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.text
    assert client.post(change, {"complainant_name": "Someone else", "category": "other"}).status_code == 403
    assert client.post(f"/admin/complaints/complaint/{decided.pk}/delete/", {"post": "yes"}).status_code == 403
    note = decided.notes.first()
    note_change = f"/admin/complaints/complaintnote/{note.pk}/change/"
    assert client.get(note_change).status_code == 200
    assert client.post(note_change, {"body": "Rewritten"}).status_code == 403
    assert client.post(f"/admin/complaints/complaintnote/{note.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/complaints/complaintnote/add/").status_code == 403
    assert frozen(decided) == before


def test_the_admin_may_correct_contact_details_of_an_open_complaint_but_not_its_lifecycle(admin_user, client_for):
    from hubportal.core.history import history_for

    complaint, _ = raise_from_public()
    url = f"/admin/complaints/complaint/{complaint.pk}/change/"
    page = client_for(admin_user).get(url)
    assert 'name="complainant_phone"' in page.text
    for locked in ("status", "chair_decision", "category", "account", "partner"):
        assert f'name="{locked}"' not in page.text
    response = client_for(admin_user).post(
        url,
        {
            "complainant_name": complaint.complainant_name,
            "complainant_email": "jo.public@example.com",
            "complainant_phone": "",
            **{
                f"{prefix}-{k}": v
                for prefix in ("attachments", "notes")
                for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()
            },
        },
    )
    assert response.status_code == 302, response.content[:2000]
    complaint.refresh_from_db()
    assert complaint.complainant_email == "jo.public@example.com" and complaint.status == "received"
    assert history_for(complaint).last().action == "contact details corrected in the admin"


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the lock trigger is PostgreSQL's")


@postgres_only
def test_postgresql_refuses_any_update_or_delete_of_a_decided_complaint(decided):
    for change in (
        lambda: Complaint.objects.filter(pk=decided.pk).update(chair_reasons="Rewritten"),
        lambda: Complaint.objects.filter(pk=decided.pk).update(status=Status.CHAIR_REVIEW, decided_at=None),
        lambda: Complaint.objects.filter(pk=decided.pk)._raw_delete("default"),  # past the ORM's PROTECT
    ):
        with pytest.raises(DatabaseError, match="decided by the Chair"), transaction.atomic():
            change()
    decided.refresh_from_db()
    assert decided.chair_reasons == "The partner did not deliver what was agreed."


@postgres_only
def test_postgresql_keeps_notes_as_written_and_only_corrections_on_a_decided_case(decided, manager):
    note = decided.notes.first()
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        ComplaintNote.objects.filter(pk=note.pk).update(body="Rewritten")
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        ComplaintNote.objects.filter(pk=note.pk).delete()
    with pytest.raises(DatabaseError, match="only a correction"), transaction.atomic():
        ComplaintNote.objects.create(complaint=decided, kind="internal", author_name="x", body="x")
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
        ComplaintAttachment.objects.create(complaint=decided, file="complaints/x.pdf", original_filename="x.pdf")
    ComplaintNote.objects.create(complaint=decided, kind="correction", author_name="x", body="A correction.")


@postgres_only
def test_postgresql_lets_an_open_complaint_change(manager):
    complaint, _ = raise_from_public()
    Complaint.objects.filter(pk=complaint.pk).update(complainant_phone="0116 111 1111")
    complaint.refresh_from_db()
    assert complaint.complainant_phone == "0116 111 1111"
