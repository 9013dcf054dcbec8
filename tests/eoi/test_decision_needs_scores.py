"""Every EOI is assessed before it is decided (issue 18, item 8): a decision
needs the call closed and at least the call's minimum of complete scores from
assessors with no conflict of interest, or a moderated score with its note.
The refusal is one sentence, from may_decide, raised by the service and shown
on the page in place of the decision form."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from eoi import permissions as perms
from eoi import services
from eoi.models import Call, ExpressionOfInterest
from hubportal.core.errors import ActionRefused
from tests.database import bypassing_triggers
from tests.eoi.conftest import move
from tests.eoi.factories import AssessorAssignmentFactory, ExpressionOfInterestFactory, assess

D = Decimal
EOI = ExpressionOfInterest.Status
DECISION = {"outcome": "successful", "reasons": "Best fit for the gap.", "feedback": "Well done."}


@pytest.fixture
def under_assessment(call, partner_a):
    eoi = ExpressionOfInterestFactory(call=call, partner=partner_a)
    move(eoi, EOI.UNDER_ASSESSMENT)
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED)
    eoi.refresh_from_db()
    return eoi


def moderate(eoi, staff, note="Panel read both scores and the bid."):
    services.eoi_moderate(eoi=eoi, actor=staff, score=D("4.00"), note=note)
    eoi.refresh_from_db()


def incomplete(eoi):
    """An assessor who declared no conflict and has not finished scoring."""
    AssessorAssignmentFactory(eoi=eoi, has_conflict=False, declared_at=timezone.now())


@pytest.mark.parametrize(
    ("minimum", "complete", "conflicted", "unfinished", "moderated", "allowed", "says"),
    [
        (2, 0, 0, 0, False, False, "has 0 complete assessor scores"),
        (2, 1, 0, 0, False, False, "has 1 complete assessor score from"),
        (2, 1, 1, 0, False, False, "has 1 complete assessor score from"),  # a conflicted one never counts
        (2, 1, 0, 3, False, False, "this call needs at least 2"),  # nor an unfinished one
        (2, 2, 0, 0, False, True, ""),
        (2, 3, 1, 1, False, True, ""),
        (3, 2, 0, 0, False, False, "this call needs at least 3"),
        (1, 1, 0, 0, False, True, ""),
        (1, 0, 2, 0, False, False, "has 0 complete assessor scores"),
        (2, 0, 0, 0, True, True, ""),  # a moderated score with its note stands in
        (2, 1, 1, 0, True, True, ""),
    ],
)
def test_a_decision_needs_enough_conflict_free_scores_or_moderation(
    under_assessment, staff, minimum, complete, conflicted, unfinished, moderated, allowed, says
):
    eoi = under_assessment
    with bypassing_triggers():  # the setting is frozen once the call opens: arrange it directly
        Call.objects.filter(pk=eoi.call_id).update(min_assessor_scores=minimum)
    assess(eoi, assessors=complete, conflicted=conflicted)
    for _ in range(unfinished):
        incomplete(eoi)
    if moderated:
        moderate(eoi, staff)
    eoi = ExpressionOfInterest.objects.select_related("call").get(pk=eoi.pk)
    assert perms.may_decide(staff, eoi) == (allowed, perms.may_decide(staff, eoi)[1])
    if allowed:
        services.eoi_decide(eoi=eoi, actor=staff, successful=True, reasons="Best fit", feedback="")
        eoi.refresh_from_db()
        assert eoi.status == EOI.SUCCESSFUL
    else:
        assert says in perms.may_decide(staff, eoi)[1]
        with pytest.raises(ActionRefused, match=says):
            services.eoi_decide(eoi=eoi, actor=staff, successful=True, reasons="Best fit", feedback="")
        eoi.refresh_from_db()
        assert eoi.status == EOI.UNDER_ASSESSMENT and eoi.decided_at is None


def test_a_moderated_score_without_its_note_does_not_stand_in(under_assessment, staff):
    ExpressionOfInterest.objects.filter(pk=under_assessment.pk).update(moderated_score=D("4.00"), moderation_note=" ")
    under_assessment.refresh_from_db()
    allowed, reason = perms.may_decide(staff, under_assessment)
    assert not allowed and "moderate the score with a note" in reason


@pytest.mark.parametrize("status", [Call.Status.OPEN, Call.Status.ASSESSED, Call.Status.AWARDED])
def test_a_decision_needs_the_call_closed(under_assessment, staff, status):
    assess(under_assessment)
    Call.objects.filter(pk=under_assessment.call_id).update(status=status)
    under_assessment.refresh_from_db()
    with pytest.raises(ActionRefused, match=f"this call is {Call.Status(status).label.lower()}"):
        services.eoi_decide(eoi=under_assessment, actor=staff, successful=True, reasons="x", feedback="")


def test_staff_see_why_the_decision_waits_and_cannot_post_round_it(client_for, staff, under_assessment):
    assess(under_assessment, assessors=1, conflicted=1)
    client = client_for(staff)
    page = client.get(reverse("eoi:eoi_detail", args=[under_assessment.pk])).text
    assert "has 1 complete assessor score from assessors with no conflict of interest" in page
    assert "Record the decision and tell the partner" not in page
    refused = client.post(reverse("eoi:eoi_decide", args=[under_assessment.pk]), DECISION)
    assert refused.status_code == 200 and "this call needs at least 2 before a decision" in refused.text
    under_assessment.refresh_from_db()
    assert under_assessment.status == EOI.UNDER_ASSESSMENT


def test_staff_decide_once_the_second_assessor_has_scored(client_for, staff, under_assessment, partner_a_user):
    assess(under_assessment, assessors=2)
    client = client_for(staff)
    page = client.get(reverse("eoi:eoi_detail", args=[under_assessment.pk])).text
    assert "Record the decision and tell the partner" in page
    assert client.post(reverse("eoi:eoi_decide", args=[under_assessment.pk]), DECISION).status_code == 302
    under_assessment.refresh_from_db()
    assert under_assessment.status == EOI.SUCCESSFUL


def test_staff_moderate_then_decide_when_assessors_are_short(client_for, staff, under_assessment):
    assess(under_assessment, assessors=1)
    client = client_for(staff)
    client.post(
        reverse("eoi:eoi_moderate", args=[under_assessment.pk]),
        {"score": "3.50", "note": "Second assessor withdrew; panel reviewed the bid against each criterion."},
    )
    assert client.post(reverse("eoi:eoi_decide", args=[under_assessment.pk]), DECISION).status_code == 302
    under_assessment.refresh_from_db()
    assert under_assessment.status == EOI.SUCCESSFUL


def test_an_assessor_and_a_partner_cannot_decide(client_for, assessor, partner_a_user, under_assessment):
    assess(under_assessment)
    AssessorAssignmentFactory(eoi=under_assessment, assessor=assessor, has_conflict=False)
    for user in (assessor, partner_a_user):
        assert client_for(user).post(reverse("eoi:eoi_decide", args=[under_assessment.pk]), DECISION).status_code == 403
    assert perms.may_decide(assessor, under_assessment) == (False, "Decisions are made by Hub staff.")
    under_assessment.refresh_from_db()
    assert under_assessment.status == EOI.UNDER_ASSESSMENT


def test_the_call_page_says_how_many_scores_a_decision_needs(client_for, staff, call):
    with bypassing_triggers():
        Call.objects.filter(pk=call.pk).update(min_assessor_scores=3)
    page = client_for(staff).get(reverse("eoi:call_detail", args=[call.pk])).text
    assert "A decision needs at least 3 complete scores from assessors with no conflict of interest" in page
