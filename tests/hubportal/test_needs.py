""" "Needs you now" on each role's home: what waits on that person, most urgent
first, each one click from its action, with a count and an empty state."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from complaints.models import Complaint
from eoi.models import ExpressionOfInterest
from hubportal.insights import needs
from partners.models import EvidenceItem, Partner
from surveys.models import ProjectEvaluation, SurveyRequest
from tests.agreements.factories import AgreementFactory
from tests.complaints.factories import ComplaintFactory
from tests.eoi.factories import AssessorAssignmentFactory, ExpressionOfInterestFactory
from tests.factories import PartnerFactory
from tests.partners.factories import ContactFactory, EvidenceItemFactory, EvidenceTypeFactory, MeetingFactory
from tests.surveys.factories import EvaluationFactory, SurveyRequestFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def section(html: str) -> str:
    return html.split('id="needs-title"')[1].split("</section>")[0]


def evidence_waiting(name: str, days_ago: int) -> EvidenceItem:
    return EvidenceItemFactory(
        partner=PartnerFactory(name=name),
        evidence_type=EvidenceTypeFactory(name=f"Insurance of {name}"),
        status=EvidenceItem.Status.SUBMITTED,
        uploaded_at=timezone.now() - days_ago * DAY,
    )


@pytest.fixture
def waiting_for_staff():
    """One of each thing a Hub staff member acts on, each waiting a different time."""
    old = evidence_waiting("Oldest Evidence Ltd", 9)
    new = evidence_waiting("Newest Evidence Ltd", 1)
    survey = SurveyRequestFactory(status=SurveyRequest.Status.SUBMITTED, submitted_at=timezone.now() - 5 * DAY)
    evaluation = EvaluationFactory(status=ProjectEvaluation.Status.SUBMITTED, submitted_at=timezone.now() - 3 * DAY)
    meeting = MeetingFactory(
        partner=PartnerFactory(name="Meeting Music", status=Partner.Stage.MEETING_SCHEDULED),
        starts_at=timezone.now() - 2 * DAY,
    )
    MeetingFactory(  # not started yet: nothing to record
        partner=PartnerFactory(name="Later Music", status=Partner.Stage.MEETING_SCHEDULED),
        starts_at=timezone.now() + 2 * DAY,
    )
    return {"old": old, "new": new, "survey": survey, "evaluation": evaluation, "meeting": meeting}


def test_staff_see_what_waits_on_them_oldest_first_each_linking_to_its_action(client_for, staff, waiting_for_staff):
    w = waiting_for_staff
    response = client_for(staff).get(reverse("staff_home"))
    found = response.context["needs"]
    assert [n.url for n in found.items] == [
        reverse("partners:evidence_review", args=[w["old"].pk]),
        reverse("surveys:request_detail", args=[w["survey"].pk]),
        reverse("surveys:evaluation_detail", args=[w["evaluation"].pk]),
        reverse("partners:meeting_record", args=[w["meeting"].pk]),
        reverse("partners:evidence_review", args=[w["new"].pk]),
    ]
    assert found.total == 5
    assert {k.key: k.count for k in found.kinds} == {
        "evidence": 2,
        "survey_returns": 1,
        "evaluations": 1,
        "meetings": 1,
    }
    html = section(response.content.decode())
    assert "Check Oldest Evidence Ltd’s insurance of Oldest Evidence Ltd" in html
    assert "Waiting 9 days" in html
    assert "Later Music" not in html
    # A plain staff member neither countersigns nor answers complaints at stage one.
    assert {n.kind for n in found.items} <= {"evidence", "survey_returns", "evaluations", "meetings"}
    client = client_for(staff)
    for need in found.items:
        assert client.get(need.url).status_code == 200, need


def test_the_needs_come_before_the_figures(client_for, staff, waiting_for_staff):
    html = client_for(staff).get(reverse("staff_home")).content.decode()
    assert html.index('id="needs-title"') < html.index('id="glance-title"') < html.index('id="pipeline-title"')
    assert html.index('id="glance-title"') < html.index("data-chart=")


def test_the_service_manager_also_countersigns_and_answers_complaints_overdue_first(client_for, manager):
    today = timezone.localdate()
    signed = AgreementFactory(status=Agreement.Status.PARTNER_SIGNED, partner=PartnerFactory(name="Signed Music"))
    late = ComplaintFactory(reference="C-LATE", acknowledge_by=today - 2 * DAY)
    soon = ComplaintFactory(reference="C-SOON", status=Complaint.Status.INVESTIGATING, respond_by=today + 3 * DAY)
    ComplaintFactory(reference="C-DONE", status=Complaint.Status.CLOSED)
    response = client_for(manager).get(reverse("staff_home"))
    found = response.context["needs"]
    assert found.items[0].url == reverse("complaints:detail", args=[late.pk])
    assert found.items[0].overdue
    urls = [n.url for n in found.items]
    assert reverse("agreements:countersign", args=[signed.pk]) in urls
    assert reverse("complaints:detail", args=[soon.pk]) in urls
    assert all("C-DONE" not in n.text for n in found.items)
    html = section(response.content.decode())
    assert "Acknowledge complaint C-LATE" in html and "Overdue" in html
    assert "Respond to complaint C-SOON" in html and f"Due {today + 3 * DAY:%-d %b %Y}" in html
    assert "Countersign Signed Music’s" in html


def test_an_empty_list_says_so(client_for, staff, manager, chair, assessor, partner_a, partner_a_user):
    ContactFactory(partner=partner_a, is_safeguarding_lead=True)  # else the partner is asked to name one
    homes = [
        (staff, "staff_home"),
        (manager, "staff_home"),
        (chair, "chair_home"),
        (assessor, "staff_home"),
        (partner_a_user, "portal_home"),
    ]
    for user, name in homes:
        response = client_for(user).get(reverse(name))
        assert response.context["needs"].total == 0, user
        assert "Nothing needs you today." in section(response.content.decode()), user


def test_the_assessor_declares_then_scores_and_sees_nothing_not_yet_open(client_for, assessor):
    declare = AssessorAssignmentFactory(
        assessor=assessor, eoi=ExpressionOfInterestFactory(status=ExpressionOfInterest.Status.SUBMITTED)
    )
    score = AssessorAssignmentFactory(
        assessor=assessor,
        has_conflict=False,
        declared_at=timezone.now(),
        eoi=ExpressionOfInterestFactory(status=ExpressionOfInterest.Status.UNDER_ASSESSMENT),
    )
    AssessorAssignmentFactory(  # declared, but the call has not closed: not yet to score
        assessor=assessor,
        has_conflict=False,
        declared_at=timezone.now(),
        eoi=ExpressionOfInterestFactory(status=ExpressionOfInterest.Status.SUBMITTED),
    )
    AssessorAssignmentFactory(  # conflicted: nothing to do
        assessor=assessor,
        has_conflict=True,
        declared_at=timezone.now(),
        eoi=ExpressionOfInterestFactory(status=ExpressionOfInterest.Status.UNDER_ASSESSMENT),
    )
    AssessorAssignmentFactory(eoi=ExpressionOfInterestFactory(status="under_assessment"))  # someone else's
    response = client_for(assessor).get(reverse("staff_home"))
    found = response.context["needs"]
    assert sorted(n.url for n in found.items) == sorted(
        [reverse("eoi:conflict", args=[declare.pk]), reverse("eoi:score", args=[score.pk])]
    )
    assert found.total == 2
    html = section(response.content.decode())
    assert "Declare any conflict of interest for" in html and "Score “" in html


def test_the_partner_sees_its_to_do_list_as_needs_you_now(client_for, partner_a, partner_a_user):
    request = SurveyRequestFactory(agreement=AgreementFactory(partner=partner_a, live=True))
    response = client_for(partner_a_user).get(reverse("portal_home"))
    found = response.context["needs"]
    assert reverse("surveys:portal_request", args=[request.pk]) in [n.url for n in found.items]
    assert found.total == len(response.context["todos"])
    assert f'<span class="badge rounded-pill needs-count">{found.total}' in response.content.decode()


def test_the_chair_sees_cases_to_decide(client_for, chair):
    ComplaintFactory(reference="C-ESC", status=Complaint.Status.ESCALATED)
    response = client_for(chair).get(reverse("chair_home"))
    found = response.context["needs"]
    assert found.total == 1
    assert "C-ESC" in section(response.content.decode())
    assert client_for(chair).get(found.items[0].url).status_code == 200


# Prevents: a query per item for its partner, evidence type, round or agreement
# (each kind is one query with its rows' relations joined and a window count),
# and reading every waiting row rather than the first SHOWN of each kind.
NEEDS_QUERIES = 6


def test_needs_cost_one_query_per_kind_however_much_waits(manager):
    today = timezone.localdate()
    for n in range(3):
        evidence_waiting(f"Few {n}", n)
    needs.staff_needs(manager, today)  # the manager's roles, read once and kept on the user
    with CaptureQueriesContext(connection) as few:
        small = needs.staff_needs(manager, today)
    for n in range(needs.SHOWN + 4):
        evidence_waiting(f"Many {n}", n + 3)
        ComplaintFactory()
    with CaptureQueriesContext(connection) as many:
        large = needs.staff_needs(manager, today)
    assert len(few) == len(many) <= NEEDS_QUERIES
    assert small.total == 3 and large.total == 3 + needs.SHOWN + 4 + needs.SHOWN + 4
    assert len(large.items) == needs.SHOWN


def test_recent_activity_never_opens_with_an_event_dated_after_now(client_for, staff):
    from hubportal.core.history import record

    partner = PartnerFactory()
    record(partner, actor=staff, action="noted today")
    # History is append-only (a PostgreSQL trigger refuses UPDATE): stamp it ahead as it is written.
    with time_machine.travel(timezone.now() + 7 * DAY, tick=False):
        record(partner, actor=staff, action="stamped next week")
    recent = [e.action for e in client_for(staff).get(reverse("staff_home")).context["recent"]]
    assert recent[0] == "noted today" and "stamped next week" not in recent


def test_complaints_are_headed_by_how_many_are_open_apart_from_closed_and_decided(client_for, staff):
    ComplaintFactory()
    ComplaintFactory(status=Complaint.Status.CLOSED)
    ComplaintFactory(status=Complaint.Status.DECIDED)
    html = client_for(staff).get(reverse("staff_home")).content.decode()
    block = html.split('id="complaints-title"')[1].split("</section>")[0]
    assert "1 open, by stage" in block and "2 closed or decided" in block
    opened, finished = block.split("2 closed or decided")
    assert 'data-stat="closed"' not in opened and 'data-stat="closed"' in finished


def test_what_someone_has_just_done_leaves_the_list_at_once(
    client_for, staff, waiting_for_staff, django_capture_on_commit_callbacks
):
    """The list is cached like the figures; the transition's history row drops it."""
    from partners.services import evidence_verify

    client = client_for(staff)
    old = waiting_for_staff["old"]
    review = reverse("partners:evidence_review", args=[old.pk])
    assert review in [n.url for n in client.get(reverse("staff_home")).context["needs"].items]
    with django_capture_on_commit_callbacks(execute=True):
        evidence_verify(item=old, actor=staff)
    again = client.get(reverse("staff_home")).context["needs"]
    assert review not in [n.url for n in again.items]
    assert {k.key: k.count for k in again.kinds}["evidence"] == 1
