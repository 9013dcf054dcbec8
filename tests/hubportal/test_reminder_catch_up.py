"""A day the sweep did not run (beat down, the machine off over a weekend) loses
no reminder: the missed stage goes out on the next sweep, once, for up to
REMINDER_CATCH_UP_DAYS days, unless a later stage has come due since. "On the
day" is never sent late, because its wording says "today"."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from complaints.models import Complaint
from hubportal.messaging.reminders import sweep
from hubportal.models import Reminder
from surveys.models import SurveyRequest
from tests.agreements.factories import AgreementFactory
from tests.complaints.factories import ComplaintFactory
from tests.surveys.factories import SurveyRequestFactory, SurveyRoundFactory, completed_project

DEADLINE = date(2027, 3, 10)  # a Wednesday


def sweep_on(day: date, capture) -> list[str]:
    """Sweep at 07:00 on `day`; the stages of the reminders it sent."""
    before = set(Reminder.objects.values_list("pk", flat=True))
    with time_machine.travel(timezone.make_aware(datetime.combine(day, time(7))), tick=False), capture(execute=True):
        sweep(day)
    return sorted(r.stage.split()[0] for r in Reminder.objects.exclude(pk__in=before))


@pytest.fixture
def survey_due(partner_a_user):
    with time_machine.travel(timezone.make_aware(datetime(2027, 1, 4, 9)), tick=False):
        agreement = AgreementFactory(partner=partner_a_user.partner, academic_year=2026, live=True)
        SurveyRequestFactory(
            round=SurveyRoundFactory(deadline=DEADLINE), agreement=agreement, status=SurveyRequest.Status.PENDING
        )


def test_a_missed_stage_goes_out_on_the_next_sweep_once(survey_due, settings, django_capture_on_commit_callbacks):
    settings.REMINDER_CATCH_UP_DAYS = 3
    three_before = DEADLINE - timedelta(days=3)
    # No sweep on the day itself: the next morning's sends it, and the one after sends nothing more.
    assert sweep_on(three_before + timedelta(days=1), django_capture_on_commit_callbacks) == ["3d-before"]
    assert sweep_on(three_before + timedelta(days=2), django_capture_on_commit_callbacks) == []
    assert len(mail.outbox) == 1 and "due on 10 March 2027" in mail.outbox[0].subject


def test_nothing_is_sent_once_the_catch_up_window_has_passed(survey_due, settings, django_capture_on_commit_callbacks):
    settings.REMINDER_CATCH_UP_DAYS = 3
    fourteen_before = DEADLINE - timedelta(days=14)
    assert sweep_on(fourteen_before + timedelta(days=4), django_capture_on_commit_callbacks) == []
    assert sweep_on(fourteen_before + timedelta(days=3), django_capture_on_commit_callbacks) == ["14d-before"]


def test_a_later_stage_supersedes_a_missed_one(survey_due, settings, django_capture_on_commit_callbacks):
    settings.REMINDER_CATCH_UP_DAYS = 3
    # Missed three and two days before, and the day before: on the day only "today" goes.
    assert sweep_on(DEADLINE, django_capture_on_commit_callbacks) == ["on-the-day"]
    # Missed the day after: the overdue reminder goes late, "today" is not resent.
    assert sweep_on(DEADLINE + timedelta(days=2), django_capture_on_commit_callbacks) == ["1d-after"]


def test_on_the_day_is_never_sent_late(partner_a_user, settings, django_capture_on_commit_callbacks):
    settings.REMINDER_CATCH_UP_DAYS = 3
    completed_project(partner_a_user.partner, evaluation_due_on=DEADLINE)
    # surveys_evaluation_due is 14 days before, on the day and 7 after: nothing between.
    assert sweep_on(DEADLINE + timedelta(days=1), django_capture_on_commit_callbacks) == []
    assert not mail.outbox


def test_no_catch_up_when_it_is_turned_off(survey_due, settings, django_capture_on_commit_callbacks):
    settings.REMINDER_CATCH_UP_DAYS = 0
    assert sweep_on(DEADLINE - timedelta(days=2), django_capture_on_commit_callbacks) == []


def test_a_complaint_stage_missed_on_a_friday_goes_out_on_monday(manager, settings, django_capture_on_commit_callbacks):
    settings.REMINDER_CATCH_UP_DAYS = 3
    # Respond by Wednesday 10 March: three working days before is Friday 5 March.
    ComplaintFactory(
        status=Complaint.Status.INVESTIGATING, owner=manager, acknowledge_by=date(2027, 1, 4), respond_by=DEADLINE
    )
    friday, saturday, monday = date(2027, 3, 5), date(2027, 3, 6), date(2027, 3, 8)
    assert sweep_on(saturday, django_capture_on_commit_callbacks) == []  # no reminders at weekends
    assert sweep_on(monday, django_capture_on_commit_callbacks) == ["3d-before"]
    assert sweep_on(monday, django_capture_on_commit_callbacks) == []
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert (monday - friday).days == settings.REMINDER_CATCH_UP_DAYS
