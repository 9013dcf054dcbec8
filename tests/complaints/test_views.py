"""Each action view: the happy path, the wrong method (405), the wrong role
(403), another partner's or a hidden complaint (404), and invalid input
redisplayed with the error and what was typed."""

import pytest

from complaints.models import Complaint
from tests.complaints.helpers import advance, raise_from_portal, raise_from_public
from tests.factories import PartnerFactory
from tests.files import pdf

Status = Complaint.Status
POST_ONLY = [
    "/staff/complaints/{pk}/acknowledge/",
    "/staff/complaints/{pk}/investigate/",
    "/staff/complaints/{pk}/resolve/",
    "/staff/complaints/{pk}/details/",
    "/staff/complaints/{pk}/notes/",
    "/staff/complaints/{pk}/suspend-partner/",
    "/portal/complaints/{pk}/accept/",
    "/portal/complaints/{pk}/message/",
    "/chair/complaints/{pk}/review/",
    "/chair/complaints/{pk}/decide/",
    "/chair/complaints/{pk}/notes/",
]


@pytest.fixture
def received(partner_a_user):
    return raise_from_portal(partner_a_user)


@pytest.mark.parametrize("url", POST_ONLY)
def test_post_only_urls_refuse_get(url, received, manager, chair, partner_a_user, client_for):
    user = chair if url.startswith("/chair") else partner_a_user if url.startswith("/portal") else manager
    assert client_for(user).get(url.format(pk=received.pk)).status_code == 405


@pytest.mark.parametrize("token_url", ["accept/", "message/"])
def test_tracking_actions_refuse_get(token_url, client, db):
    _, token = raise_from_public()
    assert client.get(f"/complaints/track/{token}/{token_url}").status_code == 405


def test_the_manager_runs_stage_one(received, manager, partner_a_user, client_for):
    client = client_for(manager)
    detail = f"/staff/complaints/{received.pk}/"
    assert "Acknowledge the complaint" in client.get(detail).text
    assert client.post(f"{detail}acknowledge/", {"message": "Thank you for writing."}).status_code == 302
    assert "Start the investigation" in client.get(detail).text
    assert client.post(f"{detail}investigate/", {"note": "Ask the tutor."}).status_code == 302
    assert "Send the resolution" in client.get(detail).text
    # A confirm step first: the text and who it goes to; nothing is sent yet.
    confirm = client.post(f"{detail}resolve/", {"resolution": "The sessions will be made up in June."})
    assert confirm.status_code == 200 and "Send this resolution?" in confirm.text
    assert "The sessions will be made up in June." in confirm.text and partner_a_user.email in confirm.text
    received.refresh_from_db()
    assert received.status == Status.INVESTIGATING
    # Going back to change it keeps the text.
    back = client.post(f"{detail}resolve/", {"resolution": "The sessions will be made up in June.", "change": "yes"})
    assert back.status_code == 200 and "The sessions will be made up in June.</textarea>" in back.text
    response = client.post(
        f"{detail}resolve/", {"resolution": "The sessions will be made up in June.", "confirmed": "yes"}, follow=True
    )
    assert "The resolution has been sent to the complainant." in response.text
    received.refresh_from_db()
    assert received.status == Status.RESOLVED and received.owner == manager
    portal = client_for(partner_a_user).get(f"/portal/complaints/{received.pk}/").text
    assert "The sessions will be made up in June." in portal and "Thank you for writing." in portal


def test_staff_see_the_case_but_not_the_stage_one_buttons(received, staff, client_for):
    page = client_for(staff).get(f"/staff/complaints/{received.pk}/")
    assert page.status_code == 200 and received.account in page.text
    assert "Acknowledge the complaint" not in page.text
    assert client_for(staff).post(f"/staff/complaints/{received.pk}/acknowledge/", {}).status_code == 403
    received.refresh_from_db()
    assert received.status == Status.RECEIVED


def test_an_assessor_or_partner_cannot_use_staff_actions(received, assessor, partner_a_user, client_for):
    for user in (assessor, partner_a_user):
        assert client_for(user).post(f"/staff/complaints/{received.pk}/acknowledge/").status_code == 403


def test_a_missing_complaint_is_404(manager, chair, partner_a_user, client_for):
    assert client_for(manager).post("/staff/complaints/999/acknowledge/").status_code == 404
    assert client_for(chair).get("/chair/complaints/999/").status_code == 404
    assert client_for(partner_a_user).get("/portal/complaints/999/").status_code == 404


def test_a_refused_step_is_explained_and_nothing_changes(received, manager, client_for):
    response = client_for(manager).post(f"/staff/complaints/{received.pk}/resolve/", {"resolution": "Too soon."})
    assert response.status_code == 200
    assert "cannot be resolved now" in response.text and "Too soon." in response.text
    received.refresh_from_db()
    assert received.status == Status.RECEIVED and received.resolution == ""


def test_an_empty_resolution_is_redisplayed_with_the_error(received, manager, client_for):
    complaint = advance(received, Status.INVESTIGATING, manager=manager)
    response = client_for(manager).post(f"/staff/complaints/{complaint.pk}/resolve/", {"resolution": ""})
    assert response.status_code == 200 and "There is a problem" in response.text
    assert 'href="#id_resolution"' in response.text


def test_triage_changes_the_category_and_partner(received, manager, client_for, partner_b):
    response = client_for(manager).post(
        f"/staff/complaints/{received.pk}/details/",
        {"details-category": "communication", "details-about": "partner", "details-partner": partner_b.pk},
    )
    assert response.status_code == 302
    received.refresh_from_db()
    assert received.category == "communication" and received.partner == partner_b


def test_triage_refuses_the_complainants_own_partner_as_invalid_input(received, manager, client_for):
    response = client_for(manager).post(
        f"/staff/complaints/{received.pk}/details/",
        {
            "details-category": "communication",
            "details-about": "hub",
            "details-partner": received.complainant_partner_id,
        },
    )
    assert response.status_code == 200 and "Leave the partner empty" in response.text
    received.refresh_from_db()
    assert received.category == "quality"


def test_staff_add_an_internal_note_and_a_message(received, staff, manager, partner_a_user, client_for):
    assert (
        client_for(staff)
        .post(f"/staff/complaints/{received.pk}/notes/", {"note-kind": "internal", "note-body": "Called the school."})
        .status_code
        == 302
    )
    # Messages to the complainant are the Service Manager's.
    refused = client_for(staff).post(
        f"/staff/complaints/{received.pk}/notes/", {"note-kind": "to_complainant", "note-body": "Hello"}
    )
    assert refused.status_code == 200 and "Select a valid choice" in refused.text and "Hello" in refused.text
    client_for(manager).post(
        f"/staff/complaints/{received.pk}/notes/", {"note-kind": "to_complainant", "note-body": "We will call you."}
    )
    kinds = list(received.notes.values_list("kind", "body"))
    assert kinds == [("internal", "Called the school."), ("to_complainant", "We will call you.")]
    timeline = client_for(manager).get(f"/staff/complaints/{received.pk}/").text
    assert "Called the school." in timeline and "We will call you." in timeline


def test_staff_record_a_complaint_on_someones_behalf(staff, manager, client_for, partner_a):
    form = {
        "complainant_name": "Mrs Ada Lovelace",
        "complainant_email": "ada@example.org",
        "received_on": "2020-01-01",
        "category": "financial",
        "about": "partner",
        "partner": partner_a.pk,
        "account": "We were charged twice for the summer school.",
    }
    page = client_for(staff).get("/staff/complaints/new/")
    assert page.status_code == 200
    response = client_for(staff).post("/staff/complaints/new/", {**form, "received_on": "2999-01-01"})
    assert response.status_code == 200 and "cannot be in the future" in response.text
    assert "Mrs Ada Lovelace" in response.text
    response = client_for(staff).post("/staff/complaints/new/", form)
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == f"/staff/complaints/{complaint.pk}/"
    assert complaint.raised_via == "staff" and complaint.raised_by == staff and complaint.tracking_token_hash


def test_an_assessor_cannot_record_a_complaint(assessor, client_for):
    assert client_for(assessor).get("/staff/complaints/new/").status_code == 403


def test_a_partner_complains_from_the_portal(partner_a_user, partner_b, manager, client_for):
    client = client_for(partner_a_user)
    form = client.get("/portal/complaints/new/")
    assert partner_b.name in form.text and partner_a_user.partner.name not in form.text.split("Which partner")[1]
    response = client.post(
        "/portal/complaints/new/",
        {"category": "branding", "about": "partner", "partner": partner_b.pk, "account": "They used our logo."},
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == f"/portal/complaints/{complaint.pk}/"
    assert (
        complaint.complainant_partner == partner_a_user.partner and complaint.complainant_email == partner_a_user.email
    )


def test_the_portal_form_keeps_what_was_typed(partner_a_user, client_for):
    response = client_for(partner_a_user).post(
        "/portal/complaints/new/", {"category": "branding", "about": "partner", "account": "They used our logo."}
    )
    assert response.status_code == 200 and "Choose the partner the complaint is about." in response.text
    assert "They used our logo." in response.text and not Complaint.objects.exists()


def test_a_partner_cannot_complain_about_themselves(partner_a_user, client_for):
    response = client_for(partner_a_user).post(
        "/portal/complaints/new/",
        {"category": "other", "about": "partner", "partner": partner_a_user.partner_id, "account": "x"},
    )
    assert response.status_code == 200 and not Complaint.objects.exists()


def test_the_complainant_accepts(partner_a_user, manager, client_for):
    complaint = advance(raise_from_portal(partner_a_user), Status.RESOLVED, manager=manager)
    response = client_for(partner_a_user).post(f"/portal/complaints/{complaint.pk}/accept/", follow=True)
    assert "the complaint is closed" in response.text
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED


def test_the_complainant_escalates_with_reasons(partner_a_user, manager, client_for):
    complaint = advance(raise_from_portal(partner_a_user), Status.RESOLVED, manager=manager)
    url = f"/portal/complaints/{complaint.pk}/escalate/"
    client = client_for(partner_a_user)
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reasons": ""})
    assert empty.status_code == 200 and "There is a problem" in empty.text
    assert client.post(url, {"reasons": "The response missed the point."}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.ESCALATED and complaint.escalation_reasons == "The response missed the point."


def test_another_user_of_the_complaining_partner_may_answer(partner_a, partner_a_user, manager, client_for):
    from tests.factories import partner_user

    colleague = partner_user(partner_a, username="colleague")
    complaint = advance(raise_from_portal(partner_a_user), Status.RESOLVED, manager=manager)
    assert client_for(colleague).post(f"/portal/complaints/{complaint.pk}/accept/").status_code == 302


def test_escalate_page_redirects_when_nothing_to_escalate(received, partner_a_user, client_for):
    response = client_for(partner_a_user).get(f"/portal/complaints/{received.pk}/escalate/", follow=True)
    assert "cannot be escalated now" in response.text


def test_the_complainant_writes_while_open(received, partner_a_user, manager, client_for):
    from hubportal.models import Notification

    response = client_for(partner_a_user).post(
        f"/portal/complaints/{received.pk}/message/", {"body": "One more thing."}
    )
    assert response.status_code == 302
    assert Notification.objects.filter(kind="complaints_message_received", recipient=manager).exists()
    empty = client_for(partner_a_user).post(f"/portal/complaints/{received.pk}/message/", {"body": ""})
    assert empty.status_code == 200 and "There is a problem" in empty.text


def test_the_chair_reviews_and_decides(partner_a_user, manager, chair, client_for):
    complaint = advance(
        raise_from_portal(partner_a_user, attachments=[pdf("minutes.pdf")]),
        Status.ESCALATED,
        manager=manager,
        complainant=partner_a_user,
    )
    attachment = complaint.attachments.get()
    client = client_for(chair)
    case = f"/chair/complaints/{complaint.pk}/"
    page = client.get(case).text
    # The full file: the account, its attachments, the stage-one resolution, the
    # complainant's reasons and the timeline of every step.
    for part in (complaint.account, complaint.resolution, complaint.escalation_reasons, "Start my review"):
        assert part in page
    assert "minutes.pdf" in page and f"/complaints/{complaint.pk}/attachments/{attachment.pk}/" in page
    for step in ("Acknowledged", "Investigating", "Resolved", "Escalated to the Chair by the complainant."):
        assert step in page, step
    assert client.post(f"{case}review/").status_code == 302
    assert "Continue to confirm your decision" in client.get(case).text
    invalid = client.post(f"{case}decide/", {"findings": "Found things.", "decision": "upheld", "reasons": ""})
    assert invalid.status_code == 200 and "Found things." in invalid.text and "There is a problem" in invalid.text
    complaint.refresh_from_db()
    assert complaint.status == Status.CHAIR_REVIEW
    decided = client.post(
        f"{case}decide/",
        {"findings": "Found things.", "decision": "partly_upheld", "reasons": "Some of it.", "confirm": "on"},
        follow=True,
    )
    assert "Your decision is recorded and final." in decided.text
    complaint.refresh_from_db()
    assert complaint.status == Status.DECIDED and complaint.chair_decision == "partly_upheld"


def test_the_decision_needs_the_final_confirmation(partner_a_user, manager, chair, client_for):
    complaint = advance(
        raise_from_portal(partner_a_user), Status.CHAIR_REVIEW, manager=manager, chair=chair, complainant=partner_a_user
    )
    # Complete but unconfirmed: the confirm step says what the decision does, and asks.
    asked = client_for(chair).post(
        f"/chair/complaints/{complaint.pk}/decide/", {"findings": "F", "decision": "upheld", "reasons": "R"}
    )
    assert asked.status_code == 200 and "Confirm your decision" in asked.text and "There is a problem" not in asked.text
    assert "final" in asked.text and partner_a_user.email in asked.text
    response = client_for(chair).post(
        f"/chair/complaints/{complaint.pk}/decide/",
        {"findings": "F", "decision": "upheld", "reasons": "R", "step": "confirm"},
    )
    assert response.status_code == 200 and "There is a problem" in response.text
    complaint.refresh_from_db()
    assert complaint.status == Status.CHAIR_REVIEW


def test_staff_cannot_use_the_chair_screens(staff, manager, partner_a_user, client_for):
    complaint = advance(
        raise_from_portal(partner_a_user), Status.ESCALATED, manager=manager, complainant=partner_a_user
    )
    for user in (staff, manager):
        assert client_for(user).get(f"/chair/complaints/{complaint.pk}/").status_code == 403
        assert client_for(user).post(f"/chair/complaints/{complaint.pk}/review/").status_code == 403


def test_the_chair_queue_lists_escalated_complaints_oldest_first(partner_a_user, manager, chair, client_for):
    import time_machine
    from django.utils import timezone

    now = timezone.now()
    with time_machine.travel(now - timezone.timedelta(days=10), tick=False):
        older = advance(
            raise_from_portal(partner_a_user), Status.ESCALATED, manager=manager, complainant=partner_a_user
        )
    newer = advance(raise_from_portal(partner_a_user), Status.ESCALATED, manager=manager, complainant=partner_a_user)
    page = client_for(chair).get("/chair/").text
    assert page.index(older.reference) < page.index(newer.reference)
    assert "10 days" in page
    assert client_for(chair).get("/chair/complaints/").status_code == 200


def test_partner_list_shows_what_happens_next(partner_a_user, manager, client_for):
    other = PartnerFactory()
    complaint = raise_from_portal(partner_a_user, about_partner=other)
    page = client_for(partner_a_user).get("/portal/complaints/").text
    assert complaint.reference in page and "Acknowledged by" in page
