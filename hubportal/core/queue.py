"""Queue Celery work once the transaction commits, without failing the request.

A request that saved its data must succeed even when the broker is down. Work
queued here must be recoverable from the database (the email outbox is: the
periodic ``drain_email_outbox`` picks up anything whose message never left).
"""

import logging
import time
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    publish = partial(_publish, task, args)
    # Django logs a robust callback's failure by its __qualname__, which a
    # partial lacks (the logging itself would raise and skip the rest).
    publish.__qualname__ = f"publish {task.name}"
    # robust: whatever _publish does not catch is logged, and the request and
    # the other callbacks of its transaction carry on.
    transaction.on_commit(publish, robust=True)


# After a publish fails, this process leaves the broker alone for this many
# seconds: a broker that is down costs each attempt 2-3 s (the connection
# timeout and kombu's reconnect), so a complaint with three emails would wait
# ten seconds. What is skipped is recoverable from the database like any
# failed publish (the outbox drain, the stranded-reminder and stalled-report
# requeues), so skipping loses nothing.
BROKER_PAUSE_SECONDS = 15
_broker_down_until = 0.0


def broker_pause_reset() -> None:
    """Forget a failed publish (tests that swap brokers)."""
    global _broker_down_until
    _broker_down_until = 0.0


def _publish(task, args) -> None:
    global _broker_down_until
    if time.monotonic() < _broker_down_until and not task.app.conf.task_always_eager:
        logger.warning("Broker down moments ago: %s%r left for the outbox to pick up.", task.name, args)
        return
    try:
        task.apply_async(args=args, retry=False)
    except Exception as exc:  # the broker is down or unreachable
        _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning(
            "Could not queue %s%r (%s); the outbox will pick it up.", task.name, args, exc.__class__.__name__
        )
