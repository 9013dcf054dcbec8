"""`manage.py setup_hub` starts a Hub from an empty database: its name, lead
organisation, area, districts and first admin, and no demo records."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from hubportal.core.hub import current_hub
from hubportal.models import Hub, User
from partners.models import District, Partner
from tests.factories import PartnerFactory

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-admin-passphrase-7261"
ARGS = [
    "--no-input",
    "--name=Rutland Music Hub",
    "--lead-organisation=Rutland Arts",
    "--area=Rutland",
    "--district=Oakham",
    "--district=Uppingham",
    "--admin-username=first-admin",
    "--admin-email=admin@rutland.example",
]


def test_setup_hub_on_an_empty_database_gives_a_working_portal_with_no_demo_records(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "hubportal.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'new-hub.sqlite3'}",
        "HUBPORTAL_VAR_DIR": str(tmp_path),
        "HUB_ADMIN_PASSWORD": PASSWORD,
    }

    def manage(*args):
        return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )

    result = manage("setup_hub", *ARGS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Rutland Music Hub is set up, with 2 districts." in result.stdout
    shown = manage(
        "shell",
        "-c",
        "from hubportal.models import Hub, User; from partners.models import Partner, District; "
        "from agreements.models import Agreement; "
        "print(Hub.objects.get().name, Partner.objects.count(), Agreement.objects.count(), "
        "list(District.objects.filter(is_active=True).values_list('name', flat=True)), "
        "[(u.username, u.is_superuser) for u in User.objects.all()])",
    )
    assert shown.stdout.strip().splitlines()[-1] == (
        "Rutland Music Hub 0 0 ['Oakham', 'Uppingham'] [('first-admin', True)]"
    ), shown.stderr


@pytest.fixture
def set_up(db, monkeypatch):
    monkeypatch.setenv("HUB_ADMIN_PASSWORD", PASSWORD)
    call_command("setup_hub", *ARGS, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return User.objects.get(username="first-admin")


def test_the_first_admin_signs_in_to_a_portal_that_names_the_new_hub(set_up):
    client = Client()
    assert client.login(username="first-admin", password=PASSWORD)
    landing = client.get("/")
    assert "Rutland Music Hub" in landing.text and "Leicester" not in landing.text
    assert client.get("/admin/").status_code == 200
    assert client.get("/staff/").status_code == 200
    assert current_hub().lead_organisation == "Rutland Arts"
    assert list(District.objects.filter(is_active=True).values_list("name", flat=True)) == ["Oakham", "Uppingham"]


def test_the_setup_is_in_the_hubs_history(set_up):
    from hubportal.core.history import history_for

    [entry] = history_for(Hub.objects.get())
    assert entry.actor == set_up and "Rutland Music Hub" in entry.note


def test_setup_hub_will_not_rename_a_hub_that_has_partners(db, monkeypatch):
    PartnerFactory()
    monkeypatch.setenv("HUB_ADMIN_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="already holds partners"):
        call_command("setup_hub", *ARGS)
    assert current_hub().name == "Leicestershire Music Hub"
    assert not Partner.objects.filter(name="Rutland").exists()


def test_a_weak_admin_password_is_refused_with_the_reason(db, monkeypatch):
    monkeypatch.setenv("HUB_ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError, match="not strong enough"):
        call_command("setup_hub", *ARGS)
