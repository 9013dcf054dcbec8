"""Reminders: a daily sweep finds what is due and reminds each person once.

The kinds and their days are hubportal.messaging.kinds (each app registers its
own in `<app>/reminders.py`). The text of each kind is the notification
template `notifications/<kind>.txt`, rendered with `obj`, `stage`, `due_on` and
`recipient`. The tasks at the end keep the names they had before the layers.
"""

import json
import logging
import uuid
from datetime import date, datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from hubportal.core.outbox import queue_email
from hubportal.core.queue import enqueue_on_commit
from hubportal.messaging.kinds import kinds
from hubportal.messaging.notifications import notify
from hubportal.models import Notification, Reminder, User

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
# Claimed but not sent after this long: the send task was lost (broker down,
# worker killed), so the frequent requeue_stranded task queues it again. Just
# above the send task's hard time limit: no run can still hold it by then.
RESEND_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def collect(today: date) -> list[Reminder]:
    """What today's sweep would send: unsaved Reminder rows, one per recipient."""
    rows = []
    content_types = {}
    for finder in kinds().values():
        for due in finder(today):
            model = type(due.obj)
            if model not in content_types:
                content_types[model] = ContentType.objects.get_for_model(model)
            for recipient in {u.pk: u for u in due.recipients if u.is_active}.values():
                reminder = Reminder(
                    kind=due.kind,
                    content_type=content_types[model],
                    object_id=due.obj.pk,
                    recipient=recipient,
                    stage=due.stage_key,
                    due_on=due.due_on,
                    url=due.url,
                )
                rows.append(reminder)
    return rows


def sweep(today: date | None = None) -> int:
    """Claim every reminder due today and queue its sending in batches.
    Returns how many this sweep claimed."""

    today = today or timezone.localdate()
    sweep_id = uuid.uuid4()
    rows = collect(today)
    for row in rows:
        row.sweep_id = sweep_id
    with transaction.atomic():
        claim_rows(rows)
        claimed = list(Reminder.objects.filter(sweep_id=sweep_id).values_list("pk", flat=True))
        for start in range(0, len(claimed), BATCH_SIZE):
            enqueue_on_commit(send_reminders, claimed[start : start + BATCH_SIZE])
    return len(claimed)


# The columns a claim writes; the rest (sent_at, notification, failed_at) start empty.
CLAIM_FIELDS = ["kind", "content_type", "object_id", "recipient", "stage", "due_on", "url", "claimed_at", "sweep_id"]


def claim_rows(rows: list[Reminder]) -> None:
    """Insert the reminders, skipping any whose key is already taken, in one
    statement however many there are: the rows travel as one JSON parameter,
    so the sweep's query count does not grow with what is due (bulk_create
    splits rows into batches, on SQLite about 90 a query)."""
    if not rows:
        return
    if connection.vendor not in ("sqlite", "postgresql"):
        Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        return
    fields = [Reminder._meta.get_field(name) for name in CLAIM_FIELDS] + [Reminder._meta.get_field("error")]
    data = [
        {f.column: f.get_db_prep_value(getattr(row, f.attname), connection, prepared=False) for f in fields}
        for row in rows
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    if connection.vendor == "sqlite":
        values = ", ".join(f"json_extract(value, '$.{f.column}')" for f in fields)
        source = "json_each(%s) WHERE true"  # WHERE: SQLite's rule for an upsert from a SELECT
    else:
        values = ", ".join(f"r.{quote(f.column)}" for f in fields)
        types = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in fields)
        source = f"jsonb_to_recordset(%s::jsonb) AS r({types})"
    # Only the model's own table and column names are in the text; the rows are the parameter.
    sql = (
        f"INSERT INTO {quote(Reminder._meta.db_table)} ({columns}) SELECT {values} FROM {source} ON CONFLICT DO NOTHING"  # noqa: S608, E501  # nosec B608
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(data, default=_json_value)])


def _json_value(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot be claimed as JSON")


def requeue_stranded() -> int:
    """Queue again every reminder claimed more than RESEND_AFTER ago and still
    unsent (its send task never reached a worker). Runs every few minutes, so a
    broker outage during the daily sweep delays reminders, never loses them.
    The claim time is reset, so each is queued again once per RESEND_AFTER;
    send() claims with sent_at, so a reminder queued twice is still sent once."""

    now = timezone.now()
    with transaction.atomic():
        stranded = Reminder.objects.select_for_update(skip_locked=True).filter(
            sent_at=None, failed_at=None, claimed_at__lt=now - RESEND_AFTER
        )
        todo = list(stranded.values_list("pk", flat=True)[:5000])
        Reminder.objects.filter(pk__in=todo).update(claimed_at=now)
        for start in range(0, len(todo), BATCH_SIZE):
            enqueue_on_commit(send_reminders, todo[start : start + BATCH_SIZE])
    return len(todo)


def send(reminder_ids: list[int]) -> int:
    """Send each claimed reminder once: the sent_at update is the lock, and the
    notification (with its outbox email) is written in the same transaction.
    One reminder that cannot be sent (a broken template) is marked failed with
    its error and the rest of the batch still goes."""
    sent = 0
    reminders = Reminder.objects.filter(pk__in=reminder_ids, sent_at=None, failed_at=None).select_related("recipient")
    for reminder in reminders.prefetch_related("subject"):
        try:
            sent += _send_one(reminder)
        except Exception as exc:
            # The claim rolled back with the notification; record why, so the
            # reminder log shows it and no requeue retries it until it is fixed.
            logger.exception("Reminder %s (%s) could not be sent.", reminder.pk, reminder.kind)
            Reminder.objects.filter(pk=reminder.pk, sent_at=None).update(
                failed_at=timezone.now(), error=f"{exc.__class__.__name__}: {exc}"[:1000]
            )
    return sent


@transaction.atomic
def _send_one(reminder: Reminder) -> int:
    if not Reminder.objects.filter(pk=reminder.pk, sent_at=None).update(sent_at=timezone.now()):
        return 0  # another worker sent it
    if reminder.subject is None:
        return 0  # the object was deleted since the sweep: nothing to remind about
    [notification] = notify(
        kind=reminder.kind,
        recipients=[reminder.recipient],
        context={"obj": reminder.subject, "stage": reminder.stage, "due_on": reminder.due_on},
        url=reminder.url,
    ) or [None]
    Reminder.objects.filter(pk=reminder.pk).update(notification=notification)
    return 1


def send_digests() -> int:
    """One email a day to each digest user listing their notifications since the last one."""

    sent = 0
    users = User.objects.filter(prefers_daily_digest=True, is_active=True).exclude(email="")
    for user in users.filter(notifications__digested_at=None).distinct():
        with transaction.atomic():
            pending = Notification.objects.select_for_update().filter(recipient=user, digested_at=None)
            items = list(pending.order_by("created_at"))
            if not items:
                continue
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(digested_at=timezone.now())
            lines = [f"- {n.subject}" + (f"\n  {settings.SITE_URL}{n.url}" if n.url else "") for n in items]
            queue_email(
                to=user.email,
                subject=f"Hub Portal: {len(items)} new item{'s' if len(items) != 1 else ''} for you",
                body=f"Hello {user.first_name or user.username},\n\nSince your last digest:\n\n" + "\n".join(lines),
                kind="digest",
            )
            sent += 1
    return sent


# --- The tasks (names kept from before the layers: the beat schedule and queued messages use them) ---


@shared_task(name="hubportal.tasks.reminders_daily_sweep", acks_late=True)
def reminders_daily_sweep() -> int:

    return sweep()


@shared_task(name="hubportal.tasks.requeue_stranded_reminders", acks_late=True)
def requeue_stranded_reminders() -> int:

    return requeue_stranded()


@shared_task(name="hubportal.tasks.send_reminders", acks_late=True)
def send_reminders(reminder_ids: list[int]) -> int:

    return send(reminder_ids)


@shared_task(name="hubportal.tasks.send_daily_digests", acks_late=True)
def send_daily_digests() -> int:

    return send_digests()
