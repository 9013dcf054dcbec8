"""Who is told what as a complaint moves on: the resolution and the Chair's
decision reach the complainant (in the portal, or by email for a member of
the public), the partner complained about hears the decision but not the
findings, and staff are told without a concern reaching the wrong people."""

from django.core import mail

from complaints.models import Complaint
from hubportal.core import roles
from hubportal.models import Notification, OutboundEmail
from tests.complaints.helpers import advance, raise_from_portal, raise_from_public
from tests.factories import UserFactory

Status = Complaint.Status
RESOLUTION = "We have spoken to the tutor and the sessions will be made up."
FINDINGS = "The sessions were missed and not made up."
REASONS = "The partner did not deliver what was agreed."


def told(kind):
    return {n.recipient.username: n for n in Notification.objects.filter(kind=kind).select_related("recipient")}


def test_the_resolution_reaches_the_portal_complainant(manager, partner_a_user, partner_b):
    complaint = advance(raise_from_portal(partner_a_user, about_partner=partner_b), Status.RESOLVED, manager=manager)
    [note] = told("complaints_resolved").values()
    assert note.recipient == partner_a_user and note.url == f"/portal/complaints/{complaint.pk}/"
    assert RESOLUTION in note.body and f"{complaint.escalate_by:%-d %B %Y}" in note.body


def test_the_resolution_reaches_a_member_of_the_public_by_email(manager, django_capture_on_commit_callbacks):
    complaint, _ = raise_from_public()
    with django_capture_on_commit_callbacks(execute=True):
        advance(complaint, Status.RESOLVED, manager=manager)
    email = OutboundEmail.objects.get(kind="complaints_resolved")
    assert email.to == "jo.public@example.org" and RESOLUTION in email.body
    assert "ask for a new one: http" in email.body and email.body.rstrip().count("/complaints/track/") == 1
    assert [m.to for m in mail.outbox if m.subject.startswith("The response to your complaint")] == [
        ["jo.public@example.org"]
    ]
    assert not told("complaints_resolved")  # nobody signed in is told


def test_an_escalation_reaches_every_chair_and_the_owner_only(manager, staff, chair, second_chair, partner_a_user):
    other_manager = UserFactory(username="another-manager", role=roles.MANAGER)
    complaint = raise_from_portal(partner_a_user)
    complaint = advance(complaint, Status.ESCALATED, manager=manager, complainant=partner_a_user)
    assert set(told("complaints_escalated")) == {chair.username, second_chair.username}
    assert told("complaints_escalated")[chair.username].url == f"/chair/complaints/{complaint.pk}/"
    # The manager who acknowledged it owns it; the other manager and plain staff are not told.
    assert set(told("complaints_escalated_staff")) == {manager.username}
    assert other_manager.username not in told("complaints_escalated_staff")
    assert set(told("complaints_escalation_received")) == {partner_a_user.username}


def test_the_decision_reaches_the_complainant_the_partner_and_staff(
    manager, staff, chair, partner_a_user, partner_b, partner_b_user
):
    complaint = advance(
        raise_from_portal(partner_a_user, about_partner=partner_b),
        Status.DECIDED,
        manager=manager,
        chair=chair,
        complainant=partner_a_user,
    )
    [to_complainant] = told("complaints_decided").values()
    assert to_complainant.recipient == partner_a_user
    assert FINDINGS in to_complainant.body and REASONS in to_complainant.body and "final" in to_complainant.body
    [to_partner] = told("complaints_decided_partner").values()
    assert to_partner.recipient == partner_b_user
    assert complaint.get_chair_decision_display() in to_partner.body and REASONS in to_partner.body
    assert FINDINGS not in to_partner.body  # the findings are the complainant's
    assert set(told("complaints_decided_staff")) == {manager.username}
    assert staff.username not in told("complaints_decided_staff")


def test_a_public_complainant_gets_the_decision_by_email(manager, chair, partner_b):
    complaint, token = raise_from_public(partner=partner_b)
    advance(complaint, Status.DECIDED, manager=manager, chair=chair, token=token)
    email = OutboundEmail.objects.get(kind="complaints_decided")
    assert email.to == "jo.public@example.org" and FINDINGS in email.body and REASONS in email.body


def test_a_decided_concern_is_told_only_to_safeguarding_leads(admin_user, manager, chair, partner_a_user, partner_b):
    # An admin standing in for the Service Manager owns the concern, but is no
    # safeguarding lead, so is not told how it ended; the Service Manager is.
    concern = raise_from_portal(partner_a_user, about_partner=partner_b, category=Complaint.Category.SAFEGUARDING)
    advance(concern, Status.DECIDED, manager=admin_user, chair=chair, complainant=partner_a_user)
    assert Complaint.objects.get(pk=concern.pk).owner == admin_user
    assert set(told("complaints_decided_staff")) == {manager.username}
