"""The commissioning lifecycle, service by service."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from agreements.models import Agreement
from eoi import services
from eoi.models import Award, Call, ExpressionOfInterest, FundingSource, Score
from hubportal.core.errors import ActionRefused
from hubportal.core.history import history_for
from hubportal.models import Notification
from partners.models import Partner, PartnerType
from tests.database import bypassing_triggers
from tests.eoi.conftest import move
from tests.eoi.factories import (
    CallFactory,
    CriterionFactory,
    ExpressionOfInterestFactory,
    GapFactory,
    assess,
    fill_for_submission,
)
from tests.factories import PartnerFactory, UserFactory, partner_user

EOI = ExpressionOfInterest.Status
D = Decimal


def set_money(eoi, *, hub, other, in_kind="0.00", budget=None, actor):
    """Save the draft with a budget and funding as a partner would type them."""
    total = D(budget) if budget else D(hub) + D(other) + D(in_kind)
    funding = [services.FundingData(kind="own_funds", amount=D(other), confirmed=True)]
    if D(in_kind):
        funding.append(services.FundingData(kind="in_kind", amount=D(in_kind), description="Rehearsal space"))
    return services.eoi_save_draft(
        eoi=eoi, actor=actor, fields={}, budget=[("Tutors", total)], funding=funding, hub_grant=D(hub)
    )


# --- Calls ------------------------------------------------------------------


def test_opening_a_call_invites_the_users_of_eligible_active_partners_only(staff, partner_a_user):
    community = partner_a_user.partner.partner_type
    other_type = PartnerType.objects.get_or_create(name="School", defaults={"kind": "network"})[0]
    invited_inactive = partner_user(PartnerFactory(status=Partner.Stage.SUSPENDED), username="suspended-user")
    not_invited = partner_user(PartnerFactory(partner_type=other_type), username="school-user")
    call = CallFactory(status=Call.Status.DRAFT, opens_at=timezone.now() + datetime.timedelta(days=2))
    call.eligible_types.set([community])
    CriterionFactory(call=call)

    services.call_open(call=call, actor=staff)

    call.refresh_from_db()
    assert call.status == Call.Status.OPEN
    assert call.opens_at <= timezone.now()  # opened early: the record says when it really opened
    told = set(Notification.objects.filter(kind="eoi_call_opened").values_list("recipient__username", flat=True))
    assert told == {partner_a_user.username}
    assert invited_inactive.username not in told and not_invited.username not in told


def test_a_call_cannot_open_without_criteria_or_after_its_close_time(staff):
    call = CallFactory(status=Call.Status.DRAFT, closes_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(ActionRefused, match="close time has passed.*no assessment criteria"):
        services.call_open(call=call, actor=staff)


def test_only_staff_open_calls(assessor):
    call = CallFactory(status=Call.Status.DRAFT)  # an open call never goes back to draft
    with pytest.raises(PermissionDenied):
        services.call_open(call=call, actor=assessor)


def test_a_call_closes_itself_at_its_close_time_and_only_once(call, draft, partner_a_user):
    submitted = ExpressionOfInterestFactory(call=call)
    move(submitted, EOI.SUBMITTED)
    closes = call.closes_at
    with time_machine.travel(closes - datetime.timedelta(seconds=1)):
        assert services.close_due_calls() == 0
    with time_machine.travel(closes):
        assert services.close_due_calls() == 1
        assert services.close_due_calls() == 0  # a second beat changes nothing
    call.refresh_from_db()
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert call.status == Call.Status.CLOSED
    assert submitted.status == EOI.UNDER_ASSESSMENT
    assert draft.status == EOI.DRAFT
    assert [e.to_state for e in history_for(call)] == ["closed"]


def test_the_beat_task_closes_due_calls(call):
    from eoi.tasks import close_due_calls

    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=2))
    assert close_due_calls.delay().get() == 1
    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED


def test_call_save_replaces_the_criteria_of_a_draft_and_refuses_an_open_call(staff, call):
    gap = GapFactory()
    draft_call = services.call_save(
        actor=staff,
        gaps=[gap],
        criteria=[services.CriterionData(name="Reach", weight=2), services.CriterionData(name="Legacy", weight=1)],
        title="Brass in Melton",
        brief="Brass for rural schools.",
        opens_at=timezone.now(),
        closes_at=timezone.now() + datetime.timedelta(days=20),
        max_hub_grant=D("8000.00"),
    )
    assert [(c.name, c.weight) for c in draft_call.criteria.all()] == [("Reach", 2), ("Legacy", 1)]
    with pytest.raises(ActionRefused, match="Only a draft call"):
        services.call_save(actor=staff, call=call, gaps=[gap], criteria=[], title="Changed")


# --- The partner's EOI ------------------------------------------------------------


def test_a_partner_starts_one_draft_per_call(call, partner_a_user):
    first = services.eoi_start(call=call, actor=partner_a_user)
    assert services.eoi_start(call=call, actor=partner_a_user) == first
    assert first.status == EOI.DRAFT and first.partner == partner_a_user.partner


def test_a_draft_keeps_half_typed_lines(draft, partner_a_user):
    saved = services.eoi_save_draft(
        eoi=draft,
        actor=partner_a_user,
        fields={"what": "Still thinking"},
        budget=[("Tutors", D("4000.00")), ("", None)],
        funding=[services.FundingData(kind="fundraising", amount=None, description="Summer concert")],
        hub_grant=None,
    )
    assert saved.total_cost == D("4000.00") and saved.hub_grant_requested == D("0.00")
    assert [(b.item, b.amount) for b in saved.budget_lines.all()] == [("Tutors", D("4000.00")), ("", None)]
    assert saved.funding_sources.get(kind="fundraising").description == "Summer concert"


def test_submitting_exactly_half_from_the_hub_grant_is_accepted(draft, partner_a_user):
    submitted = services.eoi_submit(eoi=draft, actor=partner_a_user)
    assert submitted.status == EOI.SUBMITTED
    assert submitted.submitted_by == partner_a_user
    assert Notification.objects.filter(kind="eoi_submitted", recipient=partner_a_user).exists()


def test_submitting_51_percent_is_refused_with_the_figures_and_the_draft_is_kept(draft, partner_a_user):
    set_money(draft, hub="5100.00", other="4900.00", actor=partner_a_user)
    with pytest.raises(ActionRefused) as refused:
        services.eoi_submit(eoi=draft, actor=partner_a_user)
    message = str(refused.value)
    assert "£10,000.00" in message and "51.00%" in message and "The shortfall is £100.00" in message
    draft.refresh_from_db()
    assert draft.status == EOI.DRAFT
    assert draft.hub_grant_requested == D("5100.00")
    assert [e.action for e in history_for(draft)][-1] == "submission refused"


def test_a_penny_over_half_is_refused(draft, partner_a_user):
    set_money(draft, hub="5000.01", other="4999.99", actor=partner_a_user)
    with pytest.raises(ActionRefused, match="50.01%"):
        services.eoi_submit(eoi=draft, actor=partner_a_user)


def test_in_kind_counts_only_where_the_call_allows(call, draft, partner_a_user):
    set_money(draft, hub="5000.00", other="2000.00", in_kind="3000.00", actor=partner_a_user)
    with bypassing_triggers():  # an open call's terms are frozen: arrange them directly
        Call.objects.filter(pk=call.pk).update(in_kind_counts=False)
    with pytest.raises(ActionRefused, match=r"In-kind contributions \(£3,000.00\) do not count"):
        services.eoi_submit(eoi=draft, actor=partner_a_user)
    with bypassing_triggers():
        Call.objects.filter(pk=call.pk).update(in_kind_counts=True)
    assert services.eoi_submit(eoi=draft, actor=partner_a_user).status == EOI.SUBMITTED


def test_submission_lists_what_is_missing_as_well_as_the_money(draft, partner_a_user):
    ExpressionOfInterest.objects.filter(pk=draft.pk).update(legacy="", safeguarding_confirmed=False)
    with pytest.raises(ActionRefused, match="add the legacy it leaves, your safeguarding confirmation"):
        services.eoi_submit(eoi=draft, actor=partner_a_user)


def test_submit_after_the_close_time_is_refused_even_before_the_beat_closes_the_call(call, draft, partner_a_user):
    with time_machine.travel(call.closes_at - datetime.timedelta(seconds=1)):
        assert services.eoi_submit(eoi=draft, actor=partner_a_user).status == EOI.SUBMITTED
    late = fill_for_submission(ExpressionOfInterestFactory(call=call))
    late_user = partner_user(late.partner, username="late-user")
    with (
        time_machine.travel(call.closes_at),
        pytest.raises(ActionRefused, match="no longer accepts expressions of interest"),
    ):
        services.eoi_submit(eoi=late, actor=late_user)
    late.refresh_from_db()
    assert late.status == EOI.DRAFT


def test_another_partner_cannot_submit_or_change_partner_as_eoi(draft, partner_b_user):
    with pytest.raises(PermissionDenied):
        services.eoi_submit(eoi=draft, actor=partner_b_user)
    with pytest.raises(PermissionDenied):
        services.eoi_save_draft(eoi=draft, actor=partner_b_user, fields={}, budget=[], funding=[], hub_grant=None)


def test_the_hub_grant_line_is_kept_in_step_with_the_total(draft, partner_a_user):
    saved = set_money(draft, hub="3000.00", other="7000.00", actor=partner_a_user)
    assert saved.funding_sources.get(kind=FundingSource.Kind.HUB_GRANT).amount == D("3000.00")
    assert saved.hub_grant_requested == D("3000.00") and saved.total_cost == D("10000.00")


def test_the_partner_withdraws_before_a_decision_but_not_after(draft, partner_a_user):
    assert services.eoi_withdraw(eoi=draft, actor=partner_a_user, reason="Lost our tutor").status == EOI.WITHDRAWN
    decided = ExpressionOfInterestFactory(call=draft.call, status=EOI.UNSUCCESSFUL, partner=PartnerFactory())
    owner = partner_user(decided.partner, username="decided-user")
    with pytest.raises(ActionRefused, match="can no longer be withdrawn"):
        services.eoi_withdraw(eoi=decided, actor=owner)


# --- Assessment -------------------------------------------------------------------


@pytest.fixture
def in_assessment(draft, partner_a_user):
    services.eoi_submit(eoi=draft, actor=partner_a_user)
    services.close_due_calls(now=draft.call.closes_at)
    draft.refresh_from_db()
    assert draft.status == EOI.UNDER_ASSESSMENT
    return draft


@pytest.fixture
def assessed(in_assessment):
    """Under assessment, with the call's minimum (two) of complete conflict-free scores."""
    assess(in_assessment)
    return in_assessment


def test_staff_assign_only_assessors_and_the_assessor_is_told(in_assessment, staff, assessor):
    assignment = services.assessor_assign(eoi=in_assessment, assessor=assessor, actor=staff)
    assert assignment.has_conflict is None
    assert Notification.objects.filter(kind="eoi_assessor_assigned", recipient=assessor).exists()
    with pytest.raises(ActionRefused, match="already assigned"):
        services.assessor_assign(eoi=in_assessment, assessor=assessor, actor=staff)
    with pytest.raises(ActionRefused, match="does not have the Assessor role"):
        services.assessor_assign(eoi=in_assessment, assessor=UserFactory(), actor=staff)


def test_a_conflicted_assessor_cannot_score(in_assessment, staff, assessor):
    assignment = services.assessor_assign(eoi=in_assessment, assessor=assessor, actor=staff)
    services.conflict_declare(assignment=assignment, actor=assessor, has_conflict=True, details="I chair its board.")
    criterion = in_assessment.call.criteria.first()
    with pytest.raises(ActionRefused, match="declared a conflict of interest"):
        services.scores_save(assignment=assignment, actor=assessor, scores={criterion.pk: (4, "Good")})
    assert not Score.objects.exists()


def test_an_assessor_declares_before_scoring_and_only_once(in_assessment, staff, assessor):
    assignment = services.assessor_assign(eoi=in_assessment, assessor=assessor, actor=staff)
    criterion = in_assessment.call.criteria.first()
    with pytest.raises(ActionRefused, match="Declare whether"):
        services.scores_save(assignment=assignment, actor=assessor, scores={criterion.pk: (4, "Good")})
    with pytest.raises(ActionRefused, match="Say what the conflict"):
        services.conflict_declare(assignment=assignment, actor=assessor, has_conflict=True)
    services.conflict_declare(assignment=assignment, actor=assessor, has_conflict=False)
    with pytest.raises(ActionRefused, match="already declared"):
        services.conflict_declare(assignment=assignment, actor=assessor, has_conflict=True, details="Changed my mind")


def test_scoring_every_criterion_completes_the_assessment(in_assessment, staff, assessor):
    assignment = services.assessor_assign(eoi=in_assessment, assessor=assessor, actor=staff)
    services.conflict_declare(assignment=assignment, actor=assessor, has_conflict=False)
    criteria = list(in_assessment.call.criteria.all())
    services.scores_save(assignment=assignment, actor=assessor, scores={criteria[0].pk: (5, "Exactly the gap")})
    assignment.refresh_from_db()
    assert assignment.completed_at is None
    rest = {c.pk: (3, "Fine") for c in criteria[1:]}
    services.scores_save(assignment=assignment, actor=assessor, scores=rest)
    assignment.refresh_from_db()
    assert assignment.completed_at is not None
    with pytest.raises(ActionRefused, match="from 1 to 5"):
        services.scores_save(assignment=assignment, actor=assessor, scores={criteria[0].pk: (6, "Off the scale")})
    with pytest.raises(ActionRefused, match="Add a comment"):
        services.scores_save(assignment=assignment, actor=assessor, scores={criteria[0].pk: (4, "  ")})


def test_another_assessor_cannot_score_someone_elses_assignment(in_assessment, staff, assessor):
    assignment = services.assessor_assign(eoi=in_assessment, assessor=assessor, actor=staff)
    other = UserFactory(username="other-assessor", role="Assessor")
    with pytest.raises(PermissionDenied):
        services.scores_save(assignment=assignment, actor=other, scores={})


def test_scoring_waits_for_the_call_to_close(draft, partner_a_user, staff, assessor):
    services.eoi_submit(eoi=draft, actor=partner_a_user)
    assignment = services.assessor_assign(eoi=draft, assessor=assessor, actor=staff)
    services.conflict_declare(assignment=assignment, actor=assessor, has_conflict=False)
    criterion = draft.call.criteria.first()
    with pytest.raises(ActionRefused, match="Scoring opens when the call has closed"):
        services.scores_save(assignment=assignment, actor=assessor, scores={criterion.pk: (4, "Good")})


def test_moderation_needs_a_score_in_range_and_a_note(in_assessment, staff):
    with pytest.raises(ActionRefused, match="from 1.00 to 5.00"):
        services.eoi_moderate(eoi=in_assessment, actor=staff, score=D("5.01"), note="Too high")
    with pytest.raises(ActionRefused, match="Say why"):
        services.eoi_moderate(eoi=in_assessment, actor=staff, score=D("4.00"), note="")
    moderated = services.eoi_moderate(eoi=in_assessment, actor=staff, score=D("4.25"), note="Panel agreed.")
    assert moderated.moderated_score == D("4.25") and moderated.moderated_by == staff


def test_unsuccessful_partners_get_their_feedback_by_email_and_in_the_portal(
    assessed, staff, partner_a_user, mailoutbox
):
    in_assessment = assessed
    with pytest.raises(ActionRefused, match="Write the feedback"):
        services.eoi_decide(eoi=in_assessment, actor=staff, successful=False, reasons="Weaker reach", feedback="")
    services.eoi_decide(
        eoi=in_assessment,
        actor=staff,
        successful=False,
        reasons="Reach lower than the others.",
        feedback="Strong inclusion plan; partner with a school to widen reach next time.",
    )
    in_assessment.refresh_from_db()
    assert in_assessment.status == EOI.UNSUCCESSFUL
    note = Notification.objects.get(kind="eoi_unsuccessful", recipient=partner_a_user)
    assert "partner with a school to widen reach" in note.body
    assert note.email.to == partner_a_user.email


def test_the_last_decision_completes_the_calls_assessment(call, assessed, staff):
    in_assessment = assessed
    other = ExpressionOfInterestFactory(call=call)
    move(other, EOI.UNDER_ASSESSMENT)
    assess(other)
    services.eoi_decide(eoi=in_assessment, actor=staff, successful=True, reasons="Best fit", feedback="Well done")
    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED
    services.eoi_decide(eoi=other, actor=staff, successful=False, reasons="Weaker", feedback="Thank you")
    call.refresh_from_db()
    assert call.status == Call.Status.ASSESSED


# --- Award ------------------------------------------------------------------------


@pytest.fixture
def successful(assessed, staff):
    in_assessment = assessed
    services.eoi_decide(eoi=in_assessment, actor=staff, successful=True, reasons="Best fit", feedback="Well done")
    in_assessment.refresh_from_db()
    return in_assessment


def test_the_award_records_band_and_route_and_drafts_the_project_agreement(
    successful, staff, bands, project_template, partner_a_user
):
    award = services.eoi_award(eoi=successful, actor=staff, procurement_notes="Three quotes compared.")
    assert award.amount == D("5000.00")
    assert award.procurement_band.name == "£5,000 to £25,000"
    assert award.procurement_route.startswith("Three written quotes")
    agreement = Agreement.objects.get(eoi=successful)
    assert agreement.kind == Agreement.Kind.PROJECT and agreement.hub_contribution == D("5000.00")
    assert agreement.match_funding_commitment == D("5000.00")
    successful.call.refresh_from_db()
    assert successful.call.status == Call.Status.AWARDED
    assert Notification.objects.filter(kind="eoi_awarded", recipient=partner_a_user).exists()
    with pytest.raises(ActionRefused):
        services.eoi_award(eoi=successful, actor=staff, procurement_notes="Again")


def test_the_award_checks_the_rule_again(successful, staff, bands, project_template):
    # Past every service, form and (on PostgreSQL) the lock on submitted money.
    with bypassing_triggers():
        FundingSource.objects.filter(eoi=successful, kind="hub_grant").update(amount=D("6000.00"))
        ExpressionOfInterest.objects.filter(pk=successful.pk).update(hub_grant_requested=D("6000.00"))
    with pytest.raises(ActionRefused, match="would break the match-funding rule.*60.00%"):
        services.eoi_award(eoi=successful, actor=staff, procurement_notes="Quotes.")
    assert not Award.objects.exists()


def test_the_award_needs_the_procurement_notes(successful, staff, bands, project_template):
    with pytest.raises(ActionRefused, match="Say how the £5,000 to £25,000 route was followed"):
        services.eoi_award(eoi=successful, actor=staff, procurement_notes=" ")


@pytest.mark.parametrize(
    ("amount", "band"),
    [
        ("0.00", "Under £5,000"),
        ("4999.99", "Under £5,000"),
        ("5000.00", "£5,000 to £25,000"),
        ("24999.99", "£5,000 to £25,000"),
        ("25000.00", "£25,000 to the public procurement threshold"),
        ("214903.99", "£25,000 to the public procurement threshold"),
        ("214904.00", "Above the public procurement threshold"),
    ],
)
def test_each_value_falls_in_one_procurement_band(bands, amount, band):
    from eoi.selectors import band_for

    assert band_for(D(amount)).name == band
