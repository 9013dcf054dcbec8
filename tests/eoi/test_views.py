"""The commissioning screens: each action view's happy path, wrong method,
wrong role, another partner's record and invalid input; isolation; query counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from eoi import services
from eoi.models import AssessorAssignment, Call, EoiAttachment, ExpressionOfInterest, Gap, NeedsAnalysis, Score
from hubportal.core.history import history_for
from partners.models import NationalPlanStrand
from tests.database import bypassing_triggers
from tests.eoi.conftest import move
from tests.eoi.factories import (
    AssessorAssignmentFactory,
    CallFactory,
    CriterionFactory,
    ExpressionOfInterestFactory,
    GapFactory,
    NeedsAnalysisFactory,
)
from tests.factories import PartnerFactory, UserFactory, partner_user
from tests.files import PDF

EOI = ExpressionOfInterest.Status
D = Decimal


def eoi_post(eoi, *, hub, budget, funding, action="save", **fields):
    """The EOI form as a browser posts it: fields, the Hub Grant, and both formsets."""
    data = {
        "title": eoi.title,
        "what": eoi.what,
        "how": eoi.how,
        "who_benefits": eoi.who_benefits,
        "expected_reach": eoi.expected_reach or "",
        "timeline": eoi.timeline,
        "quality_alignment": eoi.quality_alignment,
        "inclusive": eoi.inclusive,
        "collaborative": eoi.collaborative,
        "high_quality": eoi.high_quality,
        "evaluative": eoi.evaluative,
        "legacy": eoi.legacy,
        "safeguarding_confirmed": "on" if eoi.safeguarding_confirmed else "",
        "hub_grant_requested": hub,
        "budget-TOTAL_FORMS": str(len(budget)),
        "budget-INITIAL_FORMS": "0",
        "funding-TOTAL_FORMS": str(len(funding)),
        "funding-INITIAL_FORMS": "0",
        "action": action,
        **fields,
    }
    for i, (item, amount) in enumerate(budget):
        data[f"budget-{i}-item"], data[f"budget-{i}-amount"] = item, amount
    for i, (kind, amount) in enumerate(funding):
        data[f"funding-{i}-kind"], data[f"funding-{i}-amount"] = kind, amount
        data[f"funding-{i}-description"] = "Trust fund"
    return data


# --- The EOI form -------------------------------------------------------------------


def test_the_partner_sees_the_form_with_the_live_figures(client_for, partner_a_user, draft):
    response = client_for(partner_a_user).get(reverse("eoi:eoi_edit", args=[draft.pk]))
    assert response.status_code == 200
    html = response.text
    assert 'data-threshold="50.00"' in html and 'data-in-kind-counts="true"' in html
    assert "js/eoi.js" in html
    assert "On these figures the match-funding rule is met." in html
    assert "<script>" not in html  # strict CSP: no inline script


def test_a_draft_saves_whatever_is_typed(client_for, partner_a_user, draft):
    data = eoi_post(draft, hub="7000", budget=[("Tutors", "6000"), ("Venue", "")], funding=[("own_funds", "")])
    response = client_for(partner_a_user).post(reverse("eoi:eoi_edit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == EOI.DRAFT
    assert draft.hub_grant_requested == D("7000.00") and draft.total_cost == D("6000.00")
    assert [(b.item, b.amount) for b in draft.budget_lines.all()] == [("Tutors", D("6000.00")), ("Venue", None)]


def test_submitting_at_51_percent_is_refused_with_the_figures_and_the_typed_values_kept(
    client_for, partner_a_user, draft
):
    data = eoi_post(
        draft, hub="5100.00", budget=[("Tutors", "10000.00")], funding=[("fundraising", "4900.00")], action="submit"
    )
    response = client_for(partner_a_user).post(reverse("eoi:eoi_edit", args=[draft.pk]), data)
    assert response.status_code == 200
    html = response.text
    assert "Your draft is saved but was not submitted" in html
    assert "51.00%" in html and "£10,000.00" in html and "The shortfall is £100.00" in html
    assert 'value="5100.00"' in html  # what was typed is still in the form
    draft.refresh_from_db()
    assert draft.status == EOI.DRAFT and draft.hub_grant_requested == D("5100.00")


def test_submitting_at_50_percent_is_accepted(client_for, partner_a_user, draft):
    data = eoi_post(
        draft, hub="5000.00", budget=[("Tutors", "10000.00")], funding=[("fundraising", "5000.00")], action="submit"
    )
    response = client_for(partner_a_user).post(reverse("eoi:eoi_edit", args=[draft.pk]), data)
    assert response.status_code == 302 and response.url == reverse("eoi:portal_eoi", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == EOI.SUBMITTED


def test_an_amount_that_is_not_money_is_redisplayed_with_the_error(client_for, partner_a_user, draft):
    data = eoi_post(draft, hub="lots", budget=[("Tutors", "10,000.123")], funding=[])
    response = client_for(partner_a_user).post(reverse("eoi:eoi_edit", args=[draft.pk]), data)
    assert response.status_code == 200
    assert "Enter an amount in pounds and pence" in response.text
    assert 'value="lots"' in response.text
    draft.refresh_from_db()
    assert draft.hub_grant_requested == D("5000.00")  # nothing saved


def test_the_form_is_refused_after_the_close_time(client_for, partner_a_user, draft):
    Call.objects.filter(pk=draft.call_id).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    client = client_for(partner_a_user)
    response = client.post(reverse("eoi:eoi_edit", args=[draft.pk]), eoi_post(draft, hub="1", budget=[], funding=[]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.hub_grant_requested == D("5000.00")
    page = client.get(reverse("eoi:portal_eoi", args=[draft.pk]))
    assert "can no longer be submitted" in page.text


def test_partner_b_gets_404_for_partner_as_eoi_and_its_attachment(client_for, partner_b_user, draft):
    attachment = EoiAttachment.objects.create(
        eoi=draft,
        file=SimpleUploadedFile("plan.pdf", PDF),
        original_filename="plan.pdf",
        uploaded_by=partner_b_user,
    )
    client = client_for(partner_b_user)
    for url in [
        reverse("eoi:portal_eoi", args=[draft.pk]),
        reverse("eoi:eoi_edit", args=[draft.pk]),
        reverse("eoi:attachment_download", args=[attachment.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("eoi:eoi_withdraw", args=[draft.pk])).status_code == 404


def test_staff_get_403_on_the_partner_form_and_partners_on_staff_pages(client_for, staff, partner_a_user, draft):
    assert client_for(staff).get(reverse("eoi:eoi_edit", args=[draft.pk])).status_code == 403
    assert client_for(partner_a_user).get(reverse("eoi:call_eois", args=[draft.call_id])).status_code == 403
    assert client_for(partner_a_user).get(reverse("eoi:eoi_detail", args=[draft.pk])).status_code == 403


def test_a_partner_never_sees_scores_or_other_partners_eois(client_for, partner_a_user, partner_b, call, assessor):
    other = ExpressionOfInterestFactory(call=call, partner=partner_b, title="Partner B's secret plan")
    move(other, EOI.UNDER_ASSESSMENT)
    mine = ExpressionOfInterestFactory(call=call, partner=partner_a_user.partner, title="Mine")
    move(mine, EOI.UNDER_ASSESSMENT)
    assignment = AssessorAssignmentFactory(eoi=mine, assessor=assessor, has_conflict=False)
    Score.objects.create(
        assignment=assignment, criterion=call.criteria.first(), score=2, comment="Assessor's private comment"
    )
    ExpressionOfInterest.objects.filter(pk=mine.pk).update(moderated_score=D("2.75"), moderation_note="Panel note")
    client = client_for(partner_a_user)
    pages = [
        client.get(reverse("eoi:portal_eois")).text,
        client.get(reverse("eoi:portal_eoi", args=[mine.pk])).text,
        client.get(reverse("eoi:portal_call", args=[call.pk])).text,
    ]
    for html in pages:
        assert "Partner B&#x27;s secret plan" not in html and "Partner B's secret plan" not in html
        assert "Assessor&#x27;s private comment" not in html and "2.75" not in html and "Panel note" not in html


def test_withdraw_happy_path_and_wrong_method(client_for, partner_a_user, draft):
    client = client_for(partner_a_user)
    url = reverse("eoi:eoi_withdraw", args=[draft.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"reason": "Tutor left"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == EOI.WITHDRAWN
    assert history_for(draft).last().note == "Tutor left"


def test_attachments_are_added_downloaded_and_removed_through_the_upload_policy(client_for, partner_a_user, draft):
    client = client_for(partner_a_user)
    add = reverse("eoi:attachment_add", args=[draft.pk])
    assert client.get(add).status_code == 405
    refused = client.post(add, {"file": SimpleUploadedFile("evil.pdf", b"MZ not a pdf")}, follow=True)
    assert "content is not a PDF" in refused.text
    assert client.post(add, {"file": SimpleUploadedFile("plan.pdf", PDF)}).status_code == 302
    attachment = draft.attachments.get()
    download = client.get(reverse("eoi:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    remove = reverse("eoi:attachment_remove", args=[draft.pk])
    assert client.post(remove, {"attachment": attachment.pk}).status_code == 302
    assert not draft.attachments.exists()


# --- Staff screens -------------------------------------------------------------


def test_staff_create_a_needs_analysis_and_record_a_gap(client_for, staff):
    from hubportal.core.academic_years import current_academic_year

    client = client_for(staff)
    year = current_academic_year().start_year
    response = client.post(reverse("eoi:needs_create"), {"academic_year": year, "title": "Needs 2026", "summary": ""})
    analysis = NeedsAnalysis.objects.get()
    assert response.url == reverse("eoi:needs_detail", args=[analysis.pk])
    again = client.post(reverse("eoi:needs_create"), {"academic_year": year, "title": "Twice"})
    assert again.status_code == 200 and "already a needs analysis" in again.text
    strand = NationalPlanStrand.objects.get_or_create(name="Inclusion")[0]
    invalid = client.post(reverse("eoi:gap_create", args=[analysis.pk]), {"title": "Brass", "strand": strand.pk})
    assert invalid.status_code == 200 and "This field is required" in invalid.text and 'value="Brass"' in invalid.text
    client.post(
        reverse("eoi:gap_create", args=[analysis.pk]),
        {"title": "Brass", "description": "No brass in Melton", "strand": strand.pk, "priority": "high"},
    )
    assert Gap.objects.get().genre_or_instrument == ""
    page = client.get(reverse("eoi:needs_detail", args=[analysis.pk]), {"priority": "high"})
    assert "No brass in Melton" in page.text


def test_staff_draft_a_call_with_criteria_then_open_it(client_for, staff, partner_a_user):
    gap = GapFactory()
    client = client_for(staff)
    opens = timezone.localtime() + datetime.timedelta(hours=1)
    data = {
        "title": "Singing in Hinckley",
        "brief": "Choirs for primary schools.",
        "gaps": [gap.pk],
        "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (opens + datetime.timedelta(days=21)).strftime("%Y-%m-%dT%H:%M"),
        "max_hub_grant": "6000.00",
        "match_threshold_percent": "50.00",
        "in_kind_counts": "on",
        "min_assessor_scores": "2",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-name": "Meets the gap",
        "criteria-0-weight": "3",
        "criteria-1-name": "",
        "criteria-1-weight": "1",
    }
    invalid = client.post(reverse("eoi:call_create"), {**data, "criteria-0-name": "", "criteria-0-weight": "1"})
    assert invalid.status_code == 200 and "Add at least one assessment criterion" in invalid.text
    assert "Singing in Hinckley" in invalid.text
    response = client.post(reverse("eoi:call_create"), data)
    call = Call.objects.get()
    assert response.url == reverse("eoi:call_detail", args=[call.pk])
    assert [(c.name, c.weight) for c in call.criteria.all()] == [("Meets the gap", 3)]
    open_url = reverse("eoi:call_open", args=[call.pk])
    assert client.get(open_url).status_code == 405
    assert client_for(partner_a_user).post(open_url).status_code == 403
    assert client.post(open_url).status_code == 302
    call.refresh_from_db()
    assert call.status == Call.Status.OPEN
    again = client.post(open_url, follow=True)
    assert "is open already" in again.text


def test_the_calls_eoi_list_shows_the_match_share_and_exports(client_for, staff, call, partner_a):
    eoi = ExpressionOfInterestFactory(call=call, partner=partner_a, hub_grant_requested=D("4000.00"))
    move(eoi, EOI.SUBMITTED)
    client = client_for(staff)
    page = client.get(reverse("eoi:call_eois", args=[call.pk]))
    assert "40.00%" in page.text and "£10,000.00" in page.text
    csv = client.get(reverse("eoi:call_eois", args=[call.pk]), {"export": "csv"})
    body = b"".join(csv.streaming_content).decode()
    assert "Hub Grant share (%)" in body and "40.00" in body and partner_a.name in body
    xlsx = client.get(reverse("eoi:call_eois", args=[call.pk]), {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    filtered = client.get(reverse("eoi:call_eois", args=[call.pk]), {"partner": "nobody"})
    assert "No expressions of interest match the filters" in filtered.text


def make_eois(call, n, assessors):
    criteria = list(call.criteria.all())
    for _ in range(n):
        eoi = ExpressionOfInterestFactory(call=call)
        move(eoi, EOI.UNDER_ASSESSMENT)
        for assessor in assessors:
            assignment = AssessorAssignmentFactory(eoi=eoi, assessor=assessor, has_conflict=False)
            for criterion in criteria:
                Score.objects.create(assignment=assignment, criterion=criterion, score=3, comment="Fine")


@pytest.mark.parametrize("n", [3, 12])
def test_the_call_eoi_list_and_the_matrix_cost_the_same_queries_at_any_size(
    client_for, staff, call, n, django_assert_max_num_queries
):
    assessors = [UserFactory(role="Assessor"), UserFactory(role="Assessor")]
    make_eois(call, n, assessors)
    client = client_for(staff)
    client.get(reverse("eoi:call_eois", args=[call.pk]))  # warm the session and content types
    # Budget lines and funding sources are prefetched: the match share of each
    # row costs no query (the N+1 would be two queries per EOI).
    with django_assert_max_num_queries(17):
        assert client.get(reverse("eoi:call_eois", args=[call.pk])).status_code == 200
    # Assignments, assessors and scores are prefetched for every EOI at once
    # (the N+1 would be a query per EOI and per assessor); one more reads the filtered ids.
    with django_assert_max_num_queries(18):
        response = client.get(reverse("eoi:call_matrix", args=[call.pk]))
    assert response.text.count("<strong>3.00</strong>") == 2 * n


def test_staff_assign_and_remove_an_assessor(client_for, staff, assessor, partner_a_user, call, partner_a):
    eoi = ExpressionOfInterestFactory(call=call, partner=partner_a)
    move(eoi, EOI.SUBMITTED)
    url = reverse("eoi:eoi_assign", args=[eoi.pk])
    client = client_for(staff)
    assert client.get(url).status_code == 405
    assert client_for(partner_a_user).post(url, {"assessor": assessor.pk}).status_code == 403
    assert client_for(partner_user(PartnerFactory())).post(url, {"assessor": assessor.pk}).status_code == 403
    invalid = client.post(url, {"assessor": staff.pk}, follow=True)
    assert "Choose an assessor" in invalid.text
    assert client.post(url, {"assessor": assessor.pk}).status_code == 302
    assignment = AssessorAssignment.objects.get(eoi=eoi)
    remove = reverse("eoi:assignment_remove", args=[eoi.pk])
    assert client.post(remove, {"assignment": assignment.pk}).status_code == 302
    assert not AssessorAssignment.objects.exists()


def test_the_assessor_declares_then_scores_in_the_browser_forms(client_for, assessor, call, partner_a):
    eoi = ExpressionOfInterestFactory(call=call, partner=partner_a)
    move(eoi, EOI.UNDER_ASSESSMENT)
    assignment = AssessorAssignmentFactory(eoi=eoi, assessor=assessor)
    client = client_for(assessor)
    score_url = reverse("eoi:score", args=[assignment.pk])
    assert client.get(score_url).url == reverse("eoi:conflict", args=[assignment.pk])  # declare first
    conflict_url = reverse("eoi:conflict", args=[assignment.pk])
    invalid = client.post(conflict_url, {"has_conflict": "yes", "details": ""})
    assert invalid.status_code == 200 and "Say what the conflict of interest is" in invalid.text
    assert client.post(conflict_url, {"has_conflict": "no"}).url == score_url
    criteria = list(call.criteria.all())
    partial = {f"score_{criteria[0].pk}": "4", f"comment_{criteria[0].pk}": "Good fit"}
    response = client.post(score_url, partial)
    assert response.status_code == 200 and "Add a comment on Value for money" in response.text
    assert "Good fit" in response.text
    full = {}
    for criterion, value in zip(criteria, ["5", "4", "3"], strict=True):
        full[f"score_{criterion.pk}"], full[f"comment_{criterion.pk}"] = value, "Reasoned comment"
    assert client.post(score_url, full).status_code == 302
    assignment.refresh_from_db()
    assert assignment.completed_at is not None


def test_the_score_page_says_whether_scoring_is_still_to_open_or_has_ended(client_for, assessor, call, partner_a):
    eoi = ExpressionOfInterestFactory(call=call, partner=partner_a)
    move(eoi, EOI.SUBMITTED)
    assignment = AssessorAssignmentFactory(eoi=eoi, assessor=assessor, has_conflict=False)
    client = client_for(assessor)
    page = client.get(reverse("eoi:score", args=[assignment.pk])).text
    assert f"Scoring opens when the call closes, on {timezone.localtime(call.closes_at):%-d %B %Y}" in page
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(status=EOI.SUCCESSFUL)
    page = client.get(reverse("eoi:score", args=[assignment.pk])).text
    assert "Scoring has ended: this expression of interest is successful." in page
    assert "Scoring opens" not in page


def test_a_conflicted_assessor_is_refused_by_the_scoring_view(client_for, assessor, call, partner_a):
    eoi = ExpressionOfInterestFactory(call=call, partner=partner_a)
    move(eoi, EOI.UNDER_ASSESSMENT)
    assignment = AssessorAssignmentFactory(eoi=eoi, assessor=assessor, has_conflict=True, conflict_details="Trustee")
    criterion = call.criteria.first()
    response = client_for(assessor).post(
        reverse("eoi:score", args=[assignment.pk]), {f"score_{criterion.pk}": "5", f"comment_{criterion.pk}": "Great"}
    )
    assert response.status_code == 403
    assert not Score.objects.exists()


def test_an_assessor_sees_only_the_eois_assigned_to_them(client_for, assessor, call, partner_a, partner_b):
    mine = ExpressionOfInterestFactory(call=call, partner=partner_a)
    theirs = ExpressionOfInterestFactory(call=call, partner=partner_b)
    for eoi in (mine, theirs):
        move(eoi, EOI.UNDER_ASSESSMENT)
    # The EOI in full once they have declared no conflict (issue 18: before that,
    # and after declaring one, it is not theirs to read).
    AssessorAssignmentFactory(eoi=mine, assessor=assessor, has_conflict=False)
    other_assignment = AssessorAssignmentFactory(eoi=theirs)
    client = client_for(assessor)
    assert client.get(reverse("eoi:eoi_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("eoi:eoi_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("eoi:conflict", args=[other_assignment.pk])).status_code == 404
    assert client.get(reverse("eoi:call_matrix", args=[call.pk])).status_code == 403


def test_staff_moderate_and_decide_with_invalid_input_redisplayed(client_for, staff, call, partner_a_user):
    eoi = ExpressionOfInterestFactory(call=call, partner=partner_a_user.partner)
    move(eoi, EOI.UNDER_ASSESSMENT)
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED)  # a decision needs the call closed
    client = client_for(staff)
    moderate = reverse("eoi:eoi_moderate", args=[eoi.pk])
    assert client.get(moderate).status_code == 405
    bad = client.post(moderate, {"score": "7", "note": "Keep this note"})
    assert bad.status_code == 200 and "Keep this note" in bad.text
    assert client.post(moderate, {"score": "4.50", "note": "Panel view"}).status_code == 302
    decide = reverse("eoi:eoi_decide", args=[eoi.pk])
    assert client_for(partner_a_user).post(decide, {"outcome": "successful"}).status_code == 403
    bad = client.post(decide, {"outcome": "unsuccessful", "reasons": "Weaker reach", "feedback": ""})
    assert bad.status_code == 200 and "Write the feedback the partner will receive" in bad.text
    assert "Weaker reach" in bad.text
    ok = client.post(decide, {"outcome": "unsuccessful", "reasons": "Weaker reach", "feedback": "Try a school."})
    assert ok.status_code == 302
    eoi.refresh_from_db()
    assert eoi.status == EOI.UNSUCCESSFUL and eoi.moderated_score == D("4.50")
    portal = client_for(partner_a_user).get(reverse("eoi:portal_eoi", args=[eoi.pk]))
    assert "Try a school." in portal.text and "Weaker reach" not in portal.text


def test_the_award_page_shows_the_route_before_staff_confirm(
    client_for, staff, call, partner_a, bands, project_template
):
    eoi = ExpressionOfInterestFactory(
        call=call, partner=partner_a, total_cost=D("60000.00"), hub_grant_requested=D("30000.00")
    )
    with bypassing_triggers():  # an opened call's terms are frozen: arrange them directly
        Call.objects.filter(pk=call.pk).update(status=Call.Status.ASSESSED, max_hub_grant=D("40000.00"))
    move(eoi, EOI.SUCCESSFUL)
    client = client_for(staff)
    url = reverse("eoi:award", args=[eoi.pk])
    page = client.get(url)
    assert "£25,000 to the public procurement threshold" in page.text and "Written quotes, advertised" in page.text
    invalid = client.post(url, {"procurement_notes": ""})
    assert invalid.status_code == 200 and "This field is required" in invalid.text
    assert client.post(url, {"procurement_notes": "Advertised on Contracts Finder; four quotes."}).status_code == 302
    done = client.get(url)
    assert "Open the project agreement" in done.text
    assert eoi.award.procurement_band.name.startswith("£25,000")


def test_the_partner_sees_open_calls_and_starts_a_draft(client_for, partner_a_user, call):
    client = client_for(partner_a_user)
    assert call.title in client.get(reverse("eoi:portal_calls")).text
    start = reverse("eoi:eoi_start", args=[call.pk])
    assert client.get(start).status_code == 405
    response = client.post(start)
    eoi = ExpressionOfInterest.objects.get(call=call)
    assert response.url == reverse("eoi:eoi_edit", args=[eoi.pk])
    assert client.post(start).url == reverse("eoi:eoi_edit", args=[eoi.pk])  # the same draft


def test_a_partner_cannot_see_a_call_not_open_to_its_type(client_for, partner_a_user):
    from partners.models import PartnerType

    school = PartnerType.objects.get_or_create(name="School", defaults={"kind": "network"})[0]
    call = CallFactory()
    call.eligible_types.set([school])
    CriterionFactory(call=call)
    client = client_for(partner_a_user)
    assert client.get(reverse("eoi:portal_call", args=[call.pk])).status_code == 404
    assert client.post(reverse("eoi:eoi_start", args=[call.pk])).status_code == 404


def test_list_pages_render_with_filters(client_for, staff, assessor, partner_a_user, call):
    NeedsAnalysisFactory()
    for client, url in [
        (client_for(staff), reverse("eoi:needs_list")),
        (client_for(staff), reverse("eoi:call_list") + "?status=open&ordering=-closes_at"),
        (client_for(staff), reverse("eoi:call_list") + "?export=csv"),
        (client_for(assessor), reverse("eoi:assessments") + "?outstanding=true"),
        (client_for(partner_a_user), reverse("eoi:portal_eois") + "?status=draft"),
    ]:
        assert client.get(url).status_code == 200, url


def test_partner_b_gets_404_for_partner_as_project_agreement(
    client_for, staff, partner_a_user, partner_b_user, call, bands, project_template
):
    eoi = ExpressionOfInterestFactory(call=call, partner=partner_a_user.partner)
    Call.objects.filter(pk=call.pk).update(status=Call.Status.ASSESSED)
    move(eoi, EOI.SUCCESSFUL)
    services.eoi_award(eoi=eoi, actor=staff, procurement_notes="Three quotes.")
    agreement = eoi.project_agreement
    url = reverse("agreements:portal_detail", args=[agreement.pk])
    assert client_for(partner_a_user).get(url).status_code == 200
    assert client_for(partner_b_user).get(url).status_code == 404
    portal = client_for(partner_a_user).get(reverse("eoi:portal_eoi", args=[eoi.pk]))
    assert url in portal.text  # the partner's EOI links to its project agreement
