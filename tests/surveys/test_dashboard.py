"""The monitoring summary the staff dashboard can include."""

import pytest
from django.template import Context, Template

from surveys.models import SurveyRequest

pytestmark = pytest.mark.django_db


def test_the_dashboard_summary_shows_round_completion_and_overdue(request_a, request_b, django_assert_max_num_queries):
    request_b.status = SurveyRequest.Status.SUBMITTED
    request_b.save()
    # The rounds with their counts, the reach total and income against grant: a fixed handful of queries.
    with django_assert_max_num_queries(5):
        html = Template("{% load surveys_tags %}{% surveys_dashboard %}").render(Context({}))
    assert str(request_a.round.term) in html
    assert '<td class="text-end">2</td><td class="text-end">1</td>' in html
