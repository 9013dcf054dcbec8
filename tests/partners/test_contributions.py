"""What partners contributes across the product: health, the portal to-do
list and the evidence expiry reminders."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from hubportal.core.health import AMBER, GREEN, RED, health_for
from hubportal.core.todo import todos_for
from hubportal.messaging.reminders import sweep
from hubportal.models import Reminder
from partners.health import minimum_standards
from partners.models import EvidenceItem, EvidenceType, Partner
from partners.reminders import evidence_expiring
from tests.factories import PartnerFactory, partner_user
from tests.partners.factories import ContactFactory, EvidenceItemFactory, MeetingFactory
from tests.partners.helpers import all_verified, at_stage

pytestmark = pytest.mark.django_db

TODAY = date(2027, 5, 10)
Stage = Partner.Stage
Status = EvidenceItem.Status


def set_item(partner, name, **fields):
    EvidenceItem.objects.filter(partner=partner, evidence_type__name=name).update(**fields)


@pytest.fixture
def verified(partner_a):
    all_verified(partner_a)
    EvidenceItem.objects.filter(partner=partner_a).exclude(expires_on=None).update(
        expires_on=TODAY + timedelta(days=200)
    )
    return partner_a


def levels(partner):
    return [(r.level, r.text) for r in minimum_standards([partner.pk], TODAY).get(partner.pk, [])]


def test_a_partner_with_every_standard_verified_and_in_date_is_green(verified):
    assert levels(verified) == []
    assert health_for([verified.pk], TODAY)[verified.pk].level == GREEN


def test_a_suspended_partner_is_red_whatever_its_evidence_and_says_why(verified):
    at_stage(verified, Stage.SUSPENDED)
    [(level, text)] = levels(verified)
    assert level == RED and text.startswith("Suspended: it may only read its records and renew evidence")
    assert health_for([verified.pk], TODAY)[verified.pk].level == RED
    at_stage(verified, Stage.ACTIVE)
    assert health_for([verified.pk], TODAY)[verified.pk].level == GREEN


def test_missing_or_rejected_is_amber_while_onboarding_and_red_once_active(verified):
    set_item(verified, "Safeguarding policy", status=Status.MISSING)
    set_item(verified, "Data protection policy", status=Status.REJECTED)
    assert levels(verified) == [
        (RED, "Safeguarding policy: not uploaded yet."),
        (RED, "Data protection policy: rejected; a new document is needed."),
    ]
    at_stage(verified, Stage.STANDARDS_REVIEW)
    assert {level for level, _ in levels(verified)} == {AMBER}


def test_expiring_within_30_days_is_amber_and_expired_is_red(verified):
    set_item(verified, "Public liability insurance", expires_on=TODAY + timedelta(days=30))
    set_item(verified, "Branding guidelines accepted", expires_on=TODAY + timedelta(days=31))
    assert levels(verified) == [(AMBER, "Public liability insurance: expires on 9 June 2027.")]
    set_item(verified, "Public liability insurance", expires_on=TODAY - timedelta(days=1))  # verified, past its date
    set_item(verified, "DBS Update Service subscription", status=Status.EXPIRED, expires_on=TODAY - timedelta(days=3))
    assert sorted(levels(verified)) == [
        (RED, "DBS Update Service subscription: expired on 7 May 2027."),
        (RED, "Public liability insurance: expired on 9 May 2027."),
    ]
    assert health_for([verified.pk], TODAY)[verified.pk].level == RED


def test_submitted_evidence_and_a_standard_renewed_on_change_raise_nothing(verified):
    set_item(verified, "Safeguarding policy", status=Status.SUBMITTED)
    assert levels(verified) == []


@pytest.mark.parametrize("stage", [Stage.ENQUIRY, Stage.MEETING_SCHEDULED, Stage.MEETING_HELD, Stage.DECLINED])
def test_partners_not_yet_asked_for_evidence_are_not_marked_down(partner_a, stage):
    at_stage(partner_a, stage)
    assert levels(partner_a) == []


def test_health_is_a_few_queries_for_any_number_of_partners(django_assert_num_queries):
    partners = [PartnerFactory() for _ in range(12)]
    for p in partners[:3]:
        EvidenceItemFactory(partner=p, evidence_type=EvidenceType.objects.first())
    # Prevents a query per partner: stages, evidence types and items in one query each.
    with django_assert_num_queries(3):
        minimum_standards([p.pk for p in partners], TODAY)


def todo_texts(partner):
    return [(t.text, t.due_on, t.url) for t in todos_for(partner, TODAY) if t.kind.startswith("partners")]


def test_the_to_do_list_asks_for_missing_rejected_expired_and_expiring_evidence(verified):
    ContactFactory(partner=verified, is_safeguarding_lead=True)
    set_item(verified, "Safeguarding policy", status=Status.MISSING, expires_on=None)
    set_item(verified, "Data protection policy", status=Status.REJECTED)
    set_item(verified, "Public liability insurance", expires_on=TODAY + timedelta(days=12))
    set_item(verified, "DBS Update Service subscription", status=Status.EXPIRED, expires_on=TODAY - timedelta(days=2))
    insurance = EvidenceType.objects.get(name="Public liability insurance")
    items = todo_texts(verified)
    assert (
        "Renew your public liability insurance before it expires",
        TODAY + timedelta(days=12),
        reverse("partners:evidence_upload", kwargs={"type_pk": insurance.pk}),
    ) in items
    assert ("Renew your DBS Update Service subscription: it has expired", TODAY - timedelta(days=2)) in [
        i[:2] for i in items
    ]
    assert ("Upload your safeguarding policy", None) in [i[:2] for i in items]
    assert ("Upload a new data protection policy: the last one was not accepted", None) in [i[:2] for i in items]
    assert len(items) == 4


def test_the_to_do_list_asks_for_a_safeguarding_lead(verified):
    assert [t[0] for t in todo_texts(verified)] == ["Tell us who your designated safeguarding lead is"]


def test_the_to_do_list_asks_the_partner_to_confirm_its_meeting(partner_a, staff):
    at_stage(partner_a, Stage.MEETING_SCHEDULED)
    meeting = MeetingFactory(partner=partner_a, scheduled_by=staff)
    [item] = todo_texts(partner_a)
    assert item[0].startswith("Confirm you can attend the introductory meeting on")
    assert item[2] == reverse("partners:portal_profile") + "#meeting"
    meeting.confirmed_at = meeting.starts_at
    meeting.save()
    assert todo_texts(partner_a) == []


def test_the_portal_home_shows_the_partners_to_do_and_health(verified, partner_a_user, client_for):
    set_item(verified, "Public liability insurance", status=Status.EXPIRED)
    response = client_for(partner_a_user).get(reverse("portal_home"))
    assert "Renew your public liability insurance: it has expired" in response.text
    assert "Public liability insurance: expired" in response.text


EXPIRES = date(2027, 6, 30)


@pytest.fixture
def expiring(partner_a, partner_a_user):
    item = EvidenceItemFactory(
        partner=partner_a, evidence_type=EvidenceType.objects.get(name="Public liability insurance"), expires_on=EXPIRES
    )
    return item


def test_reminders_go_30_days_before_and_on_the_day(expiring, partner_a_user):
    assert list(evidence_expiring(EXPIRES - timedelta(days=31))) == []
    [due] = evidence_expiring(EXPIRES - timedelta(days=30))
    assert (due.kind, due.obj, due.stage, due.due_on, due.recipients) == (
        "partners_evidence_expiry",
        expiring,
        "30d-before",
        EXPIRES,
        [partner_a_user],
    )
    assert [d.stage for d in evidence_expiring(EXPIRES)] == ["on-the-day"]
    assert list(evidence_expiring(EXPIRES + timedelta(days=1))) == []


def test_no_reminder_for_evidence_already_renewed_or_a_partner_that_has_ended(expiring):
    EvidenceItem.objects.filter(pk=expiring.pk).update(status=Status.SUBMITTED)
    assert list(evidence_expiring(EXPIRES)) == []
    EvidenceItem.objects.filter(pk=expiring.pk).update(status=Status.VERIFIED)
    at_stage(expiring.partner, Stage.TERMINATED)
    assert list(evidence_expiring(EXPIRES)) == []


def test_the_sweep_sends_the_reminder_once(expiring, partner_a_user, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sweep(EXPIRES - timedelta(days=30))
    assert Reminder.objects.count() == 1
    [email] = mail.outbox
    assert email.subject == "Your Public liability insurance expires on 30 June 2027"
    assert "Upload the renewed document" in email.body
    with django_capture_on_commit_callbacks(execute=True):
        sweep(EXPIRES)
    assert mail.outbox[-1].subject == "Your Public liability insurance expires today"


def test_the_reminder_finder_is_a_few_queries(django_assert_max_num_queries):
    for _ in range(10):
        partner = PartnerFactory()
        partner_user(partner)
        EvidenceItemFactory(partner=partner, expires_on=EXPIRES)
    # Prevents a query per item (type, partner) and per partner (its users).
    with django_assert_max_num_queries(3):
        assert len(evidence_expiring(EXPIRES)) == 10


def test_a_partner_whose_register_was_never_opened_is_not_marked_down(partner_a):
    """Added or imported as active, with no evidence asked for yet: the standards review opens the register."""
    partner_a.evidence.all().delete()
    assert levels(partner_a) == [] and todo_texts(partner_a) == []
    from partners.services import ensure_evidence_items

    ensure_evidence_items(partner_a)
    assert {level for level, _ in levels(partner_a)} == {RED}
    assert "Tell us who your designated safeguarding lead is" in [t[0] for t in todo_texts(partner_a)]
