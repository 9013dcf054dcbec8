import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.usefixtures("two_factor_on")


@pytest.fixture
def two_factor_on(settings):
    settings.REQUIRE_2FA = True


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD}, follow=True)


def test_staff_must_set_up_two_factor_before_reaching_any_page(staff, client):
    page = sign_in(client, staff)
    assert page.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
    assert "Set up two-factor authentication" in page.text
    assert client.get(reverse("staff_home")).url.startswith(reverse("two_factor"))

    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    done = client.post(reverse("two_factor_setup"), {"token": code_for(device), "next": "/staff/"})
    assert done.url == "/staff/"
    assert client.get(reverse("staff_home")).status_code == 200


def test_a_code_works_once(staff, client):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    with time_machine.travel(timezone.now(), tick=False):
        code = code_for(device)
        sign_in(client, staff)
        assert client.post(reverse("two_factor"), {"token": code}).status_code == 302
        client.post(reverse("logout"))
        sign_in(client, staff)
        again = client.post(reverse("two_factor"), {"token": code})
    assert again.status_code == 200
    assert "has been used already" in again.text
    assert client.get(reverse("staff_home")).status_code == 302


def test_a_wrong_code_is_refused_with_an_error_summary_and_keeps_the_typed_value(staff, client):
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    sign_in(client, staff)
    response = client.post(reverse("two_factor"), {"token": "000000"})
    assert "There is a problem" in response.text
    assert 'value="000000"' in response.text


def test_partner_users_need_it_only_when_the_hub_switches_it_on(partner_a_user, client):
    assert sign_in(client, partner_a_user).redirect_chain[-1][0] == reverse("portal_home")
    client.post(reverse("logout"))
    with override_settings(REQUIRE_2FA_FOR_PARTNERS=True):
        assert sign_in(client, partner_a_user).redirect_chain[-1][0].startswith(reverse("two_factor_setup"))


@pytest.mark.parametrize("who", ["manager", "assessor", "chair", "admin_user"])
def test_every_hub_role_needs_it(who, request, client):
    page = sign_in(client, request.getfixturevalue(who))
    assert page.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))


def test_demo_settings_leave_it_off(settings, staff, client):
    settings.REQUIRE_2FA = False
    assert sign_in(client, staff).redirect_chain[-1][0] == reverse("staff_home")
