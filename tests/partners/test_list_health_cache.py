"""The partner list's health is worked out once per change for everyone who
lists the same partners (hubportal.health.listed_health), and still shown as
each viewer may see it."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hubportal.figures import figures_changed
from hubportal.health import CONFIDENTIAL, RED, listed_health
from tests.complaints.helpers import raise_from_public
from tests.factories import PartnerFactory
from tests.partners.test_list import spread  # noqa: F401  (a fixture)

URL = reverse("partners:list")


def health_in(response) -> dict[str, str]:
    return {p.name: h.level for p, h in response.context["rows"]}


def test_a_second_look_asks_no_app_again_and_a_change_shows_at_once(spread, staff, manager, client_for):  # noqa: F811
    anstey, _, _, _ = spread
    with CaptureQueriesContext(connection) as first:
        assert health_in(client_for(staff).get(URL + "?stage=active")) == {
            "Anstey Choir": "green",
            "Diseworth Drums": "red",
        }
    # Another member of staff, the same partners: the reasons come from the cache.
    with CaptureQueriesContext(connection) as second:
        client_for(manager).get(URL + "?stage=active")
    asked = [q["sql"] for q in second.captured_queries if "partners_evidenceitem" in q["sql"]]
    assert asked == [] and len(second) < len(first)

    raise_from_public(partner=anstey, category="safeguarding")
    figures_changed()  # what every history row does once its transaction commits
    assert health_in(client_for(staff).get(URL + "?stage=active"))["Anstey Choir"] == RED


def test_each_viewer_sees_the_cached_reasons_as_they_may(manager, staff):
    partner = PartnerFactory(name="Enderby Ensemble")
    raise_from_public(partner=partner, category="safeguarding")
    lead = listed_health([partner.pk], viewer=manager)[partner.pk]  # fills the cache
    assert "A safeguarding concern about this partner is open." in [r.text for r in lead.reasons]

    other = listed_health([partner.pk], viewer=staff)[partner.pk]
    assert other.level == RED
    assert [r.text for r in other.reasons] == [CONFIDENTIAL]
