"""A board report whose worker dies finishes by itself (issue 25): the claim
tells "another worker is running it" (a fresh heartbeat) from "the worker that
had it is gone" (a redelivery of the same task, or a heartbeat gone quiet)."""

import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from hubportal.core.history import history_for
from hubportal.insights import reports
from hubportal.insights.reports import (
    board_report_build,
    default_term,
    generate_board_report,
    is_stalled,
    requeue_stalled,
)
from hubportal.models import BoardReport
from tests.hubportal.dashboard_world import TODAY, at


class Killed(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs (no
    `except Exception` records a failure)."""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def report(staff):
    with time_machine.travel(at(TODAY), tick=False):
        return BoardReport.objects.create(term=default_term(TODAY), requested_by=staff)


def killed_while_laying_out_the_pdf(report, monkeypatch, delivery="delivery-1"):
    real = reports.render_pdf

    def kill(*args, **kwargs):
        raise Killed

    monkeypatch.setattr("hubportal.insights.reports.render_pdf", kill)
    with pytest.raises(Killed):
        board_report_build(report_id=report.pk, delivery=delivery)
    monkeypatch.setattr("hubportal.insights.reports.render_pdf", real)
    report.refresh_from_db()
    assert (report.status, report.progress, report.claimed_by) == (BoardReport.Status.RUNNING, 60, delivery)


def test_the_same_task_delivered_again_after_its_run_was_killed_builds_it_at_once(report, monkeypatch, db):
    with time_machine.travel(at(TODAY), tick=False):
        killed_while_laying_out_the_pdf(report, monkeypatch)
        # Another delivery finds a fresh heartbeat: someone is building it, leave it be.
        assert generate_board_report.apply(args=[report.pk], task_id="delivery-2").get() == "not queued"
        # Celery hands the same message out again only once the run that had it is
        # gone: it rebuilds at once, no button, no ten-minute wait.
        assert generate_board_report.apply(args=[report.pk], task_id="delivery-1").get() == "done"
    report.refresh_from_db()
    assert report.status == BoardReport.Status.DONE and report.progress == 100 and report.pdf


def test_a_run_whose_heartbeat_stopped_is_stalled_after_a_minute_not_ten(report, monkeypatch, db):
    start = at(TODAY)
    with time_machine.travel(start, tick=False) as clock:
        killed_while_laying_out_the_pdf(report, monkeypatch)
        clock.move_to(start + reports.STALE_RUN - timedelta(seconds=1))
        assert not is_stalled(report)
        clock.move_to(start + reports.STALE_RUN + timedelta(seconds=1))
        assert is_stalled(report)
        # A different delivery may now take it over.
        assert board_report_build(report_id=report.pk, delivery="delivery-2").status == BoardReport.Status.DONE


def test_beat_queues_a_stalled_report_again_and_it_finishes_by_itself(
    report, monkeypatch, db, django_capture_on_commit_callbacks
):
    start = at(TODAY)
    with time_machine.travel(start, tick=False) as clock:
        killed_while_laying_out_the_pdf(report, monkeypatch)
        assert requeue_stalled() == 0  # alive a moment ago
        clock.move_to(start + reports.STALE_RUN + timedelta(seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert requeue_stalled() == 1
    report.refresh_from_db()
    assert report.status == BoardReport.Status.DONE
    entry = history_for(report).filter(action="board report queued again").get()
    assert entry.actor is None and entry.actor_name == "System"


def test_a_report_queued_again_is_not_queued_once_more_until_stale_queue(report, db):
    start = at(TODAY)
    with time_machine.travel(start, tick=False) as clock:
        BoardReport.objects.filter(pk=report.pk).update(
            status=BoardReport.Status.RUNNING, started_at=start, heartbeat_at=start
        )
        clock.move_to(start + timedelta(minutes=2))
        assert requeue_stalled() == 1
        clock.move_to(start + timedelta(minutes=3))
        assert requeue_stalled() == 0  # queued a minute ago: the worker may be on its way
        clock.move_to(start + timedelta(minutes=2) + reports.STALE_QUEUE + timedelta(seconds=1))
        assert requeue_stalled() == 1


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_keeps_a_long_step_alive(staff, monkeypatch):
    """One slow step (a large PDF) is not taken for a dead worker: the thread
    refreshes the heartbeat while the step runs."""
    report = BoardReport.objects.create(term=default_term(timezone.localdate()), requested_by=staff)
    monkeypatch.setattr(reports, "HEARTBEAT_SECONDS", 0.05)
    real = reports.render_pdf
    seen = []
    inside = threading.Event()

    def slow(*args, **kwargs):
        inside.set()
        before = BoardReport.objects.get(pk=report.pk).heartbeat_at
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = BoardReport.objects.get(pk=report.pk).heartbeat_at
            if now > before:
                seen.append(now)
                break
        return real(*args, **kwargs)

    monkeypatch.setattr("hubportal.insights.reports.render_pdf", slow)
    built = board_report_build(report_id=report.pk, delivery="delivery-1", heartbeat=True)
    assert inside.is_set() and seen, "the heartbeat did not move while the PDF was laid out"
    assert built.status == BoardReport.Status.DONE
    # The thread stops with the build (within one beat).
    deadline = time.monotonic() + 120
    while any(t.name.endswith("-heartbeat") for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.name.endswith("-heartbeat") for t in threading.enumerate())
