"""The contract the commissioning app relies on: an award becomes a project
agreement, signed like a partnership agreement, completed by staff."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from agreements.models import Agreement, AgreementTemplate, PaymentInstalment
from agreements.services import (
    agreement_complete,
    agreement_issue,
    agreement_update,
    project_agreement_draft,
)
from hubportal.core.academic_years import current_academic_year
from hubportal.core.errors import ActionRefused
from hubportal.models import Notification
from tests.agreements.factories import award_for, countersign, partner_sign
from tests.eoi.factories import ExpressionOfInterestFactory


@pytest.fixture
def eoi(partner_a, partner_a_user):
    """Partner A's EOI; partner A has a user who can sign what is issued to it."""
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


# The match-funding rule on the agreement's money (hubportal.core.match_funding).


@pytest.fixture
def half(partner_a, partner_a_user, staff):
    """A project agreement for £6,000 of a £12,000 project: exactly half from the Hub."""
    eoi = ExpressionOfInterestFactory(
        partner=partner_a, title="Half and half", total_cost=Decimal("12000.00"), hub_grant_requested=Decimal("6000.00")
    )
    return project_agreement_draft(eoi=eoi, award=award_for(eoi, Decimal("6000.00"), staff), actor=staff)


PENNY_OVER = (
    "The Hub's contribution breaks the match-funding rule. The Hub Grant requested, £5,000.01, is 50.01% of the "
    "total cost of £10,000.01; at least 50.00% (£5,000.01) must come from other sources, which bring £5,000.00. "
    "The shortfall is £0.01: lower the Hub Grant or add other funding."
)


def money(agreement, staff, contribution, match):
    return agreement_update(
        agreement=agreement,
        actor=staff,
        fields={"hub_contribution": Decimal(contribution), "match_funding_commitment": Decimal(match)},
    )


def test_a_contribution_of_exactly_half_the_cost_is_saved_and_issued(half, staff):
    money(half, staff, "4000.00", "4000.00")
    half.refresh_from_db()
    assert (half.hub_contribution, half.match_funding_commitment) == (Decimal("4000.00"), Decimal("4000.00"))
    schedule(half, staff, ["4000.00"])
    agreement_issue(agreement=half, actor=staff)
    half.refresh_from_db()
    assert half.status == Agreement.Status.ISSUED


def test_a_contribution_one_penny_over_half_the_cost_is_refused_by_the_service(half, staff):
    with pytest.raises(ActionRefused) as refused:
        money(half, staff, "5000.01", "5000.00")
    assert str(refused.value) == PENNY_OVER
    half.refresh_from_db()
    assert half.hub_contribution == Decimal("6000.00")


def test_a_match_commitment_one_penny_short_of_half_is_refused(half, staff):
    with pytest.raises(ActionRefused, match=r"£5,000.00, is 50.01% of the total cost of £9,999.99"):
        money(half, staff, "5000.00", "4999.99")


def test_issuing_is_refused_when_the_money_breaks_the_rule(half, staff):
    schedule(half, staff, ["5000.01"])
    # Money set outside the edit service (an older draft, the admin) is checked again on issue.
    Agreement.objects.filter(pk=half.pk).update(
        hub_contribution=Decimal("5000.01"), match_funding_commitment=Decimal("5000.00")
    )
    half.refresh_from_db()
    with pytest.raises(ActionRefused) as refused:
        agreement_issue(agreement=half, actor=staff)
    assert PENNY_OVER in str(refused.value)
    half.refresh_from_db()
    assert half.status == Agreement.Status.DRAFT


def test_a_contribution_of_exactly_the_award_is_allowed_and_a_penny_more_refused(draft, staff):
    money(draft, staff, "5500.00", "6500.00")
    with pytest.raises(ActionRefused) as refused:
        money(draft, staff, "5500.01", "6500.00")
    assert str(refused.value) == (
        "The Hub's contribution, £5,500.01, is more than the £5,500.00 awarded to “Inclusive strings in "
        "Loughborough”: lower it to the award or less."
    )
    draft.refresh_from_db()
    assert draft.hub_contribution == Decimal("5500.00")


def test_in_kind_match_does_not_count_where_the_call_says_so(partner_a, staff):
    from eoi.models import FundingSource

    eoi = ExpressionOfInterestFactory(partner=partner_a, call__in_kind_counts=False)
    FundingSource.objects.filter(eoi=eoi, kind="own_funds").update(amount=Decimal("4000.00"))
    FundingSource.objects.create(eoi=eoi, kind="in_kind", amount=Decimal("1000.00"))
    agreement = project_agreement_draft(eoi=eoi, award=award_for(eoi, Decimal("4000.00"), staff), actor=staff)
    money(agreement, staff, "4000.00", "6000.00")  # £5,000 cash and £1,000 in kind: the cash is half
    with pytest.raises(ActionRefused, match=r"In-kind contributions \(£1,000.00\) do not count"):
        money(agreement, staff, "4000.00", "4999.99")


def test_a_project_without_an_award_is_held_to_the_policys_half(staff, partner_a):
    from tests.agreements.factories import AgreementFactory

    project = AgreementFactory(partner=partner_a, project=True)
    money(project, staff, "5000.00", "5000.00")
    with pytest.raises(ActionRefused, match="breaks the match-funding rule"):
        money(project, staff, "5000.01", "5000.00")


def edit_data(agreement, contribution, match):
    return {
        "title": agreement.title,
        "basis": "b",
        "hub_expectations": "h",
        "partner_expectations": "p",
        "monitoring": "m",
        "conditions": "c",
        "review_meetings_per_year": "1",
        "requires_evaluation": "on",
        "starts_on": "2027-01-04",
        "ends_on": "2027-07-30",
        "hub_contribution": contribution,
        "match_funding_commitment": match,
        "evaluation_due_on": "",
        "outcomes-TOTAL_FORMS": "1",
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-0-description": "Forty children play",
        "outcomes-0-measure": "Players",
        "outcomes-0-target": "40",
        "instalments-TOTAL_FORMS": "1",
        "instalments-INITIAL_FORMS": "0",
        "instalments-0-milestone": "On signature",
        "instalments-0-due_on": "2027-01-04",
        "instalments-0-amount": contribution,
    }


def test_the_edit_form_saves_exactly_half_and_redisplays_a_penny_more(half, staff, client_for):
    from django.utils.html import escape

    url = reverse("agreements:edit", kwargs={"pk": half.pk})
    response = client_for(staff).post(url, edit_data(half, "5000.01", "5000.00"))
    assert response.status_code == 200
    assert escape(PENNY_OVER) in response.text
    assert 'value="5000.01"' in response.text and 'value="5000.00"' in response.text
    half.refresh_from_db()
    assert half.hub_contribution == Decimal("6000.00") and not half.instalments.exists()
    response = client_for(staff).post(url, edit_data(half, "5000.00", "5000.00"))
    assert response.status_code == 302
    half.refresh_from_db()
    assert (half.hub_contribution, half.match_funding_commitment) == (Decimal("5000.00"), Decimal("5000.00"))


def test_the_edit_form_refuses_more_than_the_award(draft, staff, client_for):
    from django.utils.html import escape

    url = reverse("agreements:edit", kwargs={"pk": draft.pk})
    response = client_for(staff).post(url, edit_data(draft, "5500.01", "6500.00"))
    assert response.status_code == 200
    assert escape("is more than the £5,500.00 awarded to “Inclusive strings in Loughborough”") in response.text
    assert 'value="5500.01"' in response.text
    assert client_for(staff).post(url, edit_data(draft, "5500.00", "6500.00")).status_code == 302
