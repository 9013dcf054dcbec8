"""A task queued in a request reaches a real Celery worker and runs, on the
embedded file-system broker and on Redis (CI provides Redis)."""

import logging
import os
import re
import time
from datetime import timedelta

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from hubportal.celery import app as celery_app
from hubportal.core.outbox import drain_email_outbox
from hubportal.core.queue import broker_pause_reset
from hubportal.models import OutboundEmail
from tests.conftest import require_service

# How long a test waits for a real worker, polling: generous, so no test
# depends on the machine being idle (2 cores shared by many processes).
PATIENCE = 120


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
    broker_pause_reset()


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_by_a_request_runs_on_a_real_worker(real_broker, client, staff):
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post("/accounts/password_reset/", {"email": staff.email})
        assert response.status_code == 302
        email = OutboundEmail.objects.get(to=staff.email)
        # Generous: on a loaded CI machine the worker can take seconds to pick it up.
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            email.refresh_from_db()
            if email.status == OutboundEmail.Status.SENT:
                break
            time.sleep(0.1)
    assert email.status == OutboundEmail.Status.SENT, f"worker on {real_broker} never sent it"
    assert len(mail.outbox) == 1
    assert re.search(r"/accounts/reset/\S+", mail.outbox[0].body)


@pytest.fixture
def dead_broker():
    """The broker is down: nothing listens on the address."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "broker_transport_options", "task_always_eager")}
    celery_app.conf.update(broker_url="redis://127.0.0.1:1/0", broker_transport_options={}, task_always_eager=False)
    celery_app._after_fork()
    broker_pause_reset()
    yield
    celery_app.conf.update(saved)
    celery_app._after_fork()
    broker_pause_reset()


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_request_succeeds_and_the_email_follows_later(dead_broker, client, staff):
    response = client.post("/accounts/password_reset/", {"email": staff.email})
    assert response.status_code == 302  # the user is not shown an error
    email = OutboundEmail.objects.get(to=staff.email)
    assert email.status == OutboundEmail.Status.PENDING and mail.outbox == []

    # The broker comes back; the periodic drain finds the email a minute later.
    celery_app.conf.update(task_always_eager=True)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert drain_email_outbox() == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_a_reminder_end_to_end(real_broker, partner_a_user):
    from hubportal.messaging import kinds, reminders
    from hubportal.messaging.kinds import Due, dates_due, reminder_kind
    from tests.hubportal.test_reminders import CHECKIN

    @reminder_kind("test_checkin")
    def find(today):
        stage = dates_due(today, "test_checkin").get(CHECKIN)
        return [Due("test_checkin", partner_a_user.partner, stage, CHECKIN, [partner_a_user])] if stage else []

    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            assert reminders.sweep(CHECKIN) == 1
            deadline = time.monotonic() + PATIENCE
            while not mail.outbox and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        kinds._KINDS.pop("test_checkin")
    assert [m.subject for m in mail.outbox] == ["Check-in due for Partner A Music"], f"on {real_broker}"


def test_the_broker_hands_back_a_lost_message_just_after_the_longest_task_could_run(settings):
    """visibility_timeout (Redis keeps an unacked message this long before
    handing it out again) is above every task's hard time limit, so a message
    is never run twice at once; and only a minute above the longest, so one
    whose worker vanished comes back within minutes, not an hour."""
    from hubportal.core.outbox import MAX_ATTEMPTS, backoff_seconds

    limits = {
        name: task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        for name, task in celery_app.tasks.items()
        if name.startswith(("hubportal.", "partners.", "agreements.", "eoi.", "surveys.", "complaints."))
    }
    assert limits and max(limits.values()) == settings.LONGEST_TASK_TIME_LIMIT, limits
    assert (
        settings.LONGEST_TASK_TIME_LIMIT < settings.BROKER_VISIBILITY_TIMEOUT <= settings.LONGEST_TASK_TIME_LIMIT + 60
    )
    # An email's longest back-off waits in the broker: it must come back before it is handed out again.
    assert backoff_seconds(MAX_ATTEMPTS - 1) < settings.BROKER_VISIBILITY_TIMEOUT


@pytest.mark.django_db(transaction=True)
def test_after_a_failed_publish_the_process_leaves_the_broker_alone_for_a_moment(dead_broker, client, staff, caplog):
    """Each try at a dead broker costs seconds; the next requests skip it (the
    outbox drain sends what they queued), so they answer at once."""
    with caplog.at_level(logging.WARNING, logger="hubportal.core.queue"):
        assert client.post("/accounts/password_reset/", {"email": staff.email}).status_code == 302
        assert client.post("/accounts/password_reset/", {"email": staff.email}).status_code == 302
    assert [m.split(" ")[0] for m in caplog.messages if "outbox" in m] == ["Could", "Broker"]
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundEmail.Status.PENDING}
    assert OutboundEmail.objects.count() == 2
