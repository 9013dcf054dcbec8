"""A year of a partnership, entirely in the browser (issue 4's "done when"):
staff draft the agreement from the partner type's template and add an
outcome, issue it; partner A signs; the Service Manager countersigns and it
goes live; staff hold the annual review and recommend renewal; staff roll the
year forward into next year's draft. A second year ends the other way: the
review recommends termination and the Chair decides on the chair screen.
axe-core checks the key page of each step."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from agreements.models import Agreement, AnnualReview, TerminationRecommendation
from hubportal.core.academic_years import current_academic_year
from partners.models import Partner
from tests.browser.support import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTCOME = "More young people in Charnwood join an ensemble"


def switch_user(page, username):
    page.context.clear_cookies()
    login(page, username)


def draft_issue_and_sign(page, *, partner, partner_user, staff, manager) -> Agreement:
    year = current_academic_year()
    # Staff draft it from the template for the partner's type.
    login(page, staff.username)
    page.goto("/staff/agreements/")
    page.get_by_role("link", name="Draft a partnership agreement").click()
    assert_accessible(page)
    page.get_by_label("Partner").select_option(label=str(partner))
    page.get_by_label("Academic year").select_option(str(year.start_year))
    page.get_by_role("button", name="Draft the agreement").click()
    expect(page.get_by_text("Drafted from the template.")).to_be_visible()
    agreement = Agreement.objects.get(partner=partner, academic_year=year.start_year)
    assert agreement.status == Agreement.Status.DRAFT and agreement.basis  # the template's text

    # They add the agreed outcome and save the draft.
    outcome = page.get_by_role("group", name="Add outcome")
    outcome.get_by_label("Outcome").fill(OUTCOME)
    outcome.get_by_label("Measure").fill("Young people in a Hub ensemble")
    outcome.get_by_label("Target").fill("40 by July")
    assert_accessible(page)
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_text(OUTCOME).first).to_be_visible()
    assert_accessible(page)

    # Issued for signature: the text is frozen as version 1.
    page.get_by_role("link", name="Issue for signature").click()
    expect(page.get_by_role("heading", name="Who will be emailed")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Issue it and email them").click()
    expect(page.get_by_text(f"Issued. {partner.name}'s users have been asked to sign it.")).to_be_visible()
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ISSUED

    # The partner signs from their home page.
    switch_user(page, partner_user.username)
    page.get_by_role("link", name=f"Sign your {year.label} partnership agreement", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Your full name").fill("Priya Shah")
    page.get_by_label("Your role").fill("Director")
    page.get_by_label("I have read this agreement and I sign it on behalf of my organisation.").check()
    page.get_by_role("button", name="Sign the agreement").click()
    expect(page.get_by_text("Thank you: you have signed.")).to_be_visible()

    # The Service Manager countersigns: it goes live.
    switch_user(page, manager.username)
    page.goto(f"/staff/agreements/{agreement.pk}/")
    page.get_by_role("link", name="Countersign for the Hub").click()
    assert_accessible(page)
    page.get_by_label("Your full name").fill("Morgan Hughes")
    page.get_by_label("Your role").fill("Service Manager")
    page.get_by_label("I have checked the partner's signature and I sign this agreement for the Hub.").check()
    page.get_by_role("button", name="Sign for the Hub and make it live").click()
    expect(page.get_by_text("Signed for the Hub. The agreement is live.")).to_be_visible()
    expect(page.get_by_text("Verified.")).to_be_visible()
    assert_accessible(page)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.LIVE
    return agreement


def fill_review(page, *, recommendation: str, rating: str) -> None:
    page.get_by_label(f"Rating: {OUTCOME}").select_option(rating)
    page.get_by_label(f"Commentary: {OUTCOME}").fill("Two new ensembles started in the spring term.")
    page.get_by_label("Review meeting held on").fill(timezone.localdate().isoformat())
    page.get_by_label("Branding guidelines (the Hub's and Arts Council England's)").select_option("met")
    page.get_by_label("Overall performance").fill("A good year.")
    page.get_by_label("Recommendation", exact=True).select_option(recommendation)


def test_a_year_of_a_partnership_from_draft_to_next_years_draft(page, partner_a, partner_a_user, staff, manager):
    agreement = draft_issue_and_sign(page, partner=partner_a, partner_user=partner_a_user, staff=staff, manager=manager)
    year = agreement.year

    # Staff hold the annual review: saved as they go, then completed, recommending renewal.
    switch_user(page, staff.username)
    page.goto(f"/staff/agreements/{agreement.pk}/")
    page.get_by_role("link", name="Start the annual review").click()
    fill_review(page, recommendation="renew", rating="achieved")
    assert_accessible(page)
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Review saved.")).to_be_visible()
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.UNDER_REVIEW
    page.get_by_role("button", name="Complete the review").click()
    expect(page.locator(".alert-success").get_by_text("Review completed: renew.")).to_be_visible()
    assert_accessible(page)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.LIVE
    review = AnnualReview.objects.get(agreement=agreement)
    assert review.completed_at and review.recommendation == "renew"
    assert review.outcome_reviews.get().rating == "achieved"

    # Staff roll the year forward: a preview, then next year's draft.
    page.goto("/staff/agreements/")
    page.get_by_role("link", name="Roll forward to next year").click()
    expect(page.get_by_role("heading", name=f"Roll forward to {year.next().label}")).to_be_visible()
    expect(page.get_by_text(f"{partner_a.name}: from {agreement}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=f"Draft 1 agreement for {year.next().label}").click()
    expect(page.get_by_text(f"Rolled forward {year.label}: 1 draft created for {year.next().label}")).to_be_visible()
    assert_accessible(page)
    renewal = Agreement.objects.get(renewal_of=agreement)
    assert renewal.status == Agreement.Status.DRAFT and renewal.academic_year == year.next().start_year
    assert [o.description for o in renewal.outcomes.all()] == [OUTCOME]
    page.get_by_role("link", name=str(renewal)).click()
    expect(page.get_by_role("heading", name=renewal.title)).to_be_visible()
    assert_accessible(page)

    # Run again, it drafts nothing more and says why.
    page.goto("/staff/agreements/roll-forward/")
    expect(page.get_by_text(f"{partner_a.name} already has a {year.next().label} agreement.")).to_be_visible()
    assert page.get_by_role("button", name=f"Draft 0 agreements for {year.next().label}").is_disabled()
    assert Agreement.objects.filter(partner=partner_a).count() == 2


def test_a_year_that_ends_in_the_chairs_termination(page, partner_a, partner_a_user, staff, manager, chair):
    agreement = draft_issue_and_sign(page, partner=partner_a, partner_user=partner_a_user, staff=staff, manager=manager)

    # The review recommends termination, with the policy's reasons and evidence for the Chair.
    switch_user(page, staff.username)
    page.goto(f"/staff/agreements/{agreement.pk}/review/")
    fill_review(page, recommendation="terminate", rating="not_achieved")
    page.get_by_label("Failure to provide data in accordance with the timetable set").check()
    page.get_by_label("Evidence for the Chair", exact=False).fill("No termly survey returned all year.")
    page.get_by_role("button", name="Complete the review").click()
    expect(page.locator(".alert-success").get_by_text("Review completed: terminate.")).to_be_visible()
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.UNDER_REVIEW
    recommendation = TerminationRecommendation.objects.get(agreement=agreement)

    # The Chair decides on the chair screen; the decision is final.
    switch_user(page, chair.username)
    page.get_by_role("link", name=f"Terminate: {agreement.title}").click()
    expect(page.get_by_text("No termly survey returned all year.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("End the agreement", exact=True).check()
    page.get_by_label("Your reasons").fill("The data was never provided.")
    page.get_by_role("button", name="Continue to confirm your decision").click()
    expect(page.get_by_text(f"“{agreement.title}” is terminated at once.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I understand that my decision is final and cannot be changed once submitted.").check()
    page.get_by_role("button", name="Submit my final decision").click()
    expect(page.get_by_text("This decision is final and locked.")).to_be_visible()
    assert_accessible(page)
    agreement.refresh_from_db()
    partner_a.refresh_from_db()
    recommendation.refresh_from_db()
    assert recommendation.decision == "upheld" and recommendation.decided_by == chair
    assert agreement.status == Agreement.Status.TERMINATED
    assert partner_a.status == Partner.Stage.TERMINATED

    # The partner sees it ended, with the Chair's reasons.
    switch_user(page, partner_a_user.username)
    page.goto(f"/portal/agreements/{agreement.pk}/")
    expect(page.get_by_text("Terminated").first).to_be_visible()
    assert_accessible(page)
