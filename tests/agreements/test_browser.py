"""In the browser: partner A signs, the Service Manager countersigns, the
agreement goes live and its PDF downloads; every agreements page passes axe-core."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from agreements.models import Agreement, AgreementTemplate, Reason
from agreements.services import recommendation_raise, review_save
from tests.agreements.factories import (
    AgreementFactory,
    PaymentInstalmentFactory,
    issue,
    make_live,
)
from tests.browser.support import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_user(page, username):
    page.context.clear_cookies()
    login(page, username)


def test_partner_a_signs_the_manager_countersigns_it_goes_live_and_the_pdf_downloads(
    page, partner_a, partner_a_user, staff, manager
):
    agreement = issue(AgreementFactory(partner=partner_a, title="Partnership agreement for the browser"), staff)
    login(page, partner_a_user.username)
    page.get_by_role("link", name=f"Sign your {agreement.year.label} partnership agreement", exact=True).click()
    expect(page.get_by_role("heading", name=f"Read and sign: {agreement.title}")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your full name").fill("Priya Shah")
    page.get_by_label("Your role").fill("Director")
    page.get_by_label("I have read this agreement and I sign it on behalf of my organisation.").check()
    page.get_by_role("button", name="Sign the agreement").click()
    expect(page.get_by_text("Thank you: you have signed.")).to_be_visible()
    assert_accessible(page)

    switch_user(page, manager.username)
    page.goto(f"/staff/agreements/{agreement.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Countersign for the Hub").click()
    assert_accessible(page)
    page.get_by_label("Your full name").fill("Morgan Hughes")
    page.get_by_label("Your role").fill("Service Manager")
    page.get_by_label("I have checked the partner's signature and I sign this agreement for the Hub.").check()
    page.get_by_role("button", name="Sign for the Hub and make it live").click()
    expect(page.get_by_text("Signed for the Hub. The agreement is live.")).to_be_visible()
    expect(page.get_by_text("Verified.")).to_be_visible()
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.LIVE

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_the_staff_pages_are_accessible(page, partner_a, partner_a_user, staff, manager):
    live = make_live(AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager)
    project = AgreementFactory(partner=partner_a, project=True)
    instalment = PaymentInstalmentFactory(agreement=project, amount=Decimal("5000.00"))
    make_live(project, staff=staff, partner_user=partner_a_user, manager=manager)
    draft = AgreementFactory(partner=partner_a, academic_year=live.academic_year + 1)
    issued = issue(AgreementFactory(partner=partner_a, academic_year=live.academic_year - 1), staff)
    login(page, staff.username)
    for path in [
        "/staff/agreements/",
        "/staff/agreements/?status=live&sort=-partner",
        "/staff/agreements/new/",
        "/staff/agreements/roll-forward/",
        "/staff/agreements/templates/",
        f"/staff/agreements/{live.pk}/",
        f"/staff/agreements/{live.pk}/review/",
        f"/staff/agreements/{live.pk}/recommend/",
        f"/staff/agreements/{project.pk}/",
        f"/staff/agreements/{project.pk}/complete/",
        f"/staff/agreements/instalments/{instalment.pk}/paid/",
        f"/staff/agreements/{draft.pk}/",
        f"/staff/agreements/{draft.pk}/edit/",
        f"/staff/agreements/{issued.pk}/reopen/",
        f"/staff/partners/{partner_a.pk}/?tab=agreements",
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
    # The seeded project template (tests/conftest.py puts reference data back for transactional tests).
    assert AgreementTemplate.objects.filter(kind="project", name="Project agreement").count() == 1
    page.goto("/staff/agreements/templates/")
    page.get_by_role("link", name="Project agreement").click()
    assert_accessible(page)


def test_invalid_forms_show_an_accessible_error_summary(page, partner_a, partner_a_user, staff, manager):
    live = make_live(AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager)
    login(page, staff.username)
    page.goto(f"/staff/agreements/{live.pk}/recommend/")
    page.get_by_role("button", name="Send the recommendation to the Chair").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/staff/agreements/{live.pk}/review/")
    page.get_by_role("button", name="Complete the review").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert_accessible(page)


def test_the_portal_and_chair_pages_are_accessible(page, partner_a, partner_a_user, staff, manager, chair):
    live = make_live(AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager)
    review_save(agreement=live, actor=staff, fields={"held_on": live.year.starts_on}, ratings={})
    recommendation = recommendation_raise(
        agreement=live,
        actor=staff,
        kind="terminate",
        reasons=[Reason.DATA, Reason.OTHER],
        other_reason="No reply to letters.",
        evidence="No survey returned.",
    )
    login(page, partner_a_user.username)
    for path in ["/portal/agreements/", f"/portal/agreements/{live.pk}/"]:
        page.goto(path)
        assert_accessible(page)
    switch_user(page, chair.username)
    page.get_by_role("link", name=f"Terminate: {live.title}").click()
    assert_accessible(page)
    page.get_by_label("Do not end the agreement").check()
    page.get_by_label("Your reasons").fill("The data has now arrived.")
    page.get_by_role("button", name="Continue to confirm your decision").click()
    # The confirm step: the decision, the reasons and what they do.
    expect(page.get_by_text("“" + live.title + "” carries on.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I understand that my decision is final and cannot be changed once submitted.").check()
    page.get_by_role("button", name="Submit my final decision").click()
    expect(page.get_by_text("This decision is final and locked.")).to_be_visible()
    assert_accessible(page)
    page.goto("/chair/recommendations/")
    assert_accessible(page)
    recommendation.refresh_from_db()
    assert recommendation.decision == "rejected"


def test_the_forms_show_only_what_applies_and_add_up_the_schedule(page, partner_a, partner_a_user, staff, manager):
    live = make_live(AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager)
    project = AgreementFactory(partner=partner_a, project=True)
    login(page, staff.username)
    page.goto(f"/staff/agreements/{live.pk}/review/")
    reasons = page.locator("[data-ending-fields]")
    expect(reasons).to_be_hidden()
    expect(page.get_by_label("Conditions of renewal")).to_be_hidden()
    page.get_by_label("Recommendation", exact=True).select_option("terminate")
    expect(reasons).to_be_visible()
    page.get_by_label("Recommendation", exact=True).select_option("renew_with_conditions")
    expect(reasons).to_be_hidden()
    expect(page.get_by_label("Conditions of renewal")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/staff/agreements/{live.pk}/recommend/")
    suspend = page.get_by_label("Suspend the partnership now", exact=False)
    assert suspend.is_disabled()
    page.get_by_label("Safeguarding breach or concern").check()
    assert suspend.is_enabled()

    page.goto(f"/staff/agreements/{project.pk}/edit/")
    total = page.locator("[data-schedule-total]")
    assert "£0.00 of the Hub's contribution of £5,000.00" in total.text_content()
    page.locator("#id_instalments-0-amount").fill("4999.99")
    assert "£0.01 still to schedule" in total.text_content()
    page.locator("#id_instalments-0-amount").fill("5000")
    assert "they match" in total.text_content()
    assert_accessible(page)
