"""A task queued in a request reaches a real Celery worker and runs, on the
embedded file-system broker and on Redis (CI provides Redis)."""

import os
import re
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from hubportal.celery import app as celery_app
from hubportal.models import OutboundEmail
from tests.conftest import require_service


def redis_available(url: str) -> bool:
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return False


@pytest.fixture(params=["filesystem", "redis"])
def real_broker(request, tmp_path):
    """Point the Celery app at a real broker, with eager mode off, for one test."""
    if request.param == "redis":
        url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
        require_service(redis_available(url), f"Redis at {url}")
        conf = {"broker_url": url, "broker_transport_options": {}}
    else:
        for folder in ("queue", "processed", "control"):
            (tmp_path / folder).mkdir()
        conf = {
            "broker_url": "filesystem://",
            "broker_transport_options": {
                "data_folder_in": str(tmp_path / "queue"),
                "data_folder_out": str(tmp_path / "queue"),
                "processed_folder": str(tmp_path / "processed"),
                "control_folder": str(tmp_path / "control"),
            },
        }
    saved = {key: celery_app.conf[key] for key in [*conf, "task_always_eager"]}
    celery_app.conf.update(task_always_eager=False, **conf)
    celery_app._after_fork()  # drop pooled connections to the previous broker
    yield request.param
    celery_app.conf.update(saved)
    celery_app._after_fork()


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_by_a_request_runs_on_a_real_worker(real_broker, client, staff):
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post("/accounts/password_reset/", {"email": staff.email})
        assert response.status_code == 302
        email = OutboundEmail.objects.get(to=staff.email)
        for _ in range(100):
            email.refresh_from_db()
            if email.status == OutboundEmail.Status.SENT:
                break
            time.sleep(0.1)
    assert email.status == OutboundEmail.Status.SENT, f"worker on {real_broker} never sent it"
    assert len(mail.outbox) == 1
    assert re.search(r"/accounts/reset/\S+", mail.outbox[0].body)
