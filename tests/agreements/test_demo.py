"""The demo agreements are believable: every state, hashes that verify, one
awaiting partner A's signature and one recommendation awaiting the Chair."""

import pytest
from django.urls import reverse

from agreements.chair import recommendations_awaiting_decision
from agreements.models import Agreement
from agreements.text import verify
from hubportal.devtools.demo import PARTNER_A, PARTNER_B
from hubportal.models import User


@pytest.fixture
def demo(demo_data):
    """seed_demo, run once for the module (tests/conftest.py); each test's changes are rolled back."""


def test_the_demo_has_agreements_in_every_state_that_verify(demo):
    states = set(Agreement.objects.values_list("status", flat=True))
    assert states == set(Agreement.Status.values)
    signed = Agreement.objects.exclude(status="draft").filter(versions__isnull=False).distinct()
    # Every partnership agreement past draft was issued with its text stored (other apps' demos make
    # some project agreements directly; those made through the services are stored too).
    assert not Agreement.objects.filter(kind="partnership").exclude(status="draft").filter(versions__isnull=True)
    for agreement in signed:
        assert verify(agreement).ok, agreement


def test_partner_a_has_one_waiting_for_their_signature_and_b_a_live_one(demo, client):
    issued = Agreement.objects.get(partner__name=PARTNER_A, status="issued")
    assert Agreement.objects.filter(partner__name=PARTNER_B, status="live", kind="partnership").exists()
    client.force_login(User.objects.get(username="partner-a"))
    home = client.get(reverse("portal_home")).text
    assert reverse("agreements:sign", kwargs={"pk": issued.pk}) in home


def test_one_recommendation_awaits_the_chair_and_its_page_opens(demo, client):
    [case] = recommendations_awaiting_decision()
    client.force_login(User.objects.get(username="chair"))
    assert client.get(case.url).status_code == 200


def test_every_demo_agreement_page_opens_for_staff(demo, client):
    client.force_login(User.objects.get(username="staff"))
    for agreement in Agreement.objects.all():
        assert client.get(reverse("agreements:detail", kwargs={"pk": agreement.pk})).status_code == 200
