from celery import shared_task

from agreements.services import agreements_expire


@shared_task(acks_late=True)
def expire_agreements() -> int:
    """On 1 September: agreements signed early for the new year go live, then the
    past year's agreements with no renewal expire (safe to run again)."""
    return len(agreements_expire())
