"""Confidentiality: partner B never reaches partner A's complaints or
documents; the partner complained about sees only what staff share and the
decision, never who complained; staff see all but safeguarding concerns."""

from complaints.models import Complaint
from complaints.services import complaint_note_add
from tests.complaints.helpers import advance, raise_from_portal, raise_from_public
from tests.files import pdf

Status = Complaint.Status


def test_partner_b_gets_404_for_partner_a_complaints_and_documents(partner_a_user, partner_b_user, client_for):
    complaint = raise_from_portal(partner_a_user, attachments=[pdf("minutes.pdf")])
    attachment = complaint.attachments.get()
    client = client_for(partner_b_user)
    for url in (
        f"/portal/complaints/{complaint.pk}/",
        f"/complaints/{complaint.pk}/attachments/{attachment.pk}/",
        f"/portal/complaints/{complaint.pk}/escalate/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (f"/portal/complaints/{complaint.pk}/accept/", f"/portal/complaints/{complaint.pk}/message/"):
        assert client.post(url, {"body": "hello"}).status_code == 404, url
    assert complaint.reference not in client.get("/portal/complaints/").text
    # Partner A's own user opens both.
    mine = client_for(partner_a_user)
    assert mine.get(f"/portal/complaints/{complaint.pk}/").status_code == 200
    download = mine.get(f"/complaints/{complaint.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"


def test_the_partner_complained_about_sees_nothing_until_staff_share(
    partner_a_user, partner_b, partner_b_user, manager, client_for
):
    complaint = raise_from_portal(partner_a_user, about_partner=partner_b, attachments=[pdf()])
    client = client_for(partner_b_user)
    url = f"/portal/complaints/{complaint.pk}/"
    assert client.get(url).status_code == 404
    complaint_note_add(complaint=complaint, actor=manager, kind="internal", body="The complainant is Priya.")
    complaint_note_add(
        complaint=complaint, actor=manager, kind="shared_with_partner", body="Please send us your register for May."
    )
    page = client.get(url)
    assert page.status_code == 200
    assert "Please send us your register for May." in page.text
    for secret in ("The complainant is Priya.", complaint.account, complaint.complainant_name, partner_a_user.email):
        assert secret not in page.text
    assert complaint.reference in client.get("/portal/complaints/").text
    # Not the documents the complainant sent, and no actions of the complainant's.
    attachment = complaint.attachments.get()
    assert client.get(f"/complaints/{complaint.pk}/attachments/{attachment.pk}/").status_code == 404
    assert client.post(f"/portal/complaints/{complaint.pk}/message/", {"body": "x"}).status_code == 403


def test_the_partner_complained_about_is_sent_the_decision_without_the_findings(
    partner_a_user, partner_b, partner_b_user, manager, chair, client_for
):
    complaint = raise_from_portal(partner_a_user, about_partner=partner_b)
    complaint = advance(complaint, Status.DECIDED, manager=manager, chair=chair, complainant=partner_a_user)
    page = client_for(partner_b_user).get(f"/portal/complaints/{complaint.pk}/")
    assert page.status_code == 200
    assert complaint.chair_reasons in page.text and "Upheld" in page.text
    assert complaint.chair_findings not in page.text and complaint.complainant_name not in page.text
    assert complaint.resolution not in page.text and complaint.escalation_reasons not in page.text


def test_the_complainant_sees_messages_but_not_internal_or_shared_notes(partner_a_user, partner_b, manager, client_for):
    complaint = raise_from_portal(partner_a_user, about_partner=partner_b)
    complaint_note_add(complaint=complaint, actor=manager, kind="internal", body="Internal: call the tutor.")
    complaint_note_add(complaint=complaint, actor=manager, kind="shared_with_partner", body="Shared: your register.")
    complaint_note_add(complaint=complaint, actor=manager, kind="to_complainant", body="To you: we are on it.")
    page = client_for(partner_a_user).get(f"/portal/complaints/{complaint.pk}/").text
    assert "To you: we are on it." in page
    assert "Internal: call the tutor." not in page and "Shared: your register." not in page


def test_staff_see_complaints_but_assessors_and_partners_do_not(staff, assessor, partner_a_user, client_for):
    complaint, _ = raise_from_public()
    assert client_for(staff).get(f"/staff/complaints/{complaint.pk}/").status_code == 200
    assert client_for(assessor).get(f"/staff/complaints/{complaint.pk}/").status_code == 403
    assert client_for(partner_a_user).get(f"/staff/complaints/{complaint.pk}/").status_code == 403
    assert list(Complaint.objects.visible_to(assessor)) == []


def test_the_chair_sees_only_what_was_escalated(chair, manager, partner_a_user, client_for):
    waiting = raise_from_portal(partner_a_user)
    escalated = advance(
        raise_from_portal(partner_a_user), Status.ESCALATED, manager=manager, complainant=partner_a_user
    )
    assert set(Complaint.objects.visible_to(chair)) == {escalated}
    assert client_for(chair).get(f"/chair/complaints/{waiting.pk}/").status_code == 404
    assert client_for(chair).get(f"/chair/complaints/{escalated.pk}/").status_code == 200


def test_a_public_complainant_has_no_way_in_but_their_link(client, db):
    complaint, _ = raise_from_public()
    assert client.get(f"/staff/complaints/{complaint.pk}/").status_code == 302
    assert client.get(f"/portal/complaints/{complaint.pk}/").status_code == 302
    assert client.get(f"/complaints/{complaint.pk}/attachments/1/").status_code == 302
