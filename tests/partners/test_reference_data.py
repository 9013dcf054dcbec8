"""The reference data issue 3 names is seeded by the migrations, and admins
can edit it (local government may be reorganised)."""

from django.urls import reverse

from partners.models import District, NationalPlanStrand


def test_leicester_and_the_seven_county_districts_are_seeded(db):
    assert sorted(District.objects.values_list("name", flat=True)) == [
        "Blaby",
        "Charnwood",
        "Harborough",
        "Hinckley & Bosworth",
        "Leicester City",
        "Melton",
        "North West Leicestershire",
        "Oadby & Wigston",
    ]


def test_the_five_national_plan_strands_are_seeded(db):
    assert sorted(NationalPlanStrand.objects.values_list("name", flat=True)) == [
        "Inclusion",
        "Partnerships",
        "Progression and musical development",
        "Schools",
        "Sustainability",
    ]


def test_an_admin_can_rename_a_district(admin_user, client_for):
    melton = District.objects.get(name="Melton")
    response = client_for(admin_user).post(
        reverse("admin:partners_district_change", args=[melton.pk]),
        {"name": "Melton Borough", "is_active": "on", "sort_order": melton.sort_order},
    )
    assert response.status_code == 302
    melton.refresh_from_db()
    assert melton.name == "Melton Borough"
