"""Inviting partner users: a one-time link to set a password that expires."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hubportal import roles
from hubportal.errors import ActionRefused
from hubportal.history import history_for
from hubportal.models import User
from partners.models import Partner
from partners.services import partner_invite_user
from tests.partners.helpers import at_stage

Stage = Partner.Stage
NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture
def invite(partner_a, staff, django_capture_on_commit_callbacks):
    at_stage(partner_a, Stage.MEETING_HELD)

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


@pytest.mark.parametrize("stage", [Stage.ENQUIRY, Stage.DECLINED, Stage.TERMINATED])
def test_users_are_invited_only_after_the_enquiry_and_before_the_end(partner_a, staff, stage):
    at_stage(partner_a, stage)
    with pytest.raises(ActionRefused, match="you cannot invite its users"):
        partner_invite_user(partner=partner_a, actor=staff, email="x@example.org", first_name="X", last_name="Y")
    assert not User.objects.filter(email="x@example.org").exists()


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
