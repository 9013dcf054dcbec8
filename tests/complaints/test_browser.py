"""The whole journey in the browser: a partner complains, the Service Manager
acknowledges and resolves, the partner escalates, the Chair decides, and the
decision is locked and shown to the partner. axe-core checks every page."""

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint
from tests.browser.support import assert_accessible, login
from tests.complaints.helpers import raise_from_public

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as(page, user):
    page.context.clear_cookies()
    login(page, user.username)


def test_a_complaint_from_the_portal_to_the_chairs_final_decision(page, partner_a_user, partner_b, manager, chair):
    # The partner complains.
    sign_in_as(page, partner_a_user)
    page.goto("/portal/complaints/")
    assert_accessible(page)
    page.get_by_role("link", name="Make a complaint").click()
    page.get_by_label("What is it about?").select_option("quality")
    page.get_by_label("A partner or partnership").check()
    page.get_by_label("Which partner").select_option(str(partner_b.pk))
    page.get_by_label("What happened").fill("The joint percussion sessions were cancelled four times.")
    assert_accessible(page)
    page.get_by_role("button", name="Send the complaint").click()
    complaint = Complaint.objects.get()
    expect(page.get_by_role("heading", name=f"Your complaint {complaint.reference}")).to_be_visible()
    assert_accessible(page)

    # The Service Manager acknowledges, investigates and resolves.
    sign_in_as(page, manager)
    page.goto("/staff/complaints/")
    assert_accessible(page)
    page.get_by_role("link", name=complaint.reference).click()
    assert_accessible(page)
    page.get_by_label("Message to the complainant (optional)").fill("I am looking into this myself.")
    page.get_by_role("button", name="Acknowledge the complaint").click()
    page.get_by_role("button", name="Start the investigation").click()
    page.get_by_label("Written resolution").fill("Harborough Youth Strings will run the four sessions in June.")
    page.get_by_role("button", name="Send the resolution").click()
    # The confirm step: the text and who receives it. Going back to change it loses nothing.
    expect(page.get_by_role("heading", name="Send this resolution?")).to_be_visible()
    expect(page.get_by_text(partner_a_user.email)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Change the resolution").click()
    resolution = page.get_by_label("Written resolution")
    assert resolution.input_value() == "Harborough Youth Strings will run the four sessions in June."
    page.get_by_role("button", name="Send the resolution").click()
    page.get_by_role("button", name="Send the resolution").click()
    expect(page.get_by_text("The resolution has been sent to the complainant.")).to_be_visible()
    assert_accessible(page)

    # The partner is not satisfied and escalates.
    sign_in_as(page, partner_a_user)
    page.goto(f"/portal/complaints/{complaint.pk}/")
    expect(page.get_by_text("Harborough Youth Strings will run the four sessions in June.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Escalate to the Chair").click()
    assert_accessible(page)
    page.get_by_label("Why the resolution does not settle your complaint").fill("June is after the schools break up.")
    page.get_by_role("button", name="Escalate to the Chair").click()
    expect(page.get_by_text("Your complaint has been escalated")).to_be_visible()

    # The Chair reviews the full file and decides.
    sign_in_as(page, chair)
    assert page.url.endswith("/chair/")
    assert_accessible(page)
    page.get_by_role("link", name=f"Complaint {complaint.reference}: Quality of delivery").click()
    for part in (
        "The joint percussion sessions were cancelled four times.",
        "Harborough Youth Strings will run the four sessions in June.",
        "June is after the schools break up.",
        "I am looking into this myself.",
    ):
        expect(page.get_by_text(part).first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start my review").click()
    page.get_by_label("Findings").fill("Four sessions were missed; June is too late for the schools.")
    page.get_by_label("Partly upheld").check()
    page.get_by_label("Reasons for the decision").fill("The sessions must be delivered before the end of term.")
    assert_accessible(page)
    page.get_by_role("button", name="Continue to confirm your decision").click()
    # The confirm step: the decision, what it does and who hears it; going back keeps every word.
    expect(page.get_by_role("heading", name="Confirm your decision")).to_be_visible()
    expect(page.get_by_text("your findings, decision and reasons").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Change my decision").click()
    assert page.get_by_label("Findings").input_value() == "Four sessions were missed; June is too late for the schools."
    assert page.get_by_label("Partly upheld").is_checked()
    page.get_by_role("button", name="Continue to confirm your decision").click()
    page.get_by_label("I understand that my decision is final").check()
    page.get_by_role("button", name="Record my final decision").click()
    expect(page.get_by_text("Your decision is recorded and final.")).to_be_visible()
    # Locked: no decision form any more, only a correction.
    assert page.get_by_role("button", name="Record my final decision").count() == 0
    expect(page.get_by_role("button", name="Add the correction")).to_be_visible()
    assert_accessible(page)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.DECIDED and complaint.decided_by == chair

    # The partner sees the decision, final.
    sign_in_as(page, partner_a_user)
    page.goto(f"/portal/complaints/{complaint.pk}/")
    expect(page.get_by_role("heading", name="The Chair's decision: Partly upheld")).to_be_visible()
    expect(page.get_by_text("This decision is final and cannot be changed.")).to_be_visible()
    assert page.get_by_role("button", name="Escalate to the Chair").count() == 0
    assert_accessible(page)


def test_the_public_form_and_tracking_page(page, manager):
    page.goto("/")
    page.get_by_role("link", name="Make a complaint").click()
    assert_accessible(page)
    page.get_by_label("Your name").fill("Sam O'Brien")
    page.get_by_label("Your email address").fill("sam@example.org")
    page.get_by_label("What is it about?").select_option("communication")
    page.get_by_label("The Hub itself").check()
    # About the Hub: the partner list is hidden.
    expect(page.get_by_label("Which partner (if you know)")).to_be_hidden()
    page.get_by_label("What happened").fill("Nobody answered my emails about instrument loans.")
    page.get_by_role("button", name="Send my complaint").click()
    complaint = Complaint.objects.get()
    expect(page.get_by_role("heading", name=f"Your complaint {complaint.reference} has been received")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Follow complaint {complaint.reference}").click()
    expect(page.get_by_text("Nobody answered my emails about instrument loans.")).to_be_visible()
    assert_accessible(page)


def test_a_safeguarding_concern_and_its_actions(page, manager, partner_a):
    concern, _ = raise_from_public(partner=partner_a, category="safeguarding")
    sign_in_as(page, manager)
    page.goto("/staff/complaints/safeguarding/")
    assert_accessible(page)
    page.get_by_role("link", name=concern.reference).click()
    expect(page.get_by_text("Safeguarding concern.")).to_be_visible()
    expect(page.get_by_role("heading", name="Safeguarding actions")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Recommend the Chair ends the partnership").click()
    assert_accessible(page)
    page.go_back()
    page.get_by_label("Why the partnership is suspended").fill("Allegation against a volunteer.")
    page.get_by_role("button", name="Suspend the partnership now").click()
    expect(page.get_by_text("The partnership is suspended.")).to_be_visible()
    assert_accessible(page)


def test_the_public_form_counts_the_characters_left_in_what_happened(page, db):
    page.goto("/complaints/new/")
    account = page.get_by_label("What happened")
    counter = page.locator("#id_account-counter")
    assert counter.text_content() == "10,000 of 10,000 characters left"
    account.fill("x" * 9_500)
    assert counter.text_content() == "500 of 10,000 characters left"
    assert "text-danger" in counter.get_attribute("class")
    assert account.get_attribute("aria-describedby").endswith("id_account-counter")
    assert_accessible(page)
