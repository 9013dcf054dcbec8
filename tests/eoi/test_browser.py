"""Commissioning in the browser: a gap in provision becomes a signed project agreement.

Staff record the year's needs analysis and a gap in provision, draft a call
answering it with weighted criteria and open it, all on the staff pages.
Partner A drafts an EOI at 51% Hub Grant, is refused with the figures and
keeps the draft, lowers it to 50% and submits; the call closes at its close
time (the beat task); staff assign two assessors, who each declare no conflict
and score; staff decide and award on the procurement route, complete the
drafted project agreement and issue it; partner A signs it and the Service
Manager countersigns, so it goes live. axe-core checks every page.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from agreements.models import Agreement
from eoi.models import Call, ExpressionOfInterest
from eoi.services import close_due_calls
from hubportal.core import roles
from hubportal.core.academic_years import current_academic_year
from tests.browser.support import assert_accessible, login
from tests.eoi.factories import (
    CallFactory,
    CriterionFactory,
    GapFactory,
    NeedsAnalysisFactory,
    ensure_procurement_bands,
    ensure_project_template,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CALL = "Inclusive ensembles in Charnwood"
GAP = "Inclusive ensembles for young people with SEND in Charnwood"


def switch_user(page, username):
    page.context.clear_cookies()
    login(page, username)


@pytest.fixture
def call(db):
    ensure_procurement_bands()
    ensure_project_template()
    call = CallFactory(title=CALL, max_hub_grant=Decimal("10000.00"))
    CriterionFactory(call=call, name="Meets the gap", weight=3, order=0)
    CriterionFactory(call=call, name="Value for money", weight=2, order=1)
    return call


def local_input(moment: datetime.datetime) -> str:
    """What a datetime-local input takes, in the Hub's time."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def staff_open_a_call_for_a_gap(page, staff) -> Call:
    """The needs analysis, its gap, and a call answering it, through the staff pages."""
    year = current_academic_year()
    login(page, staff.username)
    page.goto(reverse("eoi:needs_list"))
    page.get_by_role("link", name="Start a needs analysis").click()
    assert_accessible(page)
    page.get_by_label("Academic year").select_option(str(year.start_year))
    page.get_by_label("Title").fill(f"Needs analysis {year.label}")
    page.get_by_label("Summary").fill("School surveys, partner returns and consultation with young people.")
    page.get_by_role("button", name="Save the needs analysis").click()
    expect(page.get_by_text("Needs analysis created.")).to_be_visible()

    page.get_by_role("link", name="Record a gap in provision").click()
    page.get_by_label("Title").fill(GAP)
    page.get_by_label("What is missing").fill("No regular ensemble in Charnwood is adapted for young people with SEND.")
    page.get_by_label("SEND (special educational needs and disabilities)").check()
    page.get_by_label("Charnwood").check()
    page.get_by_label("National Plan strand").select_option(label="Inclusion")
    page.get_by_label("Evidence").fill("41 young people on informal waiting lists.")
    page.get_by_label("Priority").select_option("high")
    page.get_by_label("Indicative budget").fill("15000.00")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Gap in provision saved.")).to_be_visible()
    expect(page.get_by_role("link", name=GAP)).to_be_visible()
    assert_accessible(page)

    page.goto(reverse("eoi:call_list"))
    page.get_by_role("link", name="Draft a new call").click()
    page.get_by_label("Title").first.fill(CALL)
    page.get_by_label("Brief").fill("A weekly inclusive ensemble in Charnwood for young people with SEND.")
    page.get_by_label(f"{GAP} ({year.label})").check()
    now = timezone.now()
    page.get_by_label("Opens").fill(local_input(now - datetime.timedelta(hours=1)))
    page.get_by_label("Closes").fill(local_input(now + datetime.timedelta(days=14)))
    page.get_by_label("Largest Hub Grant per expression of interest").fill("10000.00")
    page.locator("#id_criteria-0-name").fill("Meets the gap")
    page.locator("#id_criteria-0-weight").fill("3")
    page.locator("#id_criteria-1-name").fill("Value for money")
    page.locator("#id_criteria-1-weight").fill("2")
    assert_accessible(page)
    page.get_by_role("button", name="Save the call as a draft").click()
    expect(page.get_by_text("Call saved as a draft.")).to_be_visible()
    page.get_by_role("button", name="Open the call and invite partners").click()
    expect(page.get_by_text("The call is open.")).to_be_visible()
    assert_accessible(page)
    call = Call.objects.get(title=CALL)
    assert call.status == Call.Status.OPEN and call.match_threshold_percent == Decimal("50.00")
    assert [(c.name, c.weight) for c in call.criteria.all()] == [("Meets the gap", 3), ("Value for money", 2)]
    assert [g.title for g in call.gaps.all()] == [GAP]
    return call


def assessor_scores(page, assessor, *, gap_score: str, value_score: str) -> None:
    switch_user(page, assessor.username)
    page.goto(reverse("eoi:assessments"))
    assert_accessible(page)
    page.get_by_role("link", name="Declare any conflict of interest").click()
    assert_accessible(page)
    page.get_by_label("No, I have no conflict of interest").check()
    page.get_by_role("button", name="Declare").click()
    expect(page.get_by_role("heading", name="Score: Open Orchestra Charnwood")).to_be_visible()
    page.get_by_role("group", name="Score for Meets the gap (weight 3)").get_by_label(gap_score).check()
    page.get_by_label("Comment on Meets the gap").fill("Exactly the Charnwood gap.")
    page.get_by_role("group", name="Score for Value for money (weight 2)").get_by_label(value_score).check()
    page.get_by_label("Comment on Value for money").fill("Half from secured sources.")
    assert_accessible(page)
    page.get_by_role("button", name="Save my scores").click()
    expect(page.get_by_text("Scores saved")).to_be_visible()


def test_a_gap_becomes_a_signed_project_agreement(page, partner_a, partner_a_user, staff, manager, assessor):
    ensure_procurement_bands()
    ensure_project_template()
    second_assessor = UserFactory(username="second-assessor", role=roles.ASSESSOR)
    call = staff_open_a_call_for_a_gap(page, staff)

    # Partner A finds the call and starts an expression of interest.
    switch_user(page, partner_a_user.username)
    page.goto(reverse("eoi:portal_calls"))
    assert_accessible(page)
    page.get_by_role("link", name=call.title).click()
    assert_accessible(page)
    page.get_by_role("button", name="Start an expression of interest").click()
    expect(page.get_by_role("heading", name=f"Expression of interest: {call.title}")).to_be_visible()

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

    # Going on to check the answers at 51% is refused with the figures, marked at the
    # Hub Grant; the draft keeps what was typed.
    page.get_by_role("button", name="Save and check your answers").click()
    summary = page.locator("[data-error-summary]")
    assert "Your draft is saved but is not ready to submit" in summary.inner_text()
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
    page.get_by_role("button", name="Save and check your answers").click()
    # Check your answers: every answer, each with a link back to change it.
    expect(page.get_by_role("heading", name="Check your answers before you submit")).to_be_visible()
    expect(page.get_by_text("A weekly inclusive ensemble with adapted instruments.")).to_be_visible()
    assert_accessible(page)
    # Going back to change one answer loses nothing.
    page.get_by_role("link", name="Change what you will deliver").click()
    what = page.get_by_label("What you will deliver")
    assert what.input_value() == "A weekly inclusive ensemble with adapted instruments."
    assert page.get_by_label("Hub Grant requested (£)").input_value() == "5000.00"
    assert page.get_by_label("Timeline").input_value() == "January to July."
    what.fill("A weekly inclusive ensemble with adapted instruments, and a summer concert.")
    page.get_by_role("button", name="Save and check your answers").click()
    what_they_wrote = "A weekly inclusive ensemble with adapted instruments, and a summer concert."
    expect(page.get_by_text(what_they_wrote)).to_be_visible()
    page.get_by_role("button", name="Submit expression of interest").click()
    expect(page.get_by_text("Submitted. We have emailed you a receipt")).to_be_visible()
    assert_accessible(page)
    eoi.refresh_from_db()
    assert eoi.status == ExpressionOfInterest.Status.SUBMITTED

    # The call's close time comes and the beat task closes it: no page does this.
    assert close_due_calls(now=call.closes_at + datetime.timedelta(minutes=1)) == 1

    # Staff assign two assessors.
    switch_user(page, staff.username)
    page.goto(reverse("eoi:call_eois", args=[call.pk]))
    assert "50.00%" in page.locator("table").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Open Orchestra Charnwood").click()
    for user in (assessor, second_assessor):
        page.get_by_label("Assessor").select_option(str(user.pk))
        page.get_by_role("button", name="Assign the assessor").click()
        expect(page.get_by_text("is assigned and has been told")).to_be_visible()
    assert_accessible(page)

    # Each declares no conflict, then scores each criterion.
    assessor_scores(page, assessor, gap_score="5", value_score="4")
    assessor_scores(page, second_assessor, gap_score="4", value_score="4")

    # Staff see the matrix side by side, decide, and award on the procurement route.
    switch_user(page, staff.username)
    page.goto(reverse("eoi:call_matrix", args=[call.pk]))
    matrix = page.locator("table").inner_text()
    assert "4.60" in matrix and "4.00" in matrix  # (5×3 + 4×2) / 5 and (4×3 + 4×2) / 5
    assert_accessible(page)
    page.goto(reverse("eoi:eoi_detail", args=[eoi.pk]))
    page.get_by_label("Successful", exact=True).check()
    page.get_by_label("Reasons for the decision (kept on the record)").fill("Ranked first; meets the gap.")
    page.get_by_label("Feedback for the partner").fill("A strong plan.")
    page.get_by_role("button", name="Record the decision and tell the partner").click()
    expect(page.get_by_text("Decision recorded")).to_be_visible()
    page.get_by_role("link", name="Award the Hub Grant").click()
    expect(page.get_by_text("£5,000 to £25,000")).to_be_visible()
    expect(page.get_by_text("Three written quotes")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("How the procurement route was followed").fill("Three written quotes compared.")
    page.get_by_role("button", name="Confirm the award of £5,000.00").click()
    expect(page.get_by_text("Awarded. The project agreement is drafted")).to_be_visible()
    assert_accessible(page)
    agreement = Agreement.objects.get(eoi=eoi)
    assert agreement.hub_contribution == Decimal("5000.00")

    # Staff complete the drafted project agreement on its edit page, then issue it.
    page.get_by_role("link", name="Open the project agreement").click()
    page.get_by_role("link", name="Edit the draft").click()
    today = timezone.localdate()
    page.get_by_label("Starts on").fill(today.isoformat())
    page.get_by_label("Ends on").fill((today + datetime.timedelta(days=180)).isoformat())
    outcome = page.get_by_role("group", name="Add outcome")
    outcome.get_by_label("Outcome").fill("Young people with SEND play weekly")
    outcome.get_by_label("Measure").fill("Players")
    outcome.get_by_label("Target").fill("30")
    instalment = page.get_by_role("group", name="Add instalment")
    instalment.get_by_label("Milestone").fill("On signature")
    instalment.get_by_label("Due on").fill(today.isoformat())
    instalment.get_by_label("Amount (£)").fill("5000.00")
    assert "they match" in page.locator("[data-schedule-total]").text_content()
    assert_accessible(page)
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.get_by_role("link", name="Issue for signature").click()
    assert_accessible(page)
    page.get_by_role("button", name="Issue it and email them").click()
    expect(page.get_by_text(f"Issued. {partner_a.name}'s users have been asked to sign it.")).to_be_visible()
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ISSUED
    assert agreement.evaluation_due_on == today + datetime.timedelta(days=180, weeks=8)

    # Partner A signs it, from its EOI.
    switch_user(page, partner_a_user.username)
    page.goto(reverse("eoi:portal_eoi", args=[eoi.pk]))
    expect(page.get_by_text("Hub Grant awarded")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Your project agreement").click()
    page.get_by_role("link", name="Read and sign this agreement").click()
    assert_accessible(page)
    page.get_by_label("Your full name").fill("Priya Shah")
    page.get_by_label("Your role").fill("Director")
    page.get_by_label("I have read this agreement and I sign it on behalf of my organisation.").check()
    page.get_by_role("button", name="Sign the agreement").click()
    expect(page.get_by_text("Thank you: you have signed.")).to_be_visible()

    # The Service Manager countersigns: the project agreement is live.
    switch_user(page, manager.username)
    page.goto(reverse("agreements:detail", args=[agreement.pk]))
    page.get_by_role("link", name="Countersign for the Hub").click()
    page.get_by_label("Your full name").fill("Morgan Hughes")
    page.get_by_label("Your role").fill("Service Manager")
    page.get_by_label("I have checked the partner's signature and I sign this agreement for the Hub.").check()
    page.get_by_role("button", name="Sign for the Hub and make it live").click()
    expect(page.get_by_text("Signed for the Hub. The agreement is live.")).to_be_visible()
    assert_accessible(page)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.LIVE


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
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert_accessible(page)


def tab_to(page, name: str, *, limit: int = 6) -> None:
    """Press Tab until the button called `name` has the focus, as a keyboard user would.
    The form's script shows the button (it is hidden without JavaScript): wait for it first."""
    page.get_by_role("button", name=name, exact=True).wait_for(state="visible")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"{name!r} is not reached by Tab within {limit} presses")


def test_budget_and_funding_lines_are_added_and_totalled_from_the_keyboard(page, partner_a_user, call):
    """The form's own script (static/js/eoi.js) works without a mouse: the add
    buttons follow their table in the tab order, Enter and Space add a line and
    move the focus into it, and the live totals follow what is typed."""
    login(page, partner_a_user.username)
    page.goto(reverse("eoi:portal_call", args=[call.pk]))
    page.get_by_role("button", name="Start an expression of interest").press("Enter")
    expect(page.get_by_role("heading", name=f"Expression of interest: {call.title}")).to_be_visible()
    budget_rows = page.locator('[data-lines="budget"] tbody tr')
    lines = budget_rows.count()

    page.get_by_label(f"Item, budget line {lines}").focus()
    tab_to(page, "Add a budget line")
    page.keyboard.press("Enter")
    assert budget_rows.count() == lines + 1
    added = page.get_by_label(f"Item, budget line {lines + 1}")
    assert added.evaluate("el => el === document.activeElement")
    page.keyboard.type("Venue hire")
    page.keyboard.press("Tab")
    page.keyboard.type("1250.50")
    assert page.locator('[data-live="total"]').inner_text() == "£1,250.50"

    funding_rows = page.locator('[data-lines="funding"] tbody tr')
    sources = funding_rows.count()
    page.get_by_label(f"Source, funding line {sources}").focus()
    tab_to(page, "Add a funding source")
    page.keyboard.press("Space")
    assert funding_rows.count() == sources + 1
    assert page.get_by_label(f"Source, funding line {sources + 1}").evaluate("el => el === document.activeElement")
    assert_accessible(page)


def test_the_matrix_grid_is_accessible_and_holds_on_a_phone(page, staff, call):
    """EOI by criterion by assessor, a conflict shown, moderation beside it;
    at 375 px the page does not scroll sideways (the table scrolls or stacks in its box)."""
    from tests.eoi.test_assessment import scored

    asha = UserFactory(role="Assessor", username="asha", first_name="Asha", last_name="Begum")
    dev = UserFactory(role="Assessor", username="dev", first_name="Dev", last_name="Mistry")
    scored(call, "Anstey Choir", {asha: [5, 4, 3], dev: [3, 3, 3]}, moderated=Decimal("4.10"))
    scored(call, "Zouch Brass", {asha: [4, 4, 4], dev: [1, 1, 1]}, conflicted={dev})
    login(page, staff.username)
    page.goto(reverse("eoi:call_matrix", args=[call.pk]))
    grid = page.locator("table.matrix-grid")
    assert grid.locator("caption").count() == 1
    headers = grid.locator("thead th[scope=col]").all_inner_texts()
    assert headers == ["Criterion", "Asha Begum", "Dev Mistry", "Spread"]
    text = grid.inner_text()
    assert "Conflict declared" in text and "Moderated by the panel: 4.10" in text
    assert "Σ" not in page.locator("main").inner_text()
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(reverse("eoi:call_matrix", args=[call.pk]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
