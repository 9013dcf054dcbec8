"""Production headers, cookies and error pages (OWASP ASVS L2, Django's deployment checklist)."""

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client, override_settings
from django.urls import path

from tests.hubportal.test_settings import PRODUCTION_ENV, ROOT

SETTINGS_SHOWN = [
    "DEBUG",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SAMESITE",
]


def production_settings() -> dict:
    """The settings as production loads them (a fresh process with production's environment)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {SETTINGS_SHOWN!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=PRODUCTION_ENV, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def boom(request):
    raise RuntimeError("secret detail 8c1f: must never reach the user")


urlpatterns = [path("boom/", boom)]


def test_production_settings_send_hsts_and_secure_cookies():
    prod = production_settings()
    assert prod["SECURE_HSTS_SECONDS"] == 31536000 and prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert prod["SECURE_SSL_REDIRECT"] and prod["SESSION_COOKIE_SECURE"] and prod["CSRF_COOKIE_SECURE"]
    assert prod["SESSION_COOKIE_HTTPONLY"]
    assert prod["SESSION_COOKIE_SAMESITE"] == "Lax" and prod["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert prod["DEBUG"] is False


def test_session_cookie_is_httponly_and_samesite_lax(staff, client):
    from tests.factories import TEST_PASSWORD

    response = client.post("/accounts/login/", {"username": staff.username, "password": TEST_PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_the_500_page_shows_no_traceback(db):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "secret detail" not in response.text and "Traceback" not in response.text
    assert "Something went wrong" in response.text


def test_uploaded_files_are_not_served_from_any_url(staff, client_for):
    name = default_storage.save("evidence/probe.pdf", ContentFile(b"%PDF-1.4 secret"))
    try:
        for url in (f"/media/{name}", f"/{name}", f"/static/{name}", f"/var/media/{name}"):
            response = client_for(staff).get(url)
            assert response.status_code == 404, url
    finally:
        default_storage.delete(name)


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_public_pages_forbid_framing_and_sniffing(path, client, db):
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
