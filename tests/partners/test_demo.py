"""The demo data is believable: partners in every onboarding stage, evidence
in every state, and every page a demo user opens works and is not empty."""

import pytest
from django.urls import reverse
from django.utils import timezone

from hubportal.core.health import health_for
from hubportal.core.todo import todos_for
from hubportal.devtools.demo import PARTNER_A, PARTNER_B
from hubportal.models import User
from partners.demo import PARTNERS, STANDARDS_LAPSED
from partners.health import minimum_standards
from partners.models import EvidenceItem, Partner
from partners.standing import Standing, standing_of


@pytest.fixture
def demo(demo_data):
    """seed_demo, run once for the module (tests/conftest.py); each test's changes are rolled back."""


def test_partners_span_the_stages_types_and_districts(demo):
    stages = set(Partner.objects.values_list("status", flat=True))
    assert stages >= {
        "enquiry",
        "meeting_scheduled",
        "meeting_held",
        "standards_review",
        "agreement_pending",
        "active",
        "suspended",
        "declined",
    }
    assert Partner.objects.values("partner_type").distinct().count() >= 7
    assert Partner.objects.values("districts").distinct().count() >= 8
    assert set(EvidenceItem.objects.values_list("status", flat=True)) == set(EvidenceItem.Status.values)
    ours = Partner.objects.filter(name__in=[row[0] for row in PARTNERS] + [PARTNER_A, PARTNER_B])
    assert ours.count() == len(PARTNERS) + 2
    assert all(p.contacts.filter(is_primary=True).exists() for p in ours)
    assert Partner.objects.get(name=PARTNER_A).status == Partner.Stage.ACTIVE
    assert Partner.objects.get(name=PARTNER_B).status == Partner.Stage.ACTIVE


def test_partner_a_has_health_reasons_and_things_to_do(demo):
    partner = Partner.objects.get(name=PARTNER_A)
    health = health_for([partner.pk])[partner.pk]
    assert health.level == "amber"
    texts = " ".join(r.text for r in health.reasons)
    assert "Public liability insurance: expires" in texts
    # Its staff training was renewed early: the verified copy holds while staff check the new one.
    assert standing_of(partner).standing == Standing.ACTIVE
    todo = [t.text for t in todos_for(partner)]
    assert "Renew your public liability insurance before it expires" in todo
    assert Partner.objects.get(name=PARTNER_B).evidence.filter(status="verified").count() == 10
    partner_b = Partner.objects.get(name=PARTNER_B)
    assert minimum_standards([partner_b.pk], timezone.localdate()) == {}  # B's evidence is all in order


def test_the_demo_shows_one_active_partner_with_its_standards_lapsed_and_what_to_renew(demo):
    """No partner is shown active in breach of its own standing."""
    lapsed = Partner.objects.get(name=STANDARDS_LAPSED)
    standing = standing_of(lapsed)
    assert lapsed.status == Partner.Stage.ACTIVE and standing.standing == Standing.STANDARDS_LAPSED
    assert "DBS Update Service subscription (expired on" in standing.summary
    assert health_for([lapsed.pk])[lapsed.pk].level == "red"
    breaches = [
        p.name
        for p in Partner.objects.exclude(name=STANDARDS_LAPSED).filter(status=Partner.Stage.ACTIVE)
        if standing_of(p).standing != Standing.ACTIVE
    ]
    assert breaches == []


def test_every_partner_page_opens_for_staff(demo, client):
    client.force_login(User.objects.get(username="staff"))
    assert client.get(reverse("partners:list")).status_code == 200
    for partner in Partner.objects.all():
        for tab in ("profile", "contacts", "users", "meetings", "evidence", "history"):
            response = client.get(reverse("partners:detail", kwargs={"pk": partner.pk}) + f"?tab={tab}")
            assert response.status_code == 200, (partner, tab)
    item = EvidenceItem.objects.filter(status="submitted").first()
    assert client.get(reverse("partners:evidence_review", kwargs={"pk": item.pk})).status_code == 200
    download = client.get(reverse("partners:evidence_download", kwargs={"pk": item.pk}))
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_the_demo_partner_portal_is_not_empty(demo, client):
    client.force_login(User.objects.get(username="partner-a"))
    profile = client.get(reverse("partners:portal_profile"))
    assert "Tom Reynolds" in profile.text and "Community music for children" in profile.text
    evidence = client.get(reverse("partners:portal_evidence"))
    assert "Submitted" in evidence.text and "Verified" in evidence.text


def test_the_history_of_a_demo_partner_tells_its_story(demo, client):
    client.force_login(User.objects.get(username="staff"))
    suspended = Partner.objects.get(status="suspended")
    response = client.get(reverse("partners:detail", kwargs={"pk": suspended.pk}) + "?tab=history")
    assert "safeguarding concern" in response.text
