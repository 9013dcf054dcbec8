"""Permissions say why: the reason a page shows for a withheld step is the one
the permission function gives and the service raises (issue 20, item 3)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from agreements import permissions
from agreements.services import agreement_countersign, agreement_issue, agreement_sign
from hubportal.core.errors import ActionRefused
from tests.agreements.factories import AgreementFactory, issue, partner_sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(partner_a):
    return AgreementFactory(partner=partner_a)


def test_a_permission_answers_allowed_and_why(draft, staff, partner_a_user):
    assert permissions.may_edit(staff, draft) == (True, "")
    assert permissions.may_edit(partner_a_user, draft) == (False, "Only Hub staff edit agreements.")
    allowed, reason = permissions.may_sign(partner_a_user, draft)
    assert not allowed and reason == "This agreement is draft. It is not waiting for your signature."


def test_the_service_refuses_with_the_same_reason(draft, staff, partner_a_user, manager):
    _, who = permissions.may_issue(partner_a_user, draft)
    with pytest.raises(PermissionDenied, match=who):
        agreement_issue(agreement=draft, actor=partner_a_user)
    with pytest.raises(ActionRefused) as refused:
        agreement_sign(agreement=draft, actor=partner_a_user, typed_name="Priya Shah", role_title="Director")
    assert str(refused.value) == permissions.may_sign(partner_a_user, draft)[1]
    with pytest.raises(PermissionDenied, match=permissions.may_countersign(staff, draft)[1]):
        agreement_countersign(agreement=draft, actor=staff, typed_name="A", role_title="B")


def test_the_sign_page_says_why_not_now(draft, partner_a_user, client_for):
    reason = permissions.may_sign(partner_a_user, draft)[1]
    page = client_for(partner_a_user).get(reverse("agreements:sign", kwargs={"pk": draft.pk}), follow=True)
    assert reason in page.text


def test_staff_who_may_not_countersign_are_told_who_does(draft, staff, partner_a_user, client_for):
    issue(draft, staff)
    partner_sign(draft, partner_a_user)
    draft.refresh_from_db()
    reason = permissions.may_countersign(staff, draft)[1]
    assert reason == "Only the Service Manager signs agreements for the Hub."
    page = client_for(staff).get(reverse("agreements:detail", kwargs={"pk": draft.pk}))
    assert reason in page.text
    assert "Countersign for the Hub" not in page.text
