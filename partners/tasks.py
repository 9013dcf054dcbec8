from celery import shared_task

from partners.services import evidence_expire_due


@shared_task(acks_late=True)
def expire_evidence() -> int:
    """Daily: verified evidence past its expiry date becomes expired (safe to run twice)."""
    return evidence_expire_due()
