"""No page of any role scrolls sideways on a phone (issue 21, item 3).

Each role signs in to the demo world at 375×812, follows the links from its
home (same origin, GET only, one page per URL name, bounded), and
every page it reaches must fit the viewport: `scrollWidth` no wider than
`innerWidth`. A failure names each page and the elements that stick out, so
the fix is obvious (usually a table without a scroll box or stacked rows, an
unbroken word, or a badge that does not wrap).
"""

from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from hubportal.devtools.demo import DEMO_PASSWORD
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
ROLES = ["staff", "manager", "partner-a", "partner-b", "chair", "assessor", "admin"]
# Links that change something, leave the site, download a file, or are the
# Django admin's own pages (Django's styles, not ours) rather than a Hub page.
SKIP_PREFIXES = ("/accounts/logout", "/static/", "/healthz", "/livez", "/admin/")
PAGES_PER_NAME = 1
MAX_PAGES_PER_ROLE = 250

# The innermost elements whose right edge passes the viewport, ignoring those
# clipped by a scroll box they belong to (an absolutely positioned element is
# clipped only by a scroll box that is, or contains, its containing block).
STICKING_OUT = """() => {
  const width = window.innerWidth;
  const clipped = (el) => {
    let position = getComputedStyle(el).position;
    if (position === 'fixed') return true;
    for (let box = el.parentElement; box && box !== document.documentElement; box = box.parentElement) {
      const style = getComputedStyle(box);
      const containing = style.position !== 'static' || style.transform !== 'none';
      if (position !== 'absolute' || containing) {
        if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX) &&
            box.getBoundingClientRect().right <= width + 1) return true;
        if (position === 'absolute' || style.position === 'absolute') position = style.position;
      }
    }
    return false;
  };
  const wide = (el) => el.getBoundingClientRect().right > width + 1 && !clipped(el);
  const names = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!wide(el) || Array.from(el.children).some(wide)) continue;
    const classes = typeof el.className === 'string' && el.className.trim() ?
      '.' + el.className.trim().split(/\\s+/).join('.') : '';
    names.push(`${el.tagName.toLowerCase()}${classes} "${(el.textContent || '').trim().slice(0, 40)}"`);
  }
  return names.slice(0, 5);
}"""


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--force", verbosity=0)


def url_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


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


def sweep(page) -> tuple[list[str], list[str]]:
    """Visit the pages reachable from where the user landed; return the pages
    seen and one line per page wider than the phone."""
    start = urlsplit(page.url).path
    per_name, seen, checked, too_wide = Counter(), set(), [], []
    queue = deque([start])
    while queue and len(checked) < MAX_PAGES_PER_ROLE:
        target = queue.popleft()
        if target in seen:
            continue
        seen.add(target)
        path = urlsplit(target).path
        name = url_name(path)
        if name is None or path.startswith(SKIP_PREFIXES) or per_name[name] >= PAGES_PER_NAME:
            continue
        per_name[name] += 1
        try:
            response = page.goto(target)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file, not a page
            raise
        if response is None or response.status != 200:
            continue  # test_crawl.py reports links a reader may not follow
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        checked.append(target)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > PHONE["width"]:
            culprits = "; ".join(page.evaluate(STICKING_OUT))
            too_wide.append(f"{target} is {scroll_width} px wide: {culprits}")
        queue.extend(links_on(page, page.url))
    return checked, too_wide


def test_no_page_of_any_role_scrolls_sideways_on_a_phone(demo, browser, live_server):
    """One demo world for every role (seeding it is the slow part)."""
    failures, reached = [], {}
    for username in ROLES:
        context = browser.new_context(base_url=live_server.url, viewport=PHONE, reduced_motion="reduce")
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            login(page, username, DEMO_PASSWORD)
            checked, too_wide = sweep(page)
        finally:
            context.close()
        reached[username] = len(checked)
        failures += [f"{username}: {line}" for line in too_wide]
        assert len(checked) < MAX_PAGES_PER_ROLE, f"raise MAX_PAGES_PER_ROLE: {username}'s sweep stopped early"
    assert not failures, f"{len(failures)} pages scroll sideways at 375 px:\n" + "\n".join(failures)
    assert min(reached.values()) > 2, f"a role reached almost nothing: {reached}"
