"""A second Hub, unlike the first in every term the Hub record holds: used by
the crawl (tests/security/test_second_hub.py) and the rule tests
(tests/hubportal/test_hub_record.py)."""

import re
from decimal import Decimal

from hubportal.devtools.hub_setup import Band, hub_setup

NAME = "Severn Vale Music Hub"
LEAD = "Severn Arts Trust"
AREA = "the Severn Vale"
DISTRICTS = ["Upper Vale", "Lower Vale"]
BANDS = [
    Band("Under £10,000", Decimal("0.00"), Decimal("10000.00"), "Two written quotes."),
    Band("£10,000 and over", Decimal("10000.00"), None, "A formal tender through the council's portal."),
]
# What must appear nowhere once the second Hub is loaded.
FIRST_HUB = re.compile(r"leicester", re.IGNORECASE)


def load_second_hub(admin):
    return hub_setup(
        actor=admin,
        name=NAME,
        lead_organisation=LEAD,
        area=AREA,
        districts=DISTRICTS,
        bands=BANDS,
        local_authority="Severn County Council",
        service_manager_title="Head of Partnerships",
        match_funding_floor_percent=Decimal("60.00"),
        holiday_region="WLS",
    )
