"""The Hub record: one row of the Hub's identity and terms, edited in the
admin by an admin with every change in the history, cached with the cache
allowed to fail; and the rules follow a second Hub's terms."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse

from eoi.selectors import band_for
from hubportal.core.errors import ActionRefused
from hubportal.core.history import history_for
from hubportal.core.hub import current_hub, hub_update
from hubportal.core.working_days import add_working_days
from hubportal.models import MIN_CONTRAST, Hub, colour_contrast
from partners.models import District
from tests.hubportal import second_hub


@pytest.fixture
def severn(admin_user):
    return second_hub.load_second_hub(admin_user)


def test_the_first_hub_is_seeded_so_an_existing_portal_reads_the_same(db):
    hub = current_hub()
    assert (hub.name, hub.lead_organisation, hub.match_funding_floor_percent) == (
        "Leicestershire Music Hub",
        "Leicestershire Music",
        Decimal("50.00"),
    )


def test_the_floor_can_never_be_below_half_even_past_the_form(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Hub.objects.filter(pk=1).update(match_funding_floor_percent=Decimal("49.99"))


def test_there_is_only_one_hub(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Hub.objects.create(pk=2, name="Another")


def test_an_admin_changes_the_hub_in_the_admin_and_the_history_says_what_changed(admin_user, client_for):
    client = client_for(admin_user)
    url = reverse("admin:hubportal_hub_change", args=[1])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields if name != "logo"}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(name="Rutland Music Hub", match_funding_floor_percent="55.00", reminder_offsets="{}")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert current_hub().name == "Rutland Music Hub"  # the cached copy was dropped
    [entry] = [e for e in history_for(Hub.objects.get()) if e.action == "hub_changed"]
    assert "Hub's name: Leicestershire Music Hub → Rutland Music Hub" in entry.note
    assert "50.00 → 55.00" in entry.note and entry.actor == admin_user


def test_the_admin_refuses_a_floor_below_half_with_the_reason(admin_user, client_for):
    client = client_for(admin_user)
    url = reverse("admin:hubportal_hub_change", args=[1])
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in ((n, form.initial.get(n)) for n in form.fields if n != "logo")}
    data.update(match_funding_floor_percent="40", reminder_offsets="{}")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "match_funding_floor_percent" in response.context["adminform"].form.errors
    assert current_hub().match_funding_floor_percent == Decimal("50.00")


def test_the_admin_refuses_a_theme_colour_too_light_for_white_text_or_links(admin_user, client_for):
    """The theme colours carry white text (navigation, buttons, badges) and are the
    links' colour: a pale one would fail WCAG AA contrast on every page."""
    client = client_for(admin_user)
    url = reverse("admin:hubportal_hub_change", args=[1])
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in ((n, form.initial.get(n)) for n in form.fields if n != "logo")}
    data.update(primary_colour="#0d6efd", accent_colour="#33154d", reminder_offsets="{}")
    response = client.post(url, data)
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["primary_colour"]
    assert "too light" in error and "4.5:1" in error
    assert current_hub().primary_colour == "#4a1f6f"
    assert colour_contrast("#4a1f6f") >= MIN_CONTRAST and colour_contrast("#006400") >= MIN_CONTRAST


def test_staff_who_are_not_admins_cannot_change_the_hub(staff):
    with pytest.raises(ActionRefused, match="Only an admin"):
        hub_update(hub=current_hub(), actor=staff, changes={"name": "Mine"})


def test_the_hub_is_read_from_the_database_when_the_cache_is_down(db, monkeypatch):
    from hubportal.core import hub as hub_module

    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    hub_module.forget_local_copy()
    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    monkeypatch.setattr(cache, "delete", broken)
    assert current_hub().name == "Leicestershire Music Hub"
    hub_module.hub_changed()  # no error either


def test_a_new_calls_floor_defaults_to_the_hubs(severn, staff, client_for):
    page = client_for(staff).get(reverse("eoi:call_create"))
    assert page.context["form"]["match_threshold_percent"].value() == Decimal("60.00")


def test_bands_route_by_the_second_hubs_values(severn):
    assert band_for(Decimal("9999.99")).route == "Two written quotes."
    assert band_for(Decimal("10000.00")).route.startswith("A formal tender")


def test_the_second_hubs_districts_are_the_only_ones_offered(severn):
    assert list(District.objects.filter(is_active=True).values_list("name", flat=True)) == second_hub.DISTRICTS
    assert not District.objects.filter(name__icontains="Leicester").exists()


def test_deadlines_skip_the_hubs_regions_bank_holidays(severn, hub_with):
    # From Thursday 25 March 2027: Good Friday (26th) and Easter Monday (29th) are Welsh bank holidays.
    assert add_working_days(date(2027, 3, 25), 2) == date(2027, 3, 31)
    # Scotland keeps St Andrew's Day (Tuesday 30 November 2027); Wales does not.
    assert add_working_days(date(2027, 11, 29), 1) == date(2027, 11, 30)
    hub_with(holiday_region="SCT")
    assert add_working_days(date(2027, 11, 29), 1) == date(2027, 12, 1)


def test_the_reference_text_names_the_second_hub(severn):
    from agreements.models import AgreementTemplate
    from partners.models import EvidenceType

    texts = " ".join(
        " ".join([t.basis, t.hub_expectations, t.conditions]) for t in AgreementTemplate.objects.all()
    ) + " ".join(e.description for e in EvidenceType.objects.all())
    assert not second_hub.FIRST_HUB.search(texts)
    assert second_hub.NAME in texts and "Severn County Council" in texts


def test_the_change_is_in_the_hubs_history(severn, admin_user):
    [entry] = [e for e in history_for(Hub.objects.get()) if e.action == "hub_changed"]
    assert f"→ {second_hub.NAME}" in entry.note and "holidays" in entry.note.lower()


def test_a_custom_wording_may_name_the_hub(manager, client_for):
    from hubportal.messaging.wording import allowed_placeholders

    assert {"hub", "hub_name"} <= allowed_placeholders("partners_invitation")


def test_the_logo_and_colours_are_served_for_every_page(hub_with, tmp_path, settings, client):
    from django.core.files.base import ContentFile

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    hub = Hub.objects.get()
    hub.logo.save("logo.png", ContentFile(png), save=True)
    hub_with(primary_colour="#006400")
    assert client.get(reverse("hub_logo")).getvalue() == png
    assert "--hub-purple: #006400" in client.get(reverse("hub_theme")).text
    assert f'src="{reverse("hub_logo")}"' in client.get("/").text
