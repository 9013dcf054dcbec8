"""One rate limiter for every limited endpoint (hubportal.security.ratelimits): shared by
every web process, failing open, and refusing a password-reset flood."""

import http.cookiejar
import logging
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

from hubportal.models import OutboundEmail
from hubportal.security.ratelimits import RateLimitDatabaseCache, check_limiter_cache
from tests.factories import UserFactory
from tests.hubportal.test_broker_outage import _free_port

ROOT = Path(__file__).resolve().parents[2]
RESET = "/accounts/password_reset/"


def test_a_password_reset_flood_for_one_account_is_refused_after_the_limit(client, settings, db):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_ACCOUNT = 3
    user = UserFactory(email="chair@example.org")
    answers = [client.post(RESET, {"email": "Chair@Example.org"}).status_code for _ in range(5)]
    assert answers == [302, 302, 302, 429, 429]
    assert OutboundEmail.objects.filter(to=user.email, kind="password_reset").count() == 3
    refused = client.post(RESET, {"email": "chair@example.org"})
    assert "several password-reset requests" in refused.text


def test_password_resets_are_limited_per_address_whatever_the_account(client, settings, db):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS = 2
    answers = [client.post(RESET, {"email": f"person{n}@example.org"}).status_code for n in range(3)]
    assert answers == [302, 302, 429]
    assert client.post(RESET, {"email": "x@example.org"}, REMOTE_ADDR="192.0.2.9").status_code == 302


def test_opening_reset_and_invitation_links_is_limited(client, db):
    link = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "set-password-x"})
    answers = {client.get(link).status_code for _ in range(30)}
    assert 429 not in answers
    assert client.get(link).status_code == 429
    assert client.get(reverse("partners:accept_invitation", args=["MQ", "abc-def"])).status_code == 429


def test_guessing_complaint_tracking_links_is_stopped(client, db):
    for n in range(20):
        assert client.get(f"/complaints/track/guess-{n}/").status_code == 404
    assert client.get("/complaints/track/guess-21/").status_code == 429


def test_the_limiter_fails_open_and_logs_a_warning(client, settings, db, caplog):
    # Nothing listens on port 9: the limiter's Redis is "down".
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    settings.PASSWORD_RESET_RATE_LIMIT_PER_ACCOUNT = 1
    UserFactory(email="someone@example.org")
    with caplog.at_level(logging.WARNING, logger="hubportal.security.ratelimits"):
        answers = [client.post(RESET, {"email": "someone@example.org"}).status_code for _ in range(3)]
    assert answers == [302, 302, 302]
    assert OutboundEmail.objects.filter(to="someone@example.org").count() == 3
    assert "not applied" in caplog.text


def test_check_deploy_warns_when_the_limiters_cache_is_per_process(settings):
    settings.CACHES = {**settings.CACHES, "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [w.id for w in check_limiter_cache(None)] == ["hubportal.W019"]
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {"BACKEND": "hubportal.security.ratelimits.RateLimitDatabaseCache", "LOCATION": "t"},
    }
    assert check_limiter_cache(None) == []


def test_the_real_settings_never_count_in_process_memory():
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.CACHES['ratelimit']['BACKEND'])"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "hubportal.settings", "SECRET_KEY": "x" * 50, "REDIS_URL": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "hubportal.security.ratelimits.RateLimitDatabaseCache"


def test_the_database_cache_counts_in_place_and_keeps_the_expiry(db):
    cache = RateLimitDatabaseCache("hubportal_ratelimit_cache", {})
    cache.add("k", 1, 3600)
    assert [cache.incr("k") for _ in range(3)] == [2, 3, 4]
    assert cache.get("k") == 4
    with pytest.raises(ValueError):
        cache.incr("missing")


def test_migrate_creates_the_limiters_table(db):
    from django.db import connection

    assert "hubportal_ratelimit_cache" in connection.introspection.table_names()


# --- two real server processes on one database ---------------------------------


def _server(port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_up(port: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=5)  # noqa: S310 - our own server
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the server on port {port} did not start within {seconds} s")


def _reset_request(port: int, email: str) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    page = opener.open(f"http://127.0.0.1:{port}{RESET}", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": email}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{RESET}", data=data, headers={"Referer": f"http://127.0.0.1:{port}{RESET}"}
    )
    try:
        return opener.open(request, timeout=60).status
    except urllib.error.HTTPError as answer:
        return answer.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_limit_holds_in_total_across_two_server_processes(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}} | {
        "DJANGO_SETTINGS_MODULE": "hubportal.settings",
        "HUBPORTAL_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "two-servers-test-secret-key-0123456789abcdefghijklmnop",
        "DEBUG": "false",
        # No collectstatic here: plain storage, so pages render without a manifest.
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PASSWORD_RESET_RATE_LIMIT_PER_ACCOUNT": "3",
        "CONN_MAX_AGE": "0",
    }
    for folder in ("queue", "processed", "control"):
        (tmp_path / "celery" / folder).mkdir(parents=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    # Free ports, not fixed ones: another pytest-xdist worker or a developer's
    # server may be listening on any port we would name.
    ports = (_free_port(), _free_port())
    servers = [_server(port, env) for port in ports]
    try:
        for port in ports:
            _wait_up(port)
        answers = [_reset_request(port, "chair@example.org") for port in ports * 4]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    # Three in total were let through, not three per process.
    assert sorted(answers) == [302] * 3 + [429] * 5, answers
