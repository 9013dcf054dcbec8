"""The partner portal: their agreements, the sign page, isolation between partners."""

import pytest
from django.urls import reverse

from agreements.models import Agreement
from tests.agreements.factories import AgreementFactory, issue, make_live


@pytest.fixture
def issued(partner_a, staff):
    return issue(AgreementFactory(partner=partner_a), staff)


def url(name, obj=None):
    return reverse(f"agreements:{name}", kwargs={"pk": obj.pk} if obj is not None else None)


def test_the_partner_sees_their_agreements_only(issued, partner_b, partner_a_user, client_for):
    other = AgreementFactory(partner=partner_b, title="Partner B's agreement")
    page = client_for(partner_a_user).get(url("portal_list")).text
    assert issued.title in page and other.title not in page
    assert url("sign", issued) in page


def test_the_partner_signs_in_the_portal(issued, partner_a_user, client_for):
    client = client_for(partner_a_user)
    page = client.get(url("sign", issued))
    assert page.status_code == 200 and issued.versions.get().text_sha256 in page.text
    response = client.post(url("sign", issued), {"typed_name": "Priya Shah", "role_title": "Director", "confirm": "on"})
    assert response.status_code == 302 and response.url == url("portal_detail", issued)
    issued.refresh_from_db()
    assert issued.status == Agreement.Status.PARTNER_SIGNED
    again = client.get(url("sign", issued), follow=True)
    assert "not waiting for your signature" in again.text


def test_signing_without_confirming_is_redisplayed(issued, partner_a_user, client_for):
    response = client_for(partner_a_user).post(url("sign", issued), {"typed_name": "Priya Shah", "role_title": "Chair"})
    assert response.status_code == 200 and "Tick the box" in response.text
    assert 'value="Priya Shah"' in response.text and 'value="Chair"' in response.text
    issued.refresh_from_db()
    assert issued.status == Agreement.Status.ISSUED


def test_partner_b_gets_404_for_partner_as_agreement_pdf_and_sign_page(issued, partner_b_user, client_for):
    client = client_for(partner_b_user)
    for name in ("portal_detail", "sign", "pdf"):
        assert client.get(url(name, issued)).status_code == 404, name
    assert client.post(url("sign", issued), {"typed_name": "X", "role_title": "Y", "confirm": "on"}).status_code == 404
    issued.refresh_from_db()
    assert issued.status == Agreement.Status.ISSUED


def test_staff_cannot_use_the_partners_sign_page(issued, staff, manager, client_for):
    for user in (staff, manager):
        assert client_for(user).get(url("sign", issued)).status_code == 403
    assert client_for(None).get(url("sign", issued)).status_code == 302


def test_sign_wrong_method(issued, partner_a_user, client_for):
    assert client_for(partner_a_user).put(url("sign", issued)).status_code == 405


def test_the_portal_detail_shows_both_signatures_and_the_verification(
    partner_a, staff, manager, partner_a_user, client_for
):
    agreement = make_live(
        AgreementFactory(partner=partner_a), staff=staff, partner_user=partner_a_user, manager=manager
    )
    page = client_for(partner_a_user).get(url("portal_detail", agreement)).text
    assert "Verified." in page and "Priya Shah" in page and "Morgan Hughes" in page
    assert url("pdf", agreement) in page
    assert "Recommendations to end it" not in page  # staff's business


def test_a_draft_shows_to_the_partner_as_being_prepared(partner_a, partner_a_user, client_for):
    draft = AgreementFactory(partner=partner_a)
    page = client_for(partner_a_user).get(url("portal_detail", draft)).text
    assert "The Hub is preparing this agreement" in page


def test_the_portal_list_costs_the_same_queries_at_any_size(
    partner_a, partner_a_user, client_for, django_assert_max_num_queries
):
    from tests.agreements.factories import AgreementFactory as Make

    client = client_for(partner_a_user)
    for size in (2, 8):
        for _ in range(size):
            Make(partner=partner_a, project=True)
        # One query for the page's rows: the partner is joined, not fetched per row.
        with django_assert_max_num_queries(10):
            assert client.get(url("portal_list")).status_code == 200


def test_the_partner_reads_signed_by_you_where_staff_read_signed_by_the_partner(
    issued, partner_a_user, manager, client_for
):
    from tests.agreements.factories import partner_sign

    partner_sign(issued, partner_a_user)
    partner = client_for(partner_a_user)
    for page in (
        partner.get(url("portal_list")).text,
        partner.get(url("portal_detail", issued)).text,
        partner.get(reverse("portal_home")).text,
    ):
        assert "Signed by you, waiting for the Hub</span>" in page
        assert "Signed by the partner</span>" not in page
    assert (
        '<option value="partner_signed">Signed by you, waiting for the Hub</option>'
        in partner.get(url("portal_list")).text
    )
    staff_page = client_for(manager).get(url("detail", issued)).text
    assert "Signed by the partner</span>" in staff_page
