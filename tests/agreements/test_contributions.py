"""What agreements add to shared pages: reminders, health, the to-do list, the partner tab."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from agreements.health import agreement_health
from agreements.models import Agreement, AnnualReview
from agreements.reminders import renewal_due, review_due, review_due_on, unsigned
from agreements.services import review_save, sign_url
from agreements.todo import agreements_to_sign
from hubportal.core.academic_years import AcademicYear
from hubportal.core.health import AMBER, RED
from hubportal.messaging.reminders import sweep
from hubportal.models import Reminder
from tests.agreements.factories import AgreementFactory, issue, make_live
from tests.factories import PartnerFactory, partner_user

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def live_2026(partner_a, staff, manager, partner_a_user):
    with time_machine.travel(at(2026, 10, 1, 9), tick=False):
        return make_live(
            AgreementFactory(partner=partner_a, academic_year=2026),
            staff=staff,
            partner_user=partner_a_user,
            manager=manager,
        )


def test_renewal_reminders_60_and_30_days_before_31_august_to_staff(live_2026, staff, partner_b, settings):
    settings.REMINDER_CATCH_UP_DAYS = 0  # the days themselves (missed days: test_reminder_catch_up)
    assert [d.stage for d in renewal_due(datetime.date(2027, 7, 2))] == ["60d-before"]
    assert [d.stage for d in renewal_due(datetime.date(2027, 8, 1))] == ["30d-before"]
    assert renewal_due(datetime.date(2027, 8, 2)) == []
    [due] = renewal_due(datetime.date(2027, 7, 2))
    assert due.obj == live_2026 and staff in due.recipients and due.due_on == datetime.date(2027, 8, 31)
    AgreementFactory(partner=live_2026.partner, academic_year=2027, renewal_of=live_2026)
    assert renewal_due(datetime.date(2027, 7, 2)) == []  # a renewal is drafted


def test_review_reminders_before_1_june_until_a_review_is_completed(live_2026, staff):
    assert review_due_on(AcademicYear(2026)) == datetime.date(2027, 6, 1)
    assert [d.stage for d in review_due(datetime.date(2027, 5, 2))] == ["30d-before"]
    assert [d.stage for d in review_due(datetime.date(2027, 6, 1))] == ["on-the-day"]
    ratings = {o.pk: ("achieved", "") for o in live_2026.outcomes.all()}
    review_save(
        agreement=live_2026,
        actor=staff,
        ratings=ratings,
        complete=True,
        fields={"held_on": datetime.date(2027, 5, 5), "branding": "met", "recommendation": "renew"},
    )
    assert review_due(datetime.date(2027, 6, 1)) == []


def test_unsigned_reminders_7_and_14_days_after_issue_to_the_partner(partner_a, staff, partner_a_user, settings):
    settings.REMINDER_CATCH_UP_DAYS = 0  # the days themselves (missed days: test_reminder_catch_up)
    with time_machine.travel(at(2026, 11, 2, 10), tick=False):
        agreement = issue(AgreementFactory(partner=partner_a), staff)
    assert [d.stage for d in unsigned(datetime.date(2026, 11, 9))] == ["7d-after"]
    [due] = unsigned(datetime.date(2026, 11, 16))
    assert due.stage == "14d-after" and due.recipients == [partner_a_user] and due.obj == agreement
    assert due.url == reverse("agreements:sign", kwargs={"pk": agreement.pk})
    assert unsigned(datetime.date(2026, 11, 10)) == []


def test_the_daily_sweep_sends_each_agreement_reminder_once(partner_a, staff, partner_a_user):
    with time_machine.travel(at(2026, 11, 2, 10), tick=False):
        issue(AgreementFactory(partner=partner_a), staff)
    assert sweep(datetime.date(2026, 11, 9)) == 1
    assert sweep(datetime.date(2026, 11, 9)) == 0
    assert Reminder.objects.get(kind="agreements_unsigned").recipient == partner_a_user


def test_health_off_track_is_amber_not_achieved_red(live_2026, staff, partner_b):
    outcomes = list(live_2026.outcomes.all())
    review_save(
        agreement=live_2026,
        actor=staff,
        complete=True,
        ratings={outcomes[0].pk: ("off_track", ""), outcomes[1].pk: ("not_achieved", "")},
        fields={"held_on": datetime.date(2027, 5, 5), "branding": "met", "recommendation": "renew"},
    )
    reasons = agreement_health([live_2026.partner_id, partner_b.pk], datetime.date(2027, 5, 6))
    levels = sorted(r.level for r in reasons[live_2026.partner_id])
    assert levels == sorted([AMBER, RED])
    assert partner_b.pk not in reasons


def test_health_flags_a_signature_waiting_more_than_14_days(partner_a, staff):
    with time_machine.travel(at(2026, 11, 2, 10), tick=False):
        agreement = issue(AgreementFactory(partner=partner_a), staff)
    assert agreement_health([partner_a.pk], datetime.date(2026, 11, 16)) == {}
    [reason] = agreement_health([partner_a.pk], datetime.date(2026, 11, 17))[partner_a.pk]
    assert reason.level == AMBER and agreement.title in reason.text


def test_a_partner_waiting_for_its_first_agreement_is_not_at_fault(db):
    pending = PartnerFactory(status="agreement_pending")
    assert agreement_health([pending.pk], timezone.localdate()) == {}


def test_health_costs_a_few_queries_for_many_partners(django_assert_max_num_queries, staff, manager):
    partners = [PartnerFactory() for _ in range(4)]
    for partner in partners:
        make_live(AgreementFactory(partner=partner), staff=staff, partner_user=partner_user(partner), manager=manager)
    # Two queries whatever the number of partners: the latest reviews' weak ratings, unsigned agreements.
    with django_assert_max_num_queries(3):
        agreement_health([p.pk for p in partners], timezone.localdate())


def test_the_todo_asks_the_partner_to_sign_within_14_days(partner_a, staff, partner_a_user, client_for):
    with time_machine.travel(at(2026, 11, 2, 10), tick=False):
        agreement = issue(AgreementFactory(partner=partner_a), staff)
    [todo] = agreements_to_sign(partner_a, datetime.date(2026, 11, 3))
    assert todo.url == reverse("agreements:sign", kwargs={"pk": agreement.pk})
    assert todo.due_on == datetime.date(2026, 11, 16) and "Sign your" in todo.text
    assert todo.url in client_for(partner_a_user).get(reverse("portal_home")).text


def test_the_todo_names_a_project_but_not_the_partner_twice(partner_a):
    """A partnership agreement is one a year: "Sign your 2026/27 partnership agreement"
    (its title, "Partnership agreement 2026/27: <the partner>", would say it all again).
    A project agreement says which project, without its title's "Project agreement:"."""
    issued = {"partner": partner_a, "status": Agreement.Status.ISSUED, "issued_at": timezone.now()}
    partnership = AgreementFactory(**issued, title=f"Partnership agreement 2026/27: {partner_a.name}")
    project = AgreementFactory(**issued, project=True, title="Project agreement: SEND ensemble")
    named = AgreementFactory(**issued, project=True, title="Samba in the parks")
    texts = {todo.url: todo.text for todo in agreements_to_sign(partner_a, timezone.localdate())}
    assert texts[sign_url(partnership)] == f"Sign your {partnership.year.label} partnership agreement"
    assert texts[sign_url(project)] == f"Sign your {project.year.label} project agreement: SEND ensemble"
    assert texts[sign_url(named)] == f"Sign your {named.year.label} project agreement: Samba in the parks"


def test_the_partner_tab_lists_the_partners_agreements(partner_a, staff, client_for):
    agreement = AgreementFactory(partner=partner_a, title="The tab's agreement")
    page = client_for(staff).get(reverse("partners:detail", kwargs={"pk": partner_a.pk}), {"tab": "agreements"})
    assert page.status_code == 200
    assert "The tab&#x27;s agreement" in page.text or "The tab's agreement" in page.text
    assert reverse("agreements:detail", kwargs={"pk": agreement.pk}) in page.text


def test_the_partner_tab_is_not_for_assessors(partner_a, assessor):
    from agreements.partner_tabs import agreements_tab

    assert agreements_tab(partner_a, assessor) is None


def test_reviews_record_what_is_prefilled(live_2026):
    from agreements.selectors import review_prefill

    data = review_prefill(live_2026)
    assert "termly survey" in data["surveys_on_time"] and "complaint" in data["complaints"]
    assert AnnualReview.objects.count() == 0 and live_2026.status == Agreement.Status.LIVE
