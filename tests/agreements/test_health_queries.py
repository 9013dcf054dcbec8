"""Agreement health reads the weak ratings of each agreement's latest completed
review in one query, so a dashboard costs the same whether or not any partner
has been reviewed."""

import datetime

import pytest
from django.utils import timezone

from agreements.health import agreement_health
from agreements.models import AnnualReview, Outcome, OutcomeReview
from hubportal.core.health import AMBER, RED
from tests.agreements.factories import AgreementFactory
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 5, 20)


def review(agreement, held_on, ratings, *, staff, completed=True) -> AnnualReview:
    done = timezone.make_aware(datetime.datetime.combine(held_on, datetime.time(12))) if completed else None
    annual = AnnualReview.objects.create(agreement=agreement, held_on=held_on, reviewed_by=staff, completed_at=done)
    for n, rating in enumerate(ratings):
        outcome = Outcome.objects.create(agreement=agreement, description=f"Outcome {n}", measure="m", target="t")
        OutcomeReview.objects.create(review=annual, outcome=outcome, rating=rating)
    return annual


def test_only_the_latest_completed_review_counts(staff):
    agreement = AgreementFactory(live=True, partner=PartnerFactory())
    off, missed = OutcomeReview.Rating.OFF_TRACK, OutcomeReview.Rating.NOT_ACHIEVED
    review(agreement, datetime.date(2026, 5, 1), [missed, missed, missed], staff=staff)  # superseded
    review(agreement, datetime.date(2027, 5, 1), [off, off, missed, OutcomeReview.Rating.ON_TRACK], staff=staff)
    review(agreement, datetime.date(2027, 5, 15), [missed], staff=staff, completed=False)  # not finished
    reasons = sorted((r.level, r.text) for r in agreement_health([agreement.partner_id], TODAY)[agreement.partner_id])
    assert reasons == [
        (AMBER, "2 agreed outcomes were rated off track in the annual review of 01 May 2027."),
        (RED, "1 agreed outcome was rated not achieved in the annual review of 01 May 2027."),
    ]


def test_an_agreement_no_longer_in_force_says_nothing(staff):
    agreement = AgreementFactory(status="expired", academic_year=2025, partner=PartnerFactory())
    review(agreement, datetime.date(2026, 5, 1), [OutcomeReview.Rating.NOT_ACHIEVED], staff=staff)
    assert agreement_health([agreement.partner_id], TODAY) == {}


def test_reviews_cost_no_query_of_their_own(staff, django_assert_num_queries):
    """Prevents a query per review for its ratings, and a second query that only runs once reviews exist."""
    partners = [PartnerFactory() for _ in range(3)]
    agreements = [AgreementFactory(live=True, partner=p) for p in partners]
    with django_assert_num_queries(2):  # the weak ratings, the agreements waiting for a signature
        assert agreement_health([p.pk for p in partners], TODAY) == {}
    for agreement in agreements:
        review(agreement, datetime.date(2027, 5, 1), [OutcomeReview.Rating.OFF_TRACK], staff=staff)
    with django_assert_num_queries(2):
        found = agreement_health([p.pk for p in partners], TODAY)
    assert set(found) == {p.pk for p in partners}
