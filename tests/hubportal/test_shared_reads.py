"""The portal home asks two apps the same questions (the to-do list and health both
read the evidence register and the agreements waiting for a signature): each is
read once for the page, and afresh on the next; a partner's own health does not
ask the signals whose reasons only staff see."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from complaints.models import Complaint
from hubportal.core.health import AMBER, health_for
from hubportal.core.shared_reads import read_once, reads_shared
from partners.models import EvidenceItem, EvidenceType, Partner
from tests.agreements.factories import AgreementFactory
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def test_read_once_computes_once_per_key_inside_the_block_and_every_time_outside():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert read_once("k", compute) == 1 and read_once("k", compute) == 2
    with reads_shared():
        assert read_once("k", compute) == 3 and read_once("k", compute) == 3
        assert read_once("other", compute) == 4
    assert read_once("k", compute) == 5  # nothing outlives the block


def tables_read(captured) -> list[str]:
    return [q["sql"].split(" FROM ")[1].split()[0] for q in captured.captured_queries if " FROM " in q["sql"]]


@pytest.fixture
def busy_partner(partner_a, staff):
    """Partner A at the standards review with expired evidence and an agreement issued three weeks ago."""
    Partner.objects.filter(pk=partner_a.pk).update(status=Partner.Stage.STANDARDS_REVIEW)
    for evidence_type in EvidenceType.objects.filter(is_active=True):
        EvidenceItem.objects.update_or_create(
            partner=partner_a,
            evidence_type=evidence_type,
            defaults={"status": EvidenceItem.Status.EXPIRED, "expires_on": timezone.localdate() - timedelta(days=3)},
        )
    AgreementFactory(partner=partner_a, status=Agreement.Status.ISSUED, issued_at=timezone.now() - timedelta(days=21))
    ComplaintFactory(partner=partner_a)  # open, about partner A: a reason for staff only
    return partner_a


def test_the_portal_home_reads_the_evidence_register_and_the_agreements_to_sign_once(
    busy_partner, partner_a_user, client_for
):
    client = client_for(partner_a_user)
    client.get(reverse("portal_home"))
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("portal_home"))
    texts = [t.text for t in response.context["todos"]]
    assert any(text.startswith("Sign your") for text in texts)
    assert any("it has expired" in text for text in texts)
    reasons = [r.text for r in response.context["health"].reasons]
    assert any("waited for the partner's signature" in r for r in reasons)
    assert any("expired" in r for r in reasons)
    tables = tables_read(captured)
    # The register's three reads (partners counted, evidence types, items with a problem), once each.
    assert tables.count('"partners_evidencetype"') == 1
    issued = [q for q in captured.captured_queries if "'issued'" in q["sql"] and "agreements_agreement" in q["sql"]]
    assert len(issued) == 1
    # The partner never sees why a complaint about them makes staff rate them amber: not even asked.
    signal = 'SELECT "complaints_complaint"."partner_id" AS "partner_id", "complaints_complaint"."category"'
    assert not any(q["sql"].startswith(signal) for q in captured.captured_queries)


def test_staff_still_see_the_reason_only_they_may_see(busy_partner, staff):
    [reason] = [
        r for r in health_for([busy_partner.pk], viewer=staff)[busy_partner.pk].reasons if "complaint" in r.text
    ]
    assert reason.level == AMBER and reason.staff_only
    assert Complaint.objects.filter(partner=busy_partner).count() == 1
    assert not any(
        "complaint" in r.text for r in health_for([busy_partner.pk], for_partner=True)[busy_partner.pk].reasons
    )
