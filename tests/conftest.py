"""The cast every test uses, and the rule that CI never skips for a missing service."""

import os
from importlib import import_module

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache, caches
from django.test import Client

from hubportal import roles
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


@pytest.fixture(autouse=True)
def _reference_data(request):
    """A transactional test (browser tests, threads) empties every table when it
    ends, taking the reference data the migrations seeded with it; put it back
    for the next one, as a fresh `migrate` would have it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from partners.models import District

    if not District.objects.exists():
        for module in REFERENCE_DATA:
            import_module(module).seed(apps, None)


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
    (hubportal.hub.current_hub), so a running portal finds it in the cache;
    load it there before a database test, so query counts pinned in tests
    count the page's own queries, as production runs them."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    from hubportal.hub import current_hub, forget_local_copy

    forget_local_copy()  # the last test's Hub, perhaps changed and rolled back since
    if transactional or not (marker is not None or "db" in request.fixturenames):
        return
    request.getfixturevalue("db")
    current_hub()


@pytest.fixture
def staff(db):
    return UserFactory(username="staff-user", role=roles.STAFF)


@pytest.fixture
def manager(db):
    user = UserFactory(username="manager-user", role=roles.MANAGER)
    user.groups.add(Group.objects.get(name=roles.SAFEGUARDING))
    return user


@pytest.fixture
def assessor(db):
    return UserFactory(username="assessor-user", role=roles.ASSESSOR)


@pytest.fixture
def chair(db):
    return UserFactory(username="chair-user", role=roles.CHAIR)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin-user", is_staff=True, is_superuser=True)


@pytest.fixture
def partner_a(db):
    return PartnerFactory(name="Partner A Music")


@pytest.fixture
def partner_b(db):
    return PartnerFactory(name="Partner B Strings")


@pytest.fixture
def partner_a_user(partner_a):
    return partner_user(partner_a, username="partner-a-user")


@pytest.fixture
def partner_b_user(partner_b):
    return partner_user(partner_b, username="partner-b-user")


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
    from hubportal.hub import current_hub, hub_changed
    from hubportal.models import Hub

    def apply(**changes):
        Hub.objects.get_or_create(pk=1)
        Hub.objects.filter(pk=1).update(**changes)
        hub_changed()
        return current_hub()

    return apply
