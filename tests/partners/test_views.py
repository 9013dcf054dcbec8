"""Each action view: the happy path, the wrong method (405), the wrong role
(403), another partner's or a missing object (404), and invalid input
redisplayed with the error and what was typed."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from hubportal.core import partner_tabs
from hubportal.core.partner_tabs import PartnerTab
from partners.models import Contact, EvidenceItem, EvidenceType, Meeting, Partner, PartnerType
from tests.factories import partner_user
from tests.partners.factories import ContactFactory, EvidenceItemFactory, MeetingFactory
from tests.partners.helpers import all_verified, at_stage, with_contact

Stage = Partner.Stage
MISSING = 999999


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def url(name, **kwargs):
    return reverse(f"partners:{name}", kwargs=kwargs or None)


# --- adding and editing partners -------------------------------------------------


def test_staff_add_a_partner_with_its_primary_contact(staff, client_for):
    community = PartnerType.objects.get(name="Community music organisation")
    response = client_for(staff).post(
        url("add"),
        {
            "name": "Oadby Jazz Workshop",
            "form": "organisation",
            "partner_type": community.pk,
            "website": "oadbyjazz.example",
            "contact-name": "Lee Park",
            "contact-email": "lee@oadbyjazz.example",
        },
    )
    partner = Partner.objects.get(name="Oadby Jazz Workshop")
    assert response.status_code == 302 and response.url == url("detail", pk=partner.pk)
    assert partner.status == Stage.ENQUIRY and partner.source == Partner.Source.STAFF
    assert partner.website == "https://oadbyjazz.example"
    assert partner.contacts.get().is_primary


def test_adding_with_invalid_input_keeps_what_was_typed(staff, client_for):
    response = client_for(staff).post(
        url("add"), {"name": "Oadby Jazz Workshop", "form": "organisation", "contact-name": "Lee Park"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text and "This field is required." in response.text
    assert 'value="Oadby Jazz Workshop"' in response.text and 'value="Lee Park"' in response.text
    assert not Partner.objects.filter(name="Oadby Jazz Workshop").exists()


def test_staff_edit_the_profile_and_it_is_recorded(partner_a, staff, client_for):
    charnwood = partner_a.districts.model.objects.get(name="Charnwood")
    response = client_for(staff).post(
        url("edit", pk=partner_a.pk),
        {
            "name": "Partner A Music",
            "form": "organisation",
            "partner_type": partner_a.partner_type_id,
            "charity_number": "1122334",
            "districts": [charnwood.pk],
        },
    )
    assert response.status_code == 302
    partner_a.refresh_from_db()
    assert partner_a.charity_number == "1122334" and list(partner_a.districts.all()) == [charnwood]
    from hubportal.core.history import history_for

    assert "charity number" in history_for(partner_a).last().note


def test_editing_with_invalid_input_keeps_what_was_typed(partner_a, staff, client_for):
    response = client_for(staff).post(
        url("edit", pk=partner_a.pk), {"name": "", "form": "organisation", "website": "not a url", "town": "Shepshed"}
    )
    assert response.status_code == 200 and 'value="Shepshed"' in response.text and "Enter a valid URL." in response.text


@pytest.mark.parametrize("name", ["add", "edit"])
def test_profile_forms_refuse_other_roles_and_methods(name, partner_a, assessor, partner_a_user, staff, client_for):
    kwargs = {"pk": partner_a.pk} if name == "edit" else {}
    assert client_for(assessor).get(url(name, **kwargs)).status_code == 403
    assert client_for(partner_a_user).get(url(name, **kwargs)).status_code == 403
    assert client_for(staff).put(url(name, **kwargs)).status_code == 405
    if name == "edit":
        assert client_for(staff).get(url(name, pk=MISSING)).status_code == 404


# --- the detail page -------------------------------------------------------------


# What only each tab shows, from the records the test below sets up.
TAB_CONTENT = {
    "profile": ["Brass bands and choirs for Loughborough schools.", "Partner A Music Ltd"],
    "contacts": ["Cara Lee", "cara.lee@partner-a.example"],
    "users": ["partner-a-user@example.org", "Programme lead"],
    "meetings": ["Shepshed Library, Hall Croft", "<strong>Proceed</strong>", "Forty pupils in a new brass band."],
    "evidence": ["cara-safeguarding-policy.pdf", "Public liability insurance"],
    "history": ["Paused while a safeguarding concern is looked into.", "to <strong>Suspended</strong>"],
}


@pytest.mark.parametrize("tab", ["profile", "contacts", "users", "meetings", "evidence", "history", "nonsense"])
def test_every_tab_of_the_detail_page_shows_its_own_content(tab, partner_a, partner_a_user, staff, client_for):
    from hubportal.core.history import transition

    Partner.objects.filter(pk=partner_a.pk).update(description="Brass bands and choirs for Loughborough schools.")
    ContactFactory(partner=partner_a, name="Cara Lee", email="cara.lee@partner-a.example", is_primary=True)
    partner_a_user.job_title = "Programme lead"
    partner_a_user.save(update_fields=["job_title"])
    MeetingFactory(
        partner=partner_a,
        scheduled_by=staff,
        location="Shepshed Library, Hall Croft",
        recorded_at=timezone.now(),
        recorded_by=staff,
        outcome="proceed",
        benefit_to_young_people="Forty pupils in a new brass band.",
    )
    policy, *_ = all_verified(partner_a)
    policy.file.name = "evidence/stored-name.pdf"
    policy.original_filename = "cara-safeguarding-policy.pdf"
    policy.save(update_fields=["file", "original_filename"])
    transition(partner_a, to=Stage.SUSPENDED, actor=staff, note="Paused while a safeguarding concern is looked into.")

    response = client_for(staff).get(url("detail", pk=partner_a.pk) + f"?tab={tab}")
    assert response.status_code == 200
    shown = tab if tab != "nonsense" else "profile"
    assert response.context["tab"] == shown
    assert "Partner A Music" in response.text  # the header, on every tab
    for slug, content in TAB_CONTENT.items():
        for text in content:
            if slug == shown:
                assert text in response.text, f"the {slug} tab should show {text!r}"
            else:
                assert text not in response.text, f"the {shown} tab should not show {slug}'s {text!r}"


def test_tabs_other_apps_register_follow_the_built_in_ones(partner_a, staff, client_for, request):
    def tab(partner, user):
        return PartnerTab(
            slug="test-tab", label="Test tab", template="includes/history.html", context={"entries": []}, count=2
        )

    partner_tabs.tabs.register(tab)
    request.addfinalizer(lambda: partner_tabs.tabs.unregister(tab))
    response = client_for(staff).get(url("detail", pk=partner_a.pk) + "?tab=test-tab")
    text = response.text
    assert text.index("?tab=history") < text.index("?tab=test-tab")
    assert "Nothing recorded yet." in text  # the tab's template, rendered with the context it gave


def test_the_detail_page_shows_health_reasons(partner_a, staff, client_for):
    from partners.services import ensure_evidence_items

    partner_a.evidence.all().delete()
    ensure_evidence_items(partner_a)
    response = client_for(staff).get(url("detail", pk=partner_a.pk))
    assert response.context["health"].level == "red"
    assert "Safeguarding policy: not uploaded yet." in response.text


def test_the_detail_page_is_404_for_a_missing_partner_and_403_for_partners(partner_a_user, staff, client_for):
    assert client_for(staff).get(url("detail", pk=MISSING)).status_code == 404
    assert client_for(partner_a_user).get(url("detail", pk=partner_a_user.partner_id)).status_code == 403


# --- meetings --------------------------------------------------------------------------


@pytest.fixture
def enquiry(partner_a):
    at_stage(partner_a, Stage.ENQUIRY)
    with_contact(partner_a, email="contact@partner-a.example")
    return partner_a


def test_staff_schedule_the_meeting(enquiry, staff, client_for):
    when = (timezone.localtime() + timedelta(days=5)).replace(second=0, microsecond=0)
    response = client_for(staff).post(
        url("meeting_schedule", pk=enquiry.pk),
        {
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "location": "County Hall",
            "representatives": [staff.pk],
        },
    )
    assert response.status_code == 302 and response.url.endswith("?tab=meetings")
    meeting = Meeting.objects.get(partner=enquiry)
    assert meeting.starts_at == when
    assert Partner.objects.get(pk=enquiry.pk).status == Stage.MEETING_SCHEDULED


def test_scheduling_in_the_past_is_redisplayed_with_what_was_typed(enquiry, staff, client_for):
    response = client_for(staff).post(
        url("meeting_schedule", pk=enquiry.pk),
        {"starts_at": "2020-01-01T10:00", "duration_minutes": 45, "location": "Melton Library"},
    )
    assert response.status_code == 200
    assert "Choose a date and time in the future." in response.text
    assert 'value="Melton Library"' in response.text and 'value="45"' in response.text
    assert not Meeting.objects.exists()


def test_a_refused_schedule_is_shown_as_a_message(partner_a, staff, client_for):
    with_contact(partner_a)
    when = timezone.localtime() + timedelta(days=5)
    response = client_for(staff).post(
        url("meeting_schedule", pk=partner_a.pk),  # active: too late for a meeting
        {
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "location": "County Hall",
            "representatives": [staff.pk],
        },
    )
    assert response.status_code == 200
    assert any("you cannot schedule an introductory meeting" in m for m in messages_of(response))
    assert 'value="County Hall"' in response.text


@pytest.fixture
def to_record(enquiry, staff):
    at_stage(enquiry, Stage.MEETING_SCHEDULED)
    return MeetingFactory(partner=enquiry, scheduled_by=staff, starts_at=timezone.now() - timedelta(hours=2))


def record_data(**overrides):
    return {
        "who_they_are": "A community music charity in Loughborough.",
        "national_plan_support": "Weekly ensembles.",
        "needs_analysis_support": "Fills the Charnwood ensemble gap.",
        "proposed_partner_type": PartnerType.objects.get(name="Charity or CIC").pk,
        "benefit_to_young_people": "Sixty young people a week.",
        "outcome": "proceed",
        "notes": "",
        **overrides,
    }


def test_staff_record_the_meeting(to_record, staff, client_for):
    response = client_for(staff).post(url("meeting_record", pk=to_record.pk), record_data())
    assert response.status_code == 302
    to_record.refresh_from_db()
    assert to_record.outcome == "proceed" and to_record.partner.status == Stage.MEETING_HELD


def test_recording_without_an_answer_is_redisplayed(to_record, staff, client_for):
    response = client_for(staff).post(url("meeting_record", pk=to_record.pk), record_data(needs_analysis_support=""))
    assert response.status_code == 200
    assert "This field is required." in response.text and "Sixty young people a week." in response.text
    to_record.refresh_from_db()
    assert to_record.recorded_at is None


def test_recording_a_meeting_not_yet_held_is_refused_with_a_message(to_record, staff, client_for):
    Meeting.objects.filter(pk=to_record.pk).update(starts_at=timezone.now() + timedelta(days=1))
    response = client_for(staff).post(url("meeting_record", pk=to_record.pk), record_data())
    assert response.status_code == 200
    assert any(m.startswith("You can record this meeting from ") for m in messages_of(response))
    assert "Sixty young people a week." in response.text  # typed on a page opened earlier: kept
    to_record.refresh_from_db()
    assert to_record.recorded_at is None


def test_before_the_meeting_starts_the_page_says_when_recording_opens_and_offers_no_form(to_record, staff, client_for):
    starts = timezone.make_aware(datetime(2026, 12, 8, 10, 0))
    Meeting.objects.filter(pk=to_record.pk).update(starts_at=starts)
    tab = url("detail", pk=to_record.partner_id) + "?tab=meetings"
    record_link = url("meeting_record", pk=to_record.pk)
    opens = "You can record this meeting from 10:00 on Tuesday 8 December."
    with time_machine.travel(starts - timedelta(minutes=1), tick=False):
        client = client_for(staff)  # signed in at that time: the session's 12 hours run from then
        page = client.get(record_link)
        assert page.status_code == 200 and opens in page.text
        assert "<form" not in page.text.split("<main", 1)[-1].split("</main>")[0]
        listed = client.get(tab).text
        assert opens in listed and record_link not in listed
    with time_machine.travel(starts, tick=False):
        client = client_for(staff)
        page = client.get(record_link)
        assert opens not in page.text and 'name="who_they_are"' in page.text
        listed = client.get(tab).text
        assert record_link in listed and opens not in listed


REFUSED_RECORDING = "so you cannot record a meeting: schedule the introductory meeting first."


@pytest.mark.parametrize("stage", [Stage.ENQUIRY, Stage.MEETING_HELD, Stage.STANDARDS_REVIEW, Stage.DECLINED])
def test_recording_outside_meeting_scheduled_is_refused_in_the_view_and_changes_nothing(
    stage, to_record, staff, client_for
):
    from hubportal.models import HistoryEntry

    at_stage(to_record.partner, stage)
    client = client_for(staff)
    form = client.get(url("meeting_record", pk=to_record.pk))
    assert form.status_code == 200 and REFUSED_RECORDING in form.text  # said before anything is typed
    history_before = HistoryEntry.objects.count()
    response = client.post(url("meeting_record", pk=to_record.pk), record_data())
    assert response.status_code == 200
    assert [m for m in messages_of(response) if REFUSED_RECORDING in m]
    assert response.text.count(REFUSED_RECORDING) == 1  # the message, not the same sentence twice
    assert "Sixty young people a week." in response.text  # what was typed is kept
    to_record.refresh_from_db()
    assert to_record.recorded_at is None and to_record.outcome == "" and to_record.who_they_are == ""
    assert Partner.objects.get(pk=to_record.partner_id).status == stage
    assert HistoryEntry.objects.count() == history_before


def test_the_record_button_shows_only_while_the_meeting_can_be_recorded(to_record, staff, client_for):
    tab = url("detail", pk=to_record.partner_id) + "?tab=meetings"
    record_link = url("meeting_record", pk=to_record.pk)
    assert record_link in client_for(staff).get(tab).text
    assert REFUSED_RECORDING not in client_for(staff).get(record_link).text
    at_stage(to_record.partner, Stage.MEETING_HELD)
    assert record_link not in client_for(staff).get(tab).text


@pytest.mark.parametrize("name", ["meeting_schedule", "meeting_record"])
def test_meeting_views_refuse_other_roles_methods_and_missing(name, to_record, assessor, chair, staff, client_for):
    pk = to_record.partner_id if name == "meeting_schedule" else to_record.pk
    assert client_for(assessor).get(url(name, pk=pk)).status_code == 403
    assert client_for(chair).get(url(name, pk=pk)).status_code == 403
    assert client_for(staff).delete(url(name, pk=pk)).status_code == 405
    assert client_for(staff).get(url(name, pk=MISSING)).status_code == 404


# --- stage moves ------------------------------------------------------------------------


def test_staff_start_and_complete_the_standards_review_from_the_page(partner_a, staff, client_for, evidence_types):
    at_stage(partner_a, Stage.MEETING_HELD)
    MeetingFactory(partner=partner_a, outcome="proceed", recorded_at=timezone.now())
    client = client_for(staff)
    response = client.post(url("start_standards_review", pk=partner_a.pk))
    assert response.status_code == 302 and Partner.objects.get(pk=partner_a.pk).status == Stage.STANDARDS_REVIEW
    refused = client.post(url("complete_standards_review", pk=partner_a.pk), follow=True)
    assert "Still needed: Safeguarding policy (not uploaded)" in refused.text
    EvidenceItem.objects.filter(partner=partner_a).update(
        status="verified", expires_on=timezone.localdate() + timedelta(days=90)
    )
    client.post(url("complete_standards_review", pk=partner_a.pk))
    assert Partner.objects.get(pk=partner_a.pk).status == Stage.AGREEMENT_PENDING


@pytest.mark.parametrize("name", ["start_standards_review", "complete_standards_review"])
def test_stage_buttons_refuse_get_other_roles_and_missing(name, partner_a, staff, assessor, client_for):
    assert client_for(staff).get(url(name, pk=partner_a.pk)).status_code == 405
    assert client_for(assessor).post(url(name, pk=partner_a.pk)).status_code == 403
    assert client_for(staff).post(url(name, pk=MISSING)).status_code == 404


REASONED = [
    ("decline", Stage.ENQUIRY, Stage.DECLINED, "reason"),
    ("suspend", Stage.ACTIVE, Stage.SUSPENDED, "reason"),
    ("reinstate", Stage.SUSPENDED, Stage.ACTIVE, "reason"),
]


@pytest.mark.parametrize("name, before, after, field", REASONED)
def test_reasoned_moves(name, before, after, field, partner_a, staff, manager, client_for):
    at_stage(partner_a, before)
    client = client_for(manager if name == "reinstate" else staff)  # only the Service Manager lifts a suspension
    empty = client.post(url(name, pk=partner_a.pk), {field: ""})
    assert empty.status_code == 200 and "This field is required." in empty.text
    assert Partner.objects.get(pk=partner_a.pk).status == before
    done = client.post(url(name, pk=partner_a.pk), {field: "Agreed at the team meeting."})
    assert done.status_code == 302
    partner_a.refresh_from_db()
    assert partner_a.status == after


@pytest.mark.parametrize("name, before, after, field", REASONED)
def test_reasoned_moves_refused_in_the_wrong_stage_keep_the_text(
    name, before, after, field, partner_a, staff, manager, client_for
):
    at_stage(partner_a, Stage.TERMINATED)
    actor = manager if name == "reinstate" else staff
    response = client_for(actor).post(url(name, pk=partner_a.pk), {field: "Typed reason"})
    assert response.status_code == 200 and "Typed reason" in response.text
    assert messages_of(response) and Partner.objects.get(pk=partner_a.pk).status == Stage.TERMINATED


def test_only_the_service_manager_lifts_a_suspension(partner_a, staff, manager, client_for):
    at_stage(partner_a, Stage.SUSPENDED)
    refused = client_for(staff).post(url("reinstate", pk=partner_a.pk), {"reason": "Resolved."})
    assert refused.status_code == 403 and Partner.objects.get(pk=partner_a.pk).status == Stage.SUSPENDED
    page = client_for(manager).post(url("reinstate", pk=partner_a.pk), {"reason": "Resolved."})
    assert page.status_code == 302 and Partner.objects.get(pk=partner_a.pk).status == Stage.ACTIVE


@pytest.mark.parametrize("name", ["decline", "suspend", "reinstate", "invite_user"])
def test_reasoned_and_invite_views_refuse_other_roles_methods_and_missing(name, partner_a, staff, chair, client_for):
    assert client_for(chair).get(url(name, pk=partner_a.pk)).status_code == 403
    assert client_for(staff).put(url(name, pk=partner_a.pk)).status_code == 405
    assert client_for(staff).get(url(name, pk=MISSING)).status_code == 404


def test_staff_invite_from_the_page(partner_a, staff, client_for):
    with_contact(partner_a, name="Nadia Rahman", email="nadia@partner-a.example", role="Director")
    client = client_for(staff)
    form = client.get(url("invite_user", pk=partner_a.pk))
    assert 'value="nadia@partner-a.example"' in form.text  # suggested from the primary contact
    response = client.post(
        url("invite_user", pk=partner_a.pk),
        {"first_name": "Nadia", "last_name": "Rahman", "email": "nadia@partner-a.example"},
    )
    assert response.status_code == 302
    assert partner_a.users.filter(email="nadia@partner-a.example").exists()


REFUSED_INVITATION = "so you cannot invite its users: users are invited once the introductory meeting's outcome"


@pytest.fixture
def needs_more_information(partner_a, staff):
    at_stage(partner_a, Stage.MEETING_HELD)
    held = timezone.now() - timedelta(days=1)
    return MeetingFactory(
        partner=partner_a, scheduled_by=staff, starts_at=held, recorded_at=held, outcome="more_information"
    )


def test_inviting_before_the_meeting_says_proceed_is_refused_with_the_reason(
    needs_more_information, partner_a, staff, client_for
):
    from hubportal.models import HistoryEntry

    client = client_for(staff)
    escaped = REFUSED_INVITATION.replace("'", "&#x27;")
    form = client.get(url("invite_user", pk=partner_a.pk))
    assert form.status_code == 200 and escaped in form.text and "“more information needed”" in form.text
    history_before = HistoryEntry.objects.count()
    response = client.post(
        url("invite_user", pk=partner_a.pk), {"first_name": "Bea", "last_name": "Jones", "email": "bea@a.example"}
    )
    assert response.status_code == 200
    assert [m for m in messages_of(response) if REFUSED_INVITATION in m]
    assert response.text.count(escaped) == 1  # the message, not the same sentence twice
    assert 'value="Bea"' in response.text and 'value="bea@a.example"' in response.text
    assert not partner_a.users.filter(email="bea@a.example").exists()
    assert HistoryEntry.objects.count() == history_before


def test_the_invite_button_shows_only_once_the_meeting_says_proceed(
    needs_more_information, partner_a, staff, client_for
):
    invite = url("invite_user", pk=partner_a.pk)
    for tab in ("profile", "users"):
        assert invite not in client_for(staff).get(url("detail", pk=partner_a.pk) + f"?tab={tab}").text
    Meeting.objects.filter(pk=needs_more_information.pk).update(outcome="proceed")
    for tab in ("profile", "users"):
        assert invite in client_for(staff).get(url("detail", pk=partner_a.pk) + f"?tab={tab}").text
    assert REFUSED_INVITATION.replace("'", "&#x27;") not in client_for(staff).get(invite).text


def test_a_refused_invitation_keeps_what_was_typed(partner_a, partner_b_user, staff, client_for):
    response = client_for(staff).post(
        url("invite_user", pk=partner_a.pk),
        {"first_name": "Bea", "last_name": "Jones", "email": partner_b_user.email},
    )
    assert response.status_code == 200
    assert any("already a Hub Portal account" in m for m in messages_of(response))
    assert 'value="Bea"' in response.text


# --- evidence review -------------------------------------------------------------------------


@pytest.fixture
def submitted(partner_a):
    return EvidenceItemFactory(
        partner=partner_a,
        evidence_type=EvidenceType.objects.get(name="Public liability insurance"),
        status="submitted",
        expires_on=timezone.localdate() + timedelta(days=300),
    )


def test_staff_verify_from_the_review_page(submitted, staff, client_for):
    expiry = timezone.localdate() + timedelta(days=200)
    response = client_for(staff).post(
        url("evidence_review", pk=submitted.pk), {"action": "verify", "expires_on": expiry.isoformat()}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "verified" and submitted.expires_on == expiry


def test_staff_reject_from_the_review_page_and_an_empty_reason_is_redisplayed(submitted, staff, client_for):
    client = client_for(staff)
    empty = client.post(url("evidence_review", pk=submitted.pk), {"action": "reject", "reason": ""})
    assert empty.status_code == 200 and "This field is required." in empty.text
    response = client.post(url("evidence_review", pk=submitted.pk), {"action": "reject", "reason": "Wrong year"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "rejected"


def test_verifying_with_a_past_expiry_is_refused_with_a_message(submitted, staff, client_for):
    response = client_for(staff).post(
        url("evidence_review", pk=submitted.pk), {"action": "verify", "expires_on": "2020-01-01"}
    )
    assert response.status_code == 200 and any("expired on" in m for m in messages_of(response))
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_the_review_page_refuses_other_roles_methods_and_missing(
    submitted, assessor, partner_a_user, staff, client_for
):
    assert client_for(assessor).get(url("evidence_review", pk=submitted.pk)).status_code == 403
    assert client_for(partner_a_user).get(url("evidence_review", pk=submitted.pk)).status_code == 403
    assert client_for(staff).put(url("evidence_review", pk=submitted.pk)).status_code == 405
    assert client_for(staff).get(url("evidence_review", pk=MISSING)).status_code == 404


# --- contacts (staff and the partner's own users) -----------------------------------------


def test_the_partner_adds_and_edits_its_contacts(partner_a, partner_a_user, client_for):
    client = client_for(partner_a_user)
    response = client.post(
        url("contact_add", partner_pk=partner_a.pk),
        {"name": "Sam Dale", "email": "sam@partner-a.example", "is_safeguarding_lead": "on"},
    )
    assert response.status_code == 302 and response.url == url("portal_profile") + "#contacts"
    sam = Contact.objects.get(email="sam@partner-a.example")
    assert sam.is_safeguarding_lead and sam.is_primary  # the first contact is the primary one
    client.post(
        url("contact_edit", pk=sam.pk), {"name": "Sam Dale", "email": "sam.dale@partner-a.example", "is_primary": "on"}
    )
    sam.refresh_from_db()
    assert sam.email == "sam.dale@partner-a.example"


def test_marking_a_new_primary_contact_moves_the_mark(partner_a, staff, client_for):
    old = ContactFactory(partner=partner_a, is_primary=True)
    client_for(staff).post(
        url("contact_add", partner_pk=partner_a.pk),
        {"name": "New Lead", "email": "new@example.org", "is_primary": "on"},
    )
    old.refresh_from_db()
    assert not old.is_primary and Contact.objects.get(email="new@example.org").is_primary


def test_an_invalid_contact_is_redisplayed(partner_a, partner_a_user, client_for):
    response = client_for(partner_a_user).post(
        url("contact_add", partner_pk=partner_a.pk), {"name": "Sam Dale", "email": "nope"}
    )
    assert response.status_code == 200 and 'value="Sam Dale"' in response.text
    assert "Enter a valid email address." in response.text


def test_the_primary_contact_cannot_be_removed_but_others_can(partner_a, partner_a_user, client_for):
    primary = ContactFactory(partner=partner_a, is_primary=True)
    other = ContactFactory(partner=partner_a, is_primary=False)
    client = client_for(partner_a_user)
    refused = client.post(url("contact_delete", pk=primary.pk), follow=True)
    assert "Make another contact primary first" in refused.text
    client.post(url("contact_delete", pk=other.pk))
    assert list(partner_a.contacts.all()) == [primary]


def test_contacts_of_another_partner_are_404(partner_a, partner_b_user, client_for):
    contact = ContactFactory(partner=partner_a)
    client = client_for(partner_b_user)
    assert client.get(url("contact_add", partner_pk=partner_a.pk)).status_code == 404
    assert client.get(url("contact_edit", pk=contact.pk)).status_code == 404
    assert client.post(url("contact_delete", pk=contact.pk)).status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_contact_views_refuse_readers_and_wrong_methods(partner_a, assessor, chair, staff, client_for):
    contact = ContactFactory(partner=partner_a)
    assert client_for(assessor).get(url("contact_edit", pk=contact.pk)).status_code == 403
    assert client_for(chair).get(url("contact_edit", pk=contact.pk)).status_code == 403
    assert client_for(staff).get(url("contact_delete", pk=contact.pk)).status_code == 405
    assert client_for(staff).get(url("contact_edit", pk=MISSING)).status_code == 404


# --- the portal ---------------------------------------------------------------------------


def test_the_partner_edits_its_description(partner_a, partner_a_user, client_for):
    response = client_for(partner_a_user).post(
        url("portal_profile_edit"), {"description": "Bands and choirs in Loughborough.", "website": ""}
    )
    assert response.status_code == 302
    partner_a.refresh_from_db()
    assert partner_a.description == "Bands and choirs in Loughborough."


def test_an_invalid_website_is_redisplayed(partner_a_user, client_for):
    response = client_for(partner_a_user).post(
        url("portal_profile_edit"), {"description": "Typed text", "website": "not a url"}
    )
    assert response.status_code == 200 and "Typed text" in response.text and "Enter a valid URL." in response.text


def test_portal_pages_are_for_partner_users(staff, client_for):
    for name in ("portal_profile", "portal_profile_edit", "portal_evidence"):
        assert client_for(staff).get(url(name)).status_code == 403


def test_the_partner_confirms_its_meeting_from_the_profile(partner_a, partner_a_user, staff, client_for):
    at_stage(partner_a, Stage.MEETING_SCHEDULED)
    meeting = MeetingFactory(partner=partner_a, scheduled_by=staff)
    client = client_for(partner_a_user)
    page = client.get(url("portal_profile"))
    assert "Confirm we will attend" in page.text
    assert client.get(url("meeting_confirm", pk=meeting.pk)).status_code == 405
    response = client.post(url("meeting_confirm", pk=meeting.pk))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.confirmed_by == partner_a_user


def test_another_partner_cannot_confirm_or_download_the_meeting(partner_a, partner_b_user, staff, client_for):
    meeting = MeetingFactory(partner=partner_a, scheduled_by=staff)
    client = client_for(partner_b_user)
    assert client.post(url("meeting_confirm", pk=meeting.pk)).status_code == 404
    assert client.get(url("meeting_calendar", pk=meeting.pk)).status_code == 404
    assert client_for(staff).post(url("meeting_confirm", pk=meeting.pk)).status_code == 403


def test_the_meeting_calendar_downloads(partner_a, partner_a_user, staff, client_for):
    meeting = MeetingFactory(partner=partner_a, scheduled_by=staff)
    response = client_for(partner_a_user).get(url("meeting_calendar", pk=meeting.pk))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"BEGIN:VEVENT" in response.content


def test_the_portal_shows_the_stage_and_what_happens_next(partner_a, partner_a_user, client_for):
    at_stage(partner_a, Stage.STANDARDS_REVIEW)
    response = client_for(partner_a_user).get(url("portal_profile"))
    assert "upload each document on your evidence page" in response.text
    assert 'aria-current="step"' in response.text


def test_the_portal_evidence_register_lists_every_standard(partner_a, partner_a_user, client_for, evidence_types):
    partner_a.evidence.all().delete()  # nothing uploaded yet
    at_stage(partner_a, Stage.STANDARDS_REVIEW)
    response = client_for(partner_a_user).get(url("portal_evidence"))
    assert all(t.name in response.text for t in evidence_types)
    assert response.text.count(">Upload<") == len(evidence_types)


def test_the_upload_page_refuses_wrong_methods_and_unknown_types(partner_a_user, client_for):
    assert client_for(partner_a_user).put(url("evidence_upload", type_pk=1)).status_code == 405
    assert client_for(partner_a_user).get(url("evidence_upload", type_pk=MISSING)).status_code == 404


def test_a_second_partner_user_sees_the_same_partner(partner_a, client_for):
    colleague = partner_user(partner_a, username="colleague")
    assert client_for(colleague).get(url("portal_profile")).context["partner"] == partner_a


def test_the_upload_form_offers_only_the_evidence_file_types(partner_a, partner_a_user, client_for, evidence_types):
    at_stage(partner_a, Stage.STANDARDS_REVIEW)
    response = client_for(partner_a_user).get(url("evidence_upload", type_pk=evidence_types[0].pk))
    assert 'accept=".pdf,.docx,.png,.jpg,.jpeg"' in response.text
    assert "issued today, it would expire on" in response.text


def test_the_history_tab_names_the_evidence_meeting_or_contact_each_entry_is_about(staff, client_for, partner_a):
    from hubportal.core.history import record, transition

    policy = EvidenceType.objects.get(name="Safeguarding policy")
    item = EvidenceItemFactory(partner=partner_a, evidence_type=policy, status=EvidenceItem.Status.MISSING)
    meeting = MeetingFactory(partner=partner_a)
    contact = ContactFactory(partner=partner_a, name="Ruth Adeyemi")
    transition(item, to=EvidenceItem.Status.SUBMITTED, actor=staff)
    record(meeting, actor=staff, action="rescheduled")
    record(contact, actor=staff, action="contact added")
    record(partner_a, actor=staff, action="profile edited")
    text = client_for(staff).get(url("detail", pk=partner_a.pk) + "?tab=history").content.decode()
    assert "moved Safeguarding policy from <strong>Missing</strong> to <strong>Submitted</strong>" in text
    day = f"{timezone.localtime(meeting.starts_at):%-d %B %Y}"
    assert f"rescheduled (the meeting of {day})" in text
    assert "contact added (Ruth Adeyemi)" in text
    assert "profile edited\n" in text  # the partner's own entries need no name
