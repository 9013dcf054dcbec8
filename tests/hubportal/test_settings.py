import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "hubportal.settings",
    "SECRET_KEY": "q8Zp3vN1xT7wLk2Rb9Yc4Hf6Jm0Sd5Ga8Ue1Wn3Xo7Pr2Ti9Vl4Kj6Mh0Qs5Fz",
    "ALLOWED_HOSTS": "portal.leicestershiremusic.example",
    "DATABASE_URL": "sqlite:////tmp/hubportal-deploy-check.sqlite3",
    "PATH": os.environ["PATH"],
}


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_outside_debug_is_a_clear_startup_error():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", env=PRODUCTION_ENV)
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_migrations_match_the_models():
    result = run_manage("makemigrations", "--check", "--dry-run", env={**PRODUCTION_ENV, "DEBUG": "true"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_reminder_sweep_and_digest_run_at_the_configured_hour():
    show = (
        "from django.conf import settings; s = settings.CELERY_BEAT_SCHEDULE; "
        "print(s['reminders-daily-sweep']['schedule'].hour, s['daily-digest']['schedule'].hour, "
        "settings.REMINDER_CATCH_UP_DAYS)"
    )
    default = run_manage("shell", "-c", show, env=PRODUCTION_ENV)
    assert default.stdout.strip().splitlines()[-1] == "{7} {7} 3"
    moved = run_manage(
        "shell", "-c", show, env={**PRODUCTION_ENV, "REMINDER_SWEEP_HOUR": "9", "REMINDER_CATCH_UP_DAYS": "5"}
    )
    assert moved.stdout.strip().splitlines()[-1] == "{9} {9} 5"
