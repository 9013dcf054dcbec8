"""Queue Celery work once the transaction commits, without failing the request.

A request that saved its data must succeed even when the broker is down. Work
queued here must be recoverable from the database (the email outbox is: the
periodic ``drain_email_outbox`` picks up anything whose message never left).
"""

import logging
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


def _publish(task, args) -> None:
    try:
        task.apply_async(args=args, retry=False)
    except Exception as exc:  # the broker is down or unreachable
        logger.warning(
            "Could not queue %s%r (%s); the outbox will pick it up.", task.name, args, exc.__class__.__name__
        )
