"""Junk in a list's query string never becomes a server error.

For every page in the access table that can be read with GET, the sweep opens
it (as staff where staff may, otherwise as a role that may) and reads the
query parameters the page itself sends back: the fields of its GET forms (the
filters) and the parameters of its "?..." links (pages, sorting, exports). Each
is then sent alone with junk for its kind (page=abc, page=99999, year=0000,
district=999999, sort=nonsense, a date of 2027-02-30...), and all of them at
once, with each export the page links to. Every answer must be below 500.
A new list, or a new filter on one, is covered without anyone adding it here.
"""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode

import pytest
from django.core.paginator import Page
from django.test import Client
from django.urls import reverse

from tests.security.access import ROLES, all_rules

RULES = all_rules()
GET_URLS = sorted(name for name, rule in RULES.items() if "GET" in rule.methods)

# Unicode digits pass str.isdigit() but not int() ('²') or read as another number
# ('١٢' is 12); 10**22 overflows the database's integer (issue 19).
NUMBERS = ["abc", "999999", "0000", "-1", "1e309", "²", "²²²²", "١٢", str(10**22)]
JUNK = {
    "select": NUMBERS,  # choices and records by id (a district, a partner type, a year)
    "radio": NUMBERS,
    "number": NUMBERS,
    "checkbox": ["abc", "999999"],
    "date": ["2027-02-30", "0000-00-00", "31/02/2027", "tomorrow"],
    "text": ["0000", "999999", "²", str(10**22), "2027-02-30", "<script>alert(1)</script>", "%_'\"\\", "x" * 1000],
}
# Read by list views whether or not the page shows a link for them yet.
ALWAYS = {
    "page": ["abc", "99999", "0", "-1", "1.5", "²", "١٢", str(10**22)],
    "sort": ["nonsense", "-nonsense", "-"],
}
# Lists the parser must find filters on, so a change to how pages render them cannot make this sweep vacuous.
KNOWN_LISTS = {"partners:list", "agreements:list", "complaints:list", "reminder_log", "notifications"}


class QueryParameters(HTMLParser):
    """The query parameters a page sends back: its GET forms' fields (name ->
    kind) and its "?..." links' parameters (name -> values seen)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.links: dict[str, set[str]] = {}
        self.in_get_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif tag == "a" and (attrs.get("href") or "").startswith("?"):
            for name, value in parse_qsl(attrs["href"][1:], keep_blank_values=True):
                self.links.setdefault(name, set()).add(value)
        elif self.in_get_form and tag in ("input", "select", "textarea") and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower() if tag == "input" else tag
            self.fields.setdefault(attrs["name"], kind if kind in JUNK else "text")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_get_form = False


def page_parameters(response) -> tuple[dict[str, str], dict[str, set[str]]]:
    parser = QueryParameters()
    parser.feed(response.content.decode())
    contexts = response.context if isinstance(response.context, list) else [response.context]
    paginated = any(isinstance(v, Page) for c in contexts if c is not None for v in c.flatten().values())
    if paginated:
        parser.links.setdefault("page", set())
    return parser.fields, parser.links


def junk_queries(fields: dict[str, str], links: dict[str, set[str]]) -> list[dict[str, str]]:
    """Each parameter alone with each junk value of its kind; then all at once,
    alone and with each value the page's links give (e.g. export=csv)."""
    kinds = {name: "text" for name in links} | fields
    junk = {name: JUNK[kind] for name, kind in kinds.items()}
    for name, values in ALWAYS.items():
        junk[name] = values + [value for value in junk.get(name, []) if value not in values]
    queries = [{name: value} for name, values in junk.items() for value in values]
    everything = {name: values[0] for name, values in junk.items()}
    queries.append(everything)
    queries += [everything | {name: value} for name, values in links.items() for value in sorted(values) if value]
    return queries


def role_for(rule) -> str:
    if "staff" in rule.allowed:
        return "staff"
    return next((role for role in ROLES if role in rule.allowed), "anonymous")


@pytest.mark.parametrize("name", GET_URLS)
def test_junk_in_a_lists_query_string_is_never_a_server_error(name, cast, sample):
    rule = RULES[name]
    url = reverse(name, kwargs=rule.args(sample) if rule.args else None)
    role = role_for(rule)
    client = Client()
    if cast[role] is not None:
        client.force_login(cast[role])
    page = client.get(url)
    if page.status_code != 200 or not page.get("Content-Type", "").startswith("text/html"):
        assert name not in KNOWN_LISTS, f"GET {url} as {role}: {page.status_code}"
        return  # a download, a redirect: no filters to read
    fields, links = page_parameters(page)
    if name in KNOWN_LISTS:
        assert fields, f"GET {url}: no filter form found (the sweep reads <form method='get'>)"
    if not fields and not links:
        return  # not a list: it takes no query parameters
    failures = []
    for query in junk_queries(fields, links):
        where = f"GET {url}?{urlencode(query)} as {role}"
        try:
            response = client.get(f"{url}?{urlencode(query)}")
        except Exception as error:  # the test client re-raises what the view raised
            failures.append(f"{where}: raised {error!r}")
            continue
        if response.status_code >= 500:
            failures.append(f"{where}: {response.status_code}")
    assert not failures, "\n".join(failures)


# The findings of issue 19, by name: pages whose parameters are read by hand
# (not through a filter form) or that answer with a download.
@pytest.mark.parametrize(
    "url",
    [
        "/staff/monitoring/reach/?partner=²",
        "/staff/monitoring/reach/?partner=9999999999999999999999",
        "/staff/monitoring/reach/?partner=-1&year=١٢",
        "/staff/monitoring/answers/?year=²²²²",
        "/staff/monitoring/answers/?year=10000000000000000000000",
        "/staff/monitoring/income/?year=²",
        "/reports/leverage/?year=²",
    ],
)
def test_unicode_digits_huge_and_negative_numbers_are_ignored(url, cast, sample):
    client = Client()
    client.force_login(cast["staff"])
    assert client.get(url).status_code == 200
