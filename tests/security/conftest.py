"""The cast and partner A's sample records, shared by the sweeps.

The sweeps are parametrised over every URL (about 700 tests), and the sample
takes most of a second to build: it is built once per module, in a
transaction rolled back when the module ends, and each test runs in its own
savepoint inside it with its own copy of the objects (tests/conftest.py), so
a test that writes leaves nothing behind for the next.
"""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from hubportal.messaging.notifications import notify
from tests.conftest import (
    fresh_copy,
    make_admin_user,
    make_assessor,
    make_chair,
    make_manager,
    make_partner_a,
    make_partner_a_user,
    make_partner_b,
    make_partner_b_user,
    make_staff,
    rolled_back_after,
)
from tests.security.access import app_modules


def build_cast() -> dict:
    """Everyone the sweeps try each URL as (the same people as the fixtures
    of tests/conftest.py)."""
    return {
        "anonymous": None,
        "partner_a": make_partner_a_user(make_partner_a()),
        "partner_b": make_partner_b_user(make_partner_b()),
        "staff": make_staff(),
        "manager": make_manager(),
        "assessor": make_assessor(),
        "chair": make_chair(),
        "admin": make_admin_user(),
    }


def build_sample(cast: dict) -> dict:
    """Partner A's records, one of each kind a URL can name."""
    [notification] = notify(kind="welcome", recipients=[cast["partner_a"]], url="/portal/")
    user = cast["partner_a"]
    sample = {
        "notification": notification,
        "reset_link": {
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    }
    for module in app_modules():
        sample.update(module.sample(cast, sample))
    return sample


@pytest.fixture(scope="module")
def sweep_world(django_db_setup, django_db_blocker):
    """The cast and the sample, built once for the module."""
    with rolled_back_after(django_db_blocker):
        with django_db_blocker.unblock():
            cast = build_cast()
            world = (cast, build_sample(cast))
        yield world


@pytest.fixture
def _sweep(sweep_world, db):
    return fresh_copy(sweep_world)


@pytest.fixture
def cast(_sweep):
    return _sweep[0]


@pytest.fixture
def sample(_sweep):
    return _sweep[1]
