"""The three home pages cost the same number of queries with 5 partners as with
50: every figure is a grouped count or a bulk read, never one per row.

Each page caches its figures (hubportal.core.figures) under keys that do not depend
on the data, so a second request would read the cache and prove nothing. Every
measurement here empties the cache first, so it counts the real work."""

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import partner_user
from tests.hubportal.dashboard_world import TODAY, at, build_many

pytestmark = pytest.mark.django_db

# Staff dashboard. Prevents: a count or a health rating per partner (health_for
# rates every partner in bulk, a query per app's signal), a query per agreement
# for its state or renewal, per survey request for its partner's name (the
# names behind each state come from one values_list), per round for its
# completion, per call for its EOIs, per complaint for its deadline, per
# evidence item for its expiry, and a content type per history row. The issue's
# target (each figure a conditional aggregate over its table).
# 25 for the figures, 6 for "Needs you now" (one query per kind: hubportal.insights.needs). Which
# partners are not rated costs nothing more: their stages are read with the census.
STAFF_BOUND = 31
# Portal home. Prevents: a query per agreement, survey request, EOI or
# complaint of the partner's summarised, and per to-do (each app's to-do
# source reads its rows in one query); the evidence register and the agreements
# to sign, which the to-do list and health both need, are read once.
PORTAL_BOUND = 25
# Chair's home. Prevents: reading every case waiting rather than the oldest 20,
# a partner read per escalated complaint or per termination recommendation in
# the queue, a health rating per partner, and leverage read per partner.
CHAIR_BOUND = 25

SIZES = [5, 50]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(TODAY), tick=False):
        yield


def pages(*, manager, chair, partner_user_):
    return [
        (manager, reverse("staff_home"), STAFF_BOUND),
        (partner_user_, reverse("portal_home"), PORTAL_BOUND),
        (chair, reverse("chair_home"), CHAIR_BOUND),
    ]


def cold_queries(client, url) -> int:
    """Queries for one request with the figures computed afresh."""
    client.get(url)  # the session and the content types, which every request after the first shares
    cache.clear()  # the figures, whose keys are the same at every size
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def grow_to(size: int, have: int, *, staff) -> None:
    build_many(size - have, staff=staff, start=have)


@pytest.mark.parametrize("size", SIZES)
def test_home_pages_stay_within_the_same_bound(size, staff, manager, chair, client_for):
    partners = build_many(size, staff=staff)
    user = partner_user(partners[0], username="bulk-user")
    for client_user, url, bound in pages(manager=manager, chair=chair, partner_user_=user):
        count = cold_queries(client_for(client_user), url)
        assert count <= bound, f"{url}: {count} queries with {size} partners (bound {bound})"


def test_the_query_count_does_not_grow_with_the_data(staff, manager, chair, client_for):
    partners = build_many(SIZES[0], staff=staff)
    user = partner_user(partners[0], username="bulk-user")
    urls = pages(manager=manager, chair=chair, partner_user_=user)
    small = [cold_queries(client_for(u), url) for u, url, _ in urls]
    grow_to(SIZES[1], SIZES[0], staff=staff)
    large = [cold_queries(client_for(u), url) for u, url, _ in urls]
    assert small == large
