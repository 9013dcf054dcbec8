"""The commissioning demo holds what it promises (eoi/demo.py, the README): an
EOI accepted at exactly 50% match funding, partner B's draft refused at a
52.50% Hub Grant share, a live project agreement from an award; loading it
again changes nothing (a refusal it does not expect stops it loading:
test_demo_refusals.py)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import override_settings

from agreements.models import Agreement, Signature
from agreements.text import verify
from eoi import demo as eoi_demo
from eoi.funding import check_eoi
from eoi.models import Award, Call, ExpressionOfInterest
from hubportal.core.history import history_for
from hubportal.devtools.demo import PARTNER_A, PARTNER_B, seed_core
from hubportal.models import HistoryEntry, Notification

EOI = ExpressionOfInterest.Status
CLOSED_CALL = "Inclusive ensembles for young people with SEND in Charnwood"
AWARDED_CALL = "Instrumental progression in rural Melton and Harborough"


def seed_demo():
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def demo(demo_data):
    """seed_demo, run once for the module (tests/conftest.py); each test's changes are rolled back."""


def test_partner_a_is_accepted_at_exactly_half_match_funding(demo):
    eoi = ExpressionOfInterest.objects.get(call__title=CLOSED_CALL, partner__name=PARTNER_A)
    assert eoi.status == EOI.UNDER_ASSESSMENT and eoi.submitted_at is not None
    assert eoi.total_cost == Decimal("12400.00") and eoi.hub_grant_requested == Decimal("6200.00")
    check = check_eoi(eoi)
    assert check.ok and check.hub_share_percent == Decimal("50.00")
    assert not history_for(eoi).filter(action="submission refused").exists()
    assert eoi.call.status == Call.Status.CLOSED


def test_partner_b_is_refused_at_a_52_50_percent_hub_grant_share_and_keeps_the_draft(demo):
    eoi = ExpressionOfInterest.objects.get(call__title=CLOSED_CALL, partner__name=PARTNER_B)
    assert eoi.status == EOI.DRAFT and eoi.submitted_at is None
    assert eoi.total_cost == Decimal("12000.00") and eoi.hub_grant_requested == Decimal("6300.00")
    check = check_eoi(eoi)
    assert not check.ok and check.hub_share_percent == Decimal("52.50")
    [refusal] = history_for(eoi).filter(action="submission refused")
    # The refusal names the figures: the cost, the share and the shortfall in pounds.
    for figure in ("£12,000.00", "52.50%", "£300.00"):
        assert figure in refusal.note, figure


def test_the_awarded_call_has_a_live_project_agreement_signed_by_both(demo):
    eoi = ExpressionOfInterest.objects.get(call__title=AWARDED_CALL, status=EOI.SUCCESSFUL)
    assert eoi.partner.name == PARTNER_A
    award = Award.objects.get(eoi=eoi)
    agreement = Agreement.objects.get(eoi=eoi)
    assert agreement.kind == Agreement.Kind.PROJECT and agreement.status == Agreement.Status.LIVE
    assert agreement.hub_contribution == award.amount == Decimal("7500.00")
    assert sum(i.amount for i in agreement.instalments.all()) == agreement.hub_contribution
    parties = set(agreement.signatures.filter(voided_at__isnull=True).values_list("party", flat=True))
    assert parties == {Signature.Party.PARTNER, Signature.Party.HUB}
    assert verify(agreement).ok


def test_loading_the_demo_twice_changes_nothing(demo):
    labels = [
        m._meta.label
        for m in [*apps.get_app_config("eoi").get_models(), *apps.get_app_config("agreements").get_models()]
    ]

    def counts():
        return {
            **{label: apps.get_model(label).objects.count() for label in labels},
            "history": HistoryEntry.objects.count(),
            "notifications": Notification.objects.count(),
        }

    before = counts()
    eoi_demo.seed(users=seed_core())
    assert counts() == before
    seed_demo()
    assert counts() == before
