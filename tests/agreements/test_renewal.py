"""Renewal: roll the year forward in one idempotent step; on 31 August what
was not renewed expires and its partner lapses."""

import datetime
import zoneinfo

import pytest
import time_machine

from agreements.models import Agreement, AnnualReview
from agreements.services import agreements_expire, review_save, roll_forward, roll_forward_plan
from agreements.tasks import expire_agreements
from hubportal.academic_years import AcademicYear
from partners.models import Partner
from tests.agreements.factories import AgreementFactory, make_live
from tests.factories import PartnerFactory, partner_user

LONDON = zoneinfo.ZoneInfo("Europe/London")
YEAR = AcademicYear(2026)


@pytest.fixture
def live_for(staff, manager):
    def make(partner=None, year=YEAR, **kwargs):
        partner = partner or PartnerFactory()
        user = partner.users.first() or partner_user(partner)
        return make_live(
            AgreementFactory(partner=partner, academic_year=year.start_year, **kwargs),
            staff=staff,
            partner_user=user,
            manager=manager,
        )

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
