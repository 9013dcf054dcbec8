"""The pages that gather what every app contributes: a partner's health, the
portal to-do list and the Chair's queue."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hubportal.core import health, todo
from hubportal.core.chair import ChairCase
from hubportal.core.chair import sources as chair_sources
from hubportal.core.health import AMBER, GREEN, RED, Reason, health_for
from hubportal.core.history import history_for
from hubportal.core.todo import Todo, todos_for
from partners.models import Partner
from partners.services import partner_move

TODAY = date(2027, 1, 15)


@pytest.fixture
def contributed(request):
    """Register a function with a registry for one test only."""

    def add(registry, function):
        registry.register(function)
        request.addfinalizer(lambda: registry.unregister(function))
        return function

    return add


def test_a_partner_with_no_reasons_is_green_and_any_red_reason_makes_it_red(partner_a, partner_b, contributed):
    def signal(ids, today):
        return {
            partner_a.pk: [Reason(AMBER, "Your insurance expires in 20 days."), Reason(RED, "A survey is overdue.")]
        }

    contributed(health.signals, signal)
    rated = health_for([partner_a.pk, partner_b.pk], TODAY)
    assert rated[partner_a.pk].level == RED
    texts = [r.text for r in rated[partner_a.pk].reasons]
    assert texts == ["A survey is overdue.", "Your insurance expires in 20 days."]
    assert rated[partner_b.pk].level == GREEN and rated[partner_b.pk].reasons == []


def test_amber_reasons_alone_make_amber(partner_a, contributed):
    contributed(health.signals, lambda ids, today: {partner_a.pk: [Reason(AMBER, "Evidence expires soon.")]})
    assert health_for([partner_a.pk], TODAY)[partner_a.pk].level == AMBER


def test_the_partner_sees_health_without_the_reasons_only_staff_may_see(partner_a, contributed):
    contributed(
        health.signals,
        lambda ids, today: {partner_a.pk: [Reason(RED, "A complaint about you is open.", staff_only=True)]},
    )
    assert health_for([partner_a.pk], TODAY)[partner_a.pk].level == RED
    assert health_for([partner_a.pk], TODAY, for_partner=True)[partner_a.pk].level == GREEN


def test_a_safeguarding_reason_reads_in_full_only_for_safeguarding_leads(partner_a, staff, manager, contributed):
    concern = Reason(
        RED,
        "A safeguarding concern is open.",
        url="/staff/complaints/safeguarding/",
        staff_only=True,
        safeguarding_only=True,
    )
    contributed(health.signals, lambda ids, today: {partner_a.pk: [concern]})
    assert health_for([partner_a.pk], TODAY, viewer=manager)[partner_a.pk].reasons == [concern]
    [seen] = health_for([partner_a.pk], TODAY, viewer=staff)[partner_a.pk].reasons
    assert (seen.level, seen.url) == (RED, "") and "safeguarding concern" not in seen.text
    assert health_for([partner_a.pk], TODAY, for_partner=True)[partner_a.pk].reasons == []


def test_links_in_reasons_go_only_to_hub_staff(partner_a, staff, assessor, contributed):
    contributed(health.signals, lambda ids, today: {partner_a.pk: [Reason(AMBER, "Open complaint.", url="/x/")]})
    assert health_for([partner_a.pk], TODAY, viewer=staff)[partner_a.pk].reasons[0].url == "/x/"
    assert health_for([partner_a.pk], TODAY, viewer=assessor)[partner_a.pk].reasons[0].url == ""


def test_the_to_do_list_is_soonest_first_with_undated_items_last(partner_a, contributed):
    def items(partner, today):
        return [
            Todo("Renew your insurance", "/b/", today + timedelta(days=20)),
            Todo("Tell us about your work", "/c/"),
            Todo("Complete the Autumn survey", "/a/", today + timedelta(days=3)),
        ]

    contributed(todo.sources, items)
    partner_a.evidence.all().delete()  # only the contributed items: no register, so nothing of the app's own
    assert [t.url for t in todos_for(partner_a, TODAY)] == ["/a/", "/b/", "/c/"]


def test_portal_home_shows_the_to_do_list_and_health(partner_a_user, client_for, contributed):
    partner_id = partner_a_user.partner_id
    contributed(todo.sources, lambda partner, today: [Todo("Sign your agreement", "/sign/", today)])
    contributed(health.signals, lambda ids, today: {partner_id: [Reason(RED, "Your safeguarding policy expired.")]})
    response = client_for(partner_a_user).get(reverse("portal_home"))
    assert '<a href="/sign/">Sign your agreement</a>' in response.text
    assert "Your safeguarding policy expired." in response.text
    assert response.context["health"].level == RED


def test_the_chair_queue_is_oldest_first_with_its_age(chair, client_for, contributed):
    now = timezone.now()
    contributed(
        chair_sources,
        lambda: [
            ChairCase("Escalated complaint", "C-2027-0002", "/two/", now - timedelta(days=2)),
            ChairCase("Termination recommendation", "Partner A", "/one/", now - timedelta(days=9)),
        ],
    )
    response = client_for(chair).get(reverse("chair_home"))
    assert [c.url for c in response.context["needs"].items] == ["/one/", "/two/"]
    assert "Waiting 9 days" in response.text


def test_partner_move_records_the_stage_and_the_reason(partner_a, staff):
    partner_move(partner=partner_a, to=Partner.Stage.SUSPENDED, actor=staff, reason="Safeguarding concern raised.")
    partner_a.refresh_from_db()
    assert (partner_a.status, partner_a.status_reason) == ("suspended", "Safeguarding concern raised.")
    [entry] = history_for(partner_a)
    assert (entry.from_state, entry.to_state, entry.actor) == ("active", "suspended", staff)


def test_the_chair_home_shows_the_oldest_20_cases_and_links_to_all(chair, client_for, contributed):
    now = timezone.now()
    cases = [
        ChairCase("Escalated complaint", f"Case {n:02d}", f"/case/{n}/", now - timedelta(days=n)) for n in range(25)
    ]
    contributed(chair_sources, lambda: cases)
    page = client_for(chair).get(reverse("chair_home")).text
    assert "/case/24/" in page and "/case/5/" in page and "/case/4/" not in page
    assert "The oldest 20 of 25 cases." in page
