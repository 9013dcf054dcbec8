"""`make run` welcomes a newcomer (issue 21): DEBUG off so a bad address shows
the portal's own 404 page, the sign-in address and email links on the port
served, and no warnings at start (SQLite's covering-index warning, kombu's
"No hostname was supplied")."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def demo_env(tmp_path) -> dict:
    """What the Makefile's run target exports, on PORT=8127, with its own var/."""
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "hubportal.settings",
        "DEBUG": "false",
        "HTTPS": "false",
        "REQUIRE_2FA": "false",
        "SECRET_KEY": "local-run-test-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1:8127",
        "HUBPORTAL_VAR_DIR": str(tmp_path),
    }


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_run_target_serves_with_debug_off_on_the_port_given():
    recipe = subprocess.run(
        ["make", "-n", "run", "PORT=8127", "-o", ".venv/.installed"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "DEBUG=false" in recipe and "DEBUG=true" not in recipe
    assert "SITE_URL=${SITE_URL:-http://127.0.0.1:8127}" in recipe
    assert "runserver 127.0.0.1:8127" in recipe
    assert "collectstatic" in recipe  # whitenoise serves the static files with DEBUG off
    assert "seed_demo --force" in recipe


def test_the_demo_settings_start_without_warnings(tmp_path):
    env = demo_env(tmp_path)
    check = manage("check", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "no issues" in check.stdout and "W040" not in check.stdout + check.stderr
    show = (
        "from django.conf import settings; from kombu import Connection; "
        "print(settings.DEBUG, settings.REQUIRE_2FA, settings.SITE_URL, "
        "Connection(settings.CELERY_BROKER_URL).hostname)"
    )
    shown = manage("shell", "-c", show, env=env)
    assert shown.stdout.strip().splitlines()[-1] == "False False http://127.0.0.1:8127 localhost"
    assert "No hostname" not in shown.stdout + shown.stderr


@override_settings(DEBUG=False)
def test_a_bad_address_shows_the_portals_own_404_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "URLconf" not in response.text and "urlpatterns" not in response.text
