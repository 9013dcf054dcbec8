"""The email outbox: every email is a row first, sent by a task after commit.

``queue_email`` writes the row and queues ``deliver_email`` once the transaction
commits; ``drain_email_outbox`` (beat, every minute) picks up whatever never left.
In core so that every layer can send an email (two-factor, password reset,
notifications). Task names stay as they were before the layers (queued messages, beat).
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.utils import timezone

from hubportal.core.queue import enqueue_on_commit
from hubportal.models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A claim older than this belongs to a worker that died mid-send: it is just
# above deliver_email's hard time limit, when no run can still hold it.
STALE_CLAIM = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def backoff_seconds(attempts: int) -> int:
    """How long to wait after the given number of failed tries: 30 s, 1, 2, 4 min."""
    return 30 * 2 ** (attempts - 1)


@shared_task(name="hubportal.tasks.deliver_email", bind=True, max_retries=MAX_ATTEMPTS, acks_late=True)
def deliver_email(self, email_id: int) -> str:
    """Send one outbox email. Claimed with a conditional UPDATE, so two workers
    (or a retry racing the drain) never send the same row twice."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.PENDING).update(
        status=OutboundEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "not pending"
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMessage(subject=email.subject, body=email.body, to=[email.to])
    for filename, content, mimetype in email.attachments:
        message.attach(filename, content, mimetype)
    try:
        message.send()
    except Exception as exc:
        final = email.attempts >= MAX_ATTEMPTS
        countdown = backoff_seconds(email.attempts)
        OutboundEmail.objects.filter(pk=email_id).update(
            status=OutboundEmail.Status.FAILED if final else OutboundEmail.Status.PENDING,
            last_error=f"{exc.__class__.__name__}: {exc}"[:1000],
            next_attempt_at=None if final else timezone.now() + timedelta(seconds=countdown),
        )
        if final:
            logger.error("Email %s failed after %s attempts.", email_id, email.attempts)
            return "failed"
        raise self.retry(exc=exc, countdown=countdown) from exc
    OutboundEmail.objects.filter(pk=email_id).update(status=OutboundEmail.Status.SENT, sent_at=timezone.now())
    return "sent"


@shared_task(name="hubportal.tasks.drain_email_outbox", acks_late=True)
def drain_email_outbox() -> int:
    """Queue every email still pending after a minute (its queueing failed), or
    whose back-off after a failed try is over (its retry was lost), and release
    claims left by a worker that died. An email waiting out its back-off is
    left alone: it is not sent again before next_attempt_at."""
    now = timezone.now()
    OutboundEmail.objects.filter(status=OutboundEmail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=OutboundEmail.Status.PENDING
    )
    waiting_to_queue = Q(next_attempt_at=None, created_at__lt=now - timedelta(minutes=1))
    pending = OutboundEmail.objects.filter(
        waiting_to_queue | Q(next_attempt_at__lte=now), status=OutboundEmail.Status.PENDING
    ).values_list("pk", flat=True)[:500]
    count = 0
    for pk in pending:
        deliver_email.apply_async(args=(pk,), retry=False)
        count += 1
    return count


def queue_email(*, to: str, subject: str, body: str, kind: str = "", attachments=()) -> OutboundEmail:
    """Write the email to the outbox and send it once the transaction commits."""
    email = OutboundEmail.objects.create(to=to, subject=subject, body=body, kind=kind, attachments=list(attachments))
    enqueue_on_commit(deliver_email, email.pk)
    return email
