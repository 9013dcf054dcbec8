"""Permissions say why: the reason a page shows for a withheld step is the one
the permission function gives and the service raises (issue 20, item 3)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hubportal.core.errors import ActionRefused
from surveys import permissions, services

pytestmark = pytest.mark.django_db


def test_a_permission_answers_allowed_and_why(request_a, staff, partner_a_user, partner_b_user):
    assert permissions.may_fill(partner_a_user, request_a) == (True, "")
    assert permissions.may_fill(partner_b_user, request_a) == (
        False,
        "Only the partner's own users can answer its survey.",
    )
    allowed, reason = permissions.may_review(staff, request_a, "accepted")
    assert not allowed and reason.endswith("so it cannot be accepted. Only a submitted survey can be accepted.")


def test_the_service_refuses_with_the_same_reason(request_a, staff, partner_a_user):
    with pytest.raises(PermissionDenied, match=permissions.may_review(partner_a_user, request_a)[1]):
        services.request_accept(survey_request=request_a, actor=partner_a_user)
    with pytest.raises(ActionRefused) as refused:
        services.request_accept(survey_request=request_a, actor=staff)
    assert str(refused.value) == permissions.may_review(staff, request_a, "accepted")[1]


def test_the_page_says_the_same_reason(request_a, staff, client_for):
    reason = permissions.may_review(staff, request_a, "accepted")[1]
    page = client_for(staff).post(reverse("surveys:request_accept", args=[request_a.pk]), follow=True)
    assert reason in page.text
