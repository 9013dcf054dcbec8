"""The Chair's home reads only the oldest 20 cases of each source, in SQL, with
the columns a row shows, and still says how many cases wait in all."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import Reason, TerminationRecommendation
from complaints.models import Complaint
from hubportal.core.chair import SHOWN, chair_queue
from tests.agreements.factories import AgreementFactory
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def escalated(n: int, *, start_days: int) -> list[Complaint]:
    now = timezone.now()
    return [
        ComplaintFactory(status=Complaint.Status.ESCALATED, escalated_at=now - timedelta(days=start_days + i))
        for i in range(n)
    ]


def recommended(n: int, *, start_days: int, staff) -> list[TerminationRecommendation]:
    now = timezone.now()
    return [
        TerminationRecommendation.objects.create(
            agreement=AgreementFactory(live=True),
            kind=TerminationRecommendation.Kind.TERMINATE,
            reasons=[Reason.DATA],
            evidence="No termly survey returned this year.",
            raised_by=staff,
            raised_at=now - timedelta(days=start_days + i),
        )
        for i in range(n)
    ]


def test_the_queue_is_the_oldest_twenty_of_both_sources_and_counts_them_all(staff, chair, client_for):
    # Complaints waiting 1-15 days and 31-45 days, recommendations 16-27 days.
    recent = escalated(15, start_days=1)
    recommendations = recommended(12, start_days=16, staff=staff)
    oldest = escalated(15, start_days=31)
    queue = chair_queue()
    assert queue.total == 42 and len(queue) == SHOWN
    expected = [f"/chair/complaints/{c.pk}/" for c in reversed(oldest)]
    expected += [f"/chair/recommendations/{r.pk}/" for r in reversed(recommendations[-5:])]
    assert [case.url for case in queue] == expected
    assert [case.age_days for case in queue] == list(range(45, 30, -1)) + list(range(27, 22, -1))
    page = client_for(chair).get(reverse("chair_home")).text
    assert "The oldest 20 of 42 cases." in page
    assert f"/chair/complaints/{recent[0].pk}/" not in page


def test_a_decided_or_closed_case_is_neither_shown_nor_counted(staff):
    [waiting, _] = escalated(2, start_days=3)
    Complaint.objects.exclude(pk=waiting.pk).update(status=Complaint.Status.DECIDED)
    [rec, _] = recommended(2, start_days=1, staff=staff)
    TerminationRecommendation.objects.exclude(pk=rec.pk).update(decided_at=timezone.now())
    queue = chair_queue()
    assert queue.total == 2 and [c.url for c in queue] == [
        f"/chair/complaints/{waiting.pk}/",
        f"/chair/recommendations/{rec.pk}/",
    ]


def test_an_escalated_complaint_waits_from_its_receipt_when_it_has_no_escalation_time():
    complaint = ComplaintFactory(
        status=Complaint.Status.CHAIR_REVIEW, escalated_at=None, received_at=timezone.now() - timedelta(days=9)
    )
    [case] = chair_queue()
    assert (case.url, case.age_days) == (f"/chair/complaints/{complaint.pk}/", 9)


@pytest.mark.parametrize("waiting", [3, 60])
def test_the_queue_is_two_limited_queries_without_the_cases_texts(staff, waiting):
    """Prevents reading every case waiting (109 at scale) and each one's partner, agreement and texts."""
    escalated(waiting, start_days=1)
    recommended(waiting // 3, start_days=1, staff=staff)
    with CaptureQueriesContext(connection) as captured:
        queue = chair_queue()
    assert queue.total == waiting + waiting // 3
    assert len(captured) == 2
    for query in captured.captured_queries:
        sql = query["sql"]
        assert f"LIMIT {SHOWN}" in sql and "OVER ()" in sql
        # The long texts of a case stay in the database: its own page shows them.
        assert '"account"' not in sql and '"evidence"' not in sql and '"desired_outcome"' not in sql
