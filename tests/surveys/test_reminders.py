"""Survey and evaluation reminders: the right people on the right days, once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from hubportal.messaging.reminders import sweep
from hubportal.models import Reminder
from surveys import reminders
from surveys.models import ProjectEvaluation, SurveyRequest
from tests.factories import partner_user
from tests.surveys.factories import SurveyRequestFactory, completed_project

pytestmark = pytest.mark.django_db


def days(n):
    return datetime.timedelta(days=n)


def due(finder, today):
    return [(d.obj, d.stage.split()[0], sorted(u.username for u in d.recipients)) for d in finder(today)]


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run_sweep(today):
        with django_capture_on_commit_callbacks(execute=True):
            return sweep(today)

    return run_sweep


@pytest.mark.parametrize(
    ("before", "stage"), [(14, "14d-before"), (3, "3d-before"), (0, "on-the-day"), (-1, "1d-after")]
)
def test_the_partner_is_reminded_before_on_and_after_the_deadline(request_a, partner_a_user, before, stage):
    today = request_a.deadline - days(before)
    assert due(reminders.survey_deadlines, today) == [(request_a, stage, [partner_a_user.username])]


@pytest.mark.parametrize("before", [15, 13, 2, -2])
def test_no_reminder_on_other_days(request_a, partner_a_user, before, settings):
    settings.REMINDER_CATCH_UP_DAYS = 0  # the days themselves (missed days: test_reminder_catch_up)
    assert due(reminders.survey_deadlines, request_a.deadline - days(before)) == []


def test_no_reminder_once_submitted(request_a, partner_a_user):
    request_a.status = SurveyRequest.Status.SUBMITTED
    request_a.save()
    assert due(reminders.survey_deadlines, request_a.deadline) == []


def test_staff_hear_when_a_survey_is_a_week_overdue(request_a, staff, manager, partner_a_user):
    assert due(reminders.surveys_long_overdue, request_a.deadline + days(6)) == []
    [(obj, stage, recipients)] = due(reminders.surveys_long_overdue, request_a.deadline + days(7))
    assert (obj, stage) == (request_a, "7d-after")
    assert recipients == sorted([staff.username, manager.username])


@pytest.mark.parametrize(("before", "stage"), [(14, "14d-before"), (0, "on-the-day"), (-7, "7d-after")])
def test_the_partner_is_reminded_of_an_evaluation_until_it_is_submitted(partner_a, partner_a_user, before, stage):
    project = completed_project(partner_a, evaluation_due_on=timezone.localdate() + days(30))
    today = project.evaluation_due_on - days(before)
    assert due(reminders.evaluations_due, today) == [(project, stage, [partner_a_user.username])]
    ProjectEvaluation.objects.create(agreement=project, status=ProjectEvaluation.Status.SUBMITTED)
    assert due(reminders.evaluations_due, today) == []


def test_a_sweep_sends_each_reminder_once_and_a_new_deadline_gets_its_own(request_a, partner_a_user, run):
    run(request_a.deadline - days(3))
    run(request_a.deadline - days(3))
    assert Reminder.objects.filter(kind="surveys_deadline").count() == 1
    [email] = mail.outbox
    assert email.subject == f"Your {request_a.round.term} survey is due on {request_a.deadline:%-d %B %Y}"
    # Returned with a new date to resubmit by: that date is reminded too.
    request_a.deadline += days(10)
    request_a.save()
    run(request_a.deadline - days(3))
    assert Reminder.objects.filter(kind="surveys_deadline").count() == 2


def test_the_overdue_reminder_says_so(request_a, partner_a_user, run):
    run(request_a.deadline + days(1))
    [email] = [m for m in mail.outbox if m.to == [partner_a_user.email]]
    assert email.subject.endswith("survey is overdue")
    assert "timetable" in email.body


@pytest.mark.parametrize("partners", [2, 20])
def test_finding_reminders_does_not_grow_with_the_number_due(
    partners, survey_round, staff, django_assert_max_num_queries
):
    for _ in range(partners):
        r = SurveyRequestFactory(round=survey_round)
        partner_user(r.partner)
        completed_project(r.partner, evaluation_due_on=survey_round.deadline)
    today = survey_round.deadline
    # One query for the requests (or projects) and one for their partners' users, however many are due.
    with django_assert_max_num_queries(2):
        assert len(list(reminders.survey_deadlines(today))) == partners
    with django_assert_max_num_queries(2):
        assert len(list(reminders.evaluations_due(today))) == partners
    with django_assert_max_num_queries(2):
        list(reminders.surveys_long_overdue(today + days(7)))
