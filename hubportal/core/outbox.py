import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.utils import timezone

from hubportal.models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A claim older than this belongs to a worker that died mid-send: it is just
# above deliver_email's hard time limit, when no run can still hold it.
STALE_CLAIM = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def backoff_seconds(attempts: int) -> int:
    """How long to wait after the given number of failed tries: 30 s, 1, 2, 4 min."""
    return 30 * 2 ** (attempts - 1)


@shared_task(bind=True, max_retries=MAX_ATTEMPTS, acks_late=True)
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


@shared_task(acks_late=True)
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


@shared_task(acks_late=True)
def reminders_daily_sweep() -> int:
    from hubportal.reminders import sweep

    return sweep()


@shared_task(acks_late=True)
def requeue_stranded_reminders() -> int:
    from hubportal.reminders import requeue_stranded

    return requeue_stranded()


@shared_task(acks_late=True)
def send_reminders(reminder_ids: list[int]) -> int:
    from hubportal.reminders import send

    return send(reminder_ids)


@shared_task(acks_late=True)
def send_daily_digests() -> int:
    from hubportal.reminders import send_digests

    return send_digests()


@shared_task(bind=True, acks_late=True, soft_time_limit=300, time_limit=360)
def generate_board_report(self, report_id: int) -> str:
    """Build a queued board report (its PDF and workbook); safe to run twice,
    and a redelivery after its worker died rebuilds it at once (the claim is
    tied to this delivery's task id: hubportal.reports._claim)."""
    from hubportal.reports import board_report_build

    report = board_report_build(
        report_id=report_id, delivery=self.request.id or "", heartbeat=not self.request.is_eager
    )
    return report.status if report else "not queued"


@shared_task(acks_late=True)
def requeue_stalled_board_reports() -> int:
    """Queue again every board report whose worker died (heartbeat stopped) or
    that never reached one, so it finishes by itself once a worker is back."""
    from hubportal.reports import requeue_stalled

    return requeue_stalled()
