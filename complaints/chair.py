"""Escalated complaints on the Chair's queue (hubportal.chair)."""

from django.urls import reverse

from complaints.models import Complaint
from hubportal.chair import ChairCase, chair_cases


@chair_cases
def escalated_complaints() -> list[ChairCase]:
    """Complaints escalated to the Chair or under the Chair's review, waiting
    since the complainant escalated (one query for all of them)."""
    waiting = Complaint.objects.filter(status__in=Complaint.WITH_CHAIR).select_related("partner")
    return [
        ChairCase(
            kind="Escalated complaint",
            title=f"Complaint {c.reference}: {c.get_category_display()}",
            url=reverse("complaints:chair_case", args=[c.pk]),
            waiting_since=c.escalated_at or c.received_at,
            partner_name=c.partner.name if c.partner_id else ("The Hub" if c.about == Complaint.About.HUB else ""),
            summary=c.get_status_display(),
        )
        for c in waiting
    ]
