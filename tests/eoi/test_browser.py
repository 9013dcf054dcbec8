"""Commissioning in the browser: a gap in provision becomes a signed project agreement.

Partner A drafts an EOI at 51% Hub Grant, is refused with the figures and
keeps the draft, lowers it to 50% and submits; the call closes (the beat
task); staff assign an assessor, who declares no conflict and scores; staff
decide and award on the procurement route; partner A signs the project
agreement on the agreements app's signing page. axe-core checks every page.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from eoi.models import Call, ExpressionOfInterest
from eoi.services import close_due_calls
from tests.browser.support import assert_accessible, login
from tests.eoi.factories import (
    CallFactory,
    CriterionFactory,
    GapFactory,
    NeedsAnalysisFactory,
    ensure_procurement_bands,
    ensure_project_template,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_user(page, username):
    page.context.clear_cookies()
    login(page, username)


@pytest.fixture
def call(db):
    ensure_procurement_bands()
    ensure_project_template()
    call = CallFactory(title="Inclusive ensembles in Charnwood", max_hub_grant=Decimal("10000.00"))
    CriterionFactory(call=call, name="Meets the gap", weight=3, order=0)
    CriterionFactory(call=call, name="Value for money", weight=2, order=1)
    return call


def test_a_gap_becomes_a_signed_project_agreement(page, call, partner_a_user, staff, manager, assessor):
    # Partner A finds the call and starts an expression of interest.
    login(page, partner_a_user.username)
    page.goto(reverse("eoi:portal_calls"))
    assert_accessible(page)
    page.get_by_role("link", name=call.title).click()
    assert_accessible(page)
    page.get_by_role("button", name="Start an expression of interest").click()
    assert page.get_by_role("heading", name=f"Expression of interest: {call.title}").is_visible()

    page.get_by_label("Title").fill("Open Orchestra Charnwood")
    page.get_by_label("What you will deliver").fill("A weekly inclusive ensemble with adapted instruments.")
    page.get_by_label("How you will deliver it").fill("Two tutors trained in inclusive practice.")
    page.get_by_label("Who benefits").fill("Young people with SEND aged 8 to 18 in Charnwood.")
    page.get_by_label("Children and young people you expect to reach").fill("30")
    page.get_by_label("Timeline").fill("January to July.")
    page.get_by_label("Item, budget line 1").fill("Tutors and instruments")
    page.get_by_label("Amount in pounds, budget line 1").fill("10000.00")
    page.get_by_label("Hub Grant requested (£)").fill("5100.00")
    page.get_by_label("Source, funding line 1").select_option("own_funds")
    page.get_by_label("From whom or what, funding line 1").fill("Collective reserves")
    page.get_by_label("Amount in pounds, funding line 1").fill("4900.00")
    # The figures follow the typing.
    assert page.locator('[data-live="total"]').inner_text() == "£10,000.00"
    assert page.locator('[data-live="share"]').inner_text() == "51.00%"
    assert "£100.00 short" in page.locator('[data-live="verdict"]').inner_text()
    for label in [
        "How the work aligns with the Hub's quality and performance frameworks and policies",
        "Inclusive:",
        "Collaborative:",
        "High quality:",
        "Evaluative:",
        "Legacy:",
    ]:
        page.get_by_label(label).fill("Set out in full in our plan.")
    page.get_by_label("I confirm our safeguarding policy").check()
    assert_accessible(page)

    # Submitting at 51% is refused with the figures; the draft keeps what was typed.
    page.get_by_role("button", name="Submit expression of interest").click()
    summary = page.locator("[data-error-summary]")
    assert "Your draft is saved but was not submitted" in summary.inner_text()
    assert "51.00%" in summary.inner_text() and "£10,000.00" in summary.inner_text()
    assert "The shortfall is £100.00" in summary.inner_text()
    assert page.get_by_label("Hub Grant requested (£)").input_value() == "5100.00"
    assert_accessible(page)
    eoi = ExpressionOfInterest.objects.get(call=call)
    assert eoi.status == ExpressionOfInterest.Status.DRAFT and eoi.hub_grant_requested == Decimal("5100.00")

    # Lowered to exactly 50%, it is accepted.
    page.get_by_label("Hub Grant requested (£)").fill("5000.00")
    page.get_by_label("Amount in pounds, funding line 1").fill("5000.00")
    assert page.locator('[data-live="share"]').inner_text() == "50.00%"
    assert page.locator('[data-live="verdict"]').inner_text() == "On these figures the match-funding rule is met."
    page.get_by_role("button", name="Submit expression of interest").click()
    assert page.get_by_text("Submitted. We have emailed you a receipt").is_visible()
    assert_accessible(page)
    eoi.refresh_from_db()
    assert eoi.status == ExpressionOfInterest.Status.SUBMITTED

    # The call's close time comes; the beat task closes it.
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    assert close_due_calls() == 1

    # Staff assign an assessor.
    switch_user(page, staff.username)
    page.goto(reverse("eoi:call_eois", args=[call.pk]))
    assert "50.00%" in page.locator("table").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Open Orchestra Charnwood").click()
    page.get_by_label("Assessor").select_option(str(assessor.pk))
    page.get_by_role("button", name="Assign the assessor").click()
    assert page.get_by_text("is assigned and has been told").is_visible()
    assert_accessible(page)

    # The assessor declares no conflict, then scores each criterion.
    switch_user(page, assessor.username)
    page.goto(reverse("eoi:assessments"))
    assert_accessible(page)
    page.get_by_role("link", name="Declare any conflict of interest").click()
    assert_accessible(page)
    page.get_by_label("No, I have no conflict of interest").check()
    page.get_by_role("button", name="Declare").click()
    assert page.get_by_role("heading", name="Score: Open Orchestra Charnwood").is_visible()
    page.get_by_role("group", name="Score for Meets the gap (weight 3)").get_by_label("5").check()
    page.get_by_label("Comment on Meets the gap").fill("Exactly the Charnwood gap.")
    page.get_by_role("group", name="Score for Value for money (weight 2)").get_by_label("4").check()
    page.get_by_label("Comment on Value for money").fill("Half from secured sources.")
    assert_accessible(page)
    page.get_by_role("button", name="Save my scores").click()
    assert page.get_by_text("Scores saved").is_visible()

    # Staff see the matrix, decide, and award on the procurement route.
    switch_user(page, staff.username)
    page.goto(reverse("eoi:call_matrix", args=[call.pk]))
    assert "4.60" in page.locator("table").inner_text()  # (5×3 + 4×2) / 5
    assert_accessible(page)
    page.goto(reverse("eoi:eoi_detail", args=[eoi.pk]))
    page.get_by_label("Successful", exact=True).check()
    page.get_by_label("Reasons for the decision (kept on the record)").fill("Ranked first; meets the gap.")
    page.get_by_label("Feedback for the partner").fill("A strong plan.")
    page.get_by_role("button", name="Record the decision and tell the partner").click()
    assert page.get_by_text("Decision recorded").is_visible()
    page.get_by_role("link", name="Award the Hub Grant").click()
    assert page.get_by_text("£5,000 to £25,000").is_visible()
    assert page.get_by_text("Three written quotes").is_visible()
    assert_accessible(page)
    page.get_by_label("How the procurement route was followed").fill("Three written quotes compared.")
    page.get_by_role("button", name="Confirm the award of £5,000.00").click()
    assert page.get_by_text("Awarded. The project agreement is drafted").is_visible()
    assert_accessible(page)
    agreement = Agreement.objects.get(eoi=eoi)
    assert page.get_by_role("link", name="Open the project agreement").get_attribute("href") == reverse(
        "agreements:detail", args=[agreement.pk]
    )

    # Staff complete the project agreement's schedule and issue it (the agreements app's own pages and services).
    from agreements import services as agreements

    today = timezone.localdate()
    agreements.agreement_update(
        agreement=agreement,
        actor=staff,
        fields={"starts_on": today, "ends_on": today + datetime.timedelta(days=180)},
        outcomes=[{"description": "Young people with SEND play weekly", "measure": "Players", "target": "30"}],
        instalments=[
            {"milestone": "Signed", "due_on": today, "amount": Decimal("2500.00")},
            {"milestone": "Report", "due_on": today + datetime.timedelta(days=90), "amount": Decimal("2500.00")},
        ],
    )
    agreements.agreement_issue(agreement=agreement, actor=staff)

    # Partner A signs it, from its EOI, on the agreements app's signing page.
    switch_user(page, partner_a_user.username)
    page.goto(reverse("eoi:portal_eoi", args=[eoi.pk]))
    assert page.get_by_text("Hub Grant awarded").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Your project agreement").click()
    page.goto(reverse("agreements:sign", args=[agreement.pk]))
    page.get_by_label("Your full name").fill("Priya Shah")
    page.get_by_label("Your role").fill("Director")
    page.get_by_label("I have read this agreement and I sign it on behalf of my organisation.").check()
    # The signing page is the agreements app's, checked by its own browser tests.
    page.get_by_role("button", name="Sign the agreement").click()
    page.wait_for_load_state()
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.PARTNER_SIGNED


def test_staff_commissioning_pages_are_accessible(page, staff, call):
    analysis = NeedsAnalysisFactory()
    GapFactory(needs_analysis=analysis)
    login(page, staff.username)
    for url in [
        reverse("eoi:needs_list"),
        reverse("eoi:needs_detail", args=[analysis.pk]),
        reverse("eoi:gap_create", args=[analysis.pk]),
        reverse("eoi:call_list"),
        reverse("eoi:call_create"),
        reverse("eoi:call_detail", args=[call.pk]),
    ]:
        page.goto(url)
        assert_accessible(page)
    # A draft call with its criteria, through the form.
    page.goto(reverse("eoi:call_create"))
    page.get_by_label("Title").first.fill("Songwriting with young carers")
    page.get_by_label("Brief").fill("Short songwriting projects.")
    page.get_by_role("button", name="Save the call as a draft").click()
    assert page.locator("[data-error-summary]").is_visible()
    assert_accessible(page)
