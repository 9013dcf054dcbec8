"""The staff dashboard: every number against a hand-built fixture, and each
number against the list it links to (same rows)."""

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from hubportal.insights.dashboard import Stat
from tests.eoi.factories import AssessorAssignmentFactory, ExpressionOfInterestFactory
from tests.hubportal.dashboard_world import TODAY, at, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(TODAY), tick=False):
        yield


@pytest.fixture
def world(staff):
    return build_world(staff=staff)


# Every section of the dashboard that holds numbers.
SECTIONS = ["pipeline", "health", "evidence", "agreements", "surveys", "rounds", "commissioning", "complaints"]


def stats_in(value):
    """Every Stat anywhere in the dashboard's context."""
    if isinstance(value, Stat):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from stats_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from stats_in(item)


def dashboard(client_for, user):
    response = client_for(user).get(reverse("staff_home"))
    assert response.status_code == 200
    return response


def by_key(stats):
    return {s.key: s.count for s in stats}


def test_every_number_equals_the_rows_of_the_list_it_links_to(client_for, staff, manager, world):
    for user in (staff, manager):
        client = client_for(user)
        context = dashboard(client_for, user).context
        stats = list(stats_in([context[k] for k in SECTIONS]))
        assert len(stats) > 40
        for stat in stats:
            listed = client.get(stat.url)
            assert listed.status_code == 200, stat
            assert listed.context["page"].paginator.count == stat.count, f"{stat.label}: {stat.url}"


def test_each_number_is_a_link_on_the_page(client_for, staff, world):
    response = dashboard(client_for, staff)
    html = response.content.decode()
    for stat in stats_in(response.context["agreements"]):
        assert f'href="{stat.url.replace("&", "&amp;")}"' in html


def test_the_numbers_match_the_hand_built_fixture(client_for, staff, world):
    c = dashboard(client_for, staff).context
    assert by_key(c["pipeline"]) | {} == {
        **{k: 0 for k in by_key(c["pipeline"])},
        "enquiry": 2,
        "meeting_scheduled": 1,
        "standards_review": 1,
        "active": 4,
        "suspended": 1,
    }
    agreements = c["agreements"]
    assert by_key(agreements["by_state"]) == {
        "draft": 2,
        "issued": 1,
        "partner_signed": 1,
        "live": 3,
        "under_review": 1,
    }
    assert agreements["awaiting_partner"].count == 1
    assert agreements["awaiting_hub"].count == 1
    assert agreements["expiring"].count == 2  # live and under review this year, no renewal drafted

    surveys = c["surveys"]
    assert by_key(surveys["states"]) == {"accepted": 1, "submitted": 1, "returned": 0, "in_progress": 1, "pending": 1}
    assert surveys["overdue"].count == 1 and surveys["overdue"].names == ["Suspended 1"]
    assert {s.key: s.names for s in surveys["states"]}["submitted"] == ["Active 0"]
    assert surveys["overdue_anywhere"].count == 2
    assert [row["asked"].count for row in c["rounds"]] == [1, 4]

    commissioning = c["commissioning"]
    assert commissioning["open_calls"].count == 1
    assert commissioning["awaiting_total"] == 3
    assert by_key(commissioning["awaiting"][0]["stats"]) == {"submitted": 2, "under_assessment": 1}

    assert [s.count for s in c["evidence"]] == [2, 1, 1]  # expiring in 30 days, expired, waiting to be checked
    # Red: Active 1 (a survey overdue), Active 2 (evidence expired), Active 3 (a safeguarding
    # concern, which reads as a confidential matter for staff who are not leads) and Suspended 1
    # (survey overdue); amber: Active 0 (evidence expiring, an open complaint); green: Reviewing 1.
    assert by_key(c["health"]) == {"red": 4, "amber": 1, "green": 1}


def test_complaint_counts_for_staff_leave_out_safeguarding_concerns(client_for, staff, manager, world):
    [block] = dashboard(client_for, staff).context["complaints"]
    assert by_key(block["stages"])["received"] == 1
    assert block["breached"].count == 1
    assert block["due"].count == 1
    assert "Safeguarding" not in dashboard(client_for, staff).content.decode().split("complaints-title")[1][:2000]

    complaints, concerns = dashboard(client_for, manager).context["complaints"]
    assert by_key(complaints["stages"])["received"] == 1
    assert concerns["title"] == "Safeguarding concerns"
    assert by_key(concerns["stages"])["received"] == 1
    assert concerns["due"].count == 1 and concerns["breached"].count == 0


def test_health_tells_only_safeguarding_leads_of_a_safeguarding_concern(client_for, staff, manager, world):
    # Active 3's only problem is a safeguarding concern: red for everyone, named only for a lead.
    assert by_key(dashboard(client_for, staff).context["health"]) == by_key(
        dashboard(client_for, manager).context["health"]
    )
    for user, named in [(staff, False), (manager, True)]:
        listed = client_for(user).get(reverse("partner_health"), {"q": "Active 3"})
        [(partner, health)] = list(listed.context["page"])
        assert health.level == "red"
        assert ("safeguarding concern" in listed.content.decode()) is named
        assert ("confidential matter" in listed.content.decode()) is not named


def test_the_charts_carry_their_data_and_a_text_alternative(client_for, staff, world):
    response = dashboard(client_for, staff)
    html = response.content.decode()
    for chart_id in ["chart-funnel", "chart-rounds", "chart-reach-activity", "chart-reach-district"]:
        assert f'data-source="{chart_id}"' in html
        assert f'<script id="{chart_id}" type="application/json">' in html
    assert response.context["funnel_chart"]["datasets"][0]["data"] == [2, 1, 0, 1, 0, 4]
    assert "<script>" not in html  # no inline script (strict CSP)
    assert "Requests in each state, by round" in html


def test_an_assessor_sees_their_assignments_not_the_partnership_figures(client_for, assessor, world, staff):
    mine = AssessorAssignmentFactory(assessor=assessor, eoi=ExpressionOfInterestFactory(status="under_assessment"))
    AssessorAssignmentFactory(eoi=ExpressionOfInterestFactory(status="under_assessment"))  # someone else's
    response = dashboard(client_for, assessor)
    assert response.templates[0].name == "staff/assessor_home.html"
    assert "pipeline" not in response.context
    assessments = response.context["assessments"]
    assert assessments["to_score"].count == 1
    assert [a.pk for a in assessments["waiting"]] == [mine.pk]
    listed = client_for(assessor).get(assessments["to_score"].url)
    assert listed.context["page"].paginator.count == 1
    assert "Partners by stage" not in response.content.decode()


def test_partner_health_page_filters_sorts_and_exports(client_for, staff, world):
    client = client_for(staff)
    red = client.get(reverse("partner_health"), {"level": "red"})
    assert {p.name for p, _ in red.context["page"]} == {"Active 1", "Active 2", "Active 3", "Suspended 1"}
    by_name = client.get(reverse("partner_health"), {"sort": "-name"})
    names = [p.name for p, _ in by_name.context["page"]]
    assert names == sorted(names, reverse=True)
    export = client.get(reverse("partner_health"), {"level": "red", "export": "csv"})
    body = b"".join(export.streaming_content).decode()
    assert body.splitlines()[0] == "Partner,Stage,Type,Health,Reasons"
    assert len(body.splitlines()) == 5


def test_recent_activity_leaves_out_safeguarding_concerns_for_staff_who_are_not_leads(client_for, staff, manager):
    from complaints.models import Complaint
    from hubportal.core.history import record
    from tests.complaints.factories import ComplaintFactory

    concern = ComplaintFactory(category=Complaint.Category.SAFEGUARDING)
    other = ComplaintFactory()
    record(concern, actor=manager, action="flagged to the safeguarding lead")
    record(other, actor=manager, action="acknowledged by phone")
    staff_rows = [e.action for e in dashboard(client_for, staff).context["recent"]]
    lead_rows = [e.action for e in dashboard(client_for, manager).context["recent"]]
    assert "acknowledged by phone" in staff_rows and "flagged to the safeguarding lead" not in staff_rows
    assert "flagged to the safeguarding lead" in lead_rows


def test_recent_activity_names_each_record_and_links_to_its_page(client_for, staff, django_assert_max_num_queries):
    """Each row says what changed by name, linked to the page staff open it on;
    a record with no page here (a data request: its name is personal data) is
    named by its kind and number. One query per kind of record, however many rows."""
    from hubportal.core.history import record
    from hubportal.insights.dashboard import recent_activity
    from tests.agreements.factories import AgreementFactory
    from tests.factories import PartnerFactory
    from tests.partners.factories import EvidenceItemFactory
    from tests.privacy.factories import DataRequestFactory

    partner = PartnerFactory(name="Anstey Brass")
    agreement = AgreementFactory(partner=partner)
    item = EvidenceItemFactory(partner=partner)
    request = DataRequestFactory()
    for obj in (partner, agreement, item, request):
        record(obj, actor=staff, action="noted")
    response = dashboard(client_for, staff)
    page = response.content.decode()
    for name, url in [
        ("Anstey Brass", reverse("partners:detail", args=[partner.pk])),
        (str(agreement), reverse("agreements:detail", args=[agreement.pk])),
        (str(item), reverse("partners:detail", args=[partner.pk]) + "?tab=evidence"),
    ]:
        assert f'<a href="{url}">{escape(name)}</a>' in page
    assert f"<td>Data request #{request.pk}</td>" in page

    for _ in range(6):
        record(PartnerFactory(), actor=staff, action="noted")
    with django_assert_max_num_queries(6):  # the rows, then partners, agreements, evidence: no query per row
        names = [entry.record.name for entry in recent_activity(staff)]
    assert len(names) == 10 and "Anstey Brass" in names


def test_the_current_round_names_at_most_twenty_partners_per_state_and_links_to_the_rest(client_for, staff, world):
    from hubportal.insights.dashboard import NAMES_SHOWN
    from surveys.models import SurveyRequest
    from tests.agreements.factories import AgreementFactory
    from tests.factories import PartnerFactory
    from tests.surveys.factories import SurveyRequestFactory

    for n in range(NAMES_SHOWN + 4):  # with Active 0, 25 submitted
        agreement = AgreementFactory(partner=PartnerFactory(name=f"Zeta {n:02d}"), live=True)
        SurveyRequestFactory(round=world["round"], agreement=agreement, status=SurveyRequest.Status.SUBMITTED)
    response = dashboard(client_for, staff)
    submitted = {s.key: s for s in response.context["surveys"]["states"]}["submitted"]
    assert submitted.count == NAMES_SHOWN + 5
    assert submitted.names == ["Active 0"] + [f"Zeta {n:02d}" for n in range(NAMES_SHOWN - 1)]
    assert submitted.more == 5
    html = response.content.decode()
    assert f'<a href="{submitted.url.replace("&", "&amp;")}" data-more="submitted">and 5 more</a>' in html
    assert "Zeta 19" not in html and "Zeta 18" in html
    listed = client_for(staff).get(submitted.url)
    assert listed.context["page"].paginator.count == submitted.count
    # A state with few partners names them all and offers no "more".
    pending = {s.key: s for s in response.context["surveys"]["states"]}["pending"]
    assert pending.names == ["Suspended 1"] and pending.more == 0
    assert 'data-more="pending"' not in html


def test_reach_and_the_partner_total_match_the_hand_built_fixture_and_their_lists(client_for, staff, world):
    from tests.hubportal.dashboard_world import ACTIVITIES

    client = client_for(staff)
    c = dashboard(client_for, staff).context
    assert c["partner_total"] == 9  # 4 active, 2 enquiries, a meeting, a review, a suspension
    assert client.get(reverse("partners:list")).context["page"].paginator.count == 9

    reach = c["reach"]
    # Only the accepted autumn return counts; the submitted one's 100 does not.
    assert reach["total"] == 42
    assert [t["reach"] for t in reach["terms"]] == [42, 0, 0]
    assert dict(reach["activity_rows"]) == {"Singing": [42, 0, 0], ACTIVITIES[1]: [7, 0, 0]}
    assert dict(reach["districts"]) == {"Charnwood": 30, "Melton": 12}
    listed = client.get(reach["url"])
    assert listed.status_code == 200
    assert listed.context["headline"]["reach"] == reach["total"]
    assert [t["reach"] for t in listed.context["terms"]] == [t["reach"] for t in reach["terms"]]
    assert dict(listed.context["activity"]) == {a: sum(n) for a, n in reach["activity_rows"]}
    [district_cells] = [cells for code, _, cells, _ in listed.context["breakdowns"] if code == "reach_by_district"]
    assert dict(district_cells) == dict(reach["districts"])
