"""Every reminder kind at every offset, through the whole sweep: the day
before sends nothing of that stage; on the day exactly one email goes to the
one person it is for, and a second sweep that day sends nothing more.

Each case makes one object whose date is ANCHOR-relative and returns the date
the offsets count from and the person reminded. Offsets come from settings, so
a changed offset is tested at its new day."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from agreements.models import Agreement
from complaints.models import Complaint
from eoi.models import ExpressionOfInterest
from hubportal.core.working_days import add_working_days, subtract_working_days
from hubportal.messaging.kinds import stage_name
from hubportal.messaging.reminders import sweep
from hubportal.models import Reminder
from partners.models import EvidenceItem, EvidenceType
from surveys.models import SurveyRequest
from tests.agreements.factories import AgreementFactory
from tests.complaints.factories import ComplaintFactory
from tests.eoi.factories import CallFactory, ExpressionOfInterestFactory
from tests.partners.factories import EvidenceItemFactory
from tests.surveys.factories import SurveyRequestFactory, SurveyRoundFactory, completed_project

# Objects are made on this Monday of academic year 2026/27; every date below is after it.
MADE_ON = date(2027, 1, 4)
DEADLINE = date(2027, 3, 10)  # a Wednesday, with working days on either side


def at_seven(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(7, 0)))


def calendar_days(anchor: date, offset: int) -> date:
    return anchor - timedelta(days=offset)


def working_days(anchor: date, offset: int) -> date:
    return subtract_working_days(anchor, offset) if offset >= 0 else add_working_days(anchor, -offset)


@dataclass
class Case:
    kind: str
    make: Callable  # (cast, offset) -> (anchor date, the person reminded)
    trigger: Callable[[date, int], date] = calendar_days


def renewal(cast, offset):
    AgreementFactory(partner=cast.partner, academic_year=2026, live=True)
    return date(2027, 8, 31), cast.staff


def review(cast, offset):
    AgreementFactory(partner=cast.partner, academic_year=2026, live=True)
    return date(2027, 6, 1), cast.staff


def unsigned(cast, offset):
    AgreementFactory(partner=cast.partner, status=Agreement.Status.ISSUED, issued_at=at_seven(MADE_ON))
    return MADE_ON, cast.partner_user


def survey(cast, offset):
    round_ = SurveyRoundFactory(deadline=DEADLINE)
    agreement = AgreementFactory(partner=cast.partner, academic_year=2026, live=True)
    SurveyRequestFactory(round=round_, agreement=agreement, status=SurveyRequest.Status.PENDING)
    return DEADLINE, cast.partner_user


def survey_overdue(cast, offset):
    survey(cast, offset)
    return DEADLINE, cast.staff


def evaluation(cast, offset):
    completed_project(cast.partner, evaluation_due_on=DEADLINE)
    return DEADLINE, cast.partner_user


def evidence(cast, offset):
    # After expiry the nightly task has marked it expired; before, it is verified.
    status = EvidenceItem.Status.EXPIRED if offset < 0 else EvidenceItem.Status.VERIFIED
    EvidenceItemFactory(
        partner=cast.partner,
        evidence_type=EvidenceType.objects.get(name="Public liability insurance"),
        expires_on=DEADLINE,
        status=status,
    )
    return DEADLINE, cast.partner_user


def acknowledge(cast, offset):
    # No owner yet: the Service Manager is reminded.
    ComplaintFactory(acknowledge_by=DEADLINE, respond_by=DEADLINE + timedelta(days=60))
    return DEADLINE, cast.manager


def respond(cast, offset):
    ComplaintFactory(
        status=Complaint.Status.INVESTIGATING,
        owner=cast.manager,
        acknowledge_by=MADE_ON,
        respond_by=DEADLINE,
    )
    return DEADLINE, cast.manager


def call_closing(cast, offset):
    call = CallFactory(opens_at=at_seven(MADE_ON), closes_at=timezone.make_aware(datetime.combine(DEADLINE, time(17))))
    ExpressionOfInterestFactory(call=call, partner=cast.partner, status=ExpressionOfInterest.Status.DRAFT)
    return DEADLINE, cast.partner_user


def personal_data_request(cast, offset):
    from hubportal.privacy.models import DataRequest
    from tests.privacy.factories import DataRequestFactory

    DataRequestFactory(received_on=MADE_ON, due_on=DEADLINE, recorded_by=cast.manager)
    assert DataRequest.objects.get().is_open
    return DEADLINE, cast.manager


CASES = {
    "agreements_renewal_due": Case("agreements_renewal_due", renewal),
    "agreements_review_due": Case("agreements_review_due", review),
    # Counted after the issue date: offsets are negative.
    "agreements_unsigned": Case("agreements_unsigned", unsigned),
    "surveys_deadline": Case("surveys_deadline", survey),
    "surveys_overdue_staff": Case("surveys_overdue_staff", survey_overdue),
    "surveys_evaluation_due": Case("surveys_evaluation_due", evaluation),
    "partners_evidence_expiry": Case("partners_evidence_expiry", evidence),
    "complaints_acknowledge_due": Case("complaints_acknowledge_due", acknowledge, working_days),
    "complaints_response_due": Case("complaints_response_due", respond, working_days),
    "eoi_call_closing": Case("eoi_call_closing", call_closing),
    "privacy_request_due": Case("privacy_request_due", personal_data_request),
}

PARAMS = [
    pytest.param(kind, offset, id=f"{kind}-{stage_name(offset)}")
    for kind in CASES
    for offset in settings.REMINDER_OFFSETS[kind]
]


def test_every_reminder_kind_is_covered():
    assert set(CASES) == set(settings.REMINDER_OFFSETS) - {"test_checkin"}


STAFF_REMINDED = {"agreements_renewal_due", "agreements_review_due", "surveys_overdue_staff"}


@dataclass
class Cast:
    staff: object
    manager: object
    partner: object
    partner_user: object


@pytest.fixture
def cast(request, db):
    """Only the people a case needs, so "exactly one" counts the right person."""
    kind = request.node.callspec.params["kind"]
    names = {"staff": None, "manager": None}
    if kind in STAFF_REMINDED:
        names["staff"] = request.getfixturevalue("staff")
    if kind.startswith(("complaints_", "privacy_")):
        names["manager"] = request.getfixturevalue("manager")
    partner_user = request.getfixturevalue("partner_a_user")
    return Cast(partner=partner_user.partner, partner_user=partner_user, **names)


def _sweep_on(day: date, django_capture_on_commit_callbacks) -> None:
    with time_machine.travel(at_seven(day), tick=False), django_capture_on_commit_callbacks(execute=True):
        sweep(day)


@pytest.mark.parametrize("kind, offset", PARAMS)
def test_nothing_the_day_before_and_exactly_one_on_the_day(kind, offset, cast, django_capture_on_commit_callbacks):
    case = CASES[kind]
    with time_machine.travel(at_seven(MADE_ON), tick=False):
        anchor, person = case.make(cast, offset)
    day = case.trigger(anchor, offset)
    this_stage = Reminder.objects.filter(kind=kind, stage__startswith=stage_name(offset))

    _sweep_on(day - timedelta(days=1), django_capture_on_commit_callbacks)
    assert not this_stage.exists()
    sent_before = len(mail.outbox)

    _sweep_on(day, django_capture_on_commit_callbacks)
    [reminder] = this_stage
    assert (reminder.recipient, reminder.failed_at, reminder.error) == (person, None, "")
    assert reminder.sent_at is not None
    assert [m.to for m in mail.outbox[sent_before:]] == [[person.email]]

    _sweep_on(day, django_capture_on_commit_callbacks)
    assert this_stage.count() == 1 and len(mail.outbox) == sent_before + 1
