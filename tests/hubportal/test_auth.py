import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import TEST_PASSWORD


def test_login_with_the_right_password_reaches_the_users_area(staff, client):
    response = client.post(reverse("login"), {"username": "staff-user", "password": TEST_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("staff_home")
    assert "Staff dashboard" in response.text


def test_wrong_password_is_refused_with_a_message_and_keeps_the_username(staff, client):
    response = client.post(reverse("login"), {"username": "staff-user", "password": "not-the-password"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
    assert 'value="staff-user"' in response.text
    assert "There is a problem" in response.text


def test_logout_ends_the_session(staff, client_for):
    client = client_for(staff)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("staff_home")).status_code == 302


def test_password_reset_round_trip(staff, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": staff.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.text
    new_password = "a-brand-new-long-passphrase"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302

    assert client.login(username="staff-user", password=new_password)
    # The link works once.
    assert "expired or has already been used" in client.get(link, follow=True).text


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(db, client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in response.text
    assert mail.outbox == []


@pytest.mark.parametrize("password", ["short1", "password12345"])
def test_password_change_refuses_weak_passwords(password, staff, client_for):
    response = client_for(staff).post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
