from celery import shared_task

from eoi import services


@shared_task(acks_late=True, time_limit=300)
def close_due_calls() -> int:
    """Close every open call whose close time has come (beat, every few
    minutes). Safe to run twice: a closed call is left alone."""
    return services.close_due_calls()
