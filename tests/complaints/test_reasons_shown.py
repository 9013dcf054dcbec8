"""Permissions say why: the reason a page shows for a withheld step is the one
the permission function gives and the service raises (issue 20, item 3)."""

import pytest
from django.core.exceptions import PermissionDenied

from complaints import permissions
from complaints.models import Complaint
from complaints.services import complaint_acknowledge, complaint_escalate
from hubportal.core.errors import ActionRefused
from tests.complaints.helpers import advance, raise_from_portal

Status = Complaint.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def received(partner_a_user):
    return raise_from_portal(partner_a_user)


def test_a_permission_answers_allowed_and_why(received, manager, staff):
    assert permissions.may_acknowledge(manager, received) == (True, "")
    assert permissions.may_acknowledge(staff, received) == (
        False,
        "Only the Service Manager can acknowledge a complaint.",
    )
    allowed, reason = permissions.may_resolve(manager, received)
    assert not allowed and reason.startswith("This complaint is received, so it cannot be resolved now.")


def test_staff_who_may_not_act_are_told_why_on_the_case(received, staff, client_for):
    page = client_for(staff).get(f"/staff/complaints/{received.pk}/")
    assert "Only the Service Manager can acknowledge a complaint." in page.text
    assert "Acknowledge the complaint" not in page.text


def test_the_service_refuses_with_the_same_reason(received, staff, manager):
    _, who = permissions.may_acknowledge(staff, received)
    with pytest.raises(PermissionDenied, match=who):
        complaint_acknowledge(complaint=received, actor=staff)
    _, when = permissions.may_escalate(None, received)
    assert when == "Only the complainant can escalate the complaint."
    complaint_acknowledge(complaint=received, actor=manager)
    received.refresh_from_db()
    with pytest.raises(ActionRefused) as refused:
        complaint_escalate(complaint=received, actor=received.raised_by, reasons="Not settled.")
    assert str(refused.value) == permissions.may_escalate(received.raised_by, received)[1]


def test_the_escalate_page_says_why_not_now(received, partner_a_user, client_for):
    reason = permissions.may_escalate(partner_a_user, received)[1]
    assert reason.startswith("This complaint is received, so it cannot be escalated now.")
    response = client_for(partner_a_user).get(f"/portal/complaints/{received.pk}/escalate/", follow=True)
    assert reason in response.text


def test_the_chair_is_told_a_decided_complaint_is_final(partner_a_user, manager, chair, client_for):
    complaint = advance(
        raise_from_portal(partner_a_user), Status.DECIDED, manager=manager, chair=chair, complainant=partner_a_user
    )
    response = client_for(chair).post(
        f"/chair/complaints/{complaint.pk}/decide/",
        {"findings": "x", "decision": "upheld", "reasons": "y"},
        follow=True,
    )
    assert permissions.undecided(complaint)[1].split(";")[0] in response.text
