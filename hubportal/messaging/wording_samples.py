"""Sample data for each reminder kind's wording: the context a real reminder
is rendered with (``obj``, ``stage``, ``due_on``, ``recipient``, ``url``,
``site_url``), with a made-up object of the kind's own model.

The wording editor checks every placeholder against it (so ``{{ obj.titel }}``
is refused, not sent as a blank) and previews the message with it. The
objects are never saved; their primary key is one no row will have, so a
relation in the wording (``obj.outcomes.all``) reads as empty rather than
another record's data (and not 0, which reads as "no partner").
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from hubportal.core.academic_years import AUTUMN, academic_year_for
from hubportal.models import Term, User

SAMPLE_PK = 2_147_483_647  # the largest integer key


def _partner():
    from partners.models import Partner

    return Partner(
        pk=SAMPLE_PK, name="Harborough Community Music", legal_name="Harborough Community Music CIC", status="active"
    )


def _partnership_agreement(today: date):
    from agreements.models import Agreement

    year = academic_year_for(today)
    partner = _partner()
    return Agreement(
        pk=SAMPLE_PK,
        partner=partner,
        kind=Agreement.Kind.PARTNERSHIP,
        status=Agreement.Status.LIVE,
        academic_year=year.start_year,
        title=f"Partnership agreement {year.label}: {partner.name}",
    )


def _project_agreement(today: date):
    from agreements.models import Agreement

    year = academic_year_for(today)
    return Agreement(
        pk=SAMPLE_PK,
        partner=_partner(),
        kind=Agreement.Kind.PROJECT,
        status=Agreement.Status.COMPLETED,
        academic_year=year.start_year,
        title="Inclusive ensembles for young people with SEND",
        starts_on=today - timedelta(days=200),
        ends_on=today - timedelta(days=20),
        hub_contribution=Decimal("5000.00"),
        requires_evaluation=True,
        evaluation_due_on=today + timedelta(days=14),
    )


def _survey_request(today: date):
    from surveys.models import SurveyRequest, SurveyRound

    year = academic_year_for(today)
    term = Term(academic_year=year.start_year, name=AUTUMN, starts_on=year.starts_on, ends_on=year.starts_on)
    deadline = today + timedelta(days=14)
    agreement = _partnership_agreement(today)
    return SurveyRequest(
        pk=SAMPLE_PK,
        round=SurveyRound(pk=SAMPLE_PK, term=term, deadline=deadline),
        agreement=agreement,
        partner=agreement.partner,
        deadline=deadline,
    )


def _evidence_item(today: date):
    from partners.models import EvidenceItem, EvidenceType

    return EvidenceItem(
        pk=SAMPLE_PK,
        partner=_partner(),
        evidence_type=EvidenceType(pk=SAMPLE_PK, name="Public liability insurance"),
        status=EvidenceItem.Status.VERIFIED,
        issued_on=today - timedelta(days=335),
        expires_on=today + timedelta(days=30),
    )


def _complaint(today: date):
    from complaints.models import Complaint

    return Complaint(
        pk=SAMPLE_PK,
        reference=f"C-{today.year}-0012",
        category=Complaint.Category.QUALITY,
        raised_via=Complaint.RaisedVia.PUBLIC,
        about=Complaint.About.PARTNER,
        partner=_partner(),
        complainant_name="Jo Bloggs",
        acknowledge_by=today + timedelta(days=1),
        respond_by=today + timedelta(days=3),
    )


def _expression_of_interest(today: date):
    from eoi.models import Call, ExpressionOfInterest

    closes = timezone.make_aware(datetime.combine(today + timedelta(days=3), time(17, 0)))
    call = Call(pk=SAMPLE_PK, title="Inclusive ensembles 2027", status=Call.Status.OPEN, closes_at=closes)
    return ExpressionOfInterest(
        pk=SAMPLE_PK, call=call, partner=_partner(), title="Weekly inclusive ensemble in Market Harborough"
    )


def _data_request(today: date):
    from hubportal.privacy.models import DataRequest

    received = today - timedelta(days=23)
    return DataRequest(
        pk=SAMPLE_PK, kind=DataRequest.Kind.ACCESS, received_on=received, due_on=DataRequest.deadline_for(received)
    )


# The object each reminder kind is about (Due.obj in each app's reminders.py).
SAMPLE_OBJECTS: dict[str, Callable[[date], object]] = {
    "agreements_renewal_due": _partnership_agreement,
    "agreements_review_due": _partnership_agreement,
    "agreements_unsigned": _partnership_agreement,
    "surveys_deadline": _survey_request,
    "surveys_overdue_staff": _survey_request,
    "surveys_evaluation_due": _project_agreement,
    "partners_evidence_expiry": _evidence_item,
    "complaints_acknowledge_due": _complaint,
    "complaints_response_due": _complaint,
    "eoi_call_closing": _expression_of_interest,
    "privacy_request_due": _data_request,
}


def has_sample(kind: str) -> bool:
    return kind in SAMPLE_OBJECTS


def sample_recipient() -> User:
    return User(pk=SAMPLE_PK, username="sam.patel", first_name="Sam", last_name="Patel", email="sam@example.org")


def sample_contexts(kind: str, today: date | None = None) -> list[tuple[str, dict]]:
    """One (stage, context) per stage of the kind's series, as its reminders are rendered."""
    from hubportal.core.hub import current_hub
    from hubportal.messaging.reminders import offsets, stage_name

    today = today or timezone.localdate()
    obj = SAMPLE_OBJECTS[kind](today)
    recipient = sample_recipient()
    return [
        (
            stage_name(days),
            {
                "obj": obj,
                "stage": stage_name(days),
                "due_on": today + timedelta(days=days),
                "recipient": recipient,
                "url": "/portal/",
                "site_url": settings.SITE_URL,
                "hub": current_hub(),
                "hub_name": current_hub().name,
            },
        )
        for days in offsets(kind) or [0]
    ]
