"""Inviting partner users: a one-time link to set a password that expires."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hubportal.core import roles
from hubportal.core.errors import ActionRefused
from hubportal.core.history import history_for
from hubportal.models import HistoryEntry, OutboundEmail, User
from partners.models import Meeting, Partner
from partners.permissions import may_invite_user
from partners.services import partner_invite_user
from tests.partners.factories import MeetingFactory
from tests.partners.helpers import at_stage

Stage = Partner.Stage
NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def meeting_recorded(partner, staff, outcome: str, *, hours_ago: int = 1) -> Meeting:
    at = timezone.now() - timedelta(hours=hours_ago)
    return MeetingFactory(
        partner=partner, scheduled_by=staff, starts_at=at, recorded_at=at, recorded_by=staff, outcome=outcome
    )


@pytest.fixture
def invite(partner_a, staff, django_capture_on_commit_callbacks):
    at_stage(partner_a, Stage.MEETING_HELD)
    meeting_recorded(partner_a, staff, Meeting.Outcome.PROCEED)

    def send(email="amara@partner-a.example", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return partner_invite_user(
                partner=partner_a, actor=staff, email=email, first_name="Amara", last_name="Nwosu", **kwargs
            )

    return send


def link_from(message) -> str:
    return re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_inviting_creates_a_partner_user_without_a_password_and_emails_the_link(invite, partner_a, staff):
    user = invite(job_title="Programme manager")
    assert (user.partner, user.username, user.email, user.job_title) == (
        partner_a,
        "amara@partner-a.example",
        "amara@partner-a.example",
        "Programme manager",
    )
    assert not user.has_usable_password()
    assert roles.is_partner_user(User.objects.get(pk=user.pk))
    [email] = mail.outbox
    assert email.to == ["amara@partner-a.example"]
    assert email.subject == "Your Hub Portal account for Partner A Music"
    assert "/invitation/" in link_from(email) and "works once, for 7 days" in email.body
    assert history_for(partner_a).last().action == "user invited"


def test_the_link_sets_the_password_signs_in_and_works_once(invite, client):
    invite()
    path = path_of(link_from(mail.outbox[0]))
    page = client.get(path)
    assert page.status_code == 200 and "Set your password" in page.text and "Partner A Music" in page.text
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == "/portal/"
    user = User.objects.get(username="amara@partner-a.example")
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/portal/").status_code == 200  # signed in
    client.logout()
    again = client.get(path)
    assert "This link no longer works" in again.text
    second = client.post(
        path, {"new_password1": "another-long-passphrase-99", "new_password2": "another-long-passphrase-99"}
    )
    assert "This link no longer works" in second.text
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_weak_password_is_refused_with_the_reason(invite, client):
    invite()
    path = path_of(link_from(mail.outbox[0]))
    response = client.post(path, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200 and "This password is too short" in response.text
    assert not User.objects.get(username="amara@partner-a.example").has_usable_password()


def test_the_link_expires_after_the_invitation_period(invite, client):
    sent = timezone.now()
    with time_machine.travel(sent, tick=False):
        invite()
    path = path_of(link_from(mail.outbox[0]))
    with time_machine.travel(sent + timedelta(days=7) - timedelta(minutes=1), tick=False):
        assert "Set your password" in client.get(path).text
    with time_machine.travel(sent + timedelta(days=7, minutes=1), tick=False):
        assert "This link no longer works" in client.get(path).text


def test_a_tampered_link_does_not_work(invite, client, partner_b_user):
    invite()
    path = path_of(link_from(mail.outbox[0]))
    assert "This link no longer works" in client.get(path[:-3] + "abc/").text
    assert "This link no longer works" in client.get("/invitation/Zm9v/abc-def/").text


def test_inviting_again_before_the_password_is_set_sends_a_fresh_link(invite):
    first = invite()
    second = invite()
    assert first.pk == second.pk and len(mail.outbox) == 2
    assert User.objects.filter(email="amara@partner-a.example").count() == 1


def test_an_address_that_already_has_an_account_is_refused(invite, partner_b_user):
    with pytest.raises(ActionRefused, match="already a Hub Portal account"):
        invite(email=partner_b_user.email.upper())
    assert mail.outbox == []


def test_a_partner_user_who_has_set_a_password_is_not_invited_again(invite, client):
    user = invite()
    user.set_password(NEW_PASSWORD)
    user.save()
    with pytest.raises(ActionRefused, match="already a Hub Portal account"):
        invite()


@pytest.mark.parametrize(
    "stage, allowed",
    [
        (Stage.ENQUIRY, False),
        (Stage.MEETING_SCHEDULED, False),
        (Stage.STANDARDS_REVIEW, True),
        (Stage.AGREEMENT_PENDING, True),
        (Stage.ACTIVE, True),
        (Stage.SUSPENDED, True),
        (Stage.LAPSED, True),
        (Stage.DECLINED, False),
        (Stage.TERMINATED, False),
    ],
)
def test_the_rule_lets_staff_invite_only_after_a_proceed_and_before_the_end(partner_a, staff, manager, stage, allowed):
    at_stage(partner_a, stage)
    assert may_invite_user(staff, partner_a)[0] is allowed
    assert may_invite_user(manager, partner_a)[0] is allowed


@pytest.mark.parametrize(
    "outcomes, allowed",
    [
        ([], False),  # held but not recorded: nothing decided
        (["proceed"], True),
        (["more_information"], False),
        (["not_proceed"], False),
        (["proceed", "more_information"], False),  # the latest outcome is the one that stands
        (["more_information", "proceed"], True),
    ],
)
def test_after_the_meeting_the_rule_follows_the_latest_outcome(partner_a, staff, outcomes, allowed):
    at_stage(partner_a, Stage.MEETING_HELD)
    for hours_ago, outcome in zip(range(len(outcomes), 0, -1), outcomes, strict=True):
        meeting_recorded(partner_a, staff, outcome, hours_ago=hours_ago)
    assert may_invite_user(staff, partner_a)[0] is allowed


def test_while_another_meeting_is_scheduled_nobody_is_invited(partner_a, staff):
    meeting_recorded(partner_a, staff, Meeting.Outcome.PROCEED)
    at_stage(partner_a, Stage.MEETING_SCHEDULED)
    assert may_invite_user(staff, partner_a)[0] is False


@pytest.mark.parametrize("who", ["assessor", "chair", "partner_a_user"])
def test_the_rule_refuses_other_roles(partner_a, who, request):
    assert may_invite_user(request.getfixturevalue(who), partner_a)[0] is False


def assert_nothing_sent(history_before: int) -> None:
    assert not User.objects.filter(email="x@example.org").exists()
    assert HistoryEntry.objects.count() == history_before
    assert not OutboundEmail.objects.exists() and mail.outbox == []


@pytest.mark.parametrize(
    "stage, reason",
    [
        (Stage.ENQUIRY, "record the introductory meeting with the outcome “proceed” first."),
        (Stage.MEETING_SCHEDULED, "record the introductory meeting with the outcome “proceed” first."),
        (Stage.DECLINED, "the partnership has ended."),
        (Stage.TERMINATED, "the partnership has ended."),
    ],
)
def test_users_are_invited_only_after_the_meeting_and_before_the_end(partner_a, staff, stage, reason):
    at_stage(partner_a, stage)
    history_before = HistoryEntry.objects.count()
    label = Stage(stage).label.lower()
    with pytest.raises(ActionRefused) as refused:
        partner_invite_user(partner=partner_a, actor=staff, email="x@example.org", first_name="X", last_name="Y")
    assert str(refused.value) == f"Partner A Music is at the stage “{label}”, so you cannot invite its users: {reason}"
    assert_nothing_sent(history_before)


@pytest.mark.parametrize(
    "outcome, said", [("more_information", "more information needed"), ("not_proceed", "do not proceed")]
)
def test_an_invitation_after_a_meeting_that_did_not_say_proceed_is_refused_with_the_outcome(
    partner_a, staff, outcome, said
):
    at_stage(partner_a, Stage.MEETING_HELD)
    meeting_recorded(partner_a, staff, outcome)
    history_before = HistoryEntry.objects.count()
    with pytest.raises(ActionRefused) as refused:
        partner_invite_user(partner=partner_a, actor=staff, email="x@example.org", first_name="X", last_name="Y")
    assert str(refused.value) == (
        "Partner A Music is at the stage “meeting held”, so you cannot invite its users: users are invited once "
        f"the introductory meeting's outcome is “proceed”, and the last one's was “{said}”. Schedule another "
        "meeting if more information was needed, or decline the partner."
    )
    assert_nothing_sent(history_before)


def test_an_invitation_right_after_a_proceed_is_sent(partner_a, staff):
    at_stage(partner_a, Stage.MEETING_HELD)
    meeting_recorded(partner_a, staff, Meeting.Outcome.PROCEED)
    user = partner_invite_user(partner=partner_a, actor=staff, email="x@example.org", first_name="X", last_name="Y")
    assert user.partner == partner_a and not user.has_usable_password()


@pytest.mark.parametrize("who", ["assessor", "chair", "partner_a_user"])
def test_only_hub_staff_invite(partner_a, who, request):
    with pytest.raises(PermissionDenied):
        partner_invite_user(
            partner=partner_a, actor=request.getfixturevalue(who), email="x@example.org", first_name="X", last_name="Y"
        )


def test_a_staff_account_cannot_be_taken_over_through_an_invitation_link(client, staff):
    """The link is only for partner users: a staff account's id and a token do nothing."""
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from partners.services import invitation_tokens

    uid = urlsafe_base64_encode(force_bytes(staff.pk))
    response = client.get(f"/invitation/{uid}/{invitation_tokens.make_token(staff)}/")
    assert "This link no longer works" in response.text


def test_a_password_reset_token_is_not_an_invitation(invite, client):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = invite()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    assert "no longer works" in client.get(f"/invitation/{uid}/{default_token_generator.make_token(user)}/").text


def test_the_invited_user_has_the_partner_role_only(invite):
    user = invite()
    assert list(user.groups.values_list("name", flat=True)) == [roles.PARTNER]
    assert Group.objects.get(name=roles.PARTNER).user_set.filter(pk=user.pk).exists()
