"""Plain words on every page (issue 21, item 8).

Every role, and the public, follows the links from its home through the demo
world (GET only, one page per URL name); on each page the text a
person sees must not show Python's "None", "Unknown" as a value, Django's
empty choice "---------", a raw field name, a lowercased proper name, a
doubled full stop before a colon, a possessive "s's", an address starting
with a comma or staff voice on a partner's page; and no `id` may be used by
two elements.
"""

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from hubportal.models import User

pytestmark = pytest.mark.django_db

ROLES = ["staff", "manager", "assessor", "chair", "partner-a", "partner-b", "admin", None]
SKIP_PREFIXES = ("/accounts/logout", "/static/", "/healthz", "/livez", "/admin/", "/hub.css", "/hub-logo")
PAGES_PER_NAME = 1
MAX_PAGES_PER_ROLE = 300

# What a person must never read. Each pattern is matched against the visible
# text of a page, one line per block of text.
WRONG_WORDS = {
    # "None." and "None yet" are English; "by None", a bare "None" or "£None" are Python's.
    "Python's None": re.compile(r"\bby None\b|^None$|: None$|£None|\bNone%"),
    "'Unknown' as a value": re.compile(r"\bUnknown\b"),
    "Django's empty choice": re.compile(r"-{5,}"),
    "a raw field name": re.compile(r"(?<!e\.g\. )\b[a-z]+_[a-z_]+\b"),  # "e.g. reach_total" explains a key
    "a lowercased proper name": re.compile(r"(?<![\w/.-])(dbs|ofsted|hub grant|arts council england)(?![\w-])"),
    "a full stop before a colon": re.compile(r"\.:"),
    "a possessive s's": re.compile(r"\ws's\b"),
    "an address starting with a comma": re.compile(r"(^|\()\s*,"),
}
# Partners read their own portal in the second person.
STAFF_VOICE = re.compile(r"\b(What they will|The partner confirms|their partnership with us)\b", re.IGNORECASE)

# Text is split into lines at these elements (inline ones such as <a> or
# <strong> stay within their sentence).
BLOCK_TAGS = {
    *("address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "fieldset", "figure"),
    *("footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "input", "label", "legend", "li"),
    *("main", "nav", "ol", "optgroup", "option", "p", "section", "select", "summary", "table", "tbody", "td"),
    *("textarea", "tfoot", "th", "thead", "tr", "ul", "button", "details", "body", "html", "head"),
}
# Not words for people: scripts and styles; identifiers shown on purpose as
# code (a question's report key, a message's placeholders) and what was typed.
UNREAD = {"script", "style", "template", "title", "pre", "textarea"}
CODE = {"code", "kbd", "samp"}  # read as one word, whatever it says
# Help that explains the keys themselves (a survey question's report code).
KEYS_EXPLAINED = re.compile(r"stable name for reports")


class PageText(HTMLParser):
    """The words a person sees, split into lines at block elements, and every id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.ids, self._current, self._skip = [], [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if tag in BLOCK_TAGS:
            self._break()
        if tag in UNREAD or tag in CODE:
            self._skip += 1
        if tag in CODE:
            self._current.append(" code ")
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.lines.append(attrs["value"])
        for name in ("placeholder", "aria-label"):
            if attrs.get(name):
                self.lines.append(attrs[name])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in UNREAD:
            self._skip = max(0, self._skip - 1)

    def handle_endtag(self, tag):
        if tag in UNREAD or tag in CODE:
            self._skip = max(0, self._skip - 1)
        if tag in BLOCK_TAGS:
            self._break()

    def handle_data(self, data):
        if not self._skip:
            self._current.append(data)

    def _break(self):
        text = " ".join("".join(self._current).split())
        if text:
            self.lines.append(text)
        self._current = []

    def close(self):
        super().close()
        self._break()


def problems_on(html: str, *, portal: bool) -> list[str]:
    parser = PageText()
    parser.feed(html)
    parser.close()
    found = []
    for line in parser.lines:
        for what, pattern in WRONG_WORDS.items():
            if what == "a raw field name" and KEYS_EXPLAINED.search(line):
                continue
            if pattern.search(line):
                found.append(f"{what}: {line[:90]!r}")
        if portal and STAFF_VOICE.search(line):
            found.append(f"staff voice on a partner's page: {line[:90]!r}")
    doubled = [name for name, count in Counter(parser.ids).items() if count > 1]
    if doubled:
        found.append(f"ids used twice: {doubled}")
    return found


def url_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def links_in(html: str, base: str) -> list[str]:
    found = []
    for href in re.findall(r'<a\b[^>]*\bhref="([^"]+)"', html):
        href = href.replace("&amp;", "&")
        if href.startswith(("#", "mailto:", "tel:", "javascript:")) or "export=" in href or ".pdf" in href:
            continue
        url = urlsplit(urljoin(base, href))
        if url.netloc not in ("", "testserver"):
            continue
        found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def crawl(client: Client) -> tuple[list[str], list[str]]:
    start = client.get("/home/", follow=True).request["PATH_INFO"] if client.session.keys() else "/"
    per_name, seen, checked, failures = Counter(), set(), [], []
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
        response = client.get(target)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        if getattr(response, "streaming", False):
            continue
        html = response.content.decode()
        checked.append(target)
        failures += [f"{target}: {problem}" for problem in problems_on(html, portal=path.startswith("/portal/"))]
        queue.extend(links_in(html, target))
    return checked, failures


def test_no_page_shows_a_person_python_words_or_doubled_ids(demo_data):
    failures, reached = [], {}
    for username in ROLES:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        checked, found = crawl(client)
        reached[username or "public"] = len(checked)
        failures += [f"{username or 'public'} {line}" for line in found]
        assert len(checked) < MAX_PAGES_PER_ROLE, f"raise MAX_PAGES_PER_ROLE: {username}'s crawl stopped early"
    unique = list(dict.fromkeys(failures))
    assert not unique, f"{len(unique)} problems:\n" + "\n".join(unique)
    assert min(reached.values()) > 2, reached


@pytest.mark.parametrize(
    "html, problem",
    [
        ("<p>Uploaded 3 May by None</p>", "Python's None"),
        ("<select><option>---------</option></select>", "Django's empty choice"),
        ("<dd>Sent: Unknown</dd>", "'Unknown' as a value"),
        ("<p>Upload your dbs update service subscription</p>", "a lowercased proper name"),
        ("<li>It cannot be changed.: This field is required.</li>", "a full stop before a colon"),
        ("<h1>Harborough Youth Strings's agreement</h1>", "a possessive s's"),
        ("<address>, Leicester</address>", "an address starting with a comma"),
        ('<div id="id_term"></div><input id="id_term">', "ids used twice"),
        ("<td>hub_grant_requested</td>", "a raw field name"),
    ],
)
def test_the_crawl_catches_each_wrong_word(html, problem):
    assert any(line.startswith(problem) for line in problems_on(html, portal=False))


def test_the_crawl_passes_plain_words():
    html = '<p>Uploaded 3 May by Priya Shah</p><h1>Harborough Youth Strings\' agreement</h1><p id="a">Not known</p>'
    assert problems_on(html, portal=False) == []
