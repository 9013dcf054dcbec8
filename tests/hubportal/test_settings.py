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


def shown(code: str, env) -> str:
    """The last line a fresh `manage.py shell -c` prints with that environment."""
    result = run_manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_two_factor_is_required_in_production_and_not_in_the_demo():
    show = "from django.conf import settings; print(settings.REQUIRE_2FA)"
    assert shown(show, PRODUCTION_ENV) == "True"
    # Off with DEBUG (and `make run` sets REQUIRE_2FA=false), so the demo logins work with a password alone.
    assert shown(show, {**PRODUCTION_ENV, "DEBUG": "true"}) == "False"


def test_a_password_like_the_username_is_refused_in_production():
    # Long enough and not a common password: only the similarity validator objects.
    check = (
        "from django.contrib.auth import get_user_model; "
        "from django.contrib.auth.password_validation import validate_password; "
        "from django.core.exceptions import ValidationError; "
        "user = get_user_model()(username='rosalind.featherstone', email='rosalind.featherstone@example.org'); "
        "codes = []\n"
        "for password in ('rosalind.featherstone1', 'Quiet-Harbour-Lantern-47'):\n"
        "    try:\n"
        "        validate_password(password, user=user)\n"
        "        codes.append('ok')\n"
        "    except ValidationError as error:\n"
        "        codes.append(','.join(e.code for e in error.error_list))\n"
        "print(' '.join(codes))"
    )
    assert shown(check, PRODUCTION_ENV) == "password_too_similar ok"


def test_celery_acks_late_and_stops_a_task_softly_before_killing_it():
    # Read from the Celery app itself, so a setting misnamed for the CELERY_ namespace fails here.
    show = (
        "from hubportal.celery import app; c = app.conf; "
        "print(c.task_acks_late, c.task_reject_on_worker_lost, c.task_soft_time_limit, c.task_time_limit)"
    )
    acks_late, reject_on_lost, soft, hard = shown(show, PRODUCTION_ENV).split()
    assert acks_late == "True" and reject_on_lost == "True"
    assert soft != "None" and hard != "None"
    assert 0 < float(soft) < float(hard)
