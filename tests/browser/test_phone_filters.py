"""On a phone a list's filters fold behind their name and how many are applied, so
the first screen shows results (static/js/phone-filters.js); on a laptop the form
shows as it is."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partners.models import District
from tests.browser.support import assert_accessible, login
from tests.factories import PartnerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1366, "height": 900}


def test_a_lists_filters_fold_on_a_phone_and_say_how_many_apply(page, staff):
    district = District.objects.first()
    PartnerFactory(name="Anstey Brass").districts.set([district])
    login(page, staff.username)
    page.set_viewport_size(PHONE)
    page.goto(f"{reverse('partners:list')}?district={district.pk}&sort=name")
    toggle = page.locator("details.phone-filters > summary")
    assert toggle.inner_text() == "Filter partners (1 applied)"  # the order is not a filter
    expect(page.get_by_label("District")).to_be_hidden()
    expect(page.get_by_role("link", name="Anstey Brass")).to_be_visible()
    assert_accessible(page)
    toggle.click()
    expect(page.get_by_label("District")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.set_viewport_size(LAPTOP)
    page.goto(reverse("partners:list"))
    assert page.locator("details.phone-filters").count() == 0
    expect(page.get_by_label("District")).to_be_visible()
