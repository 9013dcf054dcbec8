"""Partners record the income they secure; the Hub sees it against the Hub Grant."""

from decimal import Decimal

import pytest
from django.urls import reverse

from hubportal.core.academic_years import current_academic_year
from surveys.models import IncomeRecord
from tests.agreements.factories import AgreementFactory
from tests.surveys.factories import income

pytestmark = pytest.mark.django_db
YEAR = current_academic_year().start_year


def test_a_partner_records_income_by_year_and_source(client_for, partner_a_user):
    response = client_for(partner_a_user).post(
        reverse("surveys:portal_income"),
        {"academic_year": YEAR, "source": "grants", "amount": "2500.00", "description": "Arts Council small grant"},
    )
    assert response.status_code == 302
    record = IncomeRecord.objects.get()
    assert (record.partner, record.academic_year, record.source, record.amount) == (
        partner_a_user.partner,
        YEAR,
        "grants",
        Decimal("2500.00"),
    )


@pytest.mark.parametrize("amount", ["0", "-10", "12.345", "lots"])
def test_an_amount_that_is_not_positive_pounds_and_pence_is_refused(client_for, partner_a_user, amount):
    response = client_for(partner_a_user).post(
        reverse("surveys:portal_income"),
        {"academic_year": YEAR, "source": "grants", "amount": amount, "description": "Concert takings"},
    )
    assert response.status_code == 200
    assert 'value="Concert takings"' in response.text
    assert not IncomeRecord.objects.exists()


def test_a_partner_sees_and_removes_only_its_own_income(client_for, partner_a_user, partner_b_user):
    mine = income(partner_a_user.partner, "100.00", description="Raffle")
    theirs = income(partner_b_user.partner, "900.00", description="Their fundraiser")
    client = client_for(partner_a_user)
    page = client.get(reverse("surveys:portal_income")).text
    assert "Raffle" in page and "Their fundraiser" not in page
    assert client.post(reverse("surveys:portal_income_delete", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("surveys:portal_income_delete", args=[mine.pk])).status_code == 405
    assert client.post(reverse("surveys:portal_income_delete", args=[mine.pk])).status_code == 302
    assert list(IncomeRecord.objects.all()) == [theirs]


def test_staff_see_income_against_hub_grant_hub_wide_and_per_partner(client_for, staff, partner_a, partner_b):
    income(partner_a, "6000.00")
    income(partner_b, "1000.00", source="trading")
    AgreementFactory(project=True, partner=partner_a, hub_contribution=Decimal("3000.00"))
    AgreementFactory(project=True, partner=partner_b, hub_contribution=Decimal("4000.00"))
    response = client_for(staff).get(reverse("surveys:income"), {"year": YEAR})
    assert response.context["this_year"]["income"] == Decimal("7000.00")
    assert response.context["this_year"]["grant"] == Decimal("7000.00")
    assert response.context["this_year"]["ratio"] == Decimal("1.00")
    assert "£7,000.00 secured by partners against £7,000.00 of Hub Grant" in response.text
    rows = {r["partner"]: r for r in response.context["page"]}
    assert rows[partner_a.name]["ratio"] == Decimal("2.00") and rows[partner_b.name]["ratio"] == Decimal("0.25")
    exported = client_for(staff).get(reverse("surveys:income"), {"year": YEAR, "export": "csv"})
    body = b"".join(exported.streaming_content).decode()
    assert "Partner,Fundraising,Trading,Grants,Other,Income secured,Hub Grant awarded" in body
    assert f"{partner_a.name},6000.00,0.00,0.00,0.00,6000.00,3000.00,2.00" in body


def test_staff_sort_and_page_income_by_partner_and_export_in_that_order(client_for, staff):
    from tests.factories import PartnerFactory

    for n, amount in enumerate(["300.00", "50.00", "900.00"]):
        partner = PartnerFactory(name=f"Partner {'ABC'[n]}")
        income(partner, amount)
        AgreementFactory(project=True, partner=partner, hub_contribution=Decimal("100.00") * (n + 1))
    client = client_for(staff)
    url = reverse("surveys:income")

    def partners(sort):
        return [r["partner"] for r in client.get(url, {"year": YEAR, "sort": sort}).context["page"]]

    assert partners("") == ["Partner A", "Partner B", "Partner C"]
    assert partners("-income") == ["Partner C", "Partner A", "Partner B"]
    assert partners("-grant") == ["Partner C", "Partner B", "Partner A"]
    assert partners("ratio") == ["Partner B", "Partner A", "Partner C"]  # 0.25, then 3.00 and 3.00 by name
    exported = client.get(url, {"year": YEAR, "sort": "-income", "export": "csv"})
    lines = b"".join(exported.streaming_content).decode().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["Partner C", "Partner A", "Partner B"]
    for n in range(26):
        income(PartnerFactory(name=f"Bulk {n:02d}"), "10.00")
    second = client.get(url, {"year": YEAR, "sort": "-income", "page": 2})
    assert len(second.context["page"]) == 4 and "sort=-income&amp;page=1" in second.text


def test_income_pages_are_for_their_own_roles(client_for, partner_a_user, staff, assessor):
    assert client_for(partner_a_user).get(reverse("surveys:income")).status_code == 403
    assert client_for(staff).get(reverse("surveys:portal_income")).status_code == 403
    assert client_for(assessor).get(reverse("surveys:income_records")).status_code == 403
