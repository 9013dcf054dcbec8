"""Health is "Not rated" outside the stages that are rated (from the standards
review while the partnership lasts), with the reason, wherever it shows."""

import pytest
from django.urls import reverse

from hubportal.core.health import UNRATED, health_for, listed_health
from partners.models import Partner
from tests.factories import PartnerFactory, partner_user

pytestmark = pytest.mark.django_db

Stage = Partner.Stage
NOT_RATED = [Stage.ENQUIRY, Stage.MEETING_SCHEDULED, Stage.MEETING_HELD, Stage.DECLINED, Stage.LAPSED, Stage.TERMINATED]
RATED = [Stage.STANDARDS_REVIEW, Stage.AGREEMENT_PENDING, Stage.ACTIVE, Stage.SUSPENDED]


def test_partners_outside_the_rated_stages_are_not_rated_with_the_reason(staff):
    partners = {stage: PartnerFactory(status=stage) for stage in NOT_RATED + RATED}
    for rate in (lambda ids: health_for(ids, viewer=staff), lambda ids: listed_health(ids, viewer=staff)):
        health = rate([p.pk for p in partners.values()])
        for stage, partner in partners.items():
            found = health[partner.pk]
            if stage in NOT_RATED:
                assert (found.level, found.label, found.reasons) == (UNRATED, "Not rated", []), stage
                assert found.not_rated.startswith("Not rated"), stage
            else:
                assert found.rated and found.level in {"green", "amber", "red"}, stage
    assert "standards review" in health_for([partners[Stage.ENQUIRY].pk])[partners[Stage.ENQUIRY].pk].not_rated
    assert "terminated" in health_for([partners[Stage.TERMINATED].pk])[partners[Stage.TERMINATED].pk].not_rated


def test_the_staff_pages_and_the_portal_show_not_rated_and_why(client_for, staff):
    enquiry = PartnerFactory(name="Enquiring Music", status=Stage.ENQUIRY)
    lapsed = PartnerFactory(name="Lapsed Music", status=Stage.LAPSED)
    client = client_for(staff)
    detail = client.get(reverse("partners:detail", args=[enquiry.pk])).content.decode()
    assert "Not rated" in detail and "Ratings start at the standards review" in detail
    assert ">Green<" not in detail
    listed = client.get(reverse("partners:list"), {"q": "Lapsed"}).content.decode()
    assert "Not rated" in listed and "lapsed" in listed
    portal = client_for(partner_user(lapsed)).get(reverse("portal_home")).content.decode()
    section = portal.split('id="health-title"')[1].split("</section>")[0]
    assert "Not rated" in section and "Everything the Hub needs from you is in order." not in section
