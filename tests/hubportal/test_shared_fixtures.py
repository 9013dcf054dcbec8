"""Data built once per module (tests/conftest.py) keeps tests apart: what one
test writes, in the database or in its copy of the objects, is gone before
the next test starts."""

import pytest

from partners.models import Partner
from tests.conftest import fresh_copy, rolled_back_after
from tests.factories import PartnerFactory


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    with rolled_back_after(django_db_blocker):
        with django_db_blocker.unblock():
            data = {"partner": PartnerFactory(name="Built once")}
        yield data


@pytest.fixture
def partner(shared, db):
    return fresh_copy(shared)["partner"]


def test_a_test_may_change_the_shared_data(partner):
    partner.name = "Changed by the first test"
    partner.save()
    PartnerFactory(name="Added by the first test")
    assert Partner.objects.filter(name__in=["Changed by the first test", "Added by the first test"]).count() == 2


def test_the_next_test_sees_the_data_as_it_was_built(partner):
    assert partner.name == "Built once"
    assert Partner.objects.get(pk=partner.pk).name == "Built once"
    assert not Partner.objects.filter(name="Added by the first test").exists()


def test_a_test_without_the_database_cannot_reach_it(shared):
    with pytest.raises(RuntimeError, match="Database access not allowed"):
        Partner.objects.count()
