"""The introductory meeting: scheduling (with the .ics invitation), recording
the policy's five questions and the outcome, and the partner's confirmation."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hubportal.core.errors import ActionRefused
from hubportal.core.history import history_for
from hubportal.models import HistoryEntry, Notification, OutboundEmail
from partners.models import Meeting, Partner, PartnerType
from partners.permissions import may_record_meeting
from partners.services import meeting_confirm, meeting_record, meeting_record_refusal, meeting_schedule
from tests.factories import PartnerFactory
from tests.partners.factories import MeetingFactory
from tests.partners.helpers import at_stage, with_contact

Stage = Partner.Stage
ANSWERS = {
    "who_they_are": "A community steel pan band in Hinckley.",
    "national_plan_support": "Weekly ensembles that give a progression route after first access.",
    "needs_analysis_support": "The Needs Analysis found too few ensembles in Hinckley & Bosworth.",
    "benefit_to_young_people": "Forty young people play together every week, half of them on free school meals.",
}


@pytest.fixture
def enquiry(db):
    partner = PartnerFactory(name="Hinckley Pans", status=Stage.ENQUIRY)
    with_contact(partner, name="Marcia Campbell", email="marcia@pans.example")
    return partner


def schedule(partner, actor, **kwargs):
    args = {
        "starts_at": timezone.now() + timedelta(days=7),
        "duration_minutes": 45,
        "location": "County Hall, Glenfield",
        "representatives": [actor],
        **kwargs,
    }
    return meeting_schedule(partner=partner, actor=actor, **args)


def test_scheduling_moves_the_partner_and_emails_the_contact_an_ics_invitation(
    enquiry, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(enquiry, staff, online_link="https://meet.example/hub-intro")
    enquiry.refresh_from_db()
    assert enquiry.status == Stage.MEETING_SCHEDULED
    assert list(meeting.hlo_representatives.all()) == [staff]
    [email] = mail.outbox
    assert email.to == ["marcia@pans.example"]
    assert email.subject.startswith("Invitation to your introductory meeting with Leicestershire Music")
    assert "County Hall, Glenfield" in email.body and "https://meet.example/hub-intro" in email.body
    [(filename, content, mimetype)] = email.attachments
    assert filename.startswith("introductory-meeting-") and filename.endswith(".ics")
    assert mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in content and f"UID:partner-meeting-{meeting.pk}@" in content
    assert OutboundEmail.objects.get().attachments[0][0] == filename
    [entry] = history_for(enquiry)
    assert (entry.from_state, entry.to_state) == ("enquiry", "meeting_scheduled")


def test_rescheduling_cancels_the_open_meeting_and_sends_the_new_time(
    enquiry, staff, django_capture_on_commit_callbacks
):
    first = schedule(enquiry, staff)
    with django_capture_on_commit_callbacks(execute=True):
        second = schedule(enquiry, staff, starts_at=timezone.now() + timedelta(days=9))
    first.refresh_from_db()
    enquiry.refresh_from_db()
    assert first.cancelled_at is not None and second.cancelled_at is None
    assert enquiry.status == Stage.MEETING_SCHEDULED
    assert mail.outbox[-1].subject.startswith("New time for your introductory meeting")
    assert history_for(enquiry).last().action == "meeting rescheduled"


def test_partner_users_are_notified_too_without_a_second_email_to_the_contact(enquiry, staff):
    from tests.factories import partner_user

    same = partner_user(enquiry, username="marcia", email="marcia@pans.example")
    other = partner_user(enquiry, username="deputy", email="deputy@pans.example")
    schedule(enquiry, staff)
    notified = set(Notification.objects.filter(kind="partners_meeting_scheduled").values_list("recipient", flat=True))
    assert notified == {other.pk}
    assert same.pk not in notified
    assert OutboundEmail.objects.filter(to="marcia@pans.example").count() == 1


@pytest.mark.parametrize("stage", [Stage.STANDARDS_REVIEW, Stage.ACTIVE, Stage.DECLINED, Stage.SUSPENDED])
def test_a_meeting_cannot_be_scheduled_after_the_meeting_stages(enquiry, staff, stage):
    at_stage(enquiry, stage)
    with pytest.raises(ActionRefused, match="you cannot schedule an introductory meeting"):
        schedule(enquiry, staff)
    assert not Meeting.objects.exists() and not OutboundEmail.objects.exists()


def test_a_meeting_in_the_past_or_with_nowhere_is_refused(enquiry, staff):
    with pytest.raises(ActionRefused, match="in the future"):
        schedule(enquiry, staff, starts_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ActionRefused, match="Say where the meeting is"):
        schedule(enquiry, staff, location="", online_link="")
    enquiry.refresh_from_db()
    assert enquiry.status == Stage.ENQUIRY and not Meeting.objects.exists()


def test_a_partner_without_a_contact_cannot_be_invited_to_a_meeting(staff):
    partner = PartnerFactory(status=Stage.ENQUIRY)
    with pytest.raises(ActionRefused, match="Add a contact"):
        schedule(partner, staff)


@pytest.mark.parametrize("who", ["assessor", "chair", "partner_a_user"])
def test_only_hub_staff_schedule_meetings(enquiry, who, request):
    with pytest.raises(PermissionDenied):
        schedule(enquiry, request.getfixturevalue(who))
    assert not Meeting.objects.exists()


@pytest.fixture
def held_soon(enquiry, staff):
    meeting = schedule(enquiry, staff)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    meeting.refresh_from_db()
    return meeting


def test_recording_the_meeting_with_proceed_sets_the_partner_type(held_soon, staff):
    charity = PartnerType.objects.get(name="Charity or CIC")
    meeting = meeting_record(
        meeting=held_soon, actor=staff, answers=ANSWERS, proposed_partner_type=charity, outcome="proceed", notes="Good"
    )
    partner = Partner.objects.get(pk=held_soon.partner_id)
    assert partner.status == Stage.MEETING_HELD and partner.partner_type == charity
    assert meeting.recorded_by == staff and meeting.outcome == "proceed"
    assert meeting.benefit_to_young_people.startswith("Forty young people")
    assert history_for(partner).last().note == "Outcome: Proceed."


@pytest.mark.parametrize("outcome", ["not_proceed", "more_information"])
def test_other_outcomes_leave_the_type_alone(held_soon, staff, outcome):
    before = held_soon.partner.partner_type
    charity = PartnerType.objects.get(name="Charity or CIC")
    meeting_record(meeting=held_soon, actor=staff, answers=ANSWERS, proposed_partner_type=charity, outcome=outcome)
    partner = Partner.objects.get(pk=held_soon.partner_id)
    assert partner.status == Stage.MEETING_HELD and partner.partner_type == before


def test_after_more_information_another_meeting_can_be_scheduled(held_soon, staff):
    charity = PartnerType.objects.get(name="Charity or CIC")
    meeting_record(
        meeting=held_soon, actor=staff, answers=ANSWERS, proposed_partner_type=charity, outcome="more_information"
    )
    schedule(held_soon.partner, staff)
    assert Partner.objects.get(pk=held_soon.partner_id).status == Stage.MEETING_SCHEDULED


def test_all_five_questions_must_be_answered(held_soon, staff):
    charity = PartnerType.objects.get(name="Charity or CIC")
    with pytest.raises(ActionRefused, match="Answer all five questions"):
        meeting_record(
            meeting=held_soon,
            actor=staff,
            answers={**ANSWERS, "needs_analysis_support": "  "},
            proposed_partner_type=charity,
            outcome="proceed",
        )
    with pytest.raises(ActionRefused, match="Answer all five questions"):
        meeting_record(meeting=held_soon, actor=staff, answers=ANSWERS, proposed_partner_type=None, outcome="proceed")
    held_soon.refresh_from_db()
    assert held_soon.recorded_at is None
    assert Partner.objects.get(pk=held_soon.partner_id).status == Stage.MEETING_SCHEDULED


NOT_SCHEDULED = [stage for stage in Stage.values if stage != Stage.MEETING_SCHEDULED]


@pytest.mark.parametrize("stage", Stage.values)
def test_the_rule_lets_staff_record_the_meeting_only_at_meeting_scheduled(held_soon, staff, manager, stage):
    at_stage(held_soon.partner, stage)
    held_soon.refresh_from_db()
    expected = stage == Stage.MEETING_SCHEDULED
    assert may_record_meeting(staff, held_soon)[0] is expected
    assert may_record_meeting(manager, held_soon)[0] is expected


@pytest.mark.parametrize("who", ["assessor", "chair", "partner_a_user"])
def test_the_rule_refuses_other_roles_even_at_meeting_scheduled(held_soon, who, request):
    assert held_soon.partner.status == Stage.MEETING_SCHEDULED
    assert may_record_meeting(request.getfixturevalue(who), held_soon)[0] is False


def test_the_rule_refuses_a_recorded_or_cancelled_meeting(held_soon, staff):
    Meeting.objects.filter(pk=held_soon.pk).update(recorded_at=timezone.now())
    held_soon.refresh_from_db()
    assert may_record_meeting(staff, held_soon)[0] is False
    Meeting.objects.filter(pk=held_soon.pk).update(recorded_at=None, cancelled_at=timezone.now())
    held_soon.refresh_from_db()
    assert may_record_meeting(staff, held_soon)[0] is False


@pytest.mark.parametrize("stage", NOT_SCHEDULED)
def test_recording_is_refused_unless_the_partner_is_at_meeting_scheduled(held_soon, staff, stage):
    partner = at_stage(held_soon.partner, stage)
    type_before = partner.partner_type
    history_before = HistoryEntry.objects.count()
    emails_before, notifications_before = OutboundEmail.objects.count(), Notification.objects.count()
    charity = PartnerType.objects.get(name="Charity or CIC")
    with pytest.raises(ActionRefused) as refused:
        meeting_record(
            meeting=held_soon, actor=staff, answers=ANSWERS, proposed_partner_type=charity, outcome="proceed"
        )
    label = Stage(stage).label.lower()
    assert str(refused.value) == (
        f"Hinckley Pans is at the stage “{label}”, so you cannot record a meeting: "
        "schedule the introductory meeting first."
    )
    held_soon.refresh_from_db()
    assert held_soon.recorded_at is None and held_soon.recorded_by is None and held_soon.outcome == ""
    assert held_soon.who_they_are == "" and held_soon.proposed_partner_type is None
    partner.refresh_from_db()
    assert partner.status == stage and partner.partner_type == type_before
    assert HistoryEntry.objects.count() == history_before
    assert (OutboundEmail.objects.count(), Notification.objects.count()) == (emails_before, notifications_before)


def test_a_meeting_is_recorded_once_it_has_started_and_only_once(enquiry, staff):
    charity = PartnerType.objects.get(name="Charity or CIC")
    starts = timezone.now() + timedelta(days=2)
    meeting = schedule(enquiry, staff, starts_at=starts)

    def record():
        meeting_record(meeting=meeting, actor=staff, answers=ANSWERS, proposed_partner_type=charity, outcome="proceed")

    with time_machine.travel(starts - timedelta(minutes=1)), pytest.raises(ActionRefused) as refused:
        record()
    assert str(refused.value) == Meeting.objects.get(pk=meeting.pk).recording_opens != ""
    with time_machine.travel(starts, tick=False):
        record()
        with pytest.raises(ActionRefused, match="recorded already"):
            record()


def test_a_cancelled_meeting_cannot_be_recorded(enquiry, staff):
    first = schedule(enquiry, staff)
    schedule(enquiry, staff)
    Meeting.objects.filter(pk=first.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    first.refresh_from_db()
    with pytest.raises(ActionRefused, match="cancelled"):
        meeting_record(
            meeting=first,
            actor=staff,
            answers=ANSWERS,
            proposed_partner_type=PartnerType.objects.first(),
            outcome="proceed",
        )


def test_only_hub_staff_record_meetings(held_soon, assessor):
    with pytest.raises(PermissionDenied):
        meeting_record(
            meeting=held_soon,
            actor=assessor,
            answers=ANSWERS,
            proposed_partner_type=PartnerType.objects.first(),
            outcome="proceed",
        )


def test_the_partner_confirms_the_meeting_and_its_hub_people_are_told(partner_a, partner_a_user, staff, manager):
    at_stage(partner_a, Stage.MEETING_SCHEDULED)
    meeting = MeetingFactory(partner=partner_a, scheduled_by=staff)
    meeting.hlo_representatives.set([manager])
    meeting_confirm(meeting=meeting, actor=partner_a_user)
    meeting.refresh_from_db()
    assert meeting.confirmed_by == partner_a_user and meeting.confirmed_at is not None
    told = set(Notification.objects.filter(kind="partners_meeting_confirmed").values_list("recipient", flat=True))
    assert told == {staff.pk, manager.pk}
    with pytest.raises(ActionRefused, match="confirmed this meeting already"):
        meeting_confirm(meeting=meeting, actor=partner_a_user)


def test_another_partner_cannot_confirm(partner_a, partner_b_user, staff):
    meeting = MeetingFactory(partner=partner_a, scheduled_by=staff)
    with pytest.raises(PermissionDenied):
        meeting_confirm(meeting=meeting, actor=partner_b_user)


def test_recording_opens_at_the_start_time_and_not_a_minute_before(enquiry, staff):
    starts = timezone.make_aware(datetime(2026, 12, 8, 10, 0))
    with time_machine.travel(starts - timedelta(days=3), tick=False):
        meeting = schedule(enquiry, staff, starts_at=starts)
    with time_machine.travel(starts - timedelta(minutes=1), tick=False):
        assert may_record_meeting(staff, meeting)[0] is False
        assert meeting.recording_opens == "You can record this meeting from 10:00 on Tuesday 8 December."
        assert meeting_record_refusal(meeting) == meeting.recording_opens
    with time_machine.travel(starts, tick=False):
        assert may_record_meeting(staff, meeting)[0] is True
        assert meeting.recording_opens == "" and meeting_record_refusal(meeting) == ""


def test_recording_opens_names_the_year_when_it_is_not_this_year(enquiry, staff):
    starts = timezone.make_aware(datetime(2027, 1, 5, 9, 30))
    with time_machine.travel(timezone.make_aware(datetime(2026, 12, 20, 12, 0)), tick=False):
        meeting = schedule(enquiry, staff, starts_at=starts)
        assert meeting.recording_opens == "You can record this meeting from 09:30 on Tuesday 5 January 2027."


def test_the_service_refuses_before_the_start_whatever_the_answers(enquiry, staff):
    """Refused for the time alone: blank answers get the same reason, not "answer all five questions"."""
    starts = timezone.now() + timedelta(hours=3)
    meeting = schedule(enquiry, staff, starts_at=starts)
    with pytest.raises(ActionRefused) as refused:
        meeting_record(meeting=meeting, actor=staff, answers={}, proposed_partner_type=None, outcome="")
    assert str(refused.value).startswith("You can record this meeting from ")
    meeting.refresh_from_db()
    assert meeting.recorded_at is None
