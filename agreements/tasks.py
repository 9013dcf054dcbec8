from celery import shared_task

from agreements.services import agreements_expire


@shared_task(acks_late=True)
def expire_agreements() -> int:
    """After 31 August: the year's agreements with no renewal expire (safe to run again)."""
    return len(agreements_expire())
