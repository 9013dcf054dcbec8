"""Every key page of issue 11 costs the same number of queries for a small Hub
and for one four times its size, within the same bound: a correctness test of
the shape of each page's reads (timing stays in `make bench`, never here).

The data are seed_scale's: ten years of agreements, survey rounds with answers,
calls with EOIs and scores, complaints in every stage. The pages and the
objects they show are the ones the benchmark loads (hubportal.devtools.bench.key_pages):
the busiest partner, the call with most EOIs, the latest survey round.
"""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hubportal.devtools.bench import key_pages
from hubportal.messaging.reminders import sweep

pytestmark = pytest.mark.django_db  # the test database is set up for the module's fixture

SMALL, ADDED = 6, 18  # partners: a Hub of 6, then 24

# The target: a key page makes at most 25 queries, whatever the data.
TARGET = 25

KEY_PAGES = [
    # (page, bound, the N+1 the bound prevents)
    (
        "Staff dashboard",
        # Conditional aggregates: one query per table (partners with their evidence, rounds
        # with their requests, agreements, calls with their EOIs, complaints), plus health,
        # plus one read per kind of work in "Needs you now" (issue 21; cached like the
        # figures, so a second look reads none of them).
        TARGET + 6,
        "a count or a health rating per partner, agreement, round, call or complaint",
    ),
    ("Partner list (active, one district)", TARGET, "a health rating, type or district query per partner listed"),
    ("Agreement list", TARGET, "a query per agreement for its partner, renewal or open recommendation"),
    ("Call's EOI list", TARGET, "a query per EOI for its partner, assessors or scores"),
    ("Assessment matrix", TARGET, "a query per EOI and assessor for the scores of each criterion"),
    ("Survey round status", TARGET, "a query per request for its partner when grouping them by state"),
    ("Reach aggregation", TARGET, "a query per partner, term or breakdown row instead of grouped sums"),
    (
        "Chair queue",
        TARGET,
        "reading every case waiting (not the oldest 20) or a query per case for its partner and agreement",
    ),
    (
        "Partner portal home",
        # Each app's to-do, health and summary; what two of them ask alike is read once.
        TARGET,
        "a query per to-do, agreement, survey request, EOI or complaint of the partner",
    ),
]


def page_queries(label: str) -> int:
    page = next(p for p in key_pages() if p.label == label)
    client = Client()
    client.force_login(page.user)
    client.get(page.path)  # warm: the session, content types, the user's roles
    cache.clear()  # cached figures must not hide the reads they stand for
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.path)
    assert response.status_code == 200, f"{label}: {page.path} answered {response.status_code}"
    return len(captured)


def sweep_queries() -> int:
    with transaction.atomic():
        sweep(timezone.localdate())  # warm: content types are cached, as in a worker after its first sweep
        transaction.set_rollback(True)
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        sweep(timezone.localdate())
        transaction.set_rollback(True)  # the reminders it claims are not kept
    return len(captured)


def counts() -> dict[str, int]:
    found = {label: page_queries(label) for label, _, _ in KEY_PAGES}
    found["sweep"] = sweep_queries()
    return found


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """Each page's queries for a Hub of 6 partners, then of 24: seeded twice for the
    whole module (not per test), inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_scale", partners=SMALL, seed=1, stdout=StringIO())
        small = counts()
        call_command("seed_scale", partners=ADDED, seed=2, force=True, stdout=StringIO())
        large = counts()
        transaction.set_rollback(True)
    return {key: (small[key], large[key]) for key in small}


@pytest.mark.parametrize(("label", "bound", "prevents"), KEY_PAGES, ids=[p[0] for p in KEY_PAGES])
def test_key_page_costs_the_same_queries_at_two_sizes(measured, label, bound, prevents):
    small, large = measured[label]
    assert small <= bound and large <= bound, f"{label}: {small} then {large} queries; prevents {prevents}"
    assert large == small, f"{label}: {small} queries for {SMALL} partners, {large} for {SMALL + ADDED}"


def test_the_reminders_sweep_costs_the_same_queries_at_two_sizes(measured):
    """The daily sweep over the whole data set: a few queries per kind of reminder."""
    small, large = measured["sweep"]
    # Prevents a query per agreement, request, evidence item, call or complaint that might be due.
    assert small <= 30 and large <= 30
    assert large == small
