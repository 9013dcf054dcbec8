"""Browser tests: Playwright driving Debian's Chromium against the live server.

The `browser` and `page` fixtures are available to every test (tests/conftest.py
imports them); browser tests live beside each app's tests as test_browser.py.

Each page fixture records console errors and Content-Security-Policy
violations and fails the test on any. `assert_accessible` runs axe-core
(shipped inside axe-playwright-python, so it works offline).
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import require_service
from tests.factories import TEST_PASSWORD

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    require_service(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright

    # A click that submits a form returns before the next page has loaded, so
    # every check of what a page shows waits for it, generously under load.
    expect.set_options(timeout=30_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # Reduced motion turns off Bootstrap's colour transitions, so axe never
    # measures a button's contrast halfway between two states.
    context = browser.new_context(base_url=live_server.url, accept_downloads=True, reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if is_page_error(page, msg) else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    yield page
    context.close()
    assert problems == [], f"console errors or CSP violations: {problems}"


def login(page, username: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def is_page_error(page, msg) -> bool:
    """A console error of the page itself. axe-core, injected by the test,
    reports its own CSP refusals (it tries inline styles to read the CSSOM):
    those come from no URL while it runs and are not the page's."""
    if msg.type != "error":
        return False
    return not (getattr(page, "_axe_running", False) and not msg.location.get("url"))


def assert_accessible(page) -> None:
    # A click on a link returns once the navigation has started; axe must read
    # the page it led to, not the one being left (whose document goes away).
    page.wait_for_load_state()
    page._axe_running = True
    try:
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    finally:
        page._axe_running = False
    violations = result.response["violations"]
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in violations
    )


# Every control a mouse user can use, as the browser sees it on screen.
KEYBOARD_CHECK = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  // Hidden from everyone: not drawn, aria-hidden (e.g. the select an autocomplete
  // widget stands in for), or inside a closed <details> that its summary opens.
  const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden' &&
    !el.closest('[aria-hidden=true]') && !(el.closest('details:not([open])') && el.tagName !== 'SUMMARY');
  const problems = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!shown(el) || el.disabled || el.closest('[inert], fieldset[disabled]')) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      ' "' + (el.textContent || el.value || el.name || '').trim().slice(0, 40) + '"';
    if (el.tabIndex > 0) problems.push(name + ': tabindex ' + el.tabIndex + ' breaks the focus order');
    if (el.tabIndex < 0 && !el.matches('[tabindex]:not(a,button,input,select,textarea,summary)')) {
      problems.push(name + ': taken out of the tab order');
      continue;
    }
    el.focus();
    if (document.activeElement !== el && el.tabIndex >= 0) problems.push(name + ': cannot take the focus');
  }
  if (document.activeElement) document.activeElement.blur();
  return problems;
}"""


def assert_keyboard_operable(page) -> None:
    """Every visible control can take the keyboard's focus, in document order
    (no positive tabindex, nothing clickable taken out of the tab order)."""
    problems = page.evaluate(KEYBOARD_CHECK)
    assert problems == [], "; ".join(problems[:10])
