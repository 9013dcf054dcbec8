"""Hand-built records for the dashboard tests: a known number of each thing the
staff dashboard counts, so every number can be checked against the fixture and
against the list it links to."""

import datetime
from decimal import Decimal

from django.utils import timezone

from agreements.models import Agreement
from complaints.models import Complaint
from eoi.models import Call, ExpressionOfInterest
from hubportal.core.academic_years import current_academic_year
from partners.models import EvidenceItem, EvidenceType, Partner
from surveys.models import Answer, GridCell, SurveyRequest
from tests.agreements.factories import AgreementFactory
from tests.complaints.factories import ComplaintFactory
from tests.eoi.factories import CallFactory, ExpressionOfInterestFactory
from tests.factories import PartnerFactory
from tests.partners.factories import EvidenceItemFactory, EvidenceTypeFactory
from tests.surveys.factories import QuestionFactory, QuestionSetFactory, SurveyRequestFactory, SurveyRoundFactory

Stage = Partner.Stage
State = Agreement.Status
Req = SurveyRequest.Status

# Wednesday in the autumn term: "due within 3 working days" is Thursday to Monday.
TODAY = datetime.date(2026, 11, 18)
DISTRICTS = ["Charnwood", "Harborough", "Melton", "Not known"]
ACTIVITIES = ["Singing", "Ensembles (choir, band, orchestra, other)"]


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def build_world(*, staff) -> dict:
    """Partners at known stages with known agreements, survey returns, EOIs,
    complaints and evidence. Returns the records the tests name."""
    year = current_academic_year().start_year
    # Only the evidence made here counts: the seeded standards are not required,
    # so health comes from the records below and nothing else.
    EvidenceType.objects.update(required=False)
    active = [PartnerFactory(name=f"Active {n}") for n in range(4)]
    PartnerFactory(name="Enquiry 1", status=Stage.ENQUIRY)
    PartnerFactory(name="Enquiry 2", status=Stage.ENQUIRY)
    PartnerFactory(name="Meeting 1", status=Stage.MEETING_SCHEDULED)
    reviewing = PartnerFactory(name="Reviewing 1", status=Stage.STANDARDS_REVIEW)
    suspended = PartnerFactory(name="Suspended 1", status=Stage.SUSPENDED)

    # Agreements: two live this year (one renewed for next year already), one
    # issued, one signed by the partner, one draft, one live project.
    live_expiring = AgreementFactory(partner=active[0], live=True)
    live_renewed = AgreementFactory(partner=active[1], live=True)
    AgreementFactory(partner=active[1], academic_year=year + 1, renewal_of=live_renewed)
    issued = AgreementFactory(partner=active[2], status=State.ISSUED, issued_at=at(days(-3)))
    AgreementFactory(partner=active[3], status=State.PARTNER_SIGNED, issued_at=at(days(-10)))
    AgreementFactory(partner=reviewing)
    AgreementFactory(partner=active[0], live=True, project=True)
    suspended_agreement = AgreementFactory(partner=suspended, status=State.UNDER_REVIEW)

    # The current round: one submitted, one in progress, one not started and
    # past its own deadline (overdue), one accepted. A past round has one overdue.
    survey_round = SurveyRoundFactory(deadline=days(10), opened_by=staff, question_set=reporting_questions())
    submitted = SurveyRequestFactory(
        round=survey_round, agreement=live_expiring, status=Req.SUBMITTED, submitted_at=at(days(-1))
    )
    SurveyRequestFactory(round=survey_round, agreement=live_renewed, status=Req.IN_PROGRESS)
    SurveyRequestFactory(round=survey_round, agreement=suspended_agreement, status=Req.PENDING, deadline=days(-2))
    accepted = SurveyRequestFactory(round=survey_round, agreement=issued, status=Req.ACCEPTED)
    # Reach: only the accepted return counts (autumn: 30 in Charnwood and 12 in
    # Melton, 42 in all; 42 singing and 7 in ensembles); the submitted one's 100 does not.
    answer(accepted, reach=42, schools=3, sessions=12, districts={"Charnwood": 30, "Melton": 12},
           activities={"Singing": 42, ACTIVITIES[1]: 7}, status=Req.ACCEPTED)  # fmt: skip
    answer(submitted, reach=100, schools=1, sessions=4, districts={"Melton": 100},
           activities={"Singing": 100}, status=Req.SUBMITTED)  # fmt: skip
    from tests.surveys.factories import current_term

    last_summer = SurveyRoundFactory(
        term=_previous_summer(current_term()),
        deadline=days(-90),
        opened_by=staff,
        question_set=survey_round.question_set,
    )
    SurveyRequestFactory(round=last_summer, agreement=live_renewed, status=Req.PENDING)

    # Commissioning: one open call; a closed call with two EOIs submitted and
    # one under assessment (and a draft, which is not awaiting anything).
    CallFactory(title="Open call")
    closed = CallFactory(title="Closed call", status=Call.Status.CLOSED, closes_at=at(days(-5)))
    for partner, status in [
        (active[0], ExpressionOfInterest.Status.SUBMITTED),
        (active[1], ExpressionOfInterest.Status.SUBMITTED),
        (active[2], ExpressionOfInterest.Status.UNDER_ASSESSMENT),
        (active[3], ExpressionOfInterest.Status.DRAFT),
    ]:
        ExpressionOfInterestFactory(call=closed, partner=partner, status=status)

    # Complaints: one past its acknowledgement deadline, one whose response is
    # due on Friday, one closed, and a safeguarding concern (leads only).
    ComplaintFactory(partner=active[0], acknowledge_by=days(-1), respond_by=days(20))
    ComplaintFactory(
        partner=active[1], status=Complaint.Status.INVESTIGATING, acknowledge_by=days(-10), respond_by=days(2)
    )
    ComplaintFactory(partner=active[2], status=Complaint.Status.CLOSED, acknowledge_by=days(-30), respond_by=days(-5))
    ComplaintFactory(
        partner=active[3], category=Complaint.Category.SAFEGUARDING, acknowledge_by=days(3), respond_by=days(20)
    )

    # Evidence: two verified items expiring within 30 days, one expired, one waiting to be checked.
    insurance = EvidenceTypeFactory(name="Public liability insurance", required=False)
    dbs = EvidenceTypeFactory(name="Enhanced DBS", required=False)
    EvidenceItemFactory(partner=active[0], evidence_type=insurance, expires_on=days(10))
    EvidenceItemFactory(partner=active[1], evidence_type=insurance, expires_on=days(29))
    EvidenceItemFactory(
        partner=active[2], evidence_type=insurance, status=EvidenceItem.Status.EXPIRED, expires_on=days(-3)
    )
    EvidenceItemFactory(partner=active[3], evidence_type=dbs, status=EvidenceItem.Status.SUBMITTED, expires_on=None)
    EvidenceItemFactory(partner=active[3], evidence_type=insurance, expires_on=days(200))
    return {"active": active, "suspended": suspended, "round": survey_round, "closed_call": closed}


def reporting_questions():
    """A question set with the reach questions the figures add up."""
    question_set = QuestionSetFactory()
    reach = QuestionFactory(question_set=question_set, code="reach_total")
    QuestionFactory(question_set=question_set, code="schools_count")
    QuestionFactory(question_set=question_set, code="sessions_delivered")
    QuestionFactory(
        question_set=question_set, code="reach_by_district", type="grid", rows=DISTRICTS, total_question=reach
    )
    QuestionFactory(question_set=question_set, code="reach_by_activity", type="grid", rows=ACTIVITIES)
    return question_set


def answer(survey_request, *, reach, schools, sessions, districts, activities, status):
    """Store a return's answers as the service would (as tests/surveys/test_aggregates.py does)."""
    questions = {q.code: q for q in survey_request.round.question_set.questions.all()}
    for code, value in (("reach_total", reach), ("schools_count", schools), ("sessions_delivered", sessions)):
        Answer.objects.create(request=survey_request, question=questions[code], number=value)
    for code, cells in (("reach_by_district", districts), ("reach_by_activity", activities)):
        grid = Answer.objects.create(request=survey_request, question=questions[code], number=sum(cells.values()))
        GridCell.objects.bulk_create(GridCell(answer=grid, row=row, count=n) for row, n in cells.items())
    survey_request.status = status
    survey_request.save()


def _previous_summer(term):
    from hubportal.core.academic_years import SUMMER
    from hubportal.models import Term

    return next(t for t in Term.for_year(term.year.previous()) if t.name == SUMMER)


def build_many(n: int, *, staff, start: int = 0) -> list[Partner]:
    """``n`` active partners, each carrying every kind of row a home page could
    read once per partner: a live partnership and a project, a survey request in
    the current round, an EOI, an open complaint and an escalated one (the
    Chair's queue), evidence and income. ``start`` numbers the partners so a
    second call grows the same world (the round, call and evidence type are shared)."""
    from tests.surveys.factories import income

    survey_round = SurveyRoundFactory(deadline=days(10), opened_by=staff)
    call = Call.objects.filter(title="A call").first() or CallFactory(
        title="A call", status=Call.Status.CLOSED, closes_at=at(days(-5))
    )
    insurance = EvidenceType.objects.filter(name="Public liability insurance").first() or EvidenceTypeFactory(
        name="Public liability insurance"
    )
    partners = []
    for i in range(start, start + n):
        partner = PartnerFactory(name=f"Bulk partner {i:03d}")
        agreement = AgreementFactory(partner=partner, live=True)
        AgreementFactory(partner=partner, live=True, project=True, hub_contribution=Decimal("1000.00"))
        SurveyRequestFactory(round=survey_round, agreement=agreement, status=[Req.PENDING, Req.SUBMITTED][i % 2])
        ExpressionOfInterestFactory(call=call, partner=partner, status=ExpressionOfInterest.Status.SUBMITTED)
        ComplaintFactory(partner=partner, category=[Complaint.Category.QUALITY, Complaint.Category.SAFEGUARDING][i % 2])
        ComplaintFactory(partner=partner, status=Complaint.Status.ESCALATED, escalated_at=at(days(-3)))
        EvidenceItemFactory(partner=partner, evidence_type=insurance, expires_on=days(5 + i % 40))
        income(partner, "250.00", recorded_by=staff)
        partners.append(partner)
    return partners
