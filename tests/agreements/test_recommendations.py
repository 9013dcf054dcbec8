"""Termination and non-renewal: staff recommend, the Chair decides, and the
decision is final and locked."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from agreements.chair import recommendations_awaiting_decision
from agreements.models import Agreement, Reason, TerminationRecommendation
from agreements.permissions import may_decide
from agreements.services import agreements_expire, recommendation_decide, recommendation_raise
from hubportal.core.chair import chair_queue
from hubportal.core.errors import ActionRefused
from hubportal.core.history import history_for
from hubportal.models import Notification
from partners.models import Partner
from tests.agreements.factories import AgreementFactory, make_live
from tests.conftest import require_service
from tests.factories import PartnerFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def live(partner_a, staff, manager, partner_a_user):
    return make_live(AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager)


def raise_one(agreement, staff, **kwargs):
    options = {
        "kind": TerminationRecommendation.Kind.TERMINATE,
        "reasons": [Reason.DATA, Reason.BRANDING],
        "evidence": "No termly survey returned this year; logos missing from three concert programmes.",
        **kwargs,
    }
    return recommendation_raise(agreement=agreement, actor=staff, **options)


def test_staff_raise_a_recommendation_that_goes_to_the_chair(live, staff, chair):
    rec = raise_one(live, staff)
    live.refresh_from_db()
    assert rec.reasons == [Reason.BRANDING, Reason.DATA]  # in the policy's order
    assert live.status == Agreement.Status.UNDER_REVIEW
    note = Notification.objects.get(recipient=chair, kind="agreements_recommendation_raised")
    assert note.url == reverse("agreements:chair_recommendation", kwargs={"pk": rec.pk})
    assert "Repeated failure to meet branding guidelines" in note.body


def test_a_recommendation_without_the_chair_changes_nothing_that_ends(live, staff, partner_a):
    raise_one(live, staff)
    live.refresh_from_db()
    partner_a.refresh_from_db()
    assert live.status in Agreement.IN_FORCE and live.ended_at is None
    assert partner_a.status == Partner.Stage.ACTIVE


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reasons": []}, "at least one of the policy's reasons"),
        ({"reasons": [Reason.OTHER]}, "say what the other reason is"),
        ({"evidence": "  "}, "Describe the evidence"),
        ({"reasons": ["made_up"]}, "Unknown reason"),
        ({"suspend_partner": True}, "safeguarding concern"),
    ],
)
def test_a_recommendation_needs_reasons_and_evidence(live, staff, kwargs, message):
    with pytest.raises(ActionRefused, match=message):
        raise_one(live, staff, **kwargs)
    assert not TerminationRecommendation.objects.exists()


def test_other_with_its_reason_is_accepted(live, staff):
    rec = raise_one(live, staff, reasons=[Reason.OTHER], other_reason="Left the county.")
    assert rec.other_reason == "Left the county."


def test_one_open_recommendation_at_a_time(live, staff):
    raise_one(live, staff)
    with pytest.raises(ActionRefused, match="already with the Chair"):
        raise_one(live, staff)


def test_only_staff_raise_and_only_in_force(live, staff, partner_a_user, chair, partner_b):
    with pytest.raises(PermissionDenied):
        raise_one(live, partner_a_user)
    with pytest.raises(PermissionDenied):
        raise_one(live, chair)
    draft = AgreementFactory(partner=partner_b)
    with pytest.raises(ActionRefused, match="only an agreement in force"):
        raise_one(draft, staff)


def test_a_project_agreement_is_terminated_not_left_unrenewed(staff, manager, partner_a, partner_a_user):
    project = AgreementFactory(partner=partner_a, project=True)
    from tests.agreements.factories import PaymentInstalmentFactory

    PaymentInstalmentFactory(agreement=project, amount=project.hub_contribution)
    make_live(project, staff=staff, partner_user=partner_a_user, manager=manager)
    with pytest.raises(ActionRefused, match="recommend terminating"):
        raise_one(project, staff, kind=TerminationRecommendation.Kind.NOT_RENEW)
    rec = raise_one(project, staff)
    project.refresh_from_db()
    assert project.status == Agreement.Status.LIVE  # a project has no review state
    recommendation_decide(
        recommendation=rec, actor=_chair(), decision=TerminationRecommendation.Decision.UPHELD, reasons="Upheld."
    )
    project.refresh_from_db()
    partner_a.refresh_from_db()
    assert project.status == Agreement.Status.TERMINATED
    assert partner_a.status == Partner.Stage.ACTIVE


def _chair():
    from hubportal.core import roles
    from tests.factories import UserFactory

    return UserFactory(username="chair-user", role=roles.CHAIR)


def test_a_safeguarding_concern_suspends_the_partnership_at_once(live, staff, partner_a, partner_a_user):
    upload = SimpleUploadedFile("incident.pdf", PDF, content_type="application/pdf")
    rec = raise_one(
        live,
        staff,
        reasons=[Reason.SAFEGUARDING],
        suspend_partner=True,
        documents=[upload],
        evidence="A DSL report of an unsupervised session.",
    )
    partner_a.refresh_from_db()
    assert partner_a.status == Partner.Stage.SUSPENDED
    assert rec.partnership_suspended is True
    assert [d.original_filename for d in rec.documents.all()] == ["incident.pdf"]
    assert (
        Notification.objects.filter(recipient=partner_a_user)
        .filter(kind__in=["partners_suspended", "agreements_partnership_suspended"])
        .exists()
    )


def test_the_chair_upholds_a_termination(live, staff, chair, partner_a, partner_a_user):
    rec = raise_one(live, staff)
    recommendation_decide(
        recommendation=rec, actor=chair, decision=TerminationRecommendation.Decision.UPHELD, reasons="Data never came."
    )
    live.refresh_from_db()
    partner_a.refresh_from_db()
    rec.refresh_from_db()
    assert rec.is_decided and rec.decided_by == chair
    assert live.status == Agreement.Status.TERMINATED and live.ended_at is not None
    assert partner_a.status == Partner.Stage.TERMINATED
    decision = Notification.objects.get(recipient=partner_a_user, kind="agreements_decision")
    assert "Data never came." in decision.body and decision.url.startswith("/portal/")
    assert Notification.objects.get(recipient=staff, kind="agreements_decision").url.startswith("/staff/")


def test_an_upheld_do_not_renew_runs_to_31_august_then_ends_as_not_renewed(live, staff, chair, partner_a):
    """P20: unless it is terminated, the partnership runs to the end of its period."""
    rec = raise_one(live, staff, kind=TerminationRecommendation.Kind.NOT_RENEW)
    recommendation_decide(recommendation=rec, actor=chair, decision="upheld", reasons="Outcomes not met.")
    live.refresh_from_db()
    partner_a.refresh_from_db()
    assert live.status == Agreement.Status.LIVE and partner_a.status == Partner.Stage.ACTIVE
    agreements_expire(today=live.year.ends_on)
    assert Agreement.objects.get(pk=live.pk).status == Agreement.Status.LIVE  # still its year on 31 August
    agreements_expire(today=live.year.ends_on + datetime.timedelta(days=1))
    live.refresh_from_db()
    partner_a.refresh_from_db()
    assert live.status == Agreement.Status.NOT_RENEWED
    assert partner_a.status == Partner.Stage.LAPSED


def test_not_renewing_a_suspended_partner_keeps_the_suspension_then_lapses(live, staff, chair, partner_a):
    rec = raise_one(
        live, staff, kind=TerminationRecommendation.Kind.NOT_RENEW, reasons=[Reason.SAFEGUARDING], suspend_partner=True
    )
    recommendation_decide(recommendation=rec, actor=chair, decision="upheld", reasons="Not renewed.")
    partner_a.refresh_from_db()
    assert partner_a.status == Partner.Stage.SUSPENDED
    agreements_expire(today=live.year.ends_on + datetime.timedelta(days=1))
    partner_a.refresh_from_db()
    assert partner_a.status == Partner.Stage.LAPSED


def test_the_chair_rejects_and_the_agreement_carries_on_and_the_suspension_is_lifted(live, staff, chair, partner_a):
    rec = raise_one(live, staff, reasons=[Reason.SAFEGUARDING], suspend_partner=True)
    recommendation_decide(recommendation=rec, actor=chair, decision="rejected", reasons="The concern was unfounded.")
    live.refresh_from_db()
    partner_a.refresh_from_db()
    assert live.status == Agreement.Status.LIVE
    assert partner_a.status == Partner.Stage.ACTIVE


def test_only_the_chair_decides(live, staff, manager):
    rec = raise_one(live, staff)
    for user in (staff, manager):
        with pytest.raises(PermissionDenied):
            recommendation_decide(recommendation=rec, actor=user, decision="upheld", reasons="x")
    rec.refresh_from_db()
    assert not rec.is_decided


def test_a_decision_needs_reasons(live, staff, chair):
    rec = raise_one(live, staff)
    with pytest.raises(ActionRefused, match="Give the reasons"):
        recommendation_decide(recommendation=rec, actor=chair, decision="upheld", reasons=" ")


def test_a_decision_is_final_the_service_refuses_a_second(live, staff, chair):
    rec = raise_one(live, staff)
    recommendation_decide(recommendation=rec, actor=chair, decision="rejected", reasons="Carry on.")
    with pytest.raises(ActionRefused, match="final"):
        recommendation_decide(recommendation=rec, actor=chair, decision="upheld", reasons="Changed my mind.")
    rec.refresh_from_db()
    assert rec.decision == "rejected" and rec.decision_reasons == "Carry on."


def test_the_admin_cannot_change_a_decided_recommendation(live, staff, chair, admin_user, client_for):
    rec = raise_one(live, staff)
    url = reverse("admin:agreements_terminationrecommendation_change", args=[rec.pk])
    client = client_for(admin_user)
    assert b'name="evidence"' in client.get(url).content  # undecided: staff may still correct the evidence
    recommendation_decide(recommendation=rec, actor=chair, decision="upheld", reasons="Upheld.")
    page = client.get(url)
    assert page.status_code == 200 and b'name="evidence"' not in page.content
    client.post(url, {"kind": "not_renew", "reasons": '["other"]', "evidence": "Rewritten", "other_reason": "x"})
    rec.refresh_from_db()
    assert rec.kind == "terminate" and rec.evidence.startswith("No termly survey")
    assert client.post(reverse("admin:agreements_terminationrecommendation_delete", args=[rec.pk])).status_code == 403


def test_the_database_refuses_to_change_a_decided_recommendation(live, staff, chair):
    # The lock is a PostgreSQL trigger.
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    rec = raise_one(live, staff)
    TerminationRecommendation.objects.filter(pk=rec.pk).update(evidence="Corrected before the decision.")
    recommendation_decide(recommendation=rec, actor=chair, decision="upheld", reasons="Upheld.")
    for change in ({"decision": "rejected"}, {"decision_reasons": "Other"}, {"evidence": "Rewritten"}):
        with pytest.raises(DatabaseError, match="final and locked"), transaction.atomic():
            TerminationRecommendation.objects.filter(pk=rec.pk).update(**change)
    with pytest.raises(DatabaseError, match="cannot be deleted"), transaction.atomic():
        TerminationRecommendation.objects.filter(pk=rec.pk).delete()


def test_the_chair_queue_lists_undecided_recommendations_with_their_page(live, staff, chair):
    rec = raise_one(live, staff, reasons=[Reason.SAFEGUARDING], suspend_partner=True)
    [case] = recommendations_awaiting_decision()
    assert case.url == f"/chair/recommendations/{rec.pk}/"
    assert case.partner_name == live.partner.name
    assert "Safeguarding breach or concern" in case.summary and "suspended" in case.summary
    assert case in chair_queue()
    recommendation_decide(recommendation=rec, actor=chair, decision="rejected", reasons="No.")
    assert recommendations_awaiting_decision() == []


def test_the_chair_queue_costs_one_query_however_many_wait(django_assert_num_queries, staff, manager):
    # One query for every case: without select_related each case would fetch its agreement and partner.
    from tests.factories import partner_user

    for _ in range(3):
        partner = PartnerFactory()
        agreement = make_live(
            AgreementFactory(partner=partner), staff=staff, partner_user=partner_user(partner), manager=manager
        )
        raise_one(agreement, staff)
    with django_assert_num_queries(1):
        assert len(recommendations_awaiting_decision()) == 3


def _suspended_pending_the_chair(live, staff):
    return raise_one(
        live,
        staff,
        reasons=[Reason.SAFEGUARDING],
        suspend_partner=True,
        evidence="A DSL report of a tutor working unsupervised without a DBS check.",
    )


def test_only_the_chair_may_terminate_a_suspended_partnership(
    live, staff, manager, assessor, admin_user, partner_a_user, chair, partner_a
):
    rec = _suspended_pending_the_chair(live, staff)
    partner_a.refresh_from_db()
    assert partner_a.status == Partner.Stage.SUSPENDED
    for user in (staff, manager, assessor, admin_user, partner_a_user):
        assert not may_decide(user, rec)[0], user
        with pytest.raises(PermissionDenied):
            recommendation_decide(recommendation=rec, actor=user, decision="upheld", reasons="Ended.")
    rec.refresh_from_db()
    live.refresh_from_db()
    partner_a.refresh_from_db()
    assert not rec.is_decided
    assert live.status == Agreement.Status.UNDER_REVIEW and partner_a.status == Partner.Stage.SUSPENDED

    assert may_decide(chair, rec)[0]
    recommendation_decide(
        recommendation=rec, actor=chair, decision="upheld", reasons="The safeguarding breach is proven."
    )
    live.refresh_from_db()
    partner_a.refresh_from_db()
    rec.refresh_from_db()
    assert live.status == Agreement.Status.TERMINATED and live.ended_at is not None
    assert partner_a.status == Partner.Stage.TERMINATED
    assert not may_decide(chair, rec)[0]  # final: not even the Chair decides twice
    # Straight from suspended to terminated, by the Chair, with the reasons.
    move = history_for(partner_a).get(to_state=Partner.Stage.TERMINATED)
    assert move.from_state == Partner.Stage.SUSPENDED and move.actor == chair
    assert "The safeguarding breach is proven." in move.note
    ended = history_for(live).get(to_state=Agreement.Status.TERMINATED)
    assert ended.from_state == Agreement.Status.UNDER_REVIEW and ended.actor == chair
