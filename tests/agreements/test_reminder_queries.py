"""The agreement reminder finders read what is due in a fixed number of
queries: 20 agreements due cost what 2 do, recipients included."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement
from agreements.reminders import renewal_due, review_due, unsigned
from tests.agreements.factories import AgreementFactory
from tests.factories import PartnerFactory, partner_user

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def in_force_2026():
    """A live partnership agreement for 2026/27, not renewed and not reviewed."""
    AgreementFactory(partner=PartnerFactory(), academic_year=2026, live=True)


def issued_2_november():
    """An agreement issued on 2 November 2026, its partner with two users to remind."""
    agreement = AgreementFactory(
        partner=PartnerFactory(),
        status=Agreement.Status.ISSUED,
        issued_at=datetime.datetime(2026, 11, 2, 10, tzinfo=LONDON),
    )
    partner_user(agreement.partner)
    partner_user(agreement.partner)


CASES = {
    # finder, the day a reminder is due, what makes one more agreement due that day
    "renewal 60 days before 31 August": (renewal_due, datetime.date(2027, 7, 2), in_force_2026),
    "review on 1 June": (review_due, datetime.date(2027, 6, 1), in_force_2026),
    "unsigned 7 days after issue": (unsigned, datetime.date(2026, 11, 9), issued_2_november),
}


def found_and_queries(finder, day) -> tuple[int, int]:
    """How many are due, and the queries to find them and everything a sweep reads
    of them (recipients, partner, link)."""
    with CaptureQueriesContext(connection) as queries:
        found = list(finder(day))
        for due in found:
            assert due.recipients and due.url
            [(user.pk, user.email, user.is_active) for user in due.recipients]
            due.obj.partner.name  # noqa: B018 - read as the reminder's wording reads it
    return len(found), len(queries)


@pytest.mark.parametrize("case", CASES)
def test_an_agreement_reminder_finder_makes_the_same_queries_for_2_and_20_due(case, staff, manager):
    finder, day, make_due = CASES[case]
    for _ in range(2):
        make_due()
    few, few_queries = found_and_queries(finder, day)
    for _ in range(18):
        make_due()
    many, many_queries = found_and_queries(finder, day)
    assert (few, many) == (2, 20)
    # No query per agreement, per partner or per recipient.
    assert many_queries == few_queries
