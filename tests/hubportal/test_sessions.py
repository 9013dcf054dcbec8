from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD

WRONG = "not-the-right-password"


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@override_settings(AXES_ENABLED=True)
def test_five_failures_lock_the_account_for_fifteen_minutes(staff):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(4):
            assert sign_in(client, staff.username, WRONG).status_code == 200
        assert sign_in(client, staff.username, WRONG).status_code == 429  # the fifth failure locks
        locked = sign_in(client, staff.username, TEST_PASSWORD)
        assert locked.status_code == 429
        assert "sign-in is paused for 15 minutes" in locked.text
        traveller.shift(timedelta(minutes=14))
        assert sign_in(client, staff.username, TEST_PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=2))
        response = sign_in(client, staff.username, TEST_PASSWORD)
        assert response.status_code == 302
        assert SESSION_KEY in client.session


@override_settings(AXES_ENABLED=True)
def test_the_lock_is_for_that_username_and_address_only(staff, manager):
    client = Client()
    for _ in range(5):
        sign_in(client, staff.username, WRONG)
    assert sign_in(client, manager.username, TEST_PASSWORD).status_code == 302
    other_address = Client(REMOTE_ADDR="10.1.2.3")
    assert sign_in(other_address, staff.username, TEST_PASSWORD).status_code == 302


def test_signing_in_gives_a_new_session_key(staff, client):
    client.get(reverse("login"))
    client.cookies["sessionid"] = "attacker-chosen-session-key"
    sign_in(client, staff.username, TEST_PASSWORD)
    assert client.session.session_key != "attacker-chosen-session-key"


def test_a_session_ends_twelve_hours_after_sign_in_however_active(staff, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        sign_in(client, staff.username, TEST_PASSWORD)
        for _ in range(24):  # active every 29 minutes, so never idle for 30: 11 h 36 min
            traveller.shift(timedelta(minutes=29))
            assert client.get(reverse("staff_home")).status_code == 200
        traveller.shift(timedelta(minutes=29))  # 12 h 5 min after sign-in
        assert client.get(reverse("staff_home")).status_code == 302


def test_an_idle_session_ends_after_thirty_minutes(staff, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        sign_in(client, staff.username, TEST_PASSWORD)
        traveller.shift(timedelta(minutes=29))
        assert client.get(reverse("staff_home")).status_code == 200
        traveller.shift(timedelta(minutes=31))
        assert client.get(reverse("staff_home")).status_code == 302


def test_a_password_change_ends_the_users_other_sessions(staff):
    laptop, phone = Client(), Client()
    sign_in(laptop, staff.username, TEST_PASSWORD)
    sign_in(phone, staff.username, TEST_PASSWORD)
    new = "another-long-passphrase-2026"
    laptop.post(reverse("password_change"), {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new})
    assert laptop.get(reverse("staff_home")).status_code == 200
    assert phone.get(reverse("staff_home")).status_code == 302


def test_a_deactivated_user_is_out_at_the_next_request(staff, client_for):
    client = client_for(staff)
    assert client.get(reverse("staff_home")).status_code == 200
    staff.is_active = False
    staff.save()
    assert client.get(reverse("staff_home")).status_code == 302


@pytest.mark.parametrize("password", ["eleven-char", "Password1234"])
def test_weak_passwords_are_refused(password):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password)


def test_argon2_is_the_first_hasher():
    from hubportal import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
