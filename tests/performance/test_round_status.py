"""The survey round page counts each state in SQL and names only the first few
partners of each, so a round of 1,500 requests renders like a round of 15."""

import re

import pytest
from django.urls import reverse

from surveys.models import SurveyRequest
from surveys.views import NAMES_PER_BUCKET
from tests.surveys.factories import SurveyRequestFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db


def requests_in(survey_round, n, **fields):
    return [SurveyRequestFactory(round=survey_round, **fields) for _ in range(n)]


def test_a_state_names_its_first_partners_by_name_and_links_to_the_rest(client_for, staff):
    survey_round = SurveyRoundFactory()
    made = requests_in(survey_round, NAMES_PER_BUCKET + 5)
    response = client_for(staff).get(reverse("surveys:round_detail", args=[survey_round.pk]))
    buckets = {key: items for key, _, items in response.context["buckets"]}
    pending = buckets["pending"]
    assert pending.total == NAMES_PER_BUCKET + 5
    assert [r.partner.name for r in pending] == sorted(r.partner.name for r in made)[:NAMES_PER_BUCKET]
    assert response.context["total"] == NAMES_PER_BUCKET + 5
    more = f"{reverse('surveys:request_list')}?round={survey_round.pk}&amp;status=pending"
    assert more in response.text and f"see all {NAMES_PER_BUCKET + 5}" in response.text
    # The link leads to exactly those returns.
    listed = client_for(staff).get(pending.more_url)
    assert listed.context["page"].paginator.count == NAMES_PER_BUCKET + 5


def test_overdue_and_returned_are_counted_before_their_status(client_for, staff):
    survey_round = SurveyRoundFactory()
    [late] = requests_in(survey_round, 1)
    SurveyRequest.objects.filter(pk=late.pk).update(deadline=survey_round.deadline.replace(year=2000))
    [back] = requests_in(survey_round, 1, status=SurveyRequest.Status.IN_PROGRESS)
    SurveyRequest.objects.filter(pk=back.pk).update(returned_at="2026-01-01T10:00:00Z")
    response = client_for(staff).get(reverse("surveys:round_detail", args=[survey_round.pk]))
    buckets = {key: [r.pk for r in items] for key, _, items in response.context["buckets"]}
    assert buckets["overdue"] == [late.pk]
    assert buckets["returned"] == [back.pk]
    assert buckets["in_progress"] == [] and buckets["pending"] == []


@pytest.mark.parametrize("size", [3, NAMES_PER_BUCKET * 2])
def test_the_round_page_is_bounded(size, client_for, staff, django_assert_max_num_queries):
    survey_round = SurveyRoundFactory()
    requests_in(survey_round, size)
    client = client_for(staff)
    client.get(reverse("surveys:round_detail", args=[survey_round.pk]))
    # Prevents a query per request for its partner, and a row per request in the page.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("surveys:round_detail", args=[survey_round.pk]))
    assert len(re.findall(r'href="/staff/monitoring/returns/\d+/"', response.text)) == min(size, NAMES_PER_BUCKET)
