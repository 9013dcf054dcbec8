"""What agreements say about a partner's health, for many partners at once.

- Outcomes rated off track (amber) or not achieved (red) in the latest
  completed review of the partner's agreement in force.
- An agreement waiting for the partner's signature more than 14 days after
  issue (amber).
A partner waiting for the Hub to issue its first agreement is not at fault,
so that says nothing here.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from agreements.models import Agreement, AnnualReview, OutcomeReview
from agreements.selectors import issued_to_sign
from agreements.services import SIGN_WITHIN_DAYS
from hubportal.core.health import AMBER, RED, Reason, health_signal

RATING_LEVELS = {OutcomeReview.Rating.OFF_TRACK: AMBER, OutcomeReview.Rating.NOT_ACHIEVED: RED}


@health_signal
def agreement_health(partner_ids: list[int], today: date) -> dict[int, list[Reason]]:
    found: dict[int, list[Reason]] = defaultdict(list)
    # The weak ratings of the latest completed review of each agreement in force, counted
    # (one query, whether or not any review has them).
    latest = (
        AnnualReview.objects.filter(agreement=OuterRef("review__agreement"), completed_at__isnull=False)
        .order_by("-held_on", "-pk")
        .values("pk")[:1]
    )
    ratings = (
        OutcomeReview.objects.filter(
            review__agreement__partner_id__in=partner_ids,
            review__agreement__status__in=Agreement.IN_FORCE,
            review__completed_at__isnull=False,
            rating__in=list(RATING_LEVELS),
        )
        .filter(review_id=Subquery(latest))
        .order_by()
        .values("review_id", "review__agreement__partner_id", "review__held_on", "rating")
        .annotate(number=Count("pk"))
    )
    for row in ratings:
        number, rating = row["number"], row["rating"]
        label = OutcomeReview.Rating(rating).label.lower()
        found[row["review__agreement__partner_id"]].append(
            Reason(
                RATING_LEVELS[rating],
                f"{number} agreed outcome{'s were' if number != 1 else ' was'} rated {label} "
                f"in the annual review of {row['review__held_on']:%d %B %Y}.",
            )
        )
    # Waiting for the partner's signature too long.
    cutoff = timezone.make_aware(datetime.combine(today - timedelta(days=SIGN_WITHIN_DAYS), time.min))
    waiting = (a for a in issued_to_sign(partner_ids) if a.issued_at is not None and a.issued_at < cutoff)
    for agreement in waiting:
        found[agreement.partner_id].append(
            Reason(
                AMBER,
                f"{agreement.title} has waited for the partner's signature since "
                f"{timezone.localdate(agreement.issued_at):%d %B %Y}.",
            )
        )
    return found
