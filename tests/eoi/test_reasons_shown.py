"""Permissions say why: the reason a page shows for a withheld step is the one
the permission function gives and the service raises (issue 20, item 3)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from eoi import permissions as perms
from eoi import services
from eoi.models import Call, ExpressionOfInterest
from hubportal.core.errors import ActionRefused
from tests.eoi.conftest import move

EOI = ExpressionOfInterest.Status
pytestmark = pytest.mark.django_db


def test_a_permission_answers_allowed_and_why(draft, staff, partner_a_user):
    assert perms.may_save_eoi(partner_a_user, draft) == (True, "")
    assert perms.may_save_eoi(staff, draft) == (
        False,
        "Only the partner's own users can change its expression of interest.",
    )
    assert perms.may_moderate(staff, draft) == (
        False,
        "Scores are moderated while the expression of interest is under assessment.",
    )


def test_the_service_refuses_with_the_same_reason(draft, staff, partner_a_user):
    with pytest.raises(PermissionDenied, match=perms.may_withdraw_eoi(staff, draft)[1]):
        services.eoi_withdraw(eoi=draft, actor=staff, reason="No.")
    with pytest.raises(ActionRefused) as refused:
        services.eoi_moderate(eoi=draft, actor=staff, score=4, note="Read both.")
    assert str(refused.value) == perms.may_moderate(staff, draft)[1]


def test_a_closed_call_is_said_on_the_draft(draft, partner_a_user, client_for):
    Call.objects.filter(pk=draft.call_id).update(status=Call.Status.CLOSED)
    draft.refresh_from_db()
    reason = perms.may_save_eoi(partner_a_user, draft)[1]
    assert reason == "The call has closed, so this draft can no longer be changed or submitted."
    page = client_for(partner_a_user).get(reverse("eoi:eoi_edit", kwargs={"pk": draft.pk}), follow=True)
    assert reason in page.text


def test_a_call_open_already_says_so_to_staff(call, staff, client_for):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.OPEN)
    call.refresh_from_db()
    reason = perms.may_edit_call(staff, call)[1]
    page = client_for(staff).get(reverse("eoi:call_edit", kwargs={"pk": call.pk}), follow=True)
    assert reason and reason in page.text


def test_an_assessor_who_has_declared_is_told_so(draft, assessor, client_for):
    from tests.eoi.factories import AssessorAssignmentFactory

    move(draft, EOI.SUBMITTED)
    assignment = AssessorAssignmentFactory(eoi=draft, assessor=assessor, has_conflict=False)
    reason = perms.may_declare_conflict(assessor, assignment)[1]
    assert reason.startswith("You have already declared")
    with pytest.raises(ActionRefused, match=reason):
        services.conflict_declare(assignment=assignment, actor=assessor, has_conflict=False, details="")
