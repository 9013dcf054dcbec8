"""The stage moves after the meeting: the standards review and its guard, and
declining."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hubportal.core.errors import ActionRefused
from hubportal.core.history import history_for
from hubportal.models import Notification
from partners.models import EvidenceItem, EvidenceType, Meeting, Partner, PartnerType
from partners.services import (
    evidence_gaps,
    partner_complete_standards_review,
    partner_decline,
    partner_start_standards_review,
)
from tests.factories import PartnerFactory, partner_user
from tests.partners.factories import MeetingFactory
from tests.partners.helpers import all_verified, at_stage, with_contact

Stage = Partner.Stage
Status = EvidenceItem.Status


def after_meeting(partner, outcome="proceed"):
    at_stage(partner, Stage.MEETING_HELD)
    return MeetingFactory(
        partner=partner,
        starts_at=timezone.now() - timedelta(days=1),
        outcome=outcome,
        recorded_at=timezone.now(),
        proposed_partner_type=partner.partner_type,
    )


def test_after_proceed_staff_start_the_standards_review_and_every_standard_is_opened(
    partner_a, partner_a_user, staff, evidence_types
):
    after_meeting(partner_a)
    partner = partner_start_standards_review(partner=partner_a, actor=staff)
    assert partner.status == Stage.STANDARDS_REVIEW
    assert partner_a.evidence.count() == len(evidence_types) == 10
    assert set(partner_a.evidence.values_list("status", flat=True)) == {Status.MISSING}
    assert Notification.objects.filter(recipient=partner_a_user, kind="partners_standards_review").exists()


@pytest.mark.parametrize("outcome", ["not_proceed", "more_information"])
def test_the_review_needs_a_meeting_that_said_proceed(partner_a, staff, outcome):
    after_meeting(partner_a, outcome)
    with pytest.raises(ActionRefused, match="follows a meeting whose outcome is “proceed”"):
        partner_start_standards_review(partner=partner_a, actor=staff)
    partner_a.refresh_from_db()
    assert partner_a.status == Stage.MEETING_HELD and not partner_a.evidence.exists()


def test_the_review_needs_a_partner_type(staff):
    partner = PartnerFactory(partner_type=None)
    after_meeting(partner)
    with pytest.raises(ActionRefused, match="Choose the partner's type"):
        partner_start_standards_review(partner=partner, actor=staff)


@pytest.mark.parametrize("stage", [Stage.ENQUIRY, Stage.MEETING_SCHEDULED, Stage.STANDARDS_REVIEW, Stage.ACTIVE])
def test_the_review_starts_only_from_meeting_held(partner_a, staff, stage):
    at_stage(partner_a, stage)
    with pytest.raises(ActionRefused, match="you cannot start the standards review"):
        partner_start_standards_review(partner=partner_a, actor=staff)
    partner_a.refresh_from_db()
    assert partner_a.status == stage


@pytest.mark.parametrize("who", ["assessor", "chair", "partner_a_user"])
def test_only_hub_staff_start_the_review(partner_a, who, request):
    after_meeting(partner_a)
    with pytest.raises(PermissionDenied):
        partner_start_standards_review(partner=partner_a, actor=request.getfixturevalue(who))


@pytest.fixture
def in_review(partner_a, evidence_types):
    at_stage(partner_a, Stage.STANDARDS_REVIEW)
    return partner_a


def test_with_every_standard_verified_and_in_date_the_partner_moves_to_agreement_pending(
    in_review, staff, partner_a_user
):
    all_verified(in_review)
    partner = partner_complete_standards_review(partner=in_review, actor=staff)
    assert partner.status == Stage.AGREEMENT_PENDING
    assert history_for(in_review).last().to_state == Stage.AGREEMENT_PENDING
    note = Notification.objects.get(recipient=partner_a_user, kind="partners_standards_met")
    assert "partnership agreement to sign" in note.body


def test_a_type_that_needs_no_agreement_goes_straight_to_active(in_review, staff, partner_a_user):
    in_review.partner_type = PartnerType.objects.get(name="School")
    in_review.save()
    assert not in_review.partner_type.agreement_required
    all_verified(in_review)
    assert partner_complete_standards_review(partner=in_review, actor=staff).status == Stage.ACTIVE
    assert "now active" in Notification.objects.get(recipient=partner_a_user, kind="partners_standards_met").body


@pytest.mark.parametrize("status", [Status.MISSING, Status.SUBMITTED, Status.REJECTED, Status.EXPIRED])
def test_the_guard_refuses_while_any_required_standard_is_not_verified(in_review, staff, status):
    items = all_verified(in_review)
    EvidenceItem.objects.filter(pk=items[3].pk).update(status=status)
    with pytest.raises(ActionRefused, match=f"Still needed: {items[3].evidence_type.name}"):
        partner_complete_standards_review(partner=in_review, actor=staff)
    in_review.refresh_from_db()
    assert in_review.status == Stage.STANDARDS_REVIEW and not history_for(in_review).exists()


def test_the_guard_refuses_a_standard_never_uploaded(in_review, staff):
    items = all_verified(in_review)
    items[0].delete()
    with pytest.raises(ActionRefused, match="not uploaded"):
        partner_complete_standards_review(partner=in_review, actor=staff)


def test_the_guard_refuses_verified_evidence_past_its_expiry_date(in_review, staff):
    """Before the nightly task marks it expired, a verified item past its date still fails the guard."""
    items = all_verified(in_review)
    expiry = timezone.localdate() + timedelta(days=10)
    EvidenceItem.objects.filter(pk=items[6].pk).update(expires_on=expiry)
    with time_machine.travel(expiry + timedelta(days=1)), pytest.raises(ActionRefused, match=r"expired on"):
        partner_complete_standards_review(partner=in_review, actor=staff)
    with time_machine.travel(expiry):  # the last day it is in date
        assert partner_complete_standards_review(partner=in_review, actor=staff).status == Stage.AGREEMENT_PENDING


def test_an_optional_standard_does_not_hold_the_partner_back(in_review, staff):
    items = all_verified(in_review)
    EvidenceType.objects.filter(pk=items[9].evidence_type_id).update(required=False)
    EvidenceItem.objects.filter(pk=items[9].pk).update(status=Status.MISSING)
    assert partner_complete_standards_review(partner=in_review, actor=staff).status == Stage.AGREEMENT_PENDING


def test_a_retired_evidence_type_is_not_asked_for(in_review, staff):
    items = all_verified(in_review)
    EvidenceType.objects.filter(pk=items[9].evidence_type_id).update(is_active=False)
    items[9].delete()
    assert evidence_gaps(in_review) == []


@pytest.mark.parametrize("stage", [Stage.MEETING_HELD, Stage.AGREEMENT_PENDING, Stage.ACTIVE])
def test_completing_the_review_needs_the_review_stage(partner_a, staff, stage):
    at_stage(partner_a, stage)
    all_verified(partner_a)
    with pytest.raises(ActionRefused, match="you cannot complete the standards review"):
        partner_complete_standards_review(partner=partner_a, actor=staff)


def test_only_hub_staff_complete_the_review(in_review, assessor):
    all_verified(in_review)
    with pytest.raises(PermissionDenied):
        partner_complete_standards_review(partner=in_review, actor=assessor)


@pytest.mark.parametrize("stage", sorted(Partner.BEFORE_ACTIVE))
def test_staff_decline_before_active_with_a_reason_sent_to_the_contact(
    stage, staff, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(status=stage)
    with_contact(partner, email="contact@example.org")
    user = partner_user(partner, username="their-user")
    with django_capture_on_commit_callbacks(execute=True):
        partner_decline(partner=partner, actor=staff, reason="Outside the Hub area.")
    partner.refresh_from_db()
    assert partner.status == Stage.DECLINED and partner.status_reason == "Outside the Hub area."
    assert history_for(partner).last().note == "Outside the Hub area."
    [to_contact] = [m for m in mail.outbox if m.to == ["contact@example.org"]]
    assert "Outside the Hub area." in to_contact.body
    assert Notification.objects.filter(recipient=user, kind="partners_declined").exists()


@pytest.mark.parametrize("stage", [Stage.ACTIVE, Stage.SUSPENDED, Stage.DECLINED, Stage.TERMINATED, Stage.LAPSED])
def test_declining_is_refused_once_active_or_ended(partner_a, staff, stage):
    at_stage(partner_a, stage)
    with pytest.raises(ActionRefused, match="only a partner still in onboarding can be declined"):
        partner_decline(partner=partner_a, actor=staff, reason="No")
    partner_a.refresh_from_db()
    assert partner_a.status == stage


def test_declining_needs_a_reason_and_hub_staff(partner_a, staff, chair):
    at_stage(partner_a, Stage.ENQUIRY)
    with pytest.raises(ActionRefused, match="Give the reason"):
        partner_decline(partner=partner_a, actor=staff, reason="")
    with pytest.raises(PermissionDenied):
        partner_decline(partner=partner_a, actor=chair, reason="No")
    partner_a.refresh_from_db()
    assert partner_a.status == Stage.ENQUIRY


def test_meeting_outcome_is_read_from_the_latest_recorded_meeting(partner_a, staff):
    after_meeting(partner_a, "more_information")
    later = after_meeting(partner_a, "proceed")
    Meeting.objects.filter(pk=later.pk).update(recorded_at=timezone.now() + timedelta(minutes=5))
    assert partner_start_standards_review(partner=partner_a, actor=staff).status == Stage.STANDARDS_REVIEW


def test_a_reason_with_an_apostrophe_reads_as_typed_in_the_email(partner_a, staff, django_capture_on_commit_callbacks):
    at_stage(partner_a, Stage.ENQUIRY)
    with_contact(partner_a, email="contact@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        partner_decline(partner=partner_a, actor=staff, reason="Outside the Hub's area & remit.")
    assert "Outside the Hub's area & remit." in mail.outbox[0].body
