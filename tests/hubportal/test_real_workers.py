"""Real Celery processes on Redis and PostgreSQL, as in production.

- A worker killed in the middle of sending a reminder's email (SIGKILL, no
  chance to clean up) neither loses the reminder nor sends it twice: the
  message goes back to the queue (acks_late), the email row is still in the
  outbox, and the periodic drain sends it once.
- Beat and a worker deliver a real reminder end to end, once, however often
  the sweep runs."""

import signal
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from hubportal.core.outbox import STALE_CLAIM, drain_email_outbox
from hubportal.messaging import kinds, reminders
from hubportal.messaging.kinds import Due, dates_due, reminder_kind
from hubportal.models import Notification, OutboundEmail, Reminder
from tests.conftest import require_service
from tests.hubportal.test_broker_outage import own_redis  # noqa: F401 - fixture
from tests.hubportal.test_celery import PATIENCE
from tests.hubportal.test_reminders import CHECKIN
from tests.worker.process import start_worker, stop, wait_for


@pytest.fixture
def redis_broker(own_redis):  # noqa: F811 - the imported fixture
    """A redis-server of the test's own (never the shared one), as the broker."""
    return own_redis.url


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_neither_loses_nor_duplicates_the_reminder(redis_broker, partner_a_user, tmp_path):
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")

    @reminder_kind("test_checkin")
    def find(today):
        stage = dates_due(today, "test_checkin").get(CHECKIN)
        return [Due("test_checkin", partner_a_user.partner, stage, CHECKIN, [partner_a_user])] if stage else []

    workers = []
    try:
        workers.append(start_worker(redis_broker, tmp_path, slow_seconds=60))
        assert reminders.sweep(CHECKIN) == 1
        wait_for(lambda: any(tmp_path.glob("started-*")), PATIENCE, "the first worker to start sending")
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=10)
        assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENDING
        assert not list(tmp_path.glob("*.log")), "the killed worker must not have sent it"

        # A new worker comes up; the unacknowledged message comes back but the
        # email is claimed, so nothing is sent twice...
        workers.append(start_worker(redis_broker, tmp_path))
        time.sleep(8)
        assert not list(tmp_path.glob("*.log"))
        # ...and the periodic drain releases the dead worker's claim and sends it once.
        with time_machine.travel(timezone.now() + STALE_CLAIM + timedelta(minutes=1)):
            assert drain_email_outbox() == 1
        wait_for(lambda: list(tmp_path.glob("*.log")), PATIENCE, "the email to be sent")
        time.sleep(2)
    finally:
        kinds._KINDS.pop("test_checkin")
        for worker in workers:
            stop(worker)

    [sent] = list(tmp_path.glob("*.log"))
    assert "Check-in due for Partner A Music" in sent.read_text()
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 2)
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 1
    assert Notification.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_beat_and_a_real_worker_remind_a_partner_once_however_often_the_sweep_runs(redis_broker, tmp_path):
    """Beat runs the sweep every two seconds for half a minute; the partner whose
    survey is due in 14 days gets one email, and one only."""
    from surveys.models import SurveyRequest
    from tests.factories import partner_user
    from tests.surveys.factories import SurveyRequestFactory, SurveyRoundFactory

    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    deadline = timezone.localdate() + timedelta(days=14)
    request = SurveyRequestFactory(round=SurveyRoundFactory(deadline=deadline), status=SurveyRequest.Status.PENDING)
    user = partner_user(request.partner, username="survey-reminded")

    worker = start_worker(redis_broker, tmp_path, beat=True)
    try:
        wait_for(lambda: list(tmp_path.glob("*.log")), PATIENCE, "beat's sweep to remind the partner")
        time.sleep(12)  # several more sweeps
    finally:
        stop(worker)

    [sent] = list(tmp_path.glob("*.log"))
    assert user.email in sent.read_text()
    reminder = Reminder.objects.get(recipient=user)
    assert (reminder.kind, reminder.stage.split()[0]) == ("surveys_deadline", "14d-before")
    assert OutboundEmail.objects.filter(to=user.email).count() == 1
