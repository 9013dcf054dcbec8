"""A partner's standing, one rule every app obeys (issue 18): the table of what
each standing allows, then the edges through the services and views of the
roles that would try them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, Reason, TerminationRecommendation
from agreements.services import (
    agreement_draft,
    agreements_expire,
    recommendation_decide,
    recommendation_raise,
    roll_forward_plan,
)
from hubportal.core.academic_years import current_academic_year
from hubportal.core.chair import chair_queue
from hubportal.core.errors import ActionRefused
from hubportal.models import Notification
from partners.models import EvidenceItem, EvidenceType, Partner
from partners.services import evidence_expire_due
from partners.standing import Action, Standing, standing_of, standings_of
from surveys.models import SurveyRequest
from surveys.services import round_open
from tests.agreements.factories import AgreementFactory, countersign, issue, make_live, partner_sign, reviewed
from tests.factories import PartnerFactory, partner_user
from tests.surveys.factories import current_term, small_question_set

pytestmark = pytest.mark.django_db
Stage = Partner.Stage
YEAR = current_academic_year().start_year


def _upheld(partner, kind, *, year=YEAR):
    """An upheld Chair's decision on the partner's agreement for ``year``, as recorded."""
    agreement = AgreementFactory(partner=partner, academic_year=year, status=Agreement.Status.LIVE)
    TerminationRecommendation.objects.create(
        agreement=agreement,
        kind=kind,
        reasons=[Reason.OUTCOMES],
        evidence="Outcomes not met.",
        raised_by=partner_user(partner, username=f"raiser-{partner.pk}"),
        decision=TerminationRecommendation.Decision.UPHELD,
        decision_reasons="Upheld.",
        decided_at=timezone.now(),
    )
    return agreement


def _lapse_one_standard(partner):
    item = EvidenceItem.objects.filter(partner=partner, evidence_type__name="DBS Update Service subscription")
    item.update(status=EvidenceItem.Status.EXPIRED, expires_on=timezone.localdate() - datetime.timedelta(days=2))


def build(standing: str) -> Partner:
    """A partner, with a user, in each standing."""
    stage = {
        "enquiry": Stage.ENQUIRY,
        "standards_review": Stage.STANDARDS_REVIEW,
        "agreement_pending": Stage.AGREEMENT_PENDING,
        "suspended": Stage.SUSPENDED,
        "lapsed": Stage.LAPSED,
        "declined": Stage.DECLINED,
        "terminated": Stage.TERMINATED,
    }.get(standing, Stage.ACTIVE)
    partner = PartnerFactory(status=stage)
    partner_user(partner)
    if standing == "standards_lapsed":
        _lapse_one_standard(partner)
    if standing == "not_renewed":
        _upheld(partner, TerminationRecommendation.Kind.NOT_RENEW)
    return partner


ALL = list(Action)
NEXT_YEAR_AGREEMENT = {Action.AGREEMENT_DRAFT, Action.AGREEMENT_ISSUE, Action.AGREEMENT_SIGN}
# For each standing: the actions it allows. Every other action is refused with the reason fragment.
TABLE = {
    "enquiry": ({Action.EVIDENCE_RENEW, Action.INVITE_USER}, "at enquiry"),
    "standards_review": ({Action.EVIDENCE_RENEW, Action.INVITE_USER}, "standards review"),
    "agreement_pending": (
        {
            Action.AGREEMENT_DRAFT,
            Action.AGREEMENT_ISSUE,
            Action.AGREEMENT_SIGN,
            Action.AGREEMENT_COUNTERSIGN,
            Action.EVIDENCE_RENEW,
            Action.INVITE_USER,
        },
        ("once its first partnership agreement is live", "no partnership agreement in force"),
    ),
    "active": (set(ALL), ""),
    "standards_lapsed": (
        {
            Action.AGREEMENT_DRAFT,
            Action.AGREEMENT_ISSUE,
            Action.EOI_SAVE,
            Action.SURVEY_REQUEST,
            Action.SURVEY_ANSWER,
            Action.EVIDENCE_RENEW,
            Action.INVITE_USER,
        },
        "minimum standards have lapsed",
    ),
    "suspended": ({Action.EVIDENCE_RENEW, Action.INVITE_USER}, "partnership is suspended"),
    "not_renewed": (set(ALL) - {Action.ROLL_FORWARD}, "decided not to renew"),
    "lapsed": (
        {
            Action.AGREEMENT_DRAFT,
            Action.AGREEMENT_ISSUE,
            Action.AGREEMENT_SIGN,
            Action.AGREEMENT_COUNTERSIGN,
            Action.SURVEY_REQUEST,
            Action.SURVEY_ANSWER,
            Action.EVIDENCE_RENEW,
            Action.INVITE_USER,
        },
        "partnership has lapsed",
    ),
    "declined": (set(), "was declined"),
    "terminated": (set(), "terminated"),
}


@pytest.mark.parametrize("standing", list(TABLE))
def test_every_action_in_every_standing(standing):
    partner = build(standing)
    allowed, fragments = TABLE[standing]
    fragments = (fragments,) if isinstance(fragments, str) else fragments
    read = standing_of(partner)
    assert read.standing == {"enquiry": Standing.ONBOARDING, "standards_review": Standing.ONBOARDING}.get(
        standing, standing
    )
    for action in ALL:
        ok, reason = read.may(action, academic_year=YEAR)
        if action in allowed:
            assert ok and reason == "", (standing, action, reason)
        else:
            assert not ok and any(f in reason for f in fragments), (standing, action, reason)
            assert reason.endswith("."), reason  # a sentence a person can act on


def test_not_renewed_bars_only_later_years():
    partner = build("not_renewed")
    read = standing_of(partner)
    for action in NEXT_YEAR_AGREEMENT:
        assert read.may(action, academic_year=YEAR)[0]
        ok, reason = read.may(action, academic_year=YEAR + 1)
        assert not ok and "no agreement for a later year" in reason


def test_many_standings_are_read_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    partners = [build(s) for s in ("active", "standards_lapsed", "not_renewed", "suspended")]
    with django_assert_max_num_queries(4):  # evidence types, evidence items, users, the Chair's decisions
        standings = standings_of(partners)
    assert [standings[p.pk].standing for p in partners] == [
        Standing.ACTIVE,
        Standing.STANDARDS_LAPSED,
        Standing.NOT_RENEWED,
        Standing.SUSPENDED,
    ]


def test_a_renewal_waiting_to_be_checked_keeps_the_standard_until_the_old_copy_runs_out():
    partner = build("active")
    item = EvidenceItem.objects.get(partner=partner, evidence_type__name="Public liability insurance")
    item.status = EvidenceItem.Status.SUBMITTED
    item.previous_in_force_until = timezone.localdate()
    item.save()
    assert standing_of(partner).standing == Standing.ACTIVE
    item.previous_in_force_until = timezone.localdate() - datetime.timedelta(days=1)
    item.save()
    assert "Public liability insurance (waiting to be checked)" in standing_of(partner).gaps


# Onboarding holds to the end.


def test_no_agreement_is_drafted_for_a_partner_at_enquiry(staff, client_for):
    partner = build("enquiry")
    with pytest.raises(ActionRefused, match="an agreement follows the introductory meeting"):
        agreement_draft(partner=partner, academic_year=YEAR, actor=staff)
    response = client_for(staff).post(reverse("agreements:create"), {"partner": partner.pk, "academic_year": YEAR})
    assert response.status_code == 200 and "an agreement follows the introductory meeting" in response.text
    assert not Agreement.objects.filter(partner=partner).exists()


def test_issuing_needs_someone_at_the_partner_who_can_sign(staff, client_for):
    partner = PartnerFactory(status=Stage.AGREEMENT_PENDING)
    draft = AgreementFactory(partner=partner)
    client = client_for(staff)
    client.post(reverse("agreements:issue", kwargs={"pk": draft.pk}))
    page = client.get(reverse("agreements:detail", kwargs={"pk": draft.pk}))
    assert f"Nobody at {partner.name} can sign yet: invite a partner user first." in page.text
    assert reverse("partners:invite_user", kwargs={"pk": partner.pk}) in page.text
    assert Agreement.objects.get(pk=draft.pk).status == Agreement.Status.DRAFT
    partner_user(partner)
    client.post(reverse("agreements:issue", kwargs={"pk": draft.pk}))
    assert Agreement.objects.get(pk=draft.pk).status == Agreement.Status.ISSUED


# Minimum standards stay in force.


def test_a_partner_with_lapsed_standards_cannot_sign_and_the_page_says_what_to_renew(staff, client_for):
    partner = build("active")
    agreement = issue(AgreementFactory(partner=partner, academic_year=YEAR + 1), staff)
    _lapse_one_standard(partner)
    user = partner.users.first()
    page = client_for(user).get(reverse("agreements:portal_detail", kwargs={"pk": agreement.pk}))
    assert "DBS Update Service subscription (expired on" in page.text
    assert reverse("agreements:sign", kwargs={"pk": agreement.pk}) not in page.text
    response = client_for(user).post(
        reverse("agreements:sign", kwargs={"pk": agreement.pk}),
        {"typed_name": "Sam Lee", "role_title": "Director", "confirm": "on"},
    )
    assert "minimum standards have lapsed" in response.text
    assert Agreement.objects.get(pk=agreement.pk).status == Agreement.Status.ISSUED


def test_countersigning_rechecks_the_evidence_at_that_moment(staff, manager):
    partner = build("active")
    agreement = issue(AgreementFactory(partner=partner), staff)
    partner_sign(agreement, partner.users.first())
    _lapse_one_standard(partner)  # it ran out after the partner signed
    with pytest.raises(ActionRefused, match="cannot have its agreement countersigned"):
        countersign(agreement, manager)
    assert Agreement.objects.get(pk=agreement.pk).status == Agreement.Status.PARTNER_SIGNED


def test_the_day_standards_lapse_the_partner_and_the_hub_are_told_what_to_renew(staff, manager):
    partner = build("active")
    user = partner.users.first()
    EvidenceItem.objects.filter(partner=partner, evidence_type__name="DBS Update Service subscription").update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert evidence_expire_due() == 1
    told = Notification.objects.get(recipient=user, kind="partners_standards_lapsed")
    assert "DBS Update Service subscription" in told.body
    assert Notification.objects.filter(recipient=manager, kind="partners_standards_lapsed_staff").exists()
    assert evidence_expire_due() == 0  # once


# Suspension means stop.


def test_a_suspended_partner_is_not_asked_for_termly_returns(staff):
    active = build("active")
    suspended = build("suspended")
    for partner in (active, suspended):
        AgreementFactory(partner=partner, live=True)
    _, created = round_open(
        term=current_term(),
        question_set=small_question_set(),
        deadline=timezone.localdate() + datetime.timedelta(21),
        actor=staff,
    )
    assert {r.partner for r in created} == {active}
    assert not SurveyRequest.objects.filter(partner=suspended).exists()


# The Chair's decision is final in effect.


@pytest.fixture
def live(partner_a, partner_a_user, staff, manager):
    return make_live(AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager)


def test_an_upheld_termination_withdraws_every_open_agreement_and_nothing_can_be_made_again(
    live, partner_a, staff, chair
):
    issued = issue(AgreementFactory(partner=partner_a, academic_year=YEAR + 1), staff)
    rec = recommendation_raise(
        agreement=live, actor=staff, kind="terminate", reasons=[Reason.SAFEGUARDING], evidence="A breach."
    )
    recommendation_decide(recommendation=rec, actor=chair, decision="upheld", reasons="Terminated.")
    issued.refresh_from_db()
    partner_a.refresh_from_db()
    assert issued.status == Agreement.Status.WITHDRAWN and partner_a.status == Stage.TERMINATED
    with pytest.raises(ActionRefused, match="terminated"):
        agreement_draft(partner=partner_a, academic_year=YEAR + 2, actor=staff)


def test_an_upheld_do_not_renew_bars_next_years_agreement(live, partner_a, staff, chair):
    rec = recommendation_raise(
        agreement=live, actor=staff, kind="not_renew", reasons=[Reason.OUTCOMES], evidence="Nothing delivered."
    )
    recommendation_decide(recommendation=rec, actor=chair, decision="upheld", reasons="Not renewed.")
    assert Agreement.objects.get(pk=live.pk).status == Agreement.Status.LIVE
    with pytest.raises(ActionRefused, match="no agreement for a later year"):
        agreement_draft(partner=partner_a, academic_year=YEAR + 1, actor=staff)
    agreements_expire(today=live.year.ends_on + datetime.timedelta(days=1))
    assert Agreement.objects.get(pk=live.pk).status == Agreement.Status.NOT_RENEWED


def test_a_rejected_recommendation_is_raised_again_only_with_new_evidence(live, staff, chair, client_for):
    evidence = "Logos missing from three programmes."
    rec = recommendation_raise(
        agreement=live, actor=staff, kind="terminate", reasons=[Reason.BRANDING], evidence=evidence
    )
    recommendation_decide(recommendation=rec, actor=chair, decision="rejected", reasons="One warning first.")
    with pytest.raises(ActionRefused, match="only with new evidence"):
        recommendation_raise(
            agreement=live, actor=staff, kind="terminate", reasons=[Reason.BRANDING], evidence=evidence
        )
    again = recommendation_raise(
        agreement=live, actor=staff, kind="terminate", reasons=[Reason.BRANDING], evidence=evidence + " And a fourth."
    )
    [case] = chair_queue()
    assert "Raised again: an earlier recommendation was not upheld on" in case.summary
    page = client_for(chair).get(reverse("agreements:chair_recommendation", kwargs={"pk": again.pk}))
    assert "Earlier decisions on this agreement" in page.text and "One warning first." in page.text


# The academic year is whole: roll-forward needs the year's review.


def test_roll_forward_needs_the_annual_review_or_the_service_managers_exception(live, staff, manager, client_for):
    plan = roll_forward_plan(year=live.year)
    assert plan.created == [] and "annual review is not completed" in dict(plan.skipped)[live]
    url = reverse("agreements:review_exception", kwargs={"pk": live.pk})
    assert client_for(staff).post(url, {"reason": "Reviewed in the board meeting."}).status_code == 403
    assert client_for(manager).post(url, {"reason": "Reviewed in the board meeting."}).status_code == 302
    assert roll_forward_plan(year=live.year).created == [live]


def test_roll_forward_after_a_completed_review(live, staff):
    reviewed(live, staff)
    assert roll_forward_plan(year=live.year).created == [live]


def test_required_evidence_types_are_what_the_standing_reads():
    partner = build("active")
    EvidenceType.objects.create(name="A new standard", required=True)
    assert "A new standard (not uploaded)" in standing_of(partner).gaps


def test_an_invitation_not_yet_accepted_is_nobody_who_can_sign():
    partner = PartnerFactory(status=Stage.AGREEMENT_PENDING)
    invitee = partner_user(partner)
    invitee.set_unusable_password()
    invitee.save(update_fields=["password"])
    ok, reason = standing_of(partner).may(Action.AGREEMENT_ISSUE, academic_year=YEAR)
    assert not ok and "Nobody at" in reason
    invitee.set_password("a-long-enough-password-123")
    invitee.save(update_fields=["password"])
    assert standing_of(partner).may(Action.AGREEMENT_ISSUE, academic_year=YEAR)[0]
