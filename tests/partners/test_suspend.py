"""partner_suspend and partner_reinstate: the contract the complaints app relies on."""

import pytest
from django.core.exceptions import PermissionDenied

from hubportal.core.errors import ActionRefused
from hubportal.core.history import history_for
from hubportal.models import Notification
from partners.models import Partner
from partners.services import partner_reinstate, partner_suspend


def test_staff_suspend_an_active_partner_with_the_reason_recorded_and_everyone_told(
    partner_a, partner_a_user, staff, manager
):
    partner = partner_suspend(partner=partner_a, actor=manager, reason="Safeguarding concern raised on 3 March.")
    partner_a.refresh_from_db()
    assert partner_a.status == Partner.Stage.SUSPENDED == partner.status
    assert partner_a.status_reason == "Safeguarding concern raised on 3 March."
    [entry] = history_for(partner_a)
    assert (entry.from_state, entry.to_state, entry.actor, entry.note) == (
        "active",
        "suspended",
        manager,
        "Safeguarding concern raised on 3 March.",
    )
    kinds = set(Notification.objects.values_list("recipient__username", "kind"))
    assert ("partner-a-user", "partners_suspended") in kinds
    assert ("staff-user", "partners_suspended_staff") in kinds
    assert ("manager-user", "partners_suspended_staff") in kinds


@pytest.mark.parametrize("who", ["assessor", "chair", "partner_a_user"])
def test_other_roles_may_not_suspend(who, request, partner_a):
    with pytest.raises(PermissionDenied):
        partner_suspend(partner=partner_a, actor=request.getfixturevalue(who), reason="Concern")
    partner_a.refresh_from_db()
    assert partner_a.status == Partner.Stage.ACTIVE and not history_for(partner_a).exists()


@pytest.mark.parametrize("stage", [s for s in Partner.Stage.values if s != "active"])
def test_only_an_active_partner_can_be_suspended(stage, partner_a, staff):
    Partner.objects.filter(pk=partner_a.pk).update(status=stage)
    with pytest.raises(ActionRefused, match="only an active partnership can be suspended"):
        partner_suspend(partner=partner_a, actor=staff, reason="Concern")
    partner_a.refresh_from_db()
    assert partner_a.status == stage and not history_for(partner_a).exists()


def test_a_suspension_needs_a_reason(partner_a, staff):
    with pytest.raises(ActionRefused, match="Give the reason"):
        partner_suspend(partner=partner_a, actor=staff, reason="   ")
    partner_a.refresh_from_db()
    assert partner_a.status == Partner.Stage.ACTIVE


def test_the_service_manager_lifts_a_suspension(partner_a, partner_a_user, staff, manager):
    partner_suspend(partner=partner_a, actor=staff, reason="Concern")
    with pytest.raises(PermissionDenied, match="Only the Service Manager"):
        partner_reinstate(partner=partner_a, actor=staff, note="Investigation found no breach.")
    partner = partner_reinstate(partner=partner_a, actor=manager, note="Investigation found no breach.")
    assert partner.status == Partner.Stage.ACTIVE
    assert history_for(partner_a).last().note == "Investigation found no breach."
    assert Notification.objects.filter(recipient=partner_a_user, kind="partners_reinstated").exists()


def test_reinstating_needs_a_suspended_partner_and_a_note(partner_a, staff, manager, assessor):
    with pytest.raises(ActionRefused, match="only a suspended partnership"):
        partner_reinstate(partner=partner_a, actor=manager, note="ok")
    partner_suspend(partner=partner_a, actor=staff, reason="Concern")
    with pytest.raises(ActionRefused, match="Say why"):
        partner_reinstate(partner=partner_a, actor=manager, note="")
    with pytest.raises(PermissionDenied):
        partner_reinstate(partner=partner_a, actor=assessor, note="ok")
    partner_a.refresh_from_db()
    assert partner_a.status == Partner.Stage.SUSPENDED
