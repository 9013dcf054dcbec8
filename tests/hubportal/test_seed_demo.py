from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings

from hubportal.devtools.demo import DEMO_PASSWORD
from hubportal.models import User


def row_counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


@override_settings(DEBUG=True, SITE_URL="http://127.0.0.1:8127")
def test_seed_demo_twice_changes_nothing(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    # The sign-in address printed is the one served (make run sets SITE_URL from PORT).
    assert "Sign in at http://127.0.0.1:8127/accounts/login/ with:" in out.getvalue()
    first = row_counts()
    call_command("seed_demo", stdout=StringIO())
    assert row_counts() == first


@override_settings(DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_every_demo_login_works_and_lands_in_its_area(db, client):
    call_command("seed_demo", stdout=StringIO())
    expected = {
        "admin": "/staff/",
        "staff": "/staff/",
        "manager": "/staff/",
        "assessor": "/staff/",
        "chair": "/chair/",
        "partner-a": "/portal/",
        "partner-b": "/portal/",
    }
    for username, area in expected.items():
        assert client.login(username=username, password=DEMO_PASSWORD), username
        response = client.get("/home/", follow=True)
        assert response.redirect_chain[-1][0] == area, username
        assert response.status_code == 200
        client.logout()
    assert User.objects.get(username="partner-a").partner != User.objects.get(username="partner-b").partner


@override_settings(DEBUG=False)
def test_seed_demo_refuses_without_debug_unless_forced(db):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    call_command("seed_demo", "--force", stdout=StringIO())
    assert User.objects.filter(username="admin").exists()
