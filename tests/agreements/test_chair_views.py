"""The Chair's decision page: the full file, and a decision that is final."""

import pytest
from django.urls import reverse

from agreements.models import Agreement, Reason, RecommendationDocument, TerminationRecommendation
from agreements.services import recommendation_raise
from tests.agreements.factories import AgreementFactory, make_live
from tests.files import pdf


@pytest.fixture
def recommendation(partner_a, staff, manager, partner_a_user):
    agreement = make_live(
        AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager
    )
    return recommendation_raise(
        agreement=agreement,
        actor=staff,
        kind=TerminationRecommendation.Kind.TERMINATE,
        reasons=[Reason.SAFEGUARDING, Reason.OTHER],
        other_reason="Did not answer the Hub's letters.",
        evidence="A tutor worked unsupervised without a DBS check on 3 March.",
        documents=[pdf("dsl-report.pdf")],
    )


def url(rec):
    return reverse("agreements:chair_recommendation", kwargs={"pk": rec.pk})


def test_the_chair_sees_the_full_file(recommendation, chair, client_for):
    response = client_for(chair).get(url(recommendation))
    assert response.status_code == 200
    text = response.text
    for expected in [
        "Safeguarding breach or concern",
        "Did not answer the Hub&#x27;s letters.",
        "A tutor worked unsupervised without a DBS check on 3 March.",
        "dsl-report.pdf",
        recommendation.agreement.outcomes.first().description,
        "Continue to confirm your decision",
        # The Chair can check that the text signed is the text stored.
        "<strong>Verified.</strong>",
        recommendation.agreement.versions.get(version=recommendation.agreement.version).text_sha256,
    ]:
        assert expected in text
    document = RecommendationDocument.objects.get()
    assert reverse("agreements:recommendation_document", kwargs={"pk": document.pk}) in text


def test_the_chair_downloads_the_evidence(recommendation, chair, client_for, partner_a_user):
    document = RecommendationDocument.objects.get()
    link = reverse("agreements:recommendation_document", kwargs={"pk": document.pk})
    response = client_for(chair).get(link)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert client_for(partner_a_user).get(link).status_code == 403


def test_the_chair_decides_and_the_page_then_shows_it_locked(recommendation, chair, client_for):
    client = client_for(chair)
    response = client.post(
        url(recommendation), {"decision": "upheld", "reasons": "Safeguarding failed.", "confirm": "on"}
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.decision == "upheld"
    assert recommendation.agreement.status == Agreement.Status.TERMINATED
    page = client.get(url(recommendation)).text
    assert "This decision is final and locked." in page and "Continue to confirm your decision" not in page
    again = client.post(url(recommendation), {"decision": "rejected", "reasons": "Second thoughts.", "confirm": "on"})
    assert again.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.decision == "upheld" and recommendation.decision_reasons == "Safeguarding failed."


def test_invalid_decision_is_redisplayed_with_what_was_typed(recommendation, chair, client_for):
    response = client_for(chair).post(
        url(recommendation), {"decision": "upheld", "reasons": "Typed reasons.", "step": "confirm"}
    )
    assert response.status_code == 200
    assert "Tick the box to confirm that your decision is final." in response.text
    assert "Typed reasons." in response.text
    recommendation.refresh_from_db()
    assert not recommendation.is_decided


def test_wrong_role_and_wrong_method(recommendation, staff, manager, partner_a_user, chair, client_for):
    for user in (staff, manager, partner_a_user):
        assert client_for(user).get(url(recommendation)).status_code == 403
        assert client_for(user).post(url(recommendation), {"decision": "upheld"}).status_code == 403
    assert client_for(chair).put(url(recommendation)).status_code == 405
    assert client_for(chair).delete(url(recommendation)).status_code == 405


def test_a_missing_recommendation_is_404(chair, client_for):
    assert client_for(chair).get(reverse("agreements:chair_recommendation", kwargs={"pk": 999})).status_code == 404


def test_the_chair_list_shows_awaiting_and_decided(recommendation, chair, client_for):
    response = client_for(chair).get(reverse("agreements:chair_recommendations"))
    assert response.status_code == 200 and recommendation.agreement.title in response.text


def test_the_chair_home_queue_links_to_the_decision_page(recommendation, chair, client_for):
    response = client_for(chair).get(reverse("chair_home"))
    assert url(recommendation) in response.text


def test_the_chair_list_costs_the_same_queries_at_any_size(
    chair, staff, manager, client_for, django_assert_max_num_queries
):
    from tests.factories import PartnerFactory, partner_user

    client = client_for(chair)
    for size in (1, 4):
        for _ in range(size):
            partner = PartnerFactory()
            agreement = make_live(
                AgreementFactory(partner=partner), staff=staff, partner_user=partner_user(partner), manager=manager
            )
            recommendation_raise(
                agreement=agreement, actor=staff, kind="terminate", reasons=[Reason.DATA], evidence="No data."
            )
        # Bounded: each row's agreement, partner and the staff member who raised it are joined, not fetched per row
        # (a count and a page for each of the two lists, awaiting and decided).
        with django_assert_max_num_queries(12):
            assert client.get(reverse("agreements:chair_recommendations")).status_code == 200


def test_only_the_chair_terminates_a_suspended_partnership_on_the_decision_page(
    partner_a, partner_a_user, partner_b_user, staff, manager, assessor, chair, client_for
):
    from partners.models import Partner

    agreement = make_live(
        AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager
    )
    rec = recommendation_raise(
        agreement=agreement,
        actor=staff,
        kind=TerminationRecommendation.Kind.TERMINATE,
        reasons=[Reason.SAFEGUARDING],
        evidence="A tutor worked unsupervised without a DBS check on 3 March.",
        suspend_partner=True,
    )
    partner_a.refresh_from_db()
    assert partner_a.status == Partner.Stage.SUSPENDED
    decision = {"decision": "upheld", "reasons": "The breach is proven.", "confirm": "on"}
    for user in (staff, manager, assessor, partner_a_user, partner_b_user):
        assert client_for(user).post(url(rec), decision).status_code == 403, user
    rec.refresh_from_db()
    agreement.refresh_from_db()
    partner_a.refresh_from_db()
    assert not rec.is_decided
    assert agreement.status == Agreement.Status.UNDER_REVIEW and partner_a.status == Partner.Stage.SUSPENDED

    client = client_for(chair)
    page = client.get(url(rec)).text
    assert "The partnership was suspended at once, pending your decision." in page
    assert client.post(url(rec), decision).status_code == 302
    agreement.refresh_from_db()
    partner_a.refresh_from_db()
    assert agreement.status == Agreement.Status.TERMINATED
    assert partner_a.status == Partner.Stage.TERMINATED
