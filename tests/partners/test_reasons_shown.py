"""Permissions say why: the reason a page shows for a withheld step is the one
the permission function gives and the service raises (issue 20, item 3)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hubportal.core.errors import ActionRefused
from partners import permissions, services
from partners.models import Partner

pytestmark = pytest.mark.django_db


def test_a_permission_answers_allowed_and_why(partner_a, staff, manager, partner_a_user):
    assert partner_a.status == Partner.Stage.ACTIVE
    assert permissions.may_suspend(staff, partner_a) == (True, "")
    assert permissions.may_reinstate(staff, partner_a) == (False, "Only the Service Manager can lift a suspension.")
    allowed, reason = permissions.may_reinstate(manager, partner_a)
    assert not allowed and reason.endswith("only a suspended partnership can be reinstated.")
    assert permissions.may_suspend(partner_a_user, partner_a)[0] is False


def test_the_service_refuses_with_the_same_reason(partner_a, staff, manager):
    with pytest.raises(PermissionDenied, match=permissions.may_reinstate(staff, partner_a)[1]):
        services.partner_reinstate(partner=partner_a, actor=staff, note="Resolved.")
    with pytest.raises(ActionRefused) as refused:
        services.partner_reinstate(partner=partner_a, actor=manager, note="Resolved.")
    assert str(refused.value) == permissions.may_reinstate(manager, partner_a)[1]


def test_the_reinstate_page_says_why_not_now(partner_a, manager, client_for):
    reason = permissions.may_reinstate(manager, partner_a)[1]
    page = client_for(manager).get(reverse("partners:reinstate", kwargs={"pk": partner_a.pk}))
    assert reason in page.text
