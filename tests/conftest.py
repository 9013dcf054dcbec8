"""The cast every test uses, and the rule that CI never skips for a missing service."""

import copy
import os
from contextlib import contextmanager
from importlib import import_module
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from pytest_django.plugin import blocking_manager_key

from hubportal.core import roles
from tests.factories import PartnerFactory, UserFactory, partner_user

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(available: bool, what: str) -> None:
    """Skip on a developer machine without the service; fail in CI, where it must be there."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available.")
    pytest.skip(f"{what} is not available on this machine (CI provides it).")


# The data migrations that seed reference data (districts, partner types,
# evidence types, agreement templates, default question sets...).
REFERENCE_DATA = [
    "partners.migrations.0002_reference_data",
    "partners.migrations.0005_evidence_types",
    "eoi.migrations.0003_reference_data",
    "agreements.migrations.0003_agreement_templates",
    "surveys.migrations.0003_default_question_sets",
    "hubportal.privacy.migrations.0002_default_retention_schedule",
    "hubportal.migrations.0013_hub_record",
]


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return (marker is not None and bool(marker.kwargs.get("transaction"))) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (browser tests, threads) empties every table when it
    ends, taking the reference data the migrations seeded with it; put it back
    at once, as a fresh `migrate` would have it, for whatever test runs next.
    (Not at the start of the next transactional test: under pytest-xdist's
    `--dist loadfile` a worker runs files in the order it is given them, so a
    plain test or a module's data may come next.)"""
    result = yield
    # After the session's last test the test database itself is gone.
    if nextitem is not None and _is_transactional(item):
        from django.apps import apps

        from partners.models import District

        with item.config.stash[blocking_manager_key].unblock():
            if not District.objects.exists():
                for module in REFERENCE_DATA:
                    import_module(module).seed(apps, None)
    return result


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty caches (rate limits, cached figures)."""
    cache.clear()
    caches["ratelimit"].clear()
    yield
    cache.clear()
    caches["ratelimit"].clear()


@pytest.fixture(autouse=True)
def _hub_cached(request, _fresh_cache):
    """The Hub record is read on every page and email and cached for minutes
    (hubportal.core.hub.current_hub), so a running portal finds it in the cache;
    load it there before a database test, so query counts pinned in tests
    count the page's own queries, as production runs them."""
    marker = request.node.get_closest_marker("django_db")
    from hubportal.core.hub import current_hub, forget_local_copy

    forget_local_copy()  # the last test's Hub, perhaps changed and rolled back since
    if _is_transactional(request.node) or not (marker is not None or "db" in request.fixturenames):
        return
    request.getfixturevalue("db")
    current_hub()


# Heavy data built once per module (issue 20: the suite must stay well inside
# CI's limit). A module-scoped fixture builds it inside a transaction that is
# rolled back when the module ends; each test still runs in its own savepoint
# (the `db` fixture, nested inside), so what one test writes is undone before
# the next. Only for modules whose tests using the data are not transactional
# (a transactional test would flush the tables under the open transaction).
# Once built, the data is there for every later test of the module, even one
# that does not ask for it: a test that needs an empty database lives in a
# module of its own (tests/eoi/test_demo_refusals.py).


@contextmanager
def rolled_back_after(django_db_blocker):
    """A transaction held open around a module's tests and rolled back at the
    end. The fixture builds its data inside `django_db_blocker.unblock()`;
    between tests the database stays blocked, so a test that does not ask for
    `db` still cannot reach it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def fresh_copy(data):
    """A test's own copy of module-shared objects (model instances, dicts of
    them), as Django's setUpTestData gives each test: changing one in memory
    never reaches the next test. One deepcopy keeps shared references shared."""
    return copy.deepcopy(data)


def media_settings(location) -> dict:
    """Settings that send uploaded files to `location`."""
    from django.conf import settings

    return {
        "STORAGES": {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(location)},
            },
        },
        "MEDIA_ROOT": str(location),
    }


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """`seed_demo` run once for the module (it takes seconds), its files in a
    folder of the module's own. Tests take `demo_data`, not this."""
    media = tmp_path_factory.mktemp("demo-media")
    with rolled_back_after(django_db_blocker):
        with django_db_blocker.unblock(), override_settings(DEBUG=True, **media_settings(media)):
            call_command("seed_demo", stdout=StringIO())
        yield media


@pytest.fixture
def demo_data(demo_world, db, settings):
    """The demo data, shared by the module's tests; each test's changes are
    rolled back after it. Uploaded files go where the demo's went."""
    for name, value in media_settings(demo_world).items():
        setattr(settings, name, value)
    return demo_world


# The cast. Each is built by a plain function too, so a module-scoped fixture
# (tests/security/conftest.py) can build the same people once.


def make_staff():
    return UserFactory(username="staff-user", role=roles.STAFF)


def make_manager():
    user = UserFactory(username="manager-user", role=roles.MANAGER)
    user.groups.add(Group.objects.get(name=roles.SAFEGUARDING))
    return user


def make_assessor():
    return UserFactory(username="assessor-user", role=roles.ASSESSOR)


def make_chair():
    return UserFactory(username="chair-user", role=roles.CHAIR)


def make_admin_user():
    return UserFactory(username="admin-user", is_staff=True, is_superuser=True)


def make_partner_a():
    return PartnerFactory(name="Partner A Music")


def make_partner_b():
    return PartnerFactory(name="Partner B Strings")


def make_partner_a_user(partner_a):
    return partner_user(partner_a, username="partner-a-user")


def make_partner_b_user(partner_b):
    return partner_user(partner_b, username="partner-b-user")


@pytest.fixture
def staff(db):
    return make_staff()


@pytest.fixture
def manager(db):
    return make_manager()


@pytest.fixture
def assessor(db):
    return make_assessor()


@pytest.fixture
def chair(db):
    return make_chair()


@pytest.fixture
def admin_user(db):
    return make_admin_user()


@pytest.fixture
def partner_a(db):
    return make_partner_a()


@pytest.fixture
def partner_b(db):
    return make_partner_b()


@pytest.fixture
def partner_a_user(partner_a):
    return make_partner_a_user(partner_a)


@pytest.fixture
def partner_b_user(partner_b):
    return make_partner_b_user(partner_b)


@pytest.fixture
def client_for(db):
    """A test client signed in as the given user (None: anonymous)."""

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


# The browser (Chromium through Playwright) for every app's browser tests.
from tests.browser.support import browser, page  # noqa: E402, F401


@pytest.fixture
def hub_with(db):
    """Change the Hub record's terms for one test: ``hub_with(match_funding_floor_percent=60)``."""
    from hubportal.core.hub import current_hub, hub_changed
    from hubportal.models import Hub

    def apply(**changes):
        Hub.objects.get_or_create(pk=1)
        Hub.objects.filter(pk=1).update(**changes)
        hub_changed()
        return current_hub()

    return apply
