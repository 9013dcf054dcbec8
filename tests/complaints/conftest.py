import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from hubportal.core import roles
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The public forms count submissions in the cache: each test starts at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def safeguarding_lead(db):
    """A member of Hub staff who also holds the safeguarding role."""
    user = UserFactory(username="safeguarding-lead", role=roles.STAFF)
    user.groups.add(Group.objects.get(name=roles.SAFEGUARDING))
    return user


@pytest.fixture
def second_chair(db):
    return UserFactory(username="vice-chair", role=roles.CHAIR)
