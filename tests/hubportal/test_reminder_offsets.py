"""Reminder offsets are configuration: each kind's days come from the
environment (REMINDER_OFFSETS_<KIND>), with the defaults in settings."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from hubportal.settings import DEFAULT_REMINDER_OFFSETS, reminder_offsets_from
from tests.hubportal.test_settings import PRODUCTION_ENV, run_manage


def test_unset_offsets_are_the_defaults():
    assert reminder_offsets_from({}, DEFAULT_REMINDER_OFFSETS) == DEFAULT_REMINDER_OFFSETS
    assert DEFAULT_REMINDER_OFFSETS["surveys_deadline"] == [14, 3, 0, -1]


def test_one_kinds_offsets_come_from_its_variable_and_none_turns_it_off():
    offsets = reminder_offsets_from(
        {"REMINDER_OFFSETS_SURVEYS_DEADLINE": " 21, 7,0 ,-2 ", "REMINDER_OFFSETS_EOI_CALL_CLOSING": "none"},
        DEFAULT_REMINDER_OFFSETS,
    )
    assert offsets["surveys_deadline"] == [21, 7, 0, -2]
    assert offsets["eoi_call_closing"] == []
    assert offsets["agreements_unsigned"] == [-7, -14]


@pytest.mark.parametrize("raw", ["14,three", "1.5", "3,3", ","])
def test_an_offset_that_is_not_whole_days_stops_the_start_with_the_reason(raw):
    with pytest.raises(ImproperlyConfigured, match=r"REMINDER_OFFSETS_SURVEYS_DEADLINE must be whole numbers of days"):
        reminder_offsets_from({"REMINDER_OFFSETS_SURVEYS_DEADLINE": raw}, DEFAULT_REMINDER_OFFSETS)


def test_the_running_settings_read_the_offsets_from_the_environment():
    shown = "from django.conf import settings; print(settings.REMINDER_OFFSETS['agreements_renewal_due'])"
    configured = {**PRODUCTION_ENV, "REMINDER_OFFSETS_AGREEMENTS_RENEWAL_DUE": "90,45"}
    result = run_manage("shell", "-c", shown, env=configured)
    assert result.stdout.strip().splitlines()[-1] == "[90, 45]", result.stderr
    failed = run_manage("check", env={**PRODUCTION_ENV, "REMINDER_OFFSETS_AGREEMENTS_RENEWAL_DUE": "soon"})
    assert failed.returncode != 0 and "REMINDER_OFFSETS_AGREEMENTS_RENEWAL_DUE must be whole numbers" in failed.stderr


def test_the_sweep_uses_the_configured_offsets(settings, partner_a_user, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from hubportal.models import Reminder
    from hubportal.reminders import sweep
    from tests.hubportal.test_reminder_days import DEADLINE, Cast, evidence

    settings.REMINDER_OFFSETS = {**settings.REMINDER_OFFSETS, "partners_evidence_expiry": [45]}
    evidence(Cast(staff=None, manager=None, partner=partner_a_user.partner, partner_user=partner_a_user), 45)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(DEADLINE - timedelta(days=30)) == 0  # the default day no longer reminds
        assert sweep(DEADLINE - timedelta(days=45)) == 1
    assert Reminder.objects.get().stage.startswith("45d-before")
