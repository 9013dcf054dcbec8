import pytest
from django.urls import reverse

AREAS = {
    "staff_home": {"staff", "manager", "assessor", "admin_user"},
    "portal_home": {"partner_a_user"},
    "chair_home": {"chair"},
}
CAST = ["staff", "manager", "assessor", "chair", "admin_user", "partner_a_user"]


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("who", CAST)
def test_area_home_answers_its_roles_and_refuses_the_others(area, who, request, client_for):
    user = request.getfixturevalue(who)
    response = client_for(user).get(reverse(area))
    assert response.status_code == (200 if who in AREAS[area] else 403)


@pytest.mark.parametrize("area", AREAS)
def test_anonymous_is_sent_to_login(area, client):
    response = client.get(reverse(area))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_partner_home_names_their_partner(partner_a_user, partner_b, client_for):
    response = client_for(partner_a_user).get(reverse("portal_home"))
    assert "Partner A Music" in response.text
    assert "Partner B Strings" not in response.text


@pytest.mark.parametrize(
    "who, area", [("staff", "staff_home"), ("chair", "chair_home"), ("partner_a_user", "portal_home")]
)
def test_home_sends_each_role_to_its_area(who, area, request, client_for):
    response = client_for(request.getfixturevalue(who)).get(reverse("home"))
    assert response.url == reverse(area)


def test_forbidden_page_explains_why(partner_a_user, client_for):
    response = client_for(partner_a_user).get(reverse("staff_home"))
    assert "This page is for Hub staff." in response.text


def test_signed_in_pages_are_not_cached(staff, client_for):
    response = client_for(staff).get(reverse("staff_home"))
    assert response["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response["Content-Security-Policy"]
