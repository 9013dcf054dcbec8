"""Every page each role reaches in the demo data, found by following links, is
checked with axe-core (WCAG 2.2 A and AA) and for keyboard use (every visible
control takes the focus, in document order), with no console errors and no
Content-Security-Policy violations. A new page is covered as soon as
something links to it."""

from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from hubportal.devtools.demo import DEMO_PASSWORD
from tests.browser.support import assert_accessible, assert_keyboard_operable, is_page_error, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["staff", "manager", "assessor", "chair", "partner-a", "partner-b", "admin"]
# Links that change something, leave the site or download a file rather than show a page.
SKIP_PREFIXES = ("/accounts/logout", "/static/", "/healthz")
# In the Django admin, a changelist and one change form per model show every
# widget it has; add, delete and history pages repeat them.
ADMIN_SKIP_SUFFIXES = ("_add", "_delete", "_history", "password_change", "logout", "view_on_site", "auth_user_password")
MAX_PAGES_PER_ROLE = 150


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--force", verbosity=0)


def page_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def wanted(path: str, name: str | None) -> bool:
    if name is None or path.startswith(SKIP_PREFIXES):
        return False
    if name.startswith("admin:"):
        return not name.endswith(ADMIN_SKIP_SUFFIXES)
    return True


def links_on(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.getAttribute('href'))")
    found = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urlsplit(urljoin(base, href))
        if url.netloc != urlsplit(base).netloc or "export=" in url.query:
            continue
        found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def crawl(page, start: str, within: str = "/") -> list[str]:
    """Visit one page per URL name reachable from start (and under `within`);
    return the paths checked. Fails listing every page with a problem."""
    seen_names, checked, console, failures = set(), [], [], []
    page.on("console", lambda msg: console.append(msg.text) if is_page_error(page, msg) else None)
    queue = deque([(start, None)])
    while queue and len(checked) < MAX_PAGES_PER_ROLE:
        target, found_on = queue.popleft()
        path = urlsplit(target).path
        name = page_name(path)
        if name in seen_names or not wanted(path, name) or not path.startswith(within):
            continue
        seen_names.add(name)
        console.clear()
        try:
            response = page.goto(target)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file, not a page
            raise
        if response.status in (403, 404, 405) or response.status >= 500:
            # A page offers a link its reader may not follow.
            failures.append(f"{target} (linked from {found_on}) answers {response.status}")
            continue
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        for check in (assert_accessible, assert_keyboard_operable):
            try:
                check(page)
            except AssertionError as failure:
                failures.append(f"{target}: {failure}")
        if console:
            failures.append(f"{target}: console errors or CSP violations: {console}")
        checked.append(target)
        queue.extend((link, target) for link in links_on(page, page.url))
    assert not failures, "\n".join(failures)
    return checked


@pytest.mark.parametrize("username", [role for role in ROLES if role != "admin"])
def test_every_page_a_role_reaches_is_accessible(username, demo, page):
    login(page, username, DEMO_PASSWORD)
    checked = crawl(page, urlsplit(page.url).path)
    assert len(checked) > 2, f"{username} reached only {checked}"
    assert len(checked) < MAX_PAGES_PER_ROLE, "raise MAX_PAGES_PER_ROLE: the crawl stopped before the end"


def test_every_page_of_the_django_admin_is_accessible(demo, page):
    """The admin's own pages (its Hub pages are the staff's, checked above)."""
    login(page, "admin", DEMO_PASSWORD)
    checked = crawl(page, "/admin/", within="/admin/")
    assert len(checked) > 40, f"the admin crawl reached only {len(checked)} pages"
    assert len(checked) < MAX_PAGES_PER_ROLE, "raise MAX_PAGES_PER_ROLE: the crawl stopped before the end"


def test_public_pages_are_accessible(demo, page):
    checked = crawl(page, "/")
    assert "/" in checked and "/accounts/login/" in checked
