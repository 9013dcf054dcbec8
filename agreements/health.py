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

from django.utils import timezone

from agreements.models import Agreement, AnnualReview, OutcomeReview
from agreements.selectors import issued_to_sign
from agreements.services import SIGN_WITHIN_DAYS
from hubportal.health import AMBER, RED, Reason, health_signal

RATING_LEVELS = {OutcomeReview.Rating.OFF_TRACK: AMBER, OutcomeReview.Rating.NOT_ACHIEVED: RED}


@health_signal
def agreement_health(partner_ids: list[int], today: date) -> dict[int, list[Reason]]:
    found: dict[int, list[Reason]] = defaultdict(list)
    # Latest completed review of each agreement in force (one query), then its weak ratings (one query).
    latest = {}
    reviews = AnnualReview.objects.filter(
        agreement__partner_id__in=partner_ids,
        agreement__status__in=Agreement.IN_FORCE,
        completed_at__isnull=False,
    ).values("pk", "agreement_id", "agreement__partner_id", "held_on")
    for review in reviews.order_by("agreement_id", "-held_on", "-pk"):
        latest.setdefault(review["agreement_id"], review)
    by_review = {r["pk"]: r for r in latest.values()}
    counts = defaultdict(lambda: defaultdict(int))
    ratings = OutcomeReview.objects.filter(review_id__in=list(by_review), rating__in=list(RATING_LEVELS))
    for review_id, rating in ratings.values_list("review_id", "rating"):
        counts[review_id][rating] += 1
    for review_id, by_rating in counts.items():
        review = by_review[review_id]
        for rating, number in by_rating.items():
            label = OutcomeReview.Rating(rating).label.lower()
            found[review["agreement__partner_id"]].append(
                Reason(
                    RATING_LEVELS[rating],
                    f"{number} agreed outcome{'s were' if number != 1 else ' was'} rated {label} "
                    f"in the annual review of {review['held_on']:%d %B %Y}.",
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
