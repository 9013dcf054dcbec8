"""What commissioning adds across the product: the call-closing reminder, the
partner's to-do list, the EOIs tab on a partner's page, and the wording of
every notification."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from eoi.models import Call, ExpressionOfInterest
from eoi.partner_tabs import eois_tab
from eoi.reminders import calls_closing
from eoi.todo import draft_eois
from hubportal.core.todo import todos_for
from hubportal.messaging import reminders
from hubportal.messaging.notifications import render_kind
from hubportal.models import Notification, Reminder
from tests.eoi.conftest import move
from tests.eoi.factories import CallFactory, ExpressionOfInterestFactory
from tests.factories import partner_user


def closing_on(day: datetime.date, hour=17) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def test_partners_with_a_draft_are_reminded_three_days_before_the_call_closes(partner_a_user, partner_b_user):
    today = datetime.date(2027, 3, 1)
    call = CallFactory(closes_at=closing_on(today + datetime.timedelta(days=3)))
    ExpressionOfInterestFactory(call=call, partner=partner_a_user.partner)  # a draft: reminded
    submitted = ExpressionOfInterestFactory(call=call, partner=partner_b_user.partner)
    move(submitted, ExpressionOfInterest.Status.SUBMITTED)  # already in: not reminded
    later = CallFactory(closes_at=closing_on(today + datetime.timedelta(days=4)))
    ExpressionOfInterestFactory(call=later, partner=partner_b_user.partner)  # not yet due

    [due] = calls_closing(today)
    assert due.stage == "3d-before" and due.due_on == today + datetime.timedelta(days=3)
    assert due.recipients == [partner_a_user]
    assert due.url == reverse("eoi:eoi_edit", args=[due.obj.pk])
    assert calls_closing(today - datetime.timedelta(days=1)) == []


def test_the_daily_sweep_sends_the_reminder_once(partner_a_user, django_capture_on_commit_callbacks):
    today = datetime.date(2027, 3, 1)
    call = CallFactory(closes_at=closing_on(today + datetime.timedelta(days=3)))
    ExpressionOfInterestFactory(call=call, partner=partner_a_user.partner, title="Rural brass")
    with django_capture_on_commit_callbacks(execute=True):
        reminders.sweep(today)
    with django_capture_on_commit_callbacks(execute=True):
        reminders.sweep(today)
    assert Reminder.objects.filter(kind="eoi_call_closing").count() == 1
    note = Notification.objects.get(kind="eoi_call_closing")
    assert "Rural brass" in note.body and call.title in note.body


def test_the_reminder_finder_costs_the_same_few_queries_for_many_drafts(django_assert_max_num_queries, partner_a):
    today = datetime.date(2027, 3, 1)
    call = CallFactory(closes_at=closing_on(today + datetime.timedelta(days=3)))
    for _ in range(8):
        partner_user(ExpressionOfInterestFactory(call=call).partner)
    with django_assert_max_num_queries(2):
        assert len(calls_closing(today)) == 8


def test_a_draft_on_an_open_call_is_on_the_partners_to_do_list_due_at_the_close(partner_a):
    closes = timezone.now() + datetime.timedelta(days=10)
    call = CallFactory(closes_at=closes, title="Early years singing")
    eoi = ExpressionOfInterestFactory(call=call, partner=partner_a)
    [todo] = [t for t in todos_for(partner_a) if t.kind == "eoi"]
    assert "Early years singing" in todo.text
    assert todo.due_on == timezone.localdate(closes) and todo.url == reverse("eoi:eoi_edit", args=[eoi.pk])
    move(eoi, ExpressionOfInterest.Status.SUBMITTED)
    assert draft_eois(partner_a, timezone.localdate()) == []


def test_a_draft_on_a_call_past_its_close_time_is_not_a_to_do(partner_a):
    call = CallFactory()
    ExpressionOfInterestFactory(call=call, partner=partner_a)
    with time_machine.travel(call.closes_at + datetime.timedelta(minutes=1)):
        assert draft_eois(partner_a, timezone.localdate()) == []
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED)
    assert draft_eois(partner_a, timezone.localdate()) == []


def test_the_eois_tab_is_for_staff_only(staff, assessor, partner_a, partner_a_user, django_assert_max_num_queries):
    ExpressionOfInterestFactory(partner=partner_a, title="Tab one")
    ExpressionOfInterestFactory(partner=partner_a, title="Tab two")
    assert eois_tab(partner_a, assessor) is None
    assert eois_tab(partner_a, partner_a_user) is None
    with django_assert_max_num_queries(2):
        tab = eois_tab(partner_a, staff)
    assert tab.count == 2 and {e.title for e in tab.context["eois"]} == {"Tab one", "Tab two"}
    from django.template.loader import render_to_string

    html = render_to_string(tab.template, {**tab.context, "partner": partner_a})
    assert "Tab one" in html and "<caption>" in html


@pytest.mark.parametrize(
    "kind",
    [
        "eoi_call_opened",
        "eoi_submitted",
        "eoi_assessor_assigned",
        "eoi_successful",
        "eoi_unsuccessful",
        "eoi_awarded",
        "eoi_call_closing",
    ],
)
def test_every_notification_renders_with_a_subject_and_the_figures(kind, partner_a_user, draft):
    from eoi.models import Award, ProcurementBand

    draft.feedback = "Partner with a school next time."
    award = Award(eoi=draft, amount=draft.hub_grant_requested, procurement_band=ProcurementBand(name="Band"))
    subject, body = render_kind(
        kind,
        {
            "call": draft.call,
            "eoi": draft,
            "award": award,
            "obj": draft,
            "due_on": timezone.localdate(draft.call.closes_at),
            "recipient": partner_a_user,
        },
    )
    assert subject and "\n" not in subject
    assert partner_a_user.first_name in body
    assert "{{" not in body and "None" not in body
    if kind in {"eoi_submitted", "eoi_awarded"}:
        assert "£5,000.00" in body
    if kind == "eoi_unsuccessful":
        assert "Partner with a school next time." in body
