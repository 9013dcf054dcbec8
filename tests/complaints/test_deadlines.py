"""Deadlines in working days: acknowledge within 5 and respond within 20 by
default, skipping weekends and England and Wales bank holidays; due and
breached ones shown on the list and reminded."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from complaints.models import Complaint
from hubportal.messaging.reminders import collect
from tests.complaints.helpers import advance, raise_from_portal, raise_from_public

LONDON = ZoneInfo("Europe/London")
Status = Complaint.Status


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=LONDON), tick=False)


def test_deadlines_skip_the_weekend_and_easter(partner_a_user):
    # Received Thursday 2 April 2026: Good Friday, the weekend and Easter Monday do not count,
    # nor, for the response, the Early May bank holiday (4 May).
    with at(date(2026, 4, 2)):
        complaint = raise_from_portal(partner_a_user)
    assert complaint.acknowledge_by == date(2026, 4, 13)
    assert complaint.respond_by == date(2026, 5, 5)


def test_the_reference_numbers_the_year(partner_a_user):
    with at(date(2026, 4, 2)):
        first = raise_from_portal(partner_a_user)
        second = raise_from_portal(partner_a_user)
    with at(date(2027, 1, 4)):
        next_year = raise_from_portal(partner_a_user)
    assert (first.reference, second.reference, next_year.reference) == ("C-2026-0001", "C-2026-0002", "C-2027-0001")


def test_the_deadlines_are_the_hubs_terms(partner_a_user, hub_with):
    # Issue 22: the deadlines moved from settings to the Hub record.
    hub_with(complaint_acknowledge_working_days=2, complaint_respond_working_days=10)
    with at(date(2026, 3, 13)):  # a Friday
        complaint = raise_from_portal(partner_a_user)
    assert complaint.acknowledge_by == date(2026, 3, 17)
    assert complaint.respond_by == date(2026, 3, 27)


def test_a_complaint_recorded_by_staff_counts_from_the_day_it_was_received(staff, client_for, partner_a):
    with at(date(2026, 3, 18)):
        response = client_for(staff).post(
            "/staff/complaints/new/",
            {
                "complainant_name": "A Parent",
                "complainant_email": "parent@example.org",
                "received_on": "2026-03-13",
                "category": "quality",
                "about": "partner",
                "partner": partner_a.pk,
                "account": "A letter about cancelled lessons.",
            },
        )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert timezone.localdate(complaint.received_at) == date(2026, 3, 13)
    assert complaint.acknowledge_by == date(2026, 3, 20)


def test_overdue_complaints_are_found_and_shown(manager, partner_a_user, client_for):
    with at(date(2026, 3, 2)):
        late = raise_from_portal(partner_a_user)  # acknowledge by 9 March
        answered = advance(raise_from_portal(partner_a_user), Status.ACKNOWLEDGED, manager=manager)
    with at(date(2026, 3, 5)):
        fresh = raise_from_portal(partner_a_user)  # acknowledge by 12 March
    with at(date(2026, 3, 9)):
        assert list(Complaint.objects.overdue(timezone.localdate())) == []
    with at(date(2026, 3, 10)):
        today = timezone.localdate()
        assert list(Complaint.objects.overdue(today)) == [late]
        page = client_for(manager).get("/staff/complaints/?deadline=overdue")
        assert late.reference in page.text
        assert answered.reference not in page.text and fresh.reference not in page.text
        assert "Acknowledge: overdue since 9 Mar 2026" in page.text
        due = client_for(manager).get("/staff/complaints/?deadline=due")
        assert fresh.reference in due.text and late.reference not in due.text
        fresh = advance(fresh, Status.ACKNOWLEDGED, manager=manager)
    with at(date(2026, 3, 31)):  # respond by 30 March, and 2 April for the fresh one
        overdue = set(Complaint.objects.overdue(timezone.localdate()))
        assert overdue == {late, answered}
        assert fresh not in overdue


def test_a_resolved_complaint_is_never_overdue(manager, partner_a_user):
    with at(date(2026, 3, 2)):
        complaint = advance(raise_from_portal(partner_a_user), Status.RESOLVED, manager=manager)
    with at(date(2026, 6, 1)):
        assert complaint not in Complaint.objects.overdue(timezone.localdate())


@pytest.mark.parametrize(
    "day,stage",
    [(date(2026, 3, 6), "1d-before"), (date(2026, 3, 9), "on-the-day"), (date(2026, 3, 10), "1d-after")],
)
def test_acknowledgement_reminders_go_to_the_service_managers_until_someone_owns_it(
    day, stage, manager, staff, partner_a_user
):
    with at(date(2026, 3, 2)):
        complaint = raise_from_portal(partner_a_user)  # acknowledge by Monday 9 March
    due = [r for r in collect(day) if r.kind == "complaints_acknowledge_due"]
    assert [(r.object_id, r.stage, r.recipient) for r in due] == [(complaint.pk, stage, manager)]


def test_response_reminders_go_to_the_owner(manager, partner_a_user):
    from tests.factories import UserFactory

    other_manager = UserFactory(username="second-manager", role="Service manager")
    with at(date(2026, 3, 2)):
        complaint = advance(raise_from_portal(partner_a_user), Status.INVESTIGATING, manager=manager)
    assert complaint.respond_by == date(2026, 3, 30)
    due = [r for r in collect(date(2026, 3, 30)) if r.kind == "complaints_response_due"]
    assert [(r.object_id, r.stage, r.recipient) for r in due] == [(complaint.pk, "on-the-day", manager)]
    assert other_manager not in [r.recipient for r in due]
    # Once resolved, nothing more is reminded.
    advance(complaint, Status.RESOLVED, manager=manager)
    assert not [r for r in collect(date(2026, 3, 31)) if r.kind.startswith("complaints_")]


def test_no_reminder_goes_out_on_a_weekend(manager, partner_a_user):
    with at(date(2026, 3, 2)):
        raise_from_portal(partner_a_user)  # acknowledge by Monday 9 March
    assert not [r for r in collect(date(2026, 3, 8)) if r.kind.startswith("complaints_")]  # Sunday
    assert not [r for r in collect(date(2026, 3, 7)) if r.kind.startswith("complaints_")]  # Saturday


def test_reminders_are_sent_once_with_their_wording(manager, django_capture_on_commit_callbacks):
    from hubportal.messaging.reminders import send, sweep
    from hubportal.models import Notification, Reminder

    with at(date(2026, 3, 2)):
        complaint, _ = raise_from_public()
    with django_capture_on_commit_callbacks(execute=False):
        sweep(date(2026, 3, 10))
        sweep(date(2026, 3, 10))
    ids = list(Reminder.objects.filter(kind="complaints_acknowledge_due").values_list("pk", flat=True))
    assert len(ids) == 1
    assert send(ids) == 1 and send(ids) == 0
    notice = Notification.objects.get(kind="complaints_acknowledge_due", recipient=manager)
    assert notice.subject == f"Overdue: complaint {complaint.reference} is not acknowledged"
    assert notice.url == f"/staff/complaints/{complaint.pk}/"


def test_the_reminder_finders_cost_one_query_when_nothing_is_due(django_assert_num_queries, db):
    from complaints.reminders import acknowledgements_due, responses_due

    with django_assert_num_queries(2):
        assert list(acknowledgements_due(date(2026, 3, 10))) == []
        assert list(responses_due(date(2026, 3, 10))) == []
