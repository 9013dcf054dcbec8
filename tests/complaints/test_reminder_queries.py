"""The complaint reminder finders read what is due in a fixed number of
queries: 20 complaints due cost what 2 do, recipients included."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint
from complaints.reminders import acknowledgements_due, responses_due
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db
# Monday 9 March 2026: a working day, so both kinds remind "on the day".
DEADLINE = datetime.date(2026, 3, 9)


def not_acknowledged(owner):
    ComplaintFactory(acknowledge_by=DEADLINE, respond_by=DEADLINE + datetime.timedelta(days=28), owner=owner)


def not_answered(owner):
    ComplaintFactory(
        status=Complaint.Status.INVESTIGATING,
        acknowledge_by=DEADLINE - datetime.timedelta(days=14),
        respond_by=DEADLINE,
        owner=owner,
    )


CASES = {"acknowledgement": (acknowledgements_due, not_acknowledged), "response": (responses_due, not_answered)}


def found_and_queries(finder) -> tuple[int, int]:
    """How many are due, and the queries to find them and everything a sweep reads
    of them (recipients, partner, link)."""
    with CaptureQueriesContext(connection) as queries:
        found = list(finder(DEADLINE))
        for due in found:
            assert due.recipients and due.url and due.stage == "on-the-day"
            [(user.pk, user.email, user.is_active) for user in due.recipients]
            due.obj.partner.name  # noqa: B018 - read as the reminder's wording reads it
    return len(found), len(queries)


@pytest.mark.parametrize("case", CASES)
def test_a_complaint_reminder_finder_makes_the_same_queries_for_2_and_20_due(case, manager):
    finder, make_due = CASES[case]
    # Every other one has an owner; the rest are reminded to every Service Manager.
    for n in range(2):
        make_due(manager if n % 2 else None)
    few, few_queries = found_and_queries(finder)
    for n in range(2, 20):
        make_due(manager if n % 2 else None)
    many, many_queries = found_and_queries(finder)
    assert (few, many) == (2, 20)
    # No query per complaint, per owner or per Service Manager.
    assert many_queries == few_queries
