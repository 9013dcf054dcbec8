"""The complainant may escalate up to and including the last day of the window
(20 working days from the resolution by default); the day after it is refused,
and the daily task closes the complaint."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints.models import Complaint
from complaints.services import complaint_escalate
from complaints.tasks import close_unescalated_complaints
from hubportal.core.errors import ActionRefused
from hubportal.core.history import history_for
from hubportal.models import Notification, OutboundEmail
from tests.complaints.helpers import advance, raise_from_portal, raise_from_public

LONDON = ZoneInfo("Europe/London")
Status = Complaint.Status


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=LONDON), tick=False)


@pytest.fixture
def resolved(manager, partner_a_user):
    """Resolved on Wednesday 1 April 2026, the day before Easter: the window
    crosses Good Friday, the weekend and Easter Monday."""
    with at(date(2026, 4, 1)):
        return advance(raise_from_portal(partner_a_user), Status.RESOLVED, manager=manager)


def test_the_window_is_counted_in_working_days(resolved):
    # 20 working days from 1 April 2026, skipping 3 and 6 April (bank holidays) and weekends.
    assert resolved.escalate_by == date(2026, 5, 1)


def test_escalation_is_allowed_the_day_before_the_window_ends(resolved, partner_a_user):
    with at(date(2026, 4, 30)):
        complaint_escalate(complaint=resolved, actor=partner_a_user, reasons="Nothing changed.")
    resolved.refresh_from_db()
    assert resolved.status == Status.ESCALATED


def test_escalation_is_allowed_on_the_last_day_until_midnight(resolved, partner_a_user):
    with at(date(2026, 5, 1), hour=23):
        complaint_escalate(complaint=resolved, actor=partner_a_user, reasons="Nothing changed.")
    resolved.refresh_from_db()
    assert resolved.status == Status.ESCALATED


def test_escalation_is_refused_the_day_after_the_window(resolved, partner_a_user):
    with at(date(2026, 5, 2)), pytest.raises(ActionRefused, match="ended on 1 May 2026"):
        complaint_escalate(complaint=resolved, actor=partner_a_user, reasons="Nothing changed.")
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED and resolved.escalation_reasons == ""


def test_the_escalate_button_shows_only_within_the_window(resolved, partner_a_user, client_for):
    # Signed in afresh on each day: a session lasts 30 idle minutes.
    url = f"/portal/complaints/{resolved.pk}/"
    with at(date(2026, 5, 1)):
        assert "Escalate to the Chair" in client_for(partner_a_user).get(url).text
    with at(date(2026, 5, 2)):
        client = client_for(partner_a_user)
        assert "Escalate to the Chair" not in client.get(url).text
        response = client.post(f"/portal/complaints/{resolved.pk}/escalate/", {"reasons": "Too late?"}, follow=True)
        assert "The time to escalate this complaint ended on 1 May 2026" in response.text
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED


def test_the_daily_task_leaves_a_complaint_in_its_window(resolved):
    with at(date(2026, 5, 1), hour=23):
        assert close_unescalated_complaints() == 0
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED


def test_the_daily_task_closes_it_after_the_window_once(resolved, partner_a_user):
    with at(date(2026, 5, 2), hour=0):
        assert close_unescalated_complaints() == 1
        assert close_unescalated_complaints() == 0  # safe to run twice
    resolved.refresh_from_db()
    assert resolved.status == Status.CLOSED and resolved.closed_at is not None
    entry = history_for(resolved).last()
    assert entry.to_state == Status.CLOSED and entry.actor is None and "1 May 2026" in entry.note
    assert Notification.objects.filter(recipient=partner_a_user, kind="complaints_window_ended").count() == 1


def test_a_complaint_escalated_on_the_last_day_is_not_closed(resolved, partner_a_user):
    with at(date(2026, 5, 1)):
        complaint_escalate(complaint=resolved, actor=partner_a_user, reasons="Nothing changed.")
    with at(date(2026, 5, 5)):
        assert close_unescalated_complaints() == 0
    resolved.refresh_from_db()
    assert resolved.status == Status.ESCALATED


def test_the_public_complainant_is_emailed_when_it_closes_itself(manager):
    with at(date(2026, 4, 1)):
        complaint, _ = raise_from_public()
        complaint = advance(complaint, Status.RESOLVED, manager=manager)
    with at(date(2026, 5, 4)):
        close_unescalated_complaints()
    assert OutboundEmail.objects.filter(to="jo.public@example.org", kind="complaints_window_ended").exists()


def test_the_window_is_the_hubs_term(manager, partner_a_user, hub_with):
    # Issue 22: the window moved from settings to the Hub record.
    hub_with(complaint_escalation_working_days=3)
    with at(date(2026, 4, 1)):
        complaint = advance(raise_from_portal(partner_a_user), Status.RESOLVED, manager=manager)
    assert complaint.escalate_by == date(2026, 4, 8)  # Thursday 2, Tuesday 7, Wednesday 8


def test_the_beat_schedule_runs_the_task_daily():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["complaints-close-unescalated"]
    assert entry["task"] == "complaints.tasks.close_unescalated_complaints"
    assert close_unescalated_complaints.name == entry["task"]
