"""Recommendations to terminate or not renew an agreement, in the Chair's queue."""

from django.urls import reverse

from agreements.models import Reason, TerminationRecommendation
from hubportal.chair import ChairCase, Oldest, chair_cases, oldest_rows


@chair_cases
def recommendations_awaiting_decision() -> Oldest:
    """The oldest undecided recommendations and how many there are, in one query."""
    awaiting = (
        TerminationRecommendation.objects.awaiting_chair()
        .select_related("agreement__partner")
        .only("kind", "reasons", "raised_at", "partnership_suspended", "agreement__title", "agreement__partner__name")
        .order_by("raised_at", "pk")
    )
    rows, total = oldest_rows(awaiting)
    return Oldest(
        [
            ChairCase(
                kind=f"Recommendation: {rec.get_kind_display().lower()}",
                title=f"{rec.get_kind_display()}: {rec.agreement.title}",
                url=reverse("agreements:chair_recommendation", kwargs={"pk": rec.pk}),
                waiting_since=rec.raised_at,
                partner_name=rec.agreement.partner.name,
                summary="; ".join(Reason(r).label for r in rec.reasons if r in Reason.values)
                + (" · partnership suspended pending your decision" if rec.partnership_suspended else ""),
            )
            for rec in rows
        ],
        total=total,
    )
