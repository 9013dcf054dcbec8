"""A real Redis broker goes down and comes back: a notification queued while it
is unreachable is delivered once it returns, and the request that queued it
succeeded at once with its data saved.

The test runs a Redis server of its own on a free port, so stopping and
starting it again does not disturb the Redis that other tests and processes
share. The worker is Celery's in-process test worker, as in test_celery.py."""

import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from hubportal.celery import app as celery_app
from hubportal.core.outbox import drain_email_outbox
from hubportal.core.queue import broker_pause_reset
from hubportal.models import Notification, OutboundEmail
from tests.agreements.factories import AgreementFactory
from tests.conftest import require_service
from tests.hubportal.test_celery import PATIENCE, redis_available
from tests.worker.process import wait_for


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """A redis-server process this test starts, stops and starts again."""

    def __init__(self, workdir):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: redis_available(self.url), PATIENCE, f"Redis to start on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        wait_for(lambda: not redis_available(self.url), PATIENCE, "Redis to stop")


@pytest.fixture
def own_redis(tmp_path):
    require_service(shutil.which("redis-server") is not None, "redis-server")
    server = OwnRedis(tmp_path)
    server.start()
    saved = {key: celery_app.conf[key] for key in ("broker_url", "broker_transport_options", "task_always_eager")}
    celery_app.conf.update(broker_url=server.url, broker_transport_options={}, task_always_eager=False)
    celery_app._after_fork()
    broker_pause_reset()
    yield server
    server.stop()
    celery_app.conf.update(saved)
    celery_app._after_fork()
    broker_pause_reset()


@pytest.mark.django_db(transaction=True)
def test_a_notification_queued_while_the_broker_is_down_is_sent_once_it_is_back(
    own_redis, client_for, staff, partner_a, partner_a_user
):
    agreement = AgreementFactory(partner=partner_a)
    client = client_for(staff)
    assert client.get(reverse("healthz")).json()["broker"] == "ok"  # up, with a connection in the pool

    own_redis.stop()
    assert client.get(reverse("healthz")).json()["broker"] == "unreachable"
    started = time.monotonic()
    response = client.post(reverse("agreements:issue", kwargs={"pk": agreement.pk}))
    # The partner's staff issued the agreement without an error or a hang.
    assert response.status_code == 302 and time.monotonic() - started < 10
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ISSUED
    notification = Notification.objects.get(recipient=partner_a_user, kind="agreements_issued")
    email = OutboundEmail.objects.get(pk=notification.email_id)
    assert email.status == OutboundEmail.Status.PENDING and mail.outbox == []

    own_redis.start()
    assert client.get(reverse("healthz")).json()["broker"] == "ok"
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # Beat's next drain of the outbox, a minute or more after the email was queued.
        with time_machine.travel(timezone.now() + timedelta(minutes=2)):
            assert drain_email_outbox() == 1
        wait_for(
            lambda: OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.SENT, PATIENCE, "the email"
        )
        # A second drain finds nothing left to send.
        with time_machine.travel(timezone.now() + timedelta(minutes=4)):
            assert drain_email_outbox() == 0
        time.sleep(1)
    email.refresh_from_db()
    assert email.attempts == 1
    assert [m.to for m in mail.outbox] == [[partner_a_user.email]]
    assert mail.outbox[0].subject == email.subject == notification.subject
