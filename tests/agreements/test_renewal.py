"""Renewal: roll the year forward in one idempotent step; on 31 August what
was not renewed expires and its partner lapses."""

import datetime
import zoneinfo

import pytest
import time_machine

from agreements.models import Agreement, AnnualReview
from agreements.services import agreements_expire, review_save, roll_forward, roll_forward_plan
from agreements.tasks import expire_agreements
from hubportal.core.academic_years import AcademicYear
from hubportal.core.history import history_for
from partners.models import Partner
from tests.agreements.factories import AgreementFactory, make_live, reviewed
from tests.factories import PartnerFactory, partner_user

LONDON = zoneinfo.ZoneInfo("Europe/London")
YEAR = AcademicYear(2026)


@pytest.fixture
def live_for(staff, manager):
    def make(partner=None, year=YEAR, review=True, **kwargs):
        """Live, with its annual review completed unless ``review=False``."""
        partner = partner or PartnerFactory()
        user = partner.users.first() or partner_user(partner)
        agreement = make_live(
            AgreementFactory(partner=partner, academic_year=year.start_year, **kwargs),
            staff=staff,
            partner_user=user,
            manager=manager,
        )
        if review:
            reviewed(agreement, staff)
        return agreement

    return make


def test_roll_forward_drafts_next_year_and_a_second_run_creates_nothing(live_for, staff):
    first, second = live_for(), live_for()
    report = roll_forward(year=YEAR, actor=staff)
    assert {a.renewal_of for a in report.created} == {first, second}
    for draft in report.created:
        assert draft.academic_year == 2027 and draft.status == Agreement.Status.DRAFT
        assert [o.description for o in draft.outcomes.all()] == [o.description for o in draft.renewal_of.outcomes.all()]
        assert draft.basis == draft.partner.partner_type.agreement_template.basis  # today's template wording
    before = Agreement.objects.count()
    again = roll_forward(year=YEAR, actor=staff)
    assert again.created == [] and Agreement.objects.count() == before
    assert {reason for _, reason in again.skipped} == {
        f"{a.partner.name} already has a 2027/28 agreement." for a in (first, second)
    }


def test_roll_forward_skips_with_reasons(live_for, staff, chair):
    from agreements.models import Reason
    from agreements.services import recommendation_raise

    fine = live_for()
    with_chair = live_for()
    recommendation_raise(
        agreement=with_chair, actor=staff, kind="not_renew", reasons=[Reason.OUTCOMES], evidence="Nothing delivered."
    )
    suspended = live_for()
    Partner.objects.filter(pk=suspended.partner_id).update(status=Partner.Stage.SUSPENDED)
    plan = roll_forward_plan(year=YEAR)
    assert plan.created == [fine]
    reasons = dict(plan.skipped)
    assert reasons[Agreement.objects.get(pk=with_chair.pk)] == "The Chair has yet to decide a recommendation to end it."
    assert "is suspended" in reasons[Agreement.objects.get(pk=suspended.pk)]
    assert Agreement.objects.filter(academic_year=2027).count() == 0  # the plan changes nothing


def test_roll_forward_carries_the_conditions_of_renewal(live_for, staff):
    agreement = live_for()
    outcome = agreement.outcomes.first()
    ratings = {o.pk: ("on_track", "") for o in agreement.outcomes.all()}
    review_save(
        agreement=agreement,
        actor=staff,
        fields={
            "held_on": datetime.date(2027, 5, 20),
            "branding": AnnualReview.Compliance.PARTLY_MET,
            "recommendation": AnnualReview.Recommendation.RENEW_WITH_CONDITIONS,
            "conditions": "Use the Arts Council England logo on every programme.",
        },
        ratings=ratings,
        complete=True,
    )
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.LIVE and "logo" in agreement.renewal_conditions
    [draft] = roll_forward(year=YEAR, actor=staff).created
    assert "Conditions of renewal set by the 2026/27 annual review:" in draft.conditions
    assert "Use the Arts Council England logo on every programme." in draft.conditions
    assert outcome.description in [o.description for o in draft.outcomes.all()]


def at(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def test_the_31_august_expiry_moves_exactly_the_unrenewed_agreements(live_for, staff, manager):
    with time_machine.travel(at(2027, 6, 1, 10), tick=False):
        unrenewed = live_for()
        renewed_old = live_for()
        next_year = AgreementFactory(partner=renewed_old.partner, academic_year=2027, renewal_of=renewed_old)
        make_live(next_year, staff=staff, partner_user=renewed_old.partner.users.first(), manager=manager)
        draft_only = live_for()
        AgreementFactory(partner=draft_only.partner, academic_year=2027, renewal_of=draft_only)  # drafted, not signed
        project = AgreementFactory(project=True, academic_year=2026, status=Agreement.Status.LIVE)
    with time_machine.travel(at(2027, 8, 31, 23, 59), tick=False):
        assert expire_agreements.delay().get() == 0  # still 31 August: nothing ends
    with time_machine.travel(at(2027, 9, 1, 0, 5), tick=False):
        expired = agreements_expire()
        assert sorted(a.pk for a in expired) == sorted([unrenewed.pk, draft_only.pk])
        assert agreements_expire() == []  # a second run finds nothing more
    for agreement, status in [
        (unrenewed, Agreement.Status.EXPIRED),
        (draft_only, Agreement.Status.EXPIRED),
        (renewed_old, Agreement.Status.RENEWED),
        (next_year, Agreement.Status.LIVE),
        (project, Agreement.Status.LIVE),
    ]:
        agreement.refresh_from_db()
        assert agreement.status == status
    for agreement, stage in [
        (unrenewed, Partner.Stage.LAPSED),
        (draft_only, Partner.Stage.LAPSED),
        (renewed_old, Partner.Stage.ACTIVE),
    ]:
        agreement.partner.refresh_from_db()
        assert agreement.partner.status == stage


def test_expiry_notifies_the_partner_and_staff(live_for, staff):
    from hubportal.models import Notification

    with time_machine.travel(at(2027, 3, 1, 9), tick=False):
        agreement = live_for()
    with time_machine.travel(at(2027, 9, 1, 0, 5), tick=False):
        agreements_expire()
    user = agreement.partner.users.first()
    assert Notification.objects.get(recipient=user, kind="agreements_expired").url.startswith("/portal/")
    assert Notification.objects.get(recipient=staff, kind="agreements_expired").url.startswith("/staff/")


def test_the_beat_schedule_runs_the_expiry_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["agreements-expire"]
    assert entry["task"] == "agreements.tasks.expire_agreements"
    assert entry["schedule"].hour == {0}


def test_an_agreement_under_review_on_31_august_expires_and_the_expiry_is_in_its_history(live_for, staff):
    # The design's lifecycle: under_review → expired. A review still open on 31 August
    # does not keep the year's agreement in force; the move is the system's, recorded.
    with time_machine.travel(at(2027, 8, 20, 10), tick=False):
        agreement = live_for()
        review_save(agreement=agreement, actor=staff, fields={"held_on": datetime.date(2027, 8, 20)}, ratings={})
        agreement.refresh_from_db()
        assert agreement.status == Agreement.Status.UNDER_REVIEW
    with time_machine.travel(at(2027, 8, 31, 23, 59), tick=False):
        assert agreements_expire() == []
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.UNDER_REVIEW
    with time_machine.travel(at(2027, 9, 1, 0, 5), tick=False):
        assert [a.pk for a in agreements_expire()] == [agreement.pk]
        assert agreements_expire() == []
    agreement.refresh_from_db()
    agreement.partner.refresh_from_db()
    assert agreement.status == Agreement.Status.EXPIRED and agreement.ended_at is not None
    assert agreement.partner.status == Partner.Stage.LAPSED
    [entry] = history_for(agreement).filter(to_state=Agreement.Status.EXPIRED)
    assert entry.from_state == Agreement.Status.UNDER_REVIEW and entry.actor is None
    assert entry.note == "The 2026/27 academic year ended on 31 August 2027 with no renewal in force."
    [lapse] = history_for(agreement.partner).filter(to_state=Partner.Stage.LAPSED)
    assert lapse.from_state == Partner.Stage.ACTIVE and lapse.actor is None
    assert "The 2026/27 agreement expired with no renewal in force." in lapse.note


def test_an_agreement_with_the_chair_on_31_august_expires_and_the_chair_still_decides(live_for, staff, chair):
    # Expiry is not a termination: the recommendation stays with the Chair, and a
    # partnership suspended pending the decision stays suspended (it does not lapse).
    from agreements.models import Reason, TerminationRecommendation
    from agreements.services import recommendation_decide, recommendation_raise

    with time_machine.travel(at(2027, 8, 25, 10), tick=False):
        agreement = live_for()
        rec = recommendation_raise(
            agreement=agreement,
            actor=staff,
            kind=TerminationRecommendation.Kind.TERMINATE,
            reasons=[Reason.SAFEGUARDING],
            evidence="A DSL report.",
            suspend_partner=True,
        )
    with time_machine.travel(at(2027, 9, 1, 0, 5), tick=False):
        assert [a.pk for a in agreements_expire()] == [agreement.pk]
    agreement.refresh_from_db()
    agreement.partner.refresh_from_db()
    rec.refresh_from_db()
    assert agreement.status == Agreement.Status.EXPIRED
    assert agreement.partner.status == Partner.Stage.SUSPENDED
    assert not rec.is_decided
    entry = history_for(agreement).get(to_state=Agreement.Status.EXPIRED)
    assert entry.from_state == Agreement.Status.UNDER_REVIEW and entry.actor is None

    with time_machine.travel(at(2027, 9, 10, 10), tick=False):
        recommendation_decide(recommendation=rec, actor=chair, decision="upheld", reasons="Proven.")
    agreement.refresh_from_db()
    agreement.partner.refresh_from_db()
    assert agreement.status == Agreement.Status.EXPIRED  # it had already ended
    assert agreement.partner.status == Partner.Stage.TERMINATED


def test_the_chair_lifting_a_suspension_after_the_agreement_expired_leaves_the_partner_lapsed(live_for, staff, chair):
    from agreements.models import Reason, TerminationRecommendation
    from agreements.services import recommendation_decide, recommendation_raise

    with time_machine.travel(at(2027, 8, 25, 10), tick=False):
        agreement = live_for()
        rec = recommendation_raise(
            agreement=agreement,
            actor=staff,
            kind=TerminationRecommendation.Kind.TERMINATE,
            reasons=[Reason.SAFEGUARDING],
            evidence="A DSL report.",
            suspend_partner=True,
        )
    with time_machine.travel(at(2027, 9, 1, 0, 5), tick=False):
        agreements_expire()
    with time_machine.travel(at(2027, 9, 10, 10), tick=False):
        recommendation_decide(recommendation=rec, actor=chair, decision="rejected", reasons="Unfounded.")
    agreement.refresh_from_db()
    agreement.partner.refresh_from_db()
    assert agreement.status == Agreement.Status.EXPIRED
    # No agreement is in force, so lifting the suspension leaves the partnership lapsed, not active.
    assert agreement.partner.status == Partner.Stage.LAPSED
