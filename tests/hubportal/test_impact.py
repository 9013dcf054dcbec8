"""From need to impact: each gap traced to calls, EOIs, awards, project
agreements and what their evaluations and surveys reported; gaps with no
provision stand out; filters by district and strand; bounded queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement
from eoi.models import Call, ExpressionOfInterest
from hubportal.models import Term
from partners.models import District, NationalPlanStrand
from surveys.models import Answer, OutcomeResult, ProjectEvaluation, SurveyRequest
from tests.agreements.factories import AgreementFactory, award_for
from tests.eoi.factories import CallFactory, ExpressionOfInterestFactory, GapFactory
from tests.surveys.factories import QuestionFactory, SurveyRequestFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db
EOI = ExpressionOfInterest.Status


def district(name):
    return District.objects.get_or_create(name=name)[0]


def strand(name):
    return NationalPlanStrand.objects.get_or_create(name=name)[0]


def traced_gap(partner, staff, *, title="Inclusive ensembles in Charnwood", place="Charnwood", reach=38):
    """A gap answered by a call; one EOI awarded, whose completed project's
    evaluation (accepted) met one of two outcomes; a survey under it reported reach."""
    gap = GapFactory(title=title, strand=strand("Inclusion"))
    gap.districts.set([district(place)])
    call = CallFactory(gaps=[gap], status=Call.Status.AWARDED, title=f"Call: {title}")
    winner = ExpressionOfInterestFactory(call=call, partner=partner, status=EOI.SUCCESSFUL, expected_reach=40)
    ExpressionOfInterestFactory(call=call, status=EOI.UNSUCCESSFUL)
    ExpressionOfInterestFactory(call=call, status=EOI.DRAFT)  # provided nothing: not traced
    award_for(winner, Decimal("5000.00"), staff)
    project = AgreementFactory(partner=partner, project=True, status=Agreement.Status.COMPLETED, eoi=winner)
    evaluation = ProjectEvaluation.objects.create(
        agreement=project, status=ProjectEvaluation.Status.ACCEPTED, actual_reach=reach
    )
    first, second = project.outcomes.all()
    OutcomeResult.objects.create(evaluation=evaluation, outcome=first, achieved="All 40 places filled", met_target=True)
    OutcomeResult.objects.create(evaluation=evaluation, outcome=second, achieved="6 of 10", met_target=False)
    return gap


def test_a_gap_is_traced_from_call_to_award_to_reported_outcomes(client_for, staff, partner_a):
    traced_gap(partner_a, staff)
    response = client_for(staff).get(reverse("impact"))
    [trace] = response.context["traces"]
    assert trace.provision == "provided"
    [call] = trace.calls
    assert sorted(p.eoi.status for p in call.provisions) == [EOI.SUCCESSFUL, EOI.UNSUCCESSFUL]
    [award] = trace.awards
    assert award.agreement.status == Agreement.Status.COMPLETED
    assert (award.outcomes_met, award.outcomes_reported) == (1, 2)
    assert trace.awarded_total == Decimal("5000.00")
    assert (trace.expected_reach, trace.reported_reach) == (40, 38)
    html = response.content.decode()
    assert "1 of 2 outcomes met" in html
    assert '38 <span class="small">(evaluation)</span>' in html


def test_survey_reach_counts_when_there_is_no_evaluation_yet(client_for, staff, partner_a):
    gap = traced_gap(partner_a, staff)
    project = Agreement.objects.get(kind=Agreement.Kind.PROJECT)
    ProjectEvaluation.objects.filter(agreement=project).delete()
    project.status = Agreement.Status.LIVE
    project.save(update_fields=["status"])
    reach = QuestionFactory(code="reach_total")
    request = SurveyRequestFactory(agreement=project, status=SurveyRequest.Status.ACCEPTED)
    Answer.objects.create(request=request, question=reach, number=Decimal("21"))
    last_year = Term.for_year(request.round.term.year.previous())[0]
    unaccepted = SurveyRequestFactory(
        agreement=project, status=SurveyRequest.Status.SUBMITTED, round=SurveyRoundFactory(term=last_year)
    )
    Answer.objects.create(request=unaccepted, question=reach, number=Decimal("500"))
    [trace] = client_for(staff).get(reverse("impact")).context["traces"]
    assert trace.gap == gap
    assert trace.reported_reach == 21  # accepted surveys only


def test_gaps_with_no_provision_stand_out_in_text_and_style(client_for, staff, partner_a):
    traced_gap(partner_a, staff)
    GapFactory(title="Music technology in Melton")  # no call at all
    answered = GapFactory(title="Early years in Leicester")
    CallFactory(gaps=[answered], title="Open call for early years")  # a call, nothing awarded
    response = client_for(staff).get(reverse("impact"))
    provisions = {t.gap.title: t.provision for t in response.context["traces"]}
    assert provisions == {
        "Inclusive ensembles in Charnwood": "provided",
        "Music technology in Melton": "none",
        "Early years in Leicester": "unawarded",
    }
    html = response.content.decode()
    assert html.count("gap-trace gap-unprovided") == 2
    assert "No provision: no call has answered it." in html
    assert "No provision: answered by a call, nothing awarded yet." in html
    only_unprovided = client_for(staff).get(reverse("impact"), {"provision": "none"}).context["traces"]
    assert [t.gap.title for t in only_unprovided] == ["Music technology in Melton"]


def test_filter_by_district_and_strand(client_for, staff, partner_a, partner_b):
    traced_gap(partner_a, staff, title="Charnwood gap", place="Charnwood")
    traced_gap(partner_b, staff, title="Melton gap", place="Melton")
    other_strand = GapFactory(title="Schools gap", strand=strand("Schools"))
    other_strand.districts.set([district("Melton")])
    client = client_for(staff)
    melton = client.get(reverse("impact"), {"district": district("Melton").pk}).context["traces"]
    assert {t.gap.title for t in melton} == {"Melton gap", "Schools gap"}
    both = client.get(reverse("impact"), {"district": district("Melton").pk, "strand": strand("Inclusion").pk})
    assert [t.gap.title for t in both.context["traces"]] == ["Melton gap"]


def test_export_has_a_row_per_eoi_and_one_per_gap_without_provision(client_for, staff, partner_a):
    traced_gap(partner_a, staff)
    GapFactory(title="Music technology in Melton")
    response = client_for(staff).get(reverse("impact"), {"export": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("Needs analysis,Gap,Strand,Districts")
    assert len(lines) == 1 + 2 + 1
    assert any("Music technology in Melton" in line and "No call has answered it" in line for line in lines)


def test_the_page_costs_the_same_queries_for_3_gaps_as_for_12(client_for, staff, partner_a):
    # Prevents an N+1 per gap, per call or per EOI (districts, calls, EOIs,
    # awards, agreements, evaluations, outcome results and survey reach are
    # each read once for the page).
    client = client_for(staff)

    def count():
        client.get(reverse("impact"))
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("impact"))
        return len(captured)

    for n in range(3):
        traced_gap(partner_a, staff, title=f"Gap {n}")
    small = count()
    from tests.factories import PartnerFactory

    for n in range(3, 10):
        traced_gap(PartnerFactory(), staff, title=f"Gap {n}")
    assert count() == small
    assert small <= 25


def test_only_hub_staff_open_it(client_for, assessor, chair, partner_a_user):
    for user in (assessor, chair, partner_a_user):
        assert client_for(user).get(reverse("impact")).status_code == 403


def test_sort_by_priority_then_title(client_for, staff):
    from eoi.models import Gap

    GapFactory(title="B low", priority=Gap.Priority.LOW)
    GapFactory(title="A medium", priority=Gap.Priority.MEDIUM)
    GapFactory(title="C high", priority=Gap.Priority.HIGH)
    client = client_for(staff)
    default = [t.gap.title for t in client.get(reverse("impact")).context["traces"]]
    assert default == ["C high", "A medium", "B low"]  # high priority first, not alphabetical
    by_title = [t.gap.title for t in client.get(reverse("impact"), {"sort": "title"}).context["traces"]]
    assert by_title == ["A medium", "B low", "C high"]
