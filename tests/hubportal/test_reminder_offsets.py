"""Reminder offsets are the Hub's terms: each kind's days come from the Hub
record (hubportal.models.Hub.reminder_offsets), else the defaults in settings.
Issue 22 moved them from REMINDER_OFFSETS_<KIND> environment variables to the
record, so an admin changes them without a redeploy."""

import pytest
from django.core.exceptions import ValidationError

from hubportal.core.hub import reminder_offsets
from hubportal.models import Hub, check_reminder_offsets
from hubportal.settings import DEFAULT_REMINDER_OFFSETS


def test_unset_offsets_are_the_defaults(db):
    assert reminder_offsets("surveys_deadline") == DEFAULT_REMINDER_OFFSETS["surveys_deadline"] == [14, 3, 0, -1]


def test_one_kinds_offsets_come_from_the_hub_record_and_an_empty_list_turns_it_off(hub_with):
    hub_with(reminder_offsets={"surveys_deadline": [21, 7, 0, -2], "eoi_call_closing": []})
    assert reminder_offsets("surveys_deadline") == [21, 7, 0, -2]
    assert reminder_offsets("eoi_call_closing") == []
    assert reminder_offsets("agreements_unsigned") == [-7, -14]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"surveys_deadline": [14, "three"]}, "whole numbers of days"),
        ({"surveys_deadline": [1.5]}, "whole numbers of days"),
        ({"surveys_deadline": [3, 3]}, "each day may appear once"),
        ({"surveys_deadline": 14}, "whole numbers of days"),
        ({"no_such_kind": [1]}, "is not a kind of reminder"),
        ([14, 3], "Give the changes as"),
    ],
)
def test_offsets_that_are_not_whole_days_are_refused_with_the_reason(db, value, reason):
    assert reason in check_reminder_offsets(value)
    hub = Hub.objects.get(pk=1)
    hub.reminder_offsets = value
    with pytest.raises(ValidationError, match=reason):
        hub.full_clean()


def test_the_sweep_uses_the_hubs_offsets(hub_with, partner_a_user, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from hubportal.messaging.reminders import sweep
    from hubportal.models import Reminder
    from tests.hubportal.test_reminder_days import DEADLINE, Cast, evidence

    hub_with(reminder_offsets={"partners_evidence_expiry": [45]})
    evidence(Cast(staff=None, manager=None, partner=partner_a_user.partner, partner_user=partner_a_user), 45)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(DEADLINE - timedelta(days=30)) == 0  # the default day no longer reminds
        assert sweep(DEADLINE - timedelta(days=45)) == 1
    assert Reminder.objects.get().stage.startswith("45d-before")
