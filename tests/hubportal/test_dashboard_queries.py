"""The three home pages cost the same number of queries with 5 partners as with
50: every figure is a grouped count or a bulk read, never one per row."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import partner_user
from tests.hubportal.dashboard_world import TODAY, at, build_many

pytestmark = pytest.mark.django_db

# Staff dashboard: pipeline, agreements, survey round and rounds, reach, calls
# and EOIs, complaints, evidence and health are each a few grouped queries, and
# health_for rates every partner in bulk (a query per app's signal, not per partner).
STAFF_BOUND = 50
PORTAL_BOUND = 40
CHAIR_BOUND = 35


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(TODAY), tick=False):
        yield


def queries(client, url) -> int:
    client.get(url)  # warm: session, content types, cached roles
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def counts_at(size, *, staff, manager, chair, client_for):
    partners = build_many(size, staff=staff)
    user = partner_user(partners[0], username=f"bulk-user-{size}")
    return (
        queries(client_for(manager), reverse("staff_home")),
        queries(client_for(user), reverse("portal_home")),
        queries(client_for(chair), reverse("chair_home")),
    )


@pytest.mark.parametrize("size", [5, 50])
def test_home_pages_stay_within_the_same_bound(size, staff, manager, chair, client_for, django_assert_max_num_queries):
    # Prevents: an N+1 on the dashboard (a count or a health rating per
    # partner, per agreement, per round or per call), on the portal home (a
    # query per to-do or per record summarised) and on the Chair's summary.
    partners = build_many(size, staff=staff)
    user = partner_user(partners[0], username="bulk-user")
    for client_user, url, bound in [
        (manager, reverse("staff_home"), STAFF_BOUND),
        (user, reverse("portal_home"), PORTAL_BOUND),
        (chair, reverse("chair_home"), CHAIR_BOUND),
    ]:
        client = client_for(client_user)
        client.get(url)
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200


def test_the_query_count_does_not_grow_with_the_data(staff, manager, chair, client_for):
    small = counts_at(5, staff=staff, manager=manager, chair=chair, client_for=client_for)
    large = counts_at(45, staff=staff, manager=manager, chair=chair, client_for=client_for)
    assert small == large
