"""The contract the commissioning app relies on: an award becomes a project
agreement, signed like a partnership agreement, completed by staff."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from agreements.models import Agreement, AgreementTemplate, PaymentInstalment
from agreements.services import (
    agreement_complete,
    agreement_issue,
    agreement_update,
    project_agreement_draft,
)
from hubportal.academic_years import current_academic_year
from hubportal.errors import ActionRefused
from hubportal.models import Notification
from tests.agreements.factories import award_for, countersign, partner_sign
from tests.eoi.factories import ExpressionOfInterestFactory


@pytest.fixture
def eoi(partner_a):
    return ExpressionOfInterestFactory(
        partner=partner_a,
        title="Inclusive strings in Loughborough",
        total_cost=Decimal("12000.00"),
        hub_grant_requested=Decimal("6000.00"),
    )


@pytest.fixture
def draft(eoi, staff):
    return project_agreement_draft(eoi=eoi, award=award_for(eoi, Decimal("5500.00"), staff), actor=staff)


def schedule(agreement, staff, amounts, *, ends=datetime.date(2027, 7, 31)):
    return agreement_update(
        agreement=agreement,
        actor=staff,
        fields={"starts_on": datetime.date(2027, 1, 4), "ends_on": ends},
        outcomes=[
            {
                "description": "Forty young people with SEND play in an ensemble",
                "measure": "Regular players",
                "target": "40",
            }
        ],
        instalments=[
            {
                "milestone": f"Milestone {n}",
                "due_on": datetime.date(2027, 1, 4) + datetime.timedelta(days=30 * n),
                "amount": Decimal(a),
            }
            for n, a in enumerate(amounts)
        ],
    )


def test_an_award_drafts_a_project_agreement_from_the_project_template(draft, eoi):
    template = AgreementTemplate.objects.get(kind="project")
    assert draft.kind == Agreement.Kind.PROJECT and draft.status == Agreement.Status.DRAFT
    assert draft.partner == eoi.partner and draft.eoi == eoi
    assert draft.title == "Project agreement: Inclusive strings in Loughborough"
    assert draft.academic_year == current_academic_year().start_year
    assert draft.hub_contribution == Decimal("5500.00")
    assert draft.match_funding_commitment == Decimal("6500.00")
    assert draft.requires_evaluation is True and draft.requires_termly_surveys is False
    assert draft.conditions == template.conditions and draft.basis.startswith(template.basis)
    assert draft.template == template
    assert not draft.instalments.exists()
    assert draft.evaluation_due_on is None


def test_a_second_project_agreement_for_the_same_eoi_is_refused(draft, eoi, staff):
    with pytest.raises(ActionRefused, match="already has a project agreement"):
        project_agreement_draft(eoi=eoi, award=eoi.award, actor=staff)
    assert Agreement.objects.filter(eoi=eoi).count() == 1


def test_only_hub_staff_draft_a_project_agreement(eoi, staff, assessor):
    award = award_for(eoi, Decimal("5000.00"), staff)
    with pytest.raises(PermissionDenied):
        project_agreement_draft(eoi=eoi, award=award, actor=assessor)


def test_an_award_for_another_eoi_is_refused(eoi, staff, partner_b):
    other = ExpressionOfInterestFactory(partner=partner_b)
    with pytest.raises(ActionRefused, match="different expression of interest"):
        project_agreement_draft(eoi=eoi, award=award_for(other, Decimal("1000.00"), staff), actor=staff)


def test_the_evaluation_falls_due_eight_weeks_after_the_end_once_dates_are_set(draft, staff):
    schedule(draft, staff, ["5500.00"])
    draft.refresh_from_db()
    assert draft.evaluation_due_on == datetime.date(2027, 7, 31) + datetime.timedelta(weeks=8)


def test_issue_refused_until_the_schedule_adds_up_to_the_contribution(draft, staff):
    schedule(draft, staff, ["2750.00", "2749.99"])
    with pytest.raises(ActionRefused, match=r"adds up to £5,499.99 but the Hub's contribution is £5,500.00"):
        agreement_issue(agreement=draft, actor=staff)
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.DRAFT
    schedule(draft, staff, ["2750.00", "2750.00"])
    agreement_issue(agreement=draft, actor=staff)
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.ISSUED


def test_a_schedule_one_penny_over_the_contribution_is_refused(draft, staff):
    schedule(draft, staff, ["5500.01"])
    with pytest.raises(ActionRefused, match="make the instalments add up"):
        agreement_issue(agreement=draft, actor=staff)


def test_a_project_agreement_is_signed_goes_live_and_is_completed(draft, staff, manager, partner_a_user):
    schedule(draft, staff, ["3000.00", "2500.00"])
    agreement_issue(agreement=draft, actor=staff)
    partner_sign(draft, partner_a_user)
    countersign(draft, manager)
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.LIVE
    partner_status = draft.partner.status
    agreement_complete(agreement=draft, actor=staff)
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.COMPLETED and draft.ended_at is not None
    assert draft.partner.status == partner_status  # a project does not move the partnership
    assert Notification.objects.filter(recipient=partner_a_user, kind="agreements_completed").exists()


def test_completion_is_only_for_a_live_project_and_only_by_staff(draft, staff, partner_a_user):
    with pytest.raises(ActionRefused, match="Only a live project agreement is completed"):
        agreement_complete(agreement=draft, actor=staff)
    with pytest.raises(PermissionDenied):
        agreement_complete(agreement=draft, actor=partner_a_user)


def test_the_signed_text_covers_the_money_and_the_schedule(draft, staff):
    from agreements.text import canonical_text

    schedule(draft, staff, ["5500.00"])
    text = canonical_text(draft)
    assert "The Hub's financial contribution: £5,500.00" in text
    assert "Match funding the partner commits: £6,500.00" in text
    assert "£5,500.00: Milestone 0" in text
    PaymentInstalment.objects.filter(agreement=draft).update(amount=Decimal("5400.00"))
    assert canonical_text(draft) != text
