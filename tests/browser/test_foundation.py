import pytest
from playwright.sync_api import expect

from tests.browser.support import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_signs_in_and_sees_the_dashboard(page, staff):
    login(page, staff.username)
    assert page.url.endswith("/staff/")
    expect(page.get_by_role("heading", name="Staff dashboard")).to_be_visible()
    assert_accessible(page)


def test_partner_signs_in_and_sees_their_portal(page, partner_a_user):
    login(page, partner_a_user.username)
    assert page.url.endswith("/portal/")
    expect(page.get_by_role("heading", name="Partner A Music")).to_be_visible()
    assert_accessible(page)


def test_chair_signs_in_and_sees_the_review_screen(page, chair):
    login(page, chair.username)
    assert page.url.endswith("/chair/")
    expect(page.get_by_role("heading", name="Chair's review")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/password_reset/"])
def test_public_pages_are_accessible(page, path, db):
    page.goto(path)
    assert_accessible(page)


def test_a_wrong_password_shows_an_accessible_error_summary_with_focus(page, staff):
    login(page, staff.username, password="wrong-password-here")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.get_by_label("Username").input_value() == staff.username
    assert_accessible(page)


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, db):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_staff_sets_up_two_factor_in_the_browser(page, staff, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.hubportal.test_two_factor import code_for

    settings.REQUIRE_2FA = True
    login(page, staff.username)
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_role("img", name="QR code to add Hub Portal to your authenticator app")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("6-digit code from your authenticator app").fill(code_for(TOTPDevice.objects.get(user=staff)))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    # The one-time recovery codes are shown once, then the page asked for.
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert page.locator(".recovery-codes li").count() == 10
    assert_accessible(page)
    page.get_by_role("link", name="I have saved them, continue").click()
    expect(page.get_by_role("heading", name="Staff dashboard")).to_be_visible()


def test_staff_message_pages_are_accessible(page, staff):
    login(page, staff.username)
    for path in ["/staff/reminders/", "/staff/wording/", "/staff/wording/welcome/"]:
        page.goto(path)
        assert_accessible(page)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    assert_accessible(page)
