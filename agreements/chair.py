"""Recommendations to terminate or not renew an agreement, in the Chair's queue."""

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from agreements.models import Reason, TerminationRecommendation
from hubportal.core.chair import ChairCase, Oldest, chair_cases, oldest_rows


@chair_cases
def recommendations_awaiting_decision() -> Oldest:
    """The oldest undecided recommendations and how many there are, in one query."""
    earlier = TerminationRecommendation.objects.filter(
        agreement=OuterRef("agreement"), decision=TerminationRecommendation.Decision.REJECTED
    ).order_by("-decided_at")
    awaiting = (
        TerminationRecommendation.objects.awaiting_chair()
        .annotate(earlier_rejected_at=Subquery(earlier.values("decided_at")[:1]))
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
                + (" · Partnership suspended pending your decision" if rec.partnership_suspended else "")
                + (
                    f" · Raised again: an earlier recommendation was not upheld on {rec.earlier_rejected_at:%-d %B %Y}"
                    if rec.earlier_rejected_at
                    else ""
                ),
            )
            for rec in rows
        ],
        total=total,
    )
