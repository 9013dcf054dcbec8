"""Every URL pattern, every role: a wrong role is 403, another partner's record
404, anonymous goes to the login page, and every refusal leaves an audit row.
The table is tests/security/access.py."""

import ast
import inspect
import textwrap

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver

from hubportal.models import AuditEvent
from hubportal.security.redaction import redact
from tests.security.access import ADMIN_LOGIN, LOGIN, ROLES, all_rules

RULES = all_rules()


def resolved_patterns(patterns=None, namespace=None, prefix=""):
    """(qualified name, route, pattern) for every pattern in the project."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from resolved_patterns(pattern.url_patterns, ns, prefix + str(pattern.pattern))
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, prefix + str(pattern.pattern), pattern


def url_patterns():
    """(qualified name, route, argument names) for every pattern in the project."""
    for name, route, pattern in resolved_patterns():
        yield name, route, sorted(pattern.pattern.regex.groupindex)


PATTERNS = list(url_patterns())
APP_PATTERNS = [p for p in PATTERNS if not (p[0] or "").startswith("admin:") and not p[1].startswith("admin/")]
ADMIN_PATTERNS = [p for p in PATTERNS if p not in APP_PATTERNS]


def test_every_pattern_is_named_and_in_the_access_table():
    unnamed = [route for name, route, _ in APP_PATTERNS if not name]
    missing = sorted({name for name, _, _ in APP_PATTERNS if name and name not in RULES})
    assert not unnamed, f"URL patterns without a name (the sweep cannot check them): {unnamed}"
    assert not missing, f"URL patterns missing from tests/security/access.py: {missing}"


def test_every_pattern_with_arguments_can_be_filled():
    unfillable = sorted(
        {name for name, _, args in APP_PATTERNS if args and getattr(RULES.get(name), "args", None) is None}
    )
    assert not unfillable, f"URL patterns whose arguments the sweep cannot fill: {unfillable}"


def declared_methods(view) -> list[str] | None:
    """The methods a require_http_methods decorator (require_POST, require_GET...)
    on the view lets through, or None if it has none. The decorators keep the
    list in their closure and the view under __wrapped__."""
    while view is not None:
        if view.__closure__:
            methods = inspect.getclosurevars(view).nonlocals.get("request_method_list")
            if methods is not None:
                return [m.upper() for m in methods]
        view = getattr(view, "__wrapped__", None)
    return None


POST_IN_SOURCE = ("request.POST", '"POST"', "'POST'")


def handles_post_in_source(function, seen=None) -> bool:
    """Whether the function, or a helper of its own module it calls (a view that
    hands request to `_gap_form`), reads request.POST or tests for a POST."""
    seen = set() if seen is None else seen
    if function in seen:
        return False
    seen.add(function)
    source = textwrap.dedent(inspect.getsource(function))
    if any(marker in source for marker in POST_IN_SOURCE):
        return True
    calls = [node.func for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)]
    helpers = [function.__globals__.get(call.id) for call in calls if isinstance(call, ast.Name)]
    return any(
        inspect.isfunction(helper) and helper.__module__ == function.__module__ and handles_post_in_source(helper, seen)
        for helper in helpers
    )


def accepts_post(view) -> bool:
    """Whether the view does something with a POST (rather than answer 405)."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return "post" in view_class.http_method_names and hasattr(view_class, "post")
    methods = declared_methods(view)
    if methods is not None:
        return "POST" in methods
    return handles_post_in_source(inspect.unwrap(view))


def test_every_view_that_accepts_post_is_posted_by_the_sweep():
    """A view that takes a POST must be POSTed in the access table, so each role's
    answer to the write is checked, not only to the page."""
    views = {name: pattern.callback for name, route, pattern in resolved_patterns() if name in RULES}
    not_posted = sorted(
        name for name, view in views.items() if accepts_post(view) and "POST" not in RULES[name].methods
    )
    assert not not_posted, f"Views that accept POST but tests/security/access.py does not POST: {not_posted}"
    refusing = sorted(
        name
        for name, view in views.items()
        if "POST" in RULES[name].methods
        and (getattr(view, "view_class", None) is not None or declared_methods(view) is not None)
        and not accepts_post(view)
    )
    assert not refusing, f"tests/security/access.py POSTs to views that refuse POST (405): {refusing}"


def test_the_post_detection_sees_each_kind_of_view():
    """The yardstick: a class with post(), require_POST, a helper reading
    request.POST; and no POST for a GET-only class or a plain page."""
    from django.contrib.auth.views import PasswordResetCompleteView, PasswordResetConfirmView

    views = {name: pattern.callback for name, _, pattern in resolved_patterns() if name}
    assert accepts_post(PasswordResetConfirmView.as_view())
    assert not accepts_post(PasswordResetCompleteView.as_view())
    assert accepts_post(views["notification_read_all"])  # require_POST
    assert not accepts_post(views["healthz"])  # require_GET
    assert accepts_post(views["eoi:gap_create"])  # undecorated; its helper reads request.POST
    assert not accepts_post(views["landing"])


REQUIRED_CSP = ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]


def check_headers(response, where):
    """Every HTML page carries the strict Content-Security-Policy and, when
    signed in, is never cached."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    policy = response.get("Content-Security-Policy", "")
    missing = [d for d in REQUIRED_CSP if d not in policy]
    assert not missing, f"{where}: Content-Security-Policy lacks {missing}"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, f"{where}: unsafe CSP {policy}"
    assert response.get("X-Content-Type-Options") == "nosniff", f"{where}: no nosniff"


def send(client, method, url):
    """The response, carrying the audit rows its request added (audit_rows)."""
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.generic(method, url)
    response.audit_rows = list(AuditEvent.objects.filter(pk__gt=last))
    return response


def check_refusal_audited(response, method, url, where):
    """A 403, or a 404 (every URL the sweep sends names an existing record), is a
    refused access: it leaves one audit row saying who, how, where and the answer."""
    status = response.status_code
    if status not in (403, 404):
        return
    user = response.wsgi_request.user
    user_id = user.pk if user.is_authenticated else None
    rows = [
        row
        for row in response.audit_rows
        if row.status == status and row.method == method and row.path == redact(url) and row.user_id == user_id
    ]
    assert len(rows) == 1, (
        f"{where}: {status} left {len(rows)} matching audit rows (of {len(response.audit_rows)} added), expected 1"
    )
    assert rows[0].action == ("access_denied" if status == 403 else "not_found"), f"{where}: {rows[0].action}"


def check(response, expected, method, url, role):
    where = f"{method} {url} as {role}"
    check_headers(response, where)
    check_refusal_audited(response, method, url, where)
    if role != "anonymous" and response.status_code == 200:
        assert "no-store" in response.get("Cache-Control", ""), f"{where}: signed-in page may be cached"
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login")), (
            f"{where}: {response.status_code}"
        )
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302 and "/admin/login/" in response.url, f"{where}: {response.status_code}"
    else:
        assert response.status_code in expected, f"{where}: {response.status_code}, expected {sorted(expected)}"


@pytest.mark.parametrize("name", sorted({name for name, _, _ in APP_PATTERNS if name in RULES}))
def test_each_role_gets_the_right_answer(name, cast, sample):
    rule = RULES[name]
    url = reverse(name, kwargs=rule.args(sample) if rule.args else None)
    for role in ROLES:
        for method in rule.methods:
            client = Client()
            if cast[role] is not None:
                client.force_login(cast[role])
            response = send(client, method, url)
            check(response, rule.expected(role, method), method, url, role)


@pytest.mark.parametrize("route", sorted({route for _, route, args in ADMIN_PATTERNS if not args}))
def test_the_django_admin_is_for_admins_only(route, cast):
    """Each admin page without arguments: admins get it; everyone else goes to the admin's login."""
    url = "/" + route.replace("^", "").replace("$", "")
    if "(?P" in url:
        return  # regex catch-alls (app index, the final catch-all) are covered by the named pages
    for role in ROLES:
        client = Client()
        if cast[role] is not None:
            client.force_login(cast[role])
        response = send(client, "GET", url)
        if role == "admin" or url in ("/admin/login/", "/admin/logout/"):
            # Read-only models refuse "add" with 403; logout is POST-only. Never a server error.
            assert response.status_code in {200, 302, 403, 405}, f"{url} as {role}: {response.status_code}"
        else:
            check(response, ADMIN_LOGIN, "GET", url, role)


def fill_admin_route(route, sample):
    """The URL for an admin pattern with arguments, filled from the database:
    an existing row of the pattern's model where there is one (0 where there
    is none, which the admin answers without a server error)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    if "(?P<url>" in route:
        return "/admin/no-such-page/"
    if "(?P<app_label>" in route:
        return "/admin/partners/"
    if route.startswith("admin/r/"):
        partner = sample["partner"]
        return f"/admin/r/{ContentType.objects.get_for_model(partner).pk}/{partner.pk}/"
    app_label, model_name = route.split("/")[1:3]
    row = apps.get_model(app_label, model_name)._default_manager.order_by("pk").first()
    url = "/" + route
    for arg in ("<path:object_id>", "<int:pk>", "<id>"):
        url = url.replace(arg, str(row.pk if row else 0))
    return url


def admin_page_group(route):
    """Admin routes grouped by model ("admin/partners/partner/"), so each
    group is filled from one seeded sample."""
    parts = route.split("/")
    return "/".join(parts[:3]) + "/" if len(parts) > 3 and "(?P" not in route else route


ADMIN_ROUTES_WITH_ARGUMENTS = {}
for _, _route, _args in ADMIN_PATTERNS:
    if _args:
        ADMIN_ROUTES_WITH_ARGUMENTS.setdefault(admin_page_group(_route), []).append(_route)


@pytest.mark.parametrize("group", sorted(ADMIN_ROUTES_WITH_ARGUMENTS))
def test_every_admin_page_that_names_a_record_is_for_admins_only(group, cast, sample):
    """Each admin page with arguments (change, history, delete, a user's
    password...), filled with a real record: admins get an answer that is no
    server error; everyone else, GET or POST, goes to the admin's login."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # django-otp's own admin pages (config, QR code) fail on an id that does not exist.
    TOTPDevice.objects.create(user=cast["admin"], name="Phone", confirmed=False)
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if cast[role] is not None:
            clients[role].force_login(cast[role])
    for route in ADMIN_ROUTES_WITH_ARGUMENTS[group]:
        url = fill_admin_route(route, sample)
        for role, client in clients.items():
            if role == "admin":
                response = client.get(url)
                assert response.status_code < 500, f"{url} as admin: {response.status_code}"
                continue
            for method in ("GET", "POST"):
                check(send(client, method, url), ADMIN_LOGIN, method, url, role)
