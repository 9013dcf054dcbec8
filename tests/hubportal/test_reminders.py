import threading
import uuid
from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hubportal.messaging import kinds, reminders
from hubportal.messaging.kinds import Due, dates_due, reminder_kind
from hubportal.messaging.reminders import requeue_stranded_reminders, sweep
from hubportal.models import MessageTemplate, Notification, Reminder, User
from partners.models import EvidenceItem, EvidenceType, Partner
from partners.tasks import expire_evidence
from tests.conftest import require_service
from tests.factories import PartnerFactory, partner_user
from tests.partners.factories import EvidenceItemFactory

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
    kinds._KINDS.pop("test_checkin")


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


def _sweep_queries_with_due(count: int) -> list[str]:
    """The queries of one sweep with `count` partners due, each with a user to
    remind; everything made here is rolled back afterwards."""
    with transaction.atomic():
        savepoint = transaction.savepoint()
        made = Partner.objects.bulk_create(Partner(name=f"P{n}", status="active") for n in range(count))
        User.objects.bulk_create(
            User(username=f"due-{count}-{p.pk}", email=f"due-{p.pk}@example.org", partner=p, password="!") for p in made
        )
        with CaptureQueriesContext(connection) as queries:
            assert sweep(CHECKIN) == count  # the send tasks are queued on commit, outside this count
        transaction.savepoint_rollback(savepoint)
    return [q["sql"] for q in queries.captured_queries]


def test_the_sweep_makes_the_same_queries_for_10_and_1000_reminders_due(checkin_kind, db):
    """The sweep finds, claims and reads back its reminders in batch queries: no
    query per object, per recipient or per batch of inserted rows."""
    ContentType.objects.get_for_model(Partner)  # cached for the process, as in a worker
    few = _sweep_queries_with_due(10)
    many = _sweep_queries_with_due(1000)
    assert Reminder.objects.count() == 0
    assert len(few) == len(many), "\n".join(sql[:100] for sql in many)
    # collect (2: partners and their users) + one insert + read back + a
    # savepoint pair; every other app's finders, with nothing due, at most 3 each.
    assert len(few) <= 6 + 3 * (len(kinds.kinds()) - 1)


def test_250_reminders_due_go_out_in_3_batches_of_at_most_100_each_sent_once(
    checkin_kind, db, django_capture_on_commit_callbacks
):
    from hubportal.messaging.reminders import send_reminders

    made = Partner.objects.bulk_create(Partner(name=f"Batch {n}", status="active") for n in range(250))
    User.objects.bulk_create(
        User(username=f"batch-{p.pk}", email=f"batch-{p.pk}@example.org", partner=p, password="!") for p in made
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert sweep(CHECKIN) == 250
    # Each callback publishes one send task with its batch of reminder ids (hubportal.core.queue).
    batches = [c.args[1][0] for c in callbacks if getattr(c, "args", ())[:1] == (send_reminders,)]
    assert [len(batch) for batch in batches] == [100, 100, 50]
    assert all(len(batch) <= reminders.BATCH_SIZE for batch in batches)
    ids = [pk for batch in batches for pk in batch]
    assert sorted(ids) == sorted(Reminder.objects.values_list("pk", flat=True))  # every reminder in one batch only
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 250
    assert Notification.objects.filter(kind="test_checkin").count() == 250
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"batch-{p.pk}@example.org" for p in made)
    # A batch delivered twice (a retried task) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert len(mail.outbox) == 250
    # A second sweep the same day has nothing left to queue.
    with django_capture_on_commit_callbacks(execute=True) as again:
        assert sweep(CHECKIN) == 0
    assert not [c for c in again if getattr(c, "args", ())[:1] == (send_reminders,)]


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


def _claimed(partner_user_, *, kind="test_checkin", stage="on-the-day", claimed_at=None):
    return Reminder.objects.create(
        kind=kind,
        content_type=ContentType.objects.get_for_model(Partner),
        object_id=partner_user_.partner_id,
        recipient=partner_user_,
        stage=stage,
        due_on=CHECKIN,
        claimed_at=claimed_at or timezone.now(),
        sweep_id=uuid.uuid4(),
    )


def test_one_broken_reminder_is_marked_failed_and_the_rest_of_the_batch_is_sent(
    checkin_kind, partner_a_user, partner_b_user, staff, django_capture_on_commit_callbacks
):
    MessageTemplate.objects.create(kind="test_broken", subject="Broken {% if %}", body=".", updated_by=staff)
    good_a = _claimed(partner_a_user)
    broken = _claimed(partner_a_user, kind="test_broken")
    good_b = _claimed(partner_b_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send([good_a.pk, broken.pk, good_b.pk]) == 2
    broken.refresh_from_db()
    assert broken.sent_at is None and broken.failed_at is not None
    assert "TemplateSyntaxError" in broken.error
    assert sorted(m.to[0] for m in mail.outbox) == sorted([partner_a_user.email, partner_b_user.email])
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2
    # A failed reminder is not queued again: it waits for the wording to be fixed.
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert reminders.requeue_stranded() == 0


def test_the_reminder_log_shows_a_failed_reminder_and_its_error(staff, partner_a_user, client_for):
    reminder = _claimed(partner_a_user)
    Reminder.objects.filter(pk=reminder.pk).update(failed_at=timezone.now(), error="TemplateSyntaxError: oops")
    page = client_for(staff).get(reverse("reminder_log"))
    assert "TemplateSyntaxError: oops" in page.content.decode()
    export = client_for(staff).get(reverse("reminder_log"), {"export": "csv"})
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert "Failed,Error" in lines[0] and "TemplateSyntaxError: oops" in lines[1]


def test_a_stranded_reminder_is_queued_again_by_the_frequent_task_once_and_sent_once(
    checkin_kind, partner_a_user, django_capture_on_commit_callbacks
):
    stranded = _claimed(partner_a_user, claimed_at=timezone.now() - timedelta(minutes=11))
    recent = _claimed(partner_a_user, stage="3d-before")  # its send task may still be on its way
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert requeue_stranded_reminders.apply().get() == 1
    assert len(callbacks) == 1
    # Run again before the send task arrives: not queued a second time.
    assert reminders.requeue_stranded() == 0
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    stranded.refresh_from_db()
    recent.refresh_from_db()
    assert stranded.sent_at is not None and recent.sent_at is None
    assert len(mail.outbox) == 1
    # Sent: never queued or sent again, however late it is.
    with time_machine.travel(timezone.now() + timedelta(hours=1)), django_capture_on_commit_callbacks(execute=True):
        assert reminders.requeue_stranded() == 1  # only the recent one, now stranded too
    assert len(mail.outbox) == 2
    assert reminders.requeue_stranded() == 0


def test_the_requeue_runs_every_few_minutes_not_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reminders-requeue-stranded"]
    assert entry["task"] == "hubportal.tasks.requeue_stranded_reminders"
    assert entry["schedule"] <= 600


EXPIRES = date(2027, 6, 30)


def _at_seven(day: date):
    """The daily sweep's time on that day, in the Hub's time zone."""
    from datetime import datetime, time

    return timezone.make_aware(datetime.combine(day, time(7, 0)))


def test_a_has_expired_reminder_goes_the_day_after_expiry_and_not_the_day_before(
    partner_a, partner_a_user, django_capture_on_commit_callbacks
):
    item = EvidenceItemFactory(
        partner=partner_a, evidence_type=EvidenceType.objects.get(name="Public liability insurance"), expires_on=EXPIRES
    )
    with time_machine.travel(_at_seven(EXPIRES), tick=False), django_capture_on_commit_callbacks(execute=True):
        expire_evidence()
        sweep()
    assert [m.subject for m in mail.outbox] == ["Your Public liability insurance expires today"]
    with time_machine.travel(_at_seven(EXPIRES + timedelta(days=1)), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            expire_evidence()  # just after midnight: the item is now expired
            sweep()
        with django_capture_on_commit_callbacks(execute=True):
            sweep()  # and only once
    item.refresh_from_db()
    assert item.status == EvidenceItem.Status.EXPIRED
    # The standards lapsing that day is its own notice (partners_standards_lapsed), sent once by the expiry.
    assert [m.subject for m in mail.outbox][1:] == [
        "Your minimum standards have lapsed: Partner A Music",
        "Your Public liability insurance has expired",
    ]
    assert "has expired: it ran out on 30 June 2027" in mail.outbox[2].body
    assert (
        Reminder.objects.get(kind="partners_evidence_expiry", stage="1d-after 2027-06-30").recipient == partner_a_user
    )


def test_renewed_evidence_is_reminded_of_again_before_its_next_expiry(
    partner_a, partner_a_user, django_capture_on_commit_callbacks
):
    item = EvidenceItemFactory(
        partner=partner_a, evidence_type=EvidenceType.objects.get(name="Public liability insurance"), expires_on=EXPIRES
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(EXPIRES - timedelta(days=30)) == 1
    next_year = date(2028, 6, 30)
    EvidenceItem.objects.filter(pk=item.pk).update(expires_on=next_year)  # renewed and verified again
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(next_year - timedelta(days=30)) == 1
    assert [m.subject for m in mail.outbox] == [
        "Your Public liability insurance expires on 30 June 2027",
        "Your Public liability insurance expires on 30 June 2028",
    ]


def test_an_agreement_reopened_and_issued_again_gets_its_unsigned_reminders_again(partner_a, staff, partner_a_user):
    from agreements.services import agreement_reopen
    from tests.agreements.factories import AgreementFactory, issue

    with time_machine.travel(_at_seven(date(2026, 11, 2)), tick=False):
        agreement = issue(AgreementFactory(partner=partner_a), staff)
    assert sweep(date(2026, 11, 9)) == 1
    with time_machine.travel(_at_seven(date(2026, 11, 20)), tick=False):
        agreement = agreement_reopen(agreement=agreement, actor=staff, reason="The dates were wrong.")
        issue(agreement, staff)
    assert sweep(date(2026, 11, 27)) == 1  # 7 days after the second issue
    assert sweep(date(2026, 11, 27)) == 0
    assert sorted(Reminder.objects.filter(kind="agreements_unsigned").values_list("stage", flat=True)) == [
        "7d-after 2026-11-02",
        "7d-after 2026-11-20",
    ]
