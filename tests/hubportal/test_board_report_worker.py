"""The board report on a real Celery worker (the embedded file-system broker of
`make run`, and Redis where CI provides it); and a report the broker never
received is queued again when asked for again."""

import time
from datetime import timedelta

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.urls import reverse
from django.utils import timezone

from hubportal.celery import app as celery_app
from hubportal.models import BoardReport
from hubportal.reports import default_term
from tests.hubportal.test_celery import dead_broker, real_broker  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.mark.django_db(transaction=True)
def test_a_report_asked_for_in_the_page_is_built_by_a_real_worker(real_broker, client_for, staff):  # noqa: F811
    client = client_for(staff)
    term = default_term(timezone.localdate())
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post(reverse("board_reports"), {"term": term.pk})
        assert response.status_code == 302
        report = BoardReport.objects.get()
        for _ in range(300):
            report.refresh_from_db()
            if report.is_finished:
                break
            time.sleep(0.1)
    assert report.status == BoardReport.Status.DONE, f"worker on {real_broker}: {report.status} {report.error}"
    status = client.get(reverse("board_report_status", args=[report.pk])).json()
    assert status["progress"] == 100 and status["pdf"]


@pytest.mark.django_db(transaction=True)
def test_a_report_the_broker_never_received_is_queued_again(dead_broker, client_for, staff):  # noqa: F811
    client = client_for(staff)
    term = default_term(timezone.localdate())
    assert client.post(reverse("board_reports"), {"term": term.pk}).status_code == 302  # no error for the user
    report = BoardReport.objects.get()
    assert report.status == BoardReport.Status.QUEUED
    # At once, a second request is refused: it may still start.
    assert client.post(reverse("board_reports"), {"term": term.pk}).status_code == 400
    celery_app.conf.update(task_always_eager=True)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        page = client.get(reverse("board_report", args=[report.pk])).content.decode()
        assert "Start preparing it again" in page
        assert client.post(reverse("board_reports"), {"term": term.pk}).status_code == 302
    report.refresh_from_db()
    assert report.status == BoardReport.Status.DONE
    assert BoardReport.objects.count() == 1
