"""The layers of hubportal/ hold, and import-linter (make lint) catches a wrong import.

The contracts are in pyproject.toml ([tool.importlinter]); README, "How it is built".
A wrong import is planted in a copy of the tree, never in the tree itself.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

from hubportal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["hubportal", "partners", "agreements", "eoi", "surveys", "complaints"]
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def tree_copy(tmp_path) -> Path:
    """The Python packages and pyproject.toml, copied (code only)."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def plant(tree: Path, module: str, line: str) -> None:
    path = tree / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n\ndef _planted():\n    {line}\n")


def test_the_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_no_import_between_the_apps_is_excused():
    """Issue 20: no cycle is left between the apps, so the apps contract ignores
    no import and any upward one fails it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = {contract["id"]: contract for contract in config["tool"]["importlinter"]["contracts"]}
    assert contracts["apps"].get("ignore_imports", []) == []


def test_the_copy_alone_passes(tree_copy):
    result = lint_imports(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # core imports no app
        ("hubportal.core.money", "from partners.models import Partner", "core is the shared kernel"),
        # a lower layer imports a higher one
        ("hubportal.security.audit", "from hubportal.messaging.notifications import notify", "hubportal layers"),
        ("partners.selectors", "from hubportal.insights.dashboard import chart", "hubportal layers"),
        # messaging imports no app (apps register with it)
        ("hubportal.messaging.wording_samples", "from surveys.models import SurveyRequest", "messaging imports no app"),
        # an app imports another upwards
        ("partners.selectors", "from complaints.models import Complaint", "apps import each other downwards"),
        # the cycles issue 20 took apart stay apart
        ("partners.standing", "from agreements.models import Agreement", "apps import each other downwards"),
        ("agreements.selectors", "from surveys.selectors import survey_timeliness", "apps import each other downwards"),
        ("agreements.services", "from eoi.models import Award", "apps import each other downwards"),
        # a cycle, even one hidden inside a function
        ("hubportal.core.errors", "from hubportal.core.history import record", "no import cycles"),
        # the running portal imports a developer tool
        ("hubportal.urls", "from hubportal.devtools.demo import PARTNER_A", "devtools"),
    ],
)
def test_a_planted_wrong_import_is_caught(tree_copy, module, line, contract):
    plant(tree_copy, module, line)
    result = lint_imports(tree_copy)
    assert result.returncode != 0, result.stdout
    broken = [row for row in result.stdout.splitlines() if "BROKEN" in row]
    assert any(contract in row for row in broken), result.stdout


def test_nothing_is_flat_in_hubportal_but_the_django_and_celery_entry_points():
    flat = sorted(p.name for p in (ROOT / "hubportal").glob("*.py"))
    assert flat == [
        "__init__.py",
        "apps.py",
        "celery.py",
        "models.py",
        "settings.py",
        "test_settings.py",
        "urls.py",
        "wsgi.py",
    ]
    assert (ROOT / "hubportal/core/__init__.py").read_text() == '"""The shared kernel: imports no app."""\n'


# Task names were the dotted paths of the old flat tasks module; the beat schedule and
# any message already queued name them, so they stay whatever module holds them.
STABLE_TASK_NAMES = {
    "hubportal.tasks.deliver_email": "hubportal.core.outbox",
    "hubportal.tasks.drain_email_outbox": "hubportal.core.outbox",
    "hubportal.tasks.reminders_daily_sweep": "hubportal.messaging.reminders",
    "hubportal.tasks.requeue_stranded_reminders": "hubportal.messaging.reminders",
    "hubportal.tasks.send_reminders": "hubportal.messaging.reminders",
    "hubportal.tasks.send_daily_digests": "hubportal.messaging.reminders",
    "hubportal.tasks.generate_board_report": "hubportal.insights.reports",
    "hubportal.tasks.requeue_stalled_board_reports": "hubportal.insights.reports",
}


def test_celery_task_names_survive_the_move():
    celery_app.loader.import_default_modules()
    for name, module in STABLE_TASK_NAMES.items():
        assert name in celery_app.tasks, name
        assert celery_app.tasks[name].__module__ == module, name


def test_every_task_in_the_beat_schedule_is_registered():
    celery_app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in celery_app.tasks, entry["task"]


def test_every_reminder_kind_has_its_sample_registered_by_its_app():
    from hubportal.messaging.kinds import kinds
    from hubportal.messaging.wording_samples import sample_objects

    # The kinds the flat wording_samples module knew before the layers.
    before = {
        "agreements_renewal_due", "agreements_review_due", "agreements_unsigned", "surveys_deadline",
        "surveys_overdue_staff", "surveys_evaluation_due", "partners_evidence_expiry", "complaints_acknowledge_due",
        "complaints_response_due", "eoi_call_closing", "privacy_request_due",
    }  # fmt: skip
    assert before <= set(sample_objects()) <= set(kinds())
