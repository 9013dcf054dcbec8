import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from hubportal import reminders
from hubportal.models import Notification, Reminder
from hubportal.reminders import Due, dates_due, reminder_kind, sweep
from partners.models import Partner
from tests.conftest import require_service
from tests.factories import PartnerFactory, partner_user

CHECKIN = date(2027, 3, 10)


@pytest.fixture
def checkin_kind():
    """A reminder kind for these tests: every partner's check-in falls on CHECKIN."""

    @reminder_kind("test_checkin")
    def find(today):
        stages = dates_due(today, "test_checkin")
        if CHECKIN not in stages:
            return []
        partners = Partner.objects.prefetch_related("users")
        return [Due("test_checkin", p, stages[CHECKIN], CHECKIN, list(p.users.all()), url="/portal/") for p in partners]

    yield find
    reminders._KINDS.pop("test_checkin")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run_sweep(today):
        with django_capture_on_commit_callbacks(execute=True):
            return sweep(today)

    return run_sweep


def test_a_reminder_goes_on_its_day_and_not_the_day_before(checkin_kind, partner_a_user, run):
    assert run(CHECKIN - timedelta(days=4)) == 0
    assert run(CHECKIN - timedelta(days=3)) == 1
    [reminder] = Reminder.objects.all()
    assert (reminder.stage, reminder.recipient, reminder.sent_at is not None) == ("3d-before", partner_a_user, True)
    assert mail.outbox[0].subject == "Check-in due for Partner A Music"
    assert "10 March 2027 (3d-before)" in mail.outbox[0].body
    assert Notification.objects.get(recipient=partner_a_user).url == "/portal/"


def test_each_stage_is_sent_once_however_often_the_sweep_runs(checkin_kind, partner_a_user, run):
    for day in (CHECKIN - timedelta(days=3), CHECKIN, CHECKIN + timedelta(days=1)):
        run(day)
        run(day)
    assert sorted(Reminder.objects.values_list("stage", flat=True)) == ["1d-after", "3d-before", "on-the-day"]
    assert len(mail.outbox) == 3


def test_a_retried_send_task_sends_nothing_twice(checkin_kind, partner_a_user, run):
    run(CHECKIN)
    reminders.send(list(Reminder.objects.values_list("pk", flat=True)))
    assert len(mail.outbox) == 1


def test_dry_run_lists_without_sending(checkin_kind, partner_a_user, capsys):
    call_command("send_reminders", "--dry-run", "--date", CHECKIN.isoformat())
    assert "1 reminder(s) would be sent" in capsys.readouterr().out
    assert not Reminder.objects.exists() and mail.outbox == []


@pytest.mark.parametrize("partners", [10, 1000])
def test_the_sweep_query_count_does_not_grow_with_the_number_due(
    partners, checkin_kind, run, django_assert_max_num_queries, db
):
    made = Partner.objects.bulk_create(Partner(name=f"P{n}", status="active") for n in range(partners))
    for partner in made[:10]:  # recipients only on a few: sending is not what is counted here
        partner_user(partner)
    # collect (2: partners + their users) + insert (1 per 500 rows) + read back + stranded
    # + savepoint pair, and the fan-out of send tasks runs on commit, outside this count;
    # every other app's finders, with nothing of theirs due, at most 3 queries each.
    others = len(reminders.kinds()) - 1
    with django_assert_max_num_queries(10 + 3 * others):
        sweep(CHECKIN)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_reminder_exactly_once(checkin_kind, settings):
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    for n in range(20):
        partner_user(PartnerFactory(name=f"Concurrent {n}"))
    barrier = threading.Barrier(2)

    def worker():
        barrier.wait()
        sweep(CHECKIN)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Reminder.objects.count() == 20
    assert len(mail.outbox) == 20
    assert Notification.objects.count() == 20


def test_digest_users_get_one_email_listing_their_notifications(
    checkin_kind, partner_a_user, run, django_capture_on_commit_callbacks
):
    partner_a_user.prefers_daily_digest = True
    partner_a_user.save()
    run(CHECKIN - timedelta(days=3))
    run(CHECKIN)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_digests() == 1
    [digest] = mail.outbox
    assert "2 new items" in digest.subject
    assert digest.body.count("Check-in due for Partner A Music") == 2
    assert reminders.send_digests() == 0
