"""Overdue flips at the deadline and shows in the partner's health; the portal
to-do list asks for what is owed."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from hubportal.core.health import AMBER, GREEN, RED, health_for, rate
from hubportal.core.todo import todos_for
from surveys.models import ProjectEvaluation, SurveyRequest
from tests.surveys.factories import completed_project

pytestmark = pytest.mark.django_db
# The Hub's own clock: British Summer Time moves it an hour from UTC for half the year.
LONDON = zoneinfo.ZoneInfo("Europe/London")


def monitoring(partner, today=None):
    """The partner's health from monitoring's reasons alone (other apps add their own)."""
    from surveys.health import monitoring_health

    today = today or timezone.localdate()
    return rate(monitoring_health([partner.pk], today).get(partner.pk, []))


def at(day: datetime.date, hour=12):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON), tick=False)


def test_a_survey_is_not_overdue_on_its_deadline_and_is_the_day_after(request_a, partner_a):
    deadline = request_a.deadline
    with at(deadline, hour=23):
        today = timezone.localdate()
        assert not request_a.is_overdue(today)
        assert not SurveyRequest.objects.overdue(today).exists()
        assert monitoring(partner_a).level == GREEN
    with at(deadline + datetime.timedelta(days=1), hour=0):
        today = timezone.localdate()
        assert request_a.is_overdue(today)
        assert list(SurveyRequest.objects.overdue(today)) == [request_a]
        health = monitoring(partner_a)
        assert health.level == RED
        assert f"survey was due on {deadline:%-d %B %Y} and has not been submitted" in health.reasons[0].text


def test_a_submitted_survey_is_never_overdue(request_a, partner_a):
    request_a.status = SurveyRequest.Status.SUBMITTED
    request_a.save()
    with at(request_a.deadline + datetime.timedelta(days=30)):
        assert monitoring(partner_a).level == GREEN


def test_a_returned_survey_not_resubmitted_is_amber(request_a, partner_a):
    request_a.status = SurveyRequest.Status.IN_PROGRESS
    request_a.returned_at = timezone.now()
    request_a.save()
    health = monitoring(partner_a)
    assert health.level == AMBER
    assert "returned" in health.reasons[0].text


def test_an_overdue_evaluation_is_red_until_submitted(partner_a):
    project = completed_project(partner_a, evaluation_due_on=timezone.localdate() - datetime.timedelta(days=1))
    today = timezone.localdate()
    assert monitoring(partner_a, today).level == RED
    ProjectEvaluation.objects.create(agreement=project, status=ProjectEvaluation.Status.DRAFT)
    assert monitoring(partner_a, today).level == RED
    ProjectEvaluation.objects.filter(agreement=project).update(status=ProjectEvaluation.Status.SUBMITTED)
    assert monitoring(partner_a, today).level == GREEN


def test_health_for_many_partners_is_a_few_queries(request_a, request_b, django_assert_max_num_queries):
    # One query for the open and returned requests, one for overdue evaluations, whatever the number of partners.
    from surveys.health import monitoring_health

    with django_assert_max_num_queries(2):
        monitoring_health([request_a.partner_id, request_b.partner_id], timezone.localdate())


def test_the_overdue_survey_shows_in_the_partners_health_and_portal_home(client_for, partner_a_user, request_a):
    partner = partner_a_user.partner
    with at(request_a.deadline + datetime.timedelta(days=2)):
        health = health_for([partner.pk])[partner.pk]
        response = client_for(partner_a_user).get(reverse("portal_home"))
    assert health.level == RED
    assert any("survey was due on" in r.text for r in health.reasons)
    assert "has not been submitted" in response.text
    assert reverse("surveys:portal_request", args=[request_a.pk]) in response.text


def test_the_to_do_list_asks_for_each_survey_and_evaluation(request_a, partner_a):
    project = completed_project(partner_a)
    todos = todos_for(partner_a, timezone.localdate())
    texts = {t.text: t for t in todos if t.kind == "surveys"}
    survey = texts[f"Complete the {request_a.round.term} survey"]
    assert (survey.due_on, survey.url) == (request_a.deadline, reverse("surveys:portal_request", args=[request_a.pk]))
    evaluation = texts[f"Submit the evaluation of “{project.title}”"]
    assert evaluation.due_on == project.evaluation_due_on


def test_a_returned_survey_asks_for_a_response(request_a, partner_a):
    request_a.status = SurveyRequest.Status.RETURNED
    request_a.returned_at = timezone.now()
    request_a.save()
    [todo] = [t for t in todos_for(partner_a) if t.kind == "surveys"]
    assert todo.text == f"Respond to the Hub's comments on your {request_a.round.term} survey"


def test_nothing_is_asked_once_submitted(request_a, partner_a):
    request_a.status = SurveyRequest.Status.SUBMITTED
    request_a.save()
    assert [t for t in todos_for(partner_a) if t.kind == "surveys"] == []
