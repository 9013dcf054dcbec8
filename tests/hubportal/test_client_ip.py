"""The client's address, behind however many proxies the Hub trusts: the
audit trail, login throttling and the public forms' rate limits all use it."""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from hubportal.models import AuditEvent
from hubportal.security.audit import client_ip
from tests.factories import TEST_PASSWORD


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "198.51.100.7", "10.0.0.1"),  # no proxy trusted: the header is the client's own say
        (1, None, "10.0.0.1"),  # a proxy trusted but no header: the direct address
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "203.0.113.66, 198.51.100.7", "198.51.100.7"),  # a forged entry on the left is ignored
        (2, "203.0.113.66, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (2, "198.51.100.7", "10.0.0.1"),  # fewer entries than proxies: nothing to trust
        (1, "not-an-address", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_as_many_entries_from_the_right_as_there_are_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request_from("10.0.0.1", forwarded)) == expected


@override_settings(AXES_ENABLED=True, TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_a_failed_login_is_audited_and_locked_by_the_clients_address(staff):
    def sign_in(client_address, password):
        return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=client_address).post(
            reverse("login"), {"username": staff.username, "password": password}
        )

    for _ in range(5):
        sign_in("198.51.100.7", "wrong-password-123")
    failed = AuditEvent.objects.filter(action="login_failed")
    assert failed.count() == 5 and set(failed.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    # Locked for that client; another client behind the same proxy signs in.
    assert sign_in("198.51.100.7", TEST_PASSWORD).status_code == 429
    assert sign_in("198.51.100.8", TEST_PASSWORD).status_code == 302
