"""A commissioning cast: an open call with weighted criteria, and partner A's EOI in it."""

from decimal import Decimal

import pytest

from eoi.models import ExpressionOfInterest
from tests.eoi.factories import (
    CallFactory,
    CriterionFactory,
    ExpressionOfInterestFactory,
    ensure_procurement_bands,
    ensure_project_template,
    fill_for_submission,
)


@pytest.fixture
def call(db):
    call = CallFactory(title="Inclusive ensembles in Charnwood", max_hub_grant=Decimal("10000.00"))
    CriterionFactory(call=call, name="Meets the gap", weight=3)
    CriterionFactory(call=call, name="Value for money", weight=2)
    CriterionFactory(call=call, name="Quality and safeguarding", weight=1)
    return call


@pytest.fixture
def draft(call, partner_a):
    """Partner A's complete draft: £10,000 cost, £5,000 Hub Grant (exactly 50%)."""
    return fill_for_submission(ExpressionOfInterestFactory(call=call, partner=partner_a, title="SEND ensembles"))


@pytest.fixture
def bands(db):
    ensure_procurement_bands()


@pytest.fixture
def project_template(db):
    return ensure_project_template()


def move(eoi, status):
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(status=status)
    eoi.refresh_from_db()
    return eoi
