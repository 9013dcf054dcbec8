"""A safeguarding concern: flagged at once to the Service Manager and every
safeguarding lead and no one else; shown apart; invisible (404) to other
staff; from it the partnership can be suspended and a termination recommended."""

import pytest
from django.urls import reverse

from agreements.models import TerminationRecommendation
from complaints.models import Complaint
from complaints.services import complaint_update_details
from hubportal.models import Notification, OutboundEmail
from partners.models import Partner
from tests.agreements.factories import AgreementFactory
from tests.complaints.access import RULES
from tests.complaints.helpers import advance, raise_from_portal, raise_from_public
from tests.factories import UserFactory
from tests.files import pdf

SAFEGUARDING = Complaint.Category.SAFEGUARDING


@pytest.fixture
def everyone(staff, manager, assessor, chair, admin_user, safeguarding_lead, partner_a_user, partner_b_user):
    return {staff, manager, assessor, chair, admin_user, safeguarding_lead, partner_a_user, partner_b_user}


def test_a_public_concern_is_flagged_to_the_manager_and_the_safeguarding_leads_only(
    everyone, manager, safeguarding_lead, partner_a
):
    concern, _ = raise_from_public(partner=partner_a, category=SAFEGUARDING)
    flagged = Notification.objects.filter(kind="complaints_safeguarding_concern")
    assert {n.recipient for n in flagged} == {manager, safeguarding_lead}
    assert all(n.url == f"/staff/complaints/{concern.pk}/" for n in flagged)
    # No one else hears anything at all about it.
    assert set(Notification.objects.values_list("recipient", flat=True)) == {manager.pk, safeguarding_lead.pk}
    emailed = set(OutboundEmail.objects.values_list("to", flat=True))
    assert emailed == {manager.email, safeguarding_lead.email, "jo.public@example.org"}
    assert OutboundEmail.objects.get(to="jo.public@example.org").kind == "complaints_confirmation"
    # The email says where to look, not what was alleged.
    body = OutboundEmail.objects.get(to=manager.email).body
    assert concern.account not in body and "Safeguarding concern" in OutboundEmail.objects.get(to=manager.email).subject


def test_a_lead_without_another_staff_role_is_flagged_too(manager, partner_a):
    only_lead = UserFactory(username="only-lead", role="Safeguarding lead")
    inactive = UserFactory(username="left-lead", role="Safeguarding lead", is_active=False)
    raise_from_public(partner=partner_a, category=SAFEGUARDING)
    recipients = set(
        Notification.objects.filter(kind="complaints_safeguarding_concern").values_list("recipient", flat=True)
    )
    assert recipients == {manager.pk, only_lead.pk}
    assert inactive.pk not in recipients


def test_a_partner_raising_a_concern_gets_only_their_confirmation(
    everyone, manager, safeguarding_lead, partner_a_user, partner_b
):
    raise_from_portal(partner_a_user, about_partner=partner_b, category=SAFEGUARDING)
    by_kind = {(n.kind, n.recipient_id) for n in Notification.objects.all()}
    assert by_kind == {
        ("complaints_safeguarding_concern", manager.pk),
        ("complaints_safeguarding_concern", safeguarding_lead.pk),
        ("complaints_confirmation", partner_a_user.pk),
    }


def test_an_ordinary_complaint_goes_to_the_service_manager_only(everyone, manager, partner_a):
    raise_from_public(partner=partner_a)
    assert {(n.kind, n.recipient) for n in Notification.objects.all()} == {("complaints_received", manager)}


def test_made_a_concern_in_triage_it_is_flagged_then(manager, safeguarding_lead, staff, partner_a):
    complaint, _ = raise_from_public(partner=partner_a)
    complaint_update_details(
        complaint=complaint, actor=manager, category=SAFEGUARDING, about="partner", partner=partner_a, agreement=None
    )
    flagged = Notification.objects.filter(kind="complaints_safeguarding_concern")
    assert {n.recipient for n in flagged} == {manager, safeguarding_lead}
    assert not Complaint.objects.visible_to(staff).filter(pk=complaint.pk).exists()


def _pk_urls(concern):
    """Every complaints URL that names a complaint, filled with the concern."""
    attachment = concern.attachments.first()
    for name, rule in RULES.items():
        if rule.args is None or name.startswith("complaints:track"):
            continue
        kwargs = {"pk": concern.pk}
        if name == "complaints:attachment":
            kwargs["attachment_pk"] = attachment.pk
        if name.startswith(("complaints:chair_", "complaints:portal_")):
            continue  # other roles' areas: 403 before any lookup
        yield name, reverse(name, kwargs=kwargs), rule.methods


def test_other_staff_get_404_for_a_concern_on_every_url(staff, admin_user, client_for, partner_a):
    concern, _ = raise_from_public(partner=partner_a, category=SAFEGUARDING, attachments=[pdf()])
    for user in (staff, admin_user):
        client = client_for(user)
        for name, url, methods in _pk_urls(concern):
            for method in methods:
                response = client.generic(method, url)
                assert response.status_code == 404, f"{method} {name} as {user.username}: {response.status_code}"


def test_leads_can_open_a_concern_on_every_url(safeguarding_lead, client_for, partner_a):
    concern, _ = raise_from_public(partner=partner_a, category=SAFEGUARDING, attachments=[pdf()])
    client = client_for(safeguarding_lead)
    for name, url, _ in _pk_urls(concern):
        if "GET" in RULES[name].methods:
            assert client.get(url).status_code == 200, name


def test_concerns_are_listed_apart_and_left_out_of_other_staff_lists_and_counts(staff, manager, client_for, partner_a):
    concern, _ = raise_from_public(partner=partner_a, category=SAFEGUARDING)
    ordinary, _ = raise_from_public(partner=partner_a)
    Complaint.objects.filter(pk__in=[concern.pk, ordinary.pk]).update(acknowledge_by="2020-01-01")
    for user in (staff, manager):
        page = client_for(user).get("/staff/complaints/")
        assert ordinary.reference in page.text and concern.reference not in page.text
        assert page.context["overdue_count"] == 1
        csv = b"".join(client_for(user).get("/staff/complaints/?export=csv").streaming_content).decode()
        assert concern.reference not in csv
    apart = client_for(manager).get("/staff/complaints/safeguarding/")
    assert concern.reference in apart.text and ordinary.reference not in apart.text
    assert "1 open safeguarding concern" in client_for(manager).get("/staff/complaints/").text
    assert client_for(staff).get("/staff/complaints/safeguarding/").status_code == 403
    assert "1 open safeguarding concern" not in client_for(staff).get("/staff/complaints/").text


def test_the_chair_sees_a_concern_only_once_escalated(chair, manager, partner_a_user, partner_b, client_for):
    concern = raise_from_portal(partner_a_user, about_partner=partner_b, category=SAFEGUARDING)
    url = f"/chair/complaints/{concern.pk}/"
    assert client_for(chair).get(url).status_code == 404
    advance(concern, Complaint.Status.ESCALATED, manager=manager, complainant=partner_a_user)
    assert client_for(chair).get(url).status_code == 200


def test_a_lead_suspends_the_partnership_from_the_concern(manager, client_for, partner_a):
    concern, _ = raise_from_public(partner=partner_a, category=SAFEGUARDING)
    url = f"/staff/complaints/{concern.pk}/suspend-partner/"
    page = client_for(manager).get(f"/staff/complaints/{concern.pk}/")
    assert "Suspend the partnership now" in page.text
    response = client_for(manager).post(url, {"suspend-reason": "Allegation against a tutor, under investigation."})
    assert response.status_code == 302
    partner_a.refresh_from_db()
    assert partner_a.status == Partner.Stage.SUSPENDED
    assert "partnership suspended" in [e.action for e in concern_history(concern)]
    # Now suspended, it cannot be suspended again: the button goes and a second post is refused.
    assert "Suspend the partnership now" not in client_for(manager).get(f"/staff/complaints/{concern.pk}/").text
    again = client_for(manager).post(url, {"suspend-reason": "Again."})
    assert again.status_code == 200 and "not active" in again.text


def test_a_decided_concern_cannot_suspend_the_partnership(manager, chair, partner_a_user, partner_b, client_for):
    concern = raise_from_portal(partner_a_user, about_partner=partner_b, category=SAFEGUARDING)
    advance(concern, Complaint.Status.DECIDED, manager=manager, chair=chair, complainant=partner_a_user)
    assert partner_b.status == Partner.Stage.ACTIVE
    assert "Suspend the partnership now" not in client_for(manager).get(f"/staff/complaints/{concern.pk}/").text
    response = client_for(manager).post(
        f"/staff/complaints/{concern.pk}/suspend-partner/", {"suspend-reason": "Another worry."}
    )
    assert response.status_code == 200 and "raise a new concern" in response.text
    partner_b.refresh_from_db()
    assert partner_b.status == Partner.Stage.ACTIVE
    assert "partnership suspended" not in [e.action for e in concern_history(concern)]


def concern_history(concern):
    from hubportal.core.history import history_for

    return list(history_for(concern))


def test_suspension_needs_a_reason_and_keeps_what_was_typed(manager, client_for, partner_a):
    concern, _ = raise_from_public(partner=partner_a, category=SAFEGUARDING)
    response = client_for(manager).post(f"/staff/complaints/{concern.pk}/suspend-partner/", {"suspend-reason": ""})
    assert response.status_code == 200 and "There is a problem" in response.text
    partner_a.refresh_from_db()
    assert partner_a.status == Partner.Stage.ACTIVE


def test_an_ordinary_complaint_cannot_suspend_the_partnership(manager, client_for, partner_a):
    complaint, _ = raise_from_public(partner=partner_a)
    response = client_for(manager).post(f"/staff/complaints/{complaint.pk}/suspend-partner/", {"suspend-reason": "x"})
    assert response.status_code == 403
    partner_a.refresh_from_db()
    assert partner_a.status == Partner.Stage.ACTIVE


def test_a_lead_recommends_termination_from_the_concern(manager, client_for, partner_a):
    agreement = AgreementFactory(partner=partner_a, live=True)
    concern, _ = raise_from_public(partner=partner_a, category=SAFEGUARDING)
    url = f"/staff/complaints/{concern.pk}/recommend-termination/"
    assert agreement.title in client_for(manager).get(url).text
    response = client_for(manager).post(
        url,
        {
            "agreement": agreement.pk,
            "kind": "terminate",
            "reasons": ["safeguarding"],
            "evidence": "A tutor was left alone with pupils without a DBS check.",
            "suspend_partner": "on",
        },
    )
    assert response.status_code == 302, response.content
    recommendation = TerminationRecommendation.objects.get()
    assert recommendation.complaint == concern and recommendation.agreement == agreement
    assert recommendation.partnership_suspended
    partner_a.refresh_from_db()
    assert partner_a.status == Partner.Stage.SUSPENDED
    detail = client_for(manager).get(f"/staff/complaints/{concern.pk}/")
    assert "Recommendations to end the partnership" in detail.text and "waiting for the Chair" in detail.text


def test_the_recommendation_form_keeps_what_was_typed(manager, client_for, partner_a):
    agreement = AgreementFactory(partner=partner_a, live=True)
    concern, _ = raise_from_public(partner=partner_a, category=SAFEGUARDING)
    response = client_for(manager).post(
        f"/staff/complaints/{concern.pk}/recommend-termination/",
        {"agreement": agreement.pk, "kind": "terminate", "reasons": ["other"], "evidence": "Seen on a visit."},
    )
    assert response.status_code == 200
    assert "Say what the other reason is." in response.text and "Seen on a visit." in response.text
    assert not TerminationRecommendation.objects.exists()


def test_other_staff_cannot_recommend_from_a_concern(staff, client_for, partner_a):
    concern, _ = raise_from_public(partner=partner_a, category=SAFEGUARDING)
    assert client_for(staff).get(f"/staff/complaints/{concern.pk}/recommend-termination/").status_code == 404
