"""What complaints add to pages across the product: the Chair's queue, a
partner's health, the staff partner page's tab, the partner's to-do list."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from complaints.chair import escalated_complaints
from complaints.health import open_complaints
from complaints.models import Complaint
from complaints.partner_tabs import complaints_tab
from complaints.todo import resolutions_to_answer
from hubportal.core.chair import chair_queue
from hubportal.core.health import AMBER, RED, health_for
from hubportal.core.todo import todos_for
from tests.complaints.helpers import advance, raise_from_portal, raise_from_public

Status = Complaint.Status


def test_escalated_and_reviewed_complaints_are_on_the_chairs_queue(manager, chair, partner_a_user, partner_b):
    waiting = advance(
        raise_from_portal(partner_a_user, about_partner=partner_b),
        Status.ESCALATED,
        manager=manager,
        complainant=partner_a_user,
    )
    reviewing = advance(
        raise_from_portal(partner_a_user), Status.CHAIR_REVIEW, manager=manager, chair=chair, complainant=partner_a_user
    )
    advance(raise_from_portal(partner_a_user), Status.DECIDED, manager=manager, chair=chair, complainant=partner_a_user)
    raise_from_portal(partner_a_user)
    cases = {case.url: case for case in escalated_complaints()}
    assert set(cases) == {f"/chair/complaints/{waiting.pk}/", f"/chair/complaints/{reviewing.pk}/"}
    case = cases[f"/chair/complaints/{waiting.pk}/"]
    assert case.kind == "Escalated complaint" and case.partner_name == partner_b.name
    assert case.waiting_since == waiting.escalated_at
    assert [c.url for c in chair_queue() if c.kind == "Escalated complaint"] == [
        f"/chair/complaints/{waiting.pk}/",
        f"/chair/complaints/{reviewing.pk}/",
    ]


def test_open_complaints_make_a_partner_amber_and_a_concern_red_for_staff_only(manager, partner_a, partner_b):
    raise_from_public(partner=partner_a)
    raise_from_public(partner=partner_a)
    closed, _ = raise_from_public(partner=partner_b)
    closed = advance(closed, Status.CLOSED, manager=manager, token=_token_for(closed))
    found = open_complaints([partner_a.pk, partner_b.pk], date.today())
    assert [(r.level, r.text, r.staff_only) for r in found[partner_a.pk]] == [
        (AMBER, "2 complaints about this partner are open.", True)
    ]
    assert partner_b.pk not in found
    raise_from_public(partner=partner_b, category="safeguarding")
    rated = health_for([partner_b.pk], viewer=manager)[partner_b.pk]
    assert rated.level == RED and "A safeguarding concern about this partner is open." in [
        r.text for r in rated.reasons
    ]
    # Staff who are not safeguarding leads see the level, not the concern.
    anonymous_view = health_for([partner_b.pk])[partner_b.pk]
    assert anonymous_view.level == RED
    assert not [r for r in anonymous_view.reasons if "safeguarding concern" in r.text]
    # The partner's own view leaves both out.
    own = health_for([partner_a.pk, partner_b.pk], for_partner=True)
    assert not [
        r for p in (partner_a.pk, partner_b.pk) for r in own[p].reasons if "complaint" in r.text or "concern" in r.text
    ]


def _token_for(complaint):
    from complaints.services import _new_tracking_token

    token = _new_tracking_token(complaint)
    complaint.save(update_fields=["tracking_token_hash", "tracking_expires_at"])
    return token


def test_the_health_signal_is_one_query_for_many_partners(partner_a, partner_b, django_assert_num_queries):
    raise_from_public(partner=partner_a)
    raise_from_public(partner=partner_b, category="safeguarding")
    with django_assert_num_queries(1):
        open_complaints([partner_a.pk, partner_b.pk], date.today())


def test_the_partner_tab_shows_complaints_about_and_by_the_partner(staff, manager, assessor, partner_a, partner_a_user):
    about, _ = raise_from_public(partner=partner_a)
    concern, _ = raise_from_public(partner=partner_a, category="safeguarding")
    made = raise_from_portal(partner_a_user)
    for_staff = complaints_tab(partner_a, staff)
    assert for_staff.context["complaints_about"] == [about]
    assert for_staff.context["complaints_made"] == [made]
    assert for_staff.count == 1
    for_lead = complaints_tab(partner_a, manager)
    assert set(for_lead.context["complaints_about"]) == {about, concern} and for_lead.count == 2
    assert complaints_tab(partner_a, assessor) is None


def test_the_partner_tab_renders_on_the_partner_page(manager, client_for, partner_a):
    concern, _ = raise_from_public(partner=partner_a, category="safeguarding")
    page = client_for(manager).get(reverse("partners:detail", args=[partner_a.pk]) + "?tab=complaints")
    assert page.status_code == 200 and concern.reference in page.text


def test_a_resolution_waiting_for_the_partner_is_on_their_to_do_list(manager, partner_a_user):
    london = ZoneInfo("Europe/London")
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=london), tick=False):
        complaint = advance(raise_from_portal(partner_a_user), Status.RESOLVED, manager=manager)
    partner = partner_a_user.partner
    [todo] = resolutions_to_answer(partner, date(2026, 3, 10))
    assert todo.due_on == complaint.escalate_by == date(2026, 3, 30)
    assert todo.url == f"/portal/complaints/{complaint.pk}/" and complaint.reference in todo.text
    assert todo in todos_for(partner, date(2026, 3, 10))
    # Not once the window has passed, nor for another partner.
    assert resolutions_to_answer(partner, complaint.escalate_by + timedelta(days=1)) == []


def test_admin_lists_leave_out_concerns_for_admins_who_are_not_leads(admin_user, client_for, partner_a):
    concern, _ = raise_from_public(partner=partner_a, category="safeguarding")
    ordinary, _ = raise_from_public(partner=partner_a)
    page = client_for(admin_user).get("/admin/complaints/complaint/")
    assert ordinary.reference in page.text and concern.reference not in page.text
    assert client_for(admin_user).get(f"/admin/complaints/complaint/{concern.pk}/change/").status_code == 302
