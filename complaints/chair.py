"""Escalated complaints on the Chair's queue (hubportal.core.chair)."""

from django.db.models.functions import Coalesce
from django.urls import reverse

from complaints.models import Complaint
from hubportal.core.chair import ChairCase, Oldest, chair_cases, oldest_rows


@chair_cases
def escalated_complaints() -> Oldest:
    """The complaints escalated to the Chair or under the Chair's review that have
    waited longest (since the complainant escalated), and how many there are, in one query."""
    waiting = (
        Complaint.objects.filter(status__in=Complaint.WITH_CHAIR)
        .select_related("partner")
        .only("reference", "category", "status", "about", "escalated_at", "received_at", "partner__name")
        .annotate(waiting_since=Coalesce("escalated_at", "received_at"))
        .order_by("waiting_since", "pk")
    )
    rows, total = oldest_rows(waiting)
    return Oldest(
        [
            ChairCase(
                kind="Escalated complaint",
                title=f"Complaint {c.reference}: {c.get_category_display()}",
                url=reverse("complaints:chair_case", args=[c.pk]),
                waiting_since=c.waiting_since,
                partner_name=c.partner.name if c.partner_id else ("The Hub" if c.about == Complaint.About.HUB else ""),
                summary=c.get_status_display(),
            )
            for c in rows
        ],
        total=total,
    )
