from celery import shared_task
from django.utils import timezone

from complaints.models import Complaint
from complaints.services import complaint_close_unescalated


@shared_task(acks_late=True)
def close_unescalated_complaints() -> int:
    """Close every resolved complaint whose escalation window has passed (beat,
    daily). Each is closed by the service under a lock, so running twice, or
    racing a complainant's last-minute escalation, closes nothing twice."""
    today = timezone.localdate()
    ids = Complaint.objects.filter(status=Complaint.Status.RESOLVED, escalate_by__lt=today).values_list("pk", flat=True)
    return sum(1 for pk in list(ids) if complaint_close_unescalated(complaint_id=pk, today=today) is not None)
