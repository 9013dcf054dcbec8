"""Confirm steps before a complaint's outward actions: the resolution (its
text and who receives it) and the Chair's decision (what it does and to whom).
Going back keeps what was typed; the action stays a POST the service guards."""

from complaints.models import Complaint
from tests.complaints.helpers import advance, raise_from_portal

Status = Complaint.Status
TEXT = "The missed sessions will be made up in June."


def test_the_resolution_confirm_page_shows_the_text_and_the_recipients(partner_a_user, manager, client_for):
    complaint = advance(raise_from_portal(partner_a_user), Status.INVESTIGATING, manager=manager)
    response = client_for(manager).post(f"/staff/complaints/{complaint.pk}/resolve/", {"resolution": TEXT})
    assert response.status_code == 200
    page = response.text
    assert "Send this resolution?" in page and TEXT in page
    assert partner_a_user.email in page and "by email and in the portal" in page
    assert f'value="{TEXT}"' in page  # carried to the confirming POST
    complaint.refresh_from_db()
    assert complaint.status == Status.INVESTIGATING and not complaint.resolution


def test_changing_the_resolution_keeps_the_text(partner_a_user, manager, client_for):
    complaint = advance(raise_from_portal(partner_a_user), Status.INVESTIGATING, manager=manager)
    response = client_for(manager).post(
        f"/staff/complaints/{complaint.pk}/resolve/", {"resolution": TEXT, "change": "yes"}
    )
    assert response.status_code == 200 and f"{TEXT}</textarea>" in response.text
    complaint.refresh_from_db()
    assert complaint.status == Status.INVESTIGATING


def test_confirming_sends_the_resolution(partner_a_user, manager, client_for):
    complaint = advance(raise_from_portal(partner_a_user), Status.INVESTIGATING, manager=manager)
    response = client_for(manager).post(
        f"/staff/complaints/{complaint.pk}/resolve/", {"resolution": TEXT, "confirmed": "yes"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED and complaint.resolution == TEXT


def test_only_the_service_manager_reaches_the_resolution_confirm_page(partner_a_user, manager, staff, client_for):
    complaint = advance(raise_from_portal(partner_a_user), Status.INVESTIGATING, manager=manager)
    assert client_for(staff).post(f"/staff/complaints/{complaint.pk}/resolve/", {"resolution": TEXT}).status_code == 403


def test_the_chairs_decision_says_who_hears_what_before_it_is_recorded(partner_a_user, manager, chair, client_for):
    complaint = advance(
        raise_from_portal(partner_a_user), Status.CHAIR_REVIEW, manager=manager, chair=chair, complainant=partner_a_user
    )
    url = f"/chair/complaints/{complaint.pk}/decide/"
    data = {"findings": "Lessons were lost.", "decision": "partly_upheld", "reasons": "Partly made up."}
    page = client_for(chair).post(url, data).text
    assert "Confirm your decision" in page and "Partly upheld" in page
    assert "Lessons were lost." in page and "Partly made up." in page
    assert f"{partner_a_user.email}" in page and "your findings, decision and reasons" in page
    assert "cannot be changed" in page
    back = client_for(chair).post(url, {**data, "step": "confirm", "change": "yes"}).text
    assert "Lessons were lost.</textarea>" in back and "Partly made up.</textarea>" in back
    complaint.refresh_from_db()
    assert complaint.status == Status.CHAIR_REVIEW
    done = client_for(chair).post(url, {**data, "step": "confirm", "confirm": "on"})
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.DECIDED and complaint.chair_decision == "partly_upheld"
