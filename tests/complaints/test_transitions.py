"""Every transition by role and stage: allowed for the right person at the
right stage, and otherwise refused with a clear message and nothing changed."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from complaints.models import Complaint
from complaints.services import (
    complaint_accept,
    complaint_acknowledge,
    complaint_decide,
    complaint_escalate,
    complaint_investigate,
    complaint_resolve,
    complaint_take_into_review,
)
from hubportal.core import roles
from hubportal.core.errors import ActionRefused
from hubportal.core.history import history_for
from tests.complaints.helpers import advance, raise_from_portal
from tests.factories import UserFactory

Status = Complaint.Status
STAGE_ONE = {"manager", "admin"}

ACTIONS = {
    "acknowledge": (
        lambda c, u: complaint_acknowledge(complaint=c, actor=u),
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        STAGE_ONE,
    ),
    "investigate": (
        lambda c, u: complaint_investigate(complaint=c, actor=u),
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        STAGE_ONE,
    ),
    "resolve": (
        lambda c, u: complaint_resolve(complaint=c, actor=u, resolution="The tutor has apologised."),
        Status.INVESTIGATING,
        Status.RESOLVED,
        STAGE_ONE,
    ),
    "accept": (lambda c, u: complaint_accept(complaint=c, actor=u), Status.RESOLVED, Status.CLOSED, {"complainant"}),
    "escalate": (
        lambda c, u: complaint_escalate(complaint=c, actor=u, reasons="The apology did not address the lost lessons."),
        Status.RESOLVED,
        Status.ESCALATED,
        {"complainant"},
    ),
    "take_into_review": (
        lambda c, u: complaint_take_into_review(complaint=c, actor=u),
        Status.ESCALATED,
        Status.CHAIR_REVIEW,
        {"chair"},
    ),
    "decide": (
        lambda c, u: complaint_decide(
            complaint=c, actor=u, findings="Lessons were lost.", decision="partly_upheld", reasons="Partly made up."
        ),
        Status.CHAIR_REVIEW,
        Status.DECIDED,
        {"chair"},
    ),
}
# "lead_only" holds the safeguarding role and nothing else: concerns open for
# them, but stage one stays the Service Manager's.
ROLES = ["staff", "lead_only", "manager", "admin", "assessor", "chair", "complainant", "other_partner"]


@pytest.fixture
def people(staff, manager, admin_user, assessor, chair, partner_a_user, partner_b_user):
    lead_only = UserFactory(username="lead-only")
    lead_only.groups.add(Group.objects.get(name=roles.SAFEGUARDING))
    return {
        "staff": staff,
        "lead_only": lead_only,
        "manager": manager,
        "admin": admin_user,
        "assessor": assessor,
        "chair": chair,
        "complainant": partner_a_user,
        "other_partner": partner_b_user,
    }


def complaint_at(status, people):
    complaint = raise_from_portal(people["complainant"])
    return advance(
        complaint, status, manager=people["manager"], chair=people["chair"], complainant=people["complainant"]
    )


def snapshot(complaint):
    fresh = Complaint.objects.get(pk=complaint.pk)
    return (fresh.status, fresh.updated_at, history_for(fresh).count(), fresh.notes.count())


@pytest.mark.parametrize("status", [s for s in Status.values])
@pytest.mark.parametrize("action", ACTIONS)
def test_each_transition_only_for_its_role_and_stage(action, status, people):
    run, source, target, allowed = ACTIONS[action]
    complaint = complaint_at(status, people)
    for role in ROLES:
        before = snapshot(complaint)
        if role not in allowed:
            with pytest.raises(PermissionDenied) as refused:
                run(complaint, people[role])
            assert str(refused.value), f"{action} by {role}: no message"
            assert snapshot(complaint) == before, f"{action} by {role} at {status} changed something"
        elif status != source:
            with pytest.raises(ActionRefused) as refused:
                run(complaint, people[role])
            message = str(refused.value)
            assert message.endswith(".") and len(message) > 30, message
            assert snapshot(complaint) == before, f"{action} by {role} at {status} changed something"
        else:
            moved = run(complaint, people[role])
            assert moved.status == target
            entry = history_for(moved).last()
            assert (entry.from_state, entry.to_state) == (source, target)
            assert entry.actor == people[role]
            complaint = complaint_at(status, people)  # a fresh one for the next role


def test_resolution_must_be_written(manager, chair, partner_a_user):
    complaint = advance(raise_from_portal(partner_a_user), Status.INVESTIGATING, manager=manager)
    with pytest.raises(ActionRefused, match="Write the resolution"):
        complaint_resolve(complaint=complaint, actor=manager, resolution="   ")
    complaint.refresh_from_db()
    assert complaint.status == Status.INVESTIGATING and complaint.resolution == ""


def test_escalation_needs_reasons(manager, partner_a_user):
    complaint = advance(raise_from_portal(partner_a_user), Status.RESOLVED, manager=manager)
    with pytest.raises(ActionRefused, match="Say why"):
        complaint_escalate(complaint=complaint, actor=partner_a_user, reasons="")
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


def test_the_decision_needs_findings_reasons_and_a_valid_decision(manager, chair, partner_a_user):
    complaint = advance(
        raise_from_portal(partner_a_user), Status.CHAIR_REVIEW, manager=manager, chair=chair, complainant=partner_a_user
    )
    with pytest.raises(ActionRefused, match="Choose a decision"):
        complaint_decide(complaint=complaint, actor=chair, findings="x", decision="maybe", reasons="y")
    with pytest.raises(ActionRefused, match="findings"):
        complaint_decide(complaint=complaint, actor=chair, findings=" ", decision="upheld", reasons="y")
    complaint.refresh_from_db()
    assert complaint.status == Status.CHAIR_REVIEW and complaint.decided_at is None


def test_acknowledging_makes_the_manager_owner_and_tells_the_complainant(manager, partner_a_user):
    from hubportal.models import Notification

    complaint = raise_from_portal(partner_a_user)
    complaint_acknowledge(complaint=complaint, actor=manager, message="I am looking into this myself.")
    complaint.refresh_from_db()
    assert complaint.owner == manager and complaint.acknowledged_at is not None
    told = Notification.objects.get(recipient=partner_a_user, kind="complaints_acknowledged")
    assert "I am looking into this myself." in told.body
    assert complaint.notes.get().kind == "to_complainant"


def test_notifications_wait_for_the_commit(manager, partner_a_user, django_capture_on_commit_callbacks):
    from hubportal.models import OutboundEmail

    complaint = raise_from_portal(partner_a_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        complaint_acknowledge(complaint=complaint, actor=manager)
    # The email is in the outbox; its sending is queued for when the transaction commits.
    assert OutboundEmail.objects.filter(kind="complaints_acknowledged", to=partner_a_user.email).exists()
    assert len(callbacks) >= 1
