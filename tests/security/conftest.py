"""The cast and partner A's sample records, shared by the sweeps."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from hubportal.notifications import notify
from tests.security.access import app_modules


@pytest.fixture
def cast(staff, manager, assessor, chair, admin_user, partner_a_user, partner_b_user):
    return {
        "anonymous": None,
        "partner_a": partner_a_user,
        "partner_b": partner_b_user,
        "staff": staff,
        "manager": manager,
        "assessor": assessor,
        "chair": chair,
        "admin": admin_user,
    }


@pytest.fixture
def sample(cast):
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
