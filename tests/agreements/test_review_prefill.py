"""What an annual review starts with: the agreement's survey returns, judged by the
one rule for keeping to the timetable (surveys.selectors.return_timing)."""

import datetime
import zoneinfo

import pytest
import time_machine

from agreements.selectors import review_prefill
from hubportal.core.academic_years import AcademicYear
from hubportal.models import Term
from surveys.models import SurveyRequest
from surveys.services import request_return
from tests.agreements.factories import AgreementFactory
from tests.surveys.factories import SurveyRequestFactory, SurveyRoundFactory, small_question_set

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def test_a_survey_returned_and_never_resubmitted_is_overdue_not_on_time(partner_a, staff):
    question_set = small_question_set()
    autumn, spring, _ = Term.for_year(AcademicYear(2026))
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):
        agreement = AgreementFactory(live=True, partner=partner_a, academic_year=2026)
        SurveyRequestFactory(
            round=SurveyRoundFactory(term=autumn, question_set=question_set),
            agreement=agreement,
            deadline=datetime.date(2026, 11, 20),
            status=SurveyRequest.Status.ACCEPTED,
            submitted_at=at(2026, 11, 18, 14),
        )
        # Sent in well before its deadline, then sent back for changes.
        spring_request = SurveyRequestFactory(
            round=SurveyRoundFactory(term=spring, question_set=question_set),
            agreement=agreement,
            deadline=datetime.date(2026, 11, 20),
            status=SurveyRequest.Status.SUBMITTED,
            submitted_at=at(2026, 11, 1, 10),
        )
        request_return(
            survey_request=spring_request,
            actor=staff,
            comment="The reach by age does not add up to the total.",
            resubmit_by=datetime.date(2026, 11, 27),
        )
    with time_machine.travel(at(2026, 12, 1, 9), tick=False):
        prefill = review_prefill(agreement)
    assert prefill["surveys_on_time"] == (
        "1 of 2 termly surveys returned by the deadline; 0 late; 1 overdue and not yet returned."
    )


def test_a_survey_returned_and_not_yet_due_again_is_neither_on_time_nor_overdue(partner_a, staff):
    autumn = Term.for_year(AcademicYear(2026))[0]
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):
        agreement = AgreementFactory(live=True, partner=partner_a, academic_year=2026)
        survey_request = SurveyRequestFactory(
            round=SurveyRoundFactory(term=autumn, question_set=small_question_set()),
            agreement=agreement,
            deadline=datetime.date(2026, 11, 20),
            status=SurveyRequest.Status.SUBMITTED,
            submitted_at=at(2026, 11, 1, 10),
        )
        request_return(
            survey_request=survey_request,
            actor=staff,
            comment="Please add the schools.",
            resubmit_by=datetime.date(2026, 11, 9),
        )
        prefill = review_prefill(agreement)
    assert prefill["surveys_on_time"] == (
        "0 of 1 termly survey returned by the deadline; 0 late; 0 overdue and not yet returned."
    )
