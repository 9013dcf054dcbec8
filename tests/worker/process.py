"""Start a real Celery worker (optionally with beat) in its own process, on the
test's own PostgreSQL database and a Redis database of its own."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def start_worker(
    broker: str, mail_dir: Path, *, slow_seconds: float = 0, slow_save_seconds: float = 0, beat: bool = False
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker.settings",
        "HUBPORTAL_TEST_DB_NAME": connection.settings_dict["NAME"],
        "HUBPORTAL_TEST_BROKER": broker,
        "HUBPORTAL_TEST_MAIL_DIR": str(mail_dir),
        "HUBPORTAL_SLOW_EMAIL_SECONDS": str(slow_seconds),
        "HUBPORTAL_SLOW_SAVE_SECONDS": str(slow_save_seconds),
        "HUBPORTAL_TEST_BEAT": "1" if beat else "",
    }
    command = [sys.executable, "-m", "celery", "-A", "hubportal", "worker", "--pool=solo", "--loglevel=WARNING"]
    if beat:
        command += ["--beat", "--schedule", str(mail_dir / "beat-schedule")]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        worker.wait(timeout=20)


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")
