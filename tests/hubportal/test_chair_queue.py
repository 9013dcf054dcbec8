"""The Chair's queue mixes escalated complaints and recommendations in one
order: oldest first, each with its age in days."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from agreements.models import Reason, TerminationRecommendation
from agreements.services import recommendation_raise
from complaints.models import Complaint
from hubportal.core.chair import chair_queue
from tests.agreements.factories import AgreementFactory, make_live
from tests.complaints.helpers import advance, raise_from_portal

NOW = datetime(2026, 11, 18, 11, 0, tzinfo=ZoneInfo("Europe/London"))


def test_complaints_and_recommendations_wait_in_one_queue_oldest_first(
    client_for, staff, manager, chair, partner_a, partner_a_user, partner_b
):
    def escalated_days_ago(days):
        with time_machine.travel(NOW - timedelta(days=days), tick=False):
            complaint = raise_from_portal(partner_a_user, about_partner=partner_b)
            return advance(complaint, Complaint.Status.ESCALATED, manager=manager, complainant=partner_a_user)

    oldest = escalated_days_ago(10)
    with time_machine.travel(NOW - timedelta(days=5), tick=False):
        agreement = make_live(
            AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager
        )
        recommendation = recommendation_raise(
            agreement=agreement,
            actor=staff,
            kind=TerminationRecommendation.Kind.TERMINATE,
            reasons=[Reason.DATA],
            evidence="No termly survey returned this year.",
        )
    newest = escalated_days_ago(2)

    with time_machine.travel(NOW, tick=False):
        queue = [(case.url, case.age_days) for case in chair_queue()]
        html = client_for(chair).get(reverse("chair_home")).content.decode()

    expected = [
        f"/chair/complaints/{oldest.pk}/",
        f"/chair/recommendations/{recommendation.pk}/",
        f"/chair/complaints/{newest.pk}/",
    ]
    assert queue == list(zip(expected, [10, 5, 2], strict=True))
    rows = re.findall(r'<a href="(/chair/[^"]+)">.*?Waiting (\d+) days?', html, flags=re.S)
    assert rows == [(url, age) for url, age in zip(expected, ["10", "5", "2"], strict=True)]
