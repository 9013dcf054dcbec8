"""Partner B answers 404 for every page that names one of partner A's records,
the same as for a record that does not exist."""

from datetime import date

import pytest
from django.urls import reverse

from partners.models import EvidenceType
from partners.services import evidence_upload
from tests import files
from tests.partners.factories import ContactFactory, MeetingFactory
from tests.partners.helpers import at_stage


@pytest.fixture
def records_of_a(partner_a, partner_a_user, staff):
    at_stage(partner_a, "standards_review")
    evidence = evidence_upload(
        partner=partner_a,
        evidence_type=EvidenceType.objects.first(),
        actor=partner_a_user,
        file=files.pdf(),
        issued_on=date.today(),
    )
    contact = ContactFactory(partner=partner_a, is_primary=False)
    meeting = MeetingFactory(partner=partner_a, scheduled_by=staff)
    return [
        ("GET", reverse("partners:evidence_download", kwargs={"pk": evidence.pk})),
        ("GET", reverse("partners:meeting_calendar", kwargs={"pk": meeting.pk})),
        ("POST", reverse("partners:meeting_confirm", kwargs={"pk": meeting.pk})),
        ("GET", reverse("partners:contact_add", kwargs={"partner_pk": partner_a.pk})),
        ("POST", reverse("partners:contact_add", kwargs={"partner_pk": partner_a.pk})),
        ("GET", reverse("partners:contact_edit", kwargs={"pk": contact.pk})),
        ("POST", reverse("partners:contact_edit", kwargs={"pk": contact.pk})),
        ("POST", reverse("partners:contact_delete", kwargs={"pk": contact.pk})),
    ]


def test_partner_b_gets_404_for_each_of_partner_as_records(records_of_a, partner_b_user, partner_a_user, client_for):
    other, owner = client_for(partner_b_user), client_for(partner_a_user)
    for method, url in records_of_a:
        assert other.generic(method, url).status_code == 404, url
    for method, url in records_of_a[:2]:
        assert owner.generic(method, url).status_code == 200, url


def test_the_portal_pages_show_only_the_users_own_partner(partner_a, partner_b_user, client_for):
    for name in ("portal_profile", "portal_evidence"):
        response = client_for(partner_b_user).get(reverse(f"partners:{name}"))
        assert response.context["partner"] == partner_b_user.partner
        assert partner_a.name not in response.text


def test_staff_pages_about_partner_a_are_403_for_partner_users(partner_a, partner_b_user, client_for):
    for name in ("detail", "edit", "meeting_schedule", "decline", "suspend", "invite_user"):
        assert (
            client_for(partner_b_user).get(reverse(f"partners:{name}", kwargs={"pk": partner_a.pk})).status_code == 403
        )
