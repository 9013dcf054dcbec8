"""Confirm steps before outward actions: issuing for signature says what is
sent to whom; the Chair's decision says what it does. The action itself stays
a POST, guarded by the service."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from agreements.models import Agreement, Reason, TerminationRecommendation
from agreements.services import recommendation_raise
from tests.agreements.factories import AgreementFactory, make_live


@pytest.fixture
def draft(partner_a):
    return AgreementFactory(partner=partner_a, title="Strings for all 2026/27")


def issue_url(agreement):
    return reverse("agreements:issue", args=[agreement.pk])


def test_the_issue_confirm_page_says_what_is_sent_to_whom(staff, draft, partner_a_user, client_for):
    page = client_for(staff).get(issue_url(draft)).text
    assert "Issue “Strings for all 2026/27” for signature?" in page
    assert f"Version {draft.version} of the partnership agreement with {escape(draft.partner.name)}" in page
    assert partner_a_user.email in page and escape(partner_a_user.get_full_name()) in page
    assert "Issue it and email them" in page
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.DRAFT  # looking is not issuing


def test_the_detail_page_links_to_the_confirm_step(staff, draft, partner_a_user, client_for):
    page = client_for(staff).get(reverse("agreements:detail", args=[draft.pk])).text
    assert f'href="{issue_url(draft)}"' in page


def test_confirming_issues_it(staff, draft, partner_a_user, client_for):
    response = client_for(staff).post(issue_url(draft), {"confirmed": "yes"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.ISSUED


def test_the_confirm_page_says_why_it_cannot_be_issued_yet(staff, partner_a, client_for):
    lonely = AgreementFactory(partner=partner_a)  # partner A has no user who can sign
    page = client_for(staff).get(issue_url(lonely)).text
    assert "It cannot be issued yet" in page and "Issue it and email them" not in page


def test_when_nobody_can_sign_the_confirm_page_links_to_inviting_a_user(staff, partner_a, client_for):
    lonely = AgreementFactory(partner=partner_a)
    page = client_for(staff).get(issue_url(lonely)).text
    invite = reverse("partners:invite_user", args=[partner_a.pk])
    assert f'href="{invite}" data-invite-link>Invite a user of {partner_a.name}</a>' in page


def test_the_issue_confirm_page_is_for_staff_and_drafts_only(staff, draft, partner_a_user, partner_b_user, client_for):
    assert client_for(partner_a_user).get(issue_url(draft)).status_code == 403
    assert client_for(staff).get(reverse("agreements:issue", args=[9999])).status_code == 404
    client_for(staff).post(issue_url(draft))
    again = client_for(staff).get(issue_url(draft), follow=True)
    assert "Only a draft can be issued." in again.text


@pytest.fixture
def recommendation(partner_a, staff, manager, partner_a_user):
    agreement = make_live(
        AgreementFactory(partner=partner_a, title="Strings 2025/26"),
        staff=staff,
        partner_user=partner_a_user,
        manager=manager,
    )
    AgreementFactory(partner=partner_a, title="Strings 2026/27", academic_year=agreement.academic_year + 1)
    return recommendation_raise(
        agreement=agreement,
        actor=staff,
        kind=TerminationRecommendation.Kind.TERMINATE,
        reasons=[Reason.SAFEGUARDING],
        other_reason="",
        evidence="A tutor worked unsupervised without a DBS check.",
        documents=[],
    )


def decide_url(rec):
    return reverse("agreements:chair_recommendation", args=[rec.pk])


def test_the_chairs_decision_shows_its_effect_before_it_is_recorded(recommendation, chair, client_for):
    response = client_for(chair).post(decide_url(recommendation), {"decision": "upheld", "reasons": "Unsafe."})
    assert response.status_code == 200
    page = response.text
    assert "Confirm your decision" in page and "Unsafe." in page
    assert "“Strings 2025/26” is terminated at once." in page
    assert "“Strings 2026/27”" in page  # the open agreement that is withdrawn
    assert "There is a problem" not in page  # not asked yet, so not an error
    recommendation.refresh_from_db()
    assert not recommendation.is_decided


def test_going_back_to_change_the_decision_keeps_the_reasons(recommendation, chair, client_for):
    response = client_for(chair).post(
        decide_url(recommendation), {"decision": "upheld", "reasons": "Unsafe.", "step": "confirm", "change": "yes"}
    )
    assert response.status_code == 200 and "Unsafe.</textarea>" in response.text
    assert "Continue to confirm your decision" in response.text
    recommendation.refresh_from_db()
    assert not recommendation.is_decided


def test_confirming_records_the_decision(recommendation, chair, client_for):
    response = client_for(chair).post(
        decide_url(recommendation), {"decision": "upheld", "reasons": "Unsafe.", "step": "confirm", "confirm": "on"}
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.decision == "upheld"
    assert Agreement.objects.get(title="Strings 2026/27").status == Agreement.Status.WITHDRAWN


def test_not_upheld_says_the_agreement_carries_on(recommendation, chair, client_for):
    page = client_for(chair).post(decide_url(recommendation), {"decision": "rejected", "reasons": "Fixed."}).text
    assert "“Strings 2025/26” carries on." in page
