"""The demo shows every figure it is meant to: after seed_demo, on any day of
the year, the staff dashboard's 'needs action' numbers, the Chair's reach and
this year's Hub Grant are above nought, so nobody trying the portal meets an
empty dashboard."""

import datetime
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from hubportal.core.academic_years import current_academic_year
from hubportal.insights.dashboard import chair_summary, staff_dashboard
from hubportal.models import User

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2026, 9, 3),  # the first week of the academic year
        datetime.date(2027, 1, 6),  # the spring term's first day
        datetime.date(2027, 8, 20),  # the summer holiday, the year nearly over
    ],
)
def test_the_demo_fills_every_dashboard_figure_it_is_meant_to_show(day):
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=LONDON), tick=False):
        call_command("seed_demo", "--force", stdout=StringIO())
        dashboard = staff_dashboard(User.objects.get(username="staff"), day)
        summary = chair_summary(User.objects.get(username="chair"), day)
        this_year = current_academic_year()
    figures = {
        # Partner B's last return was never sent (the current round's own deadline is still ahead).
        "surveys overdue": dashboard["surveys"]["overdue_anywhere"].count,
        "complaints with a breached deadline": dashboard["complaints"][0]["breached"].count,
        "evidence expiring within 30 days": dashboard["evidence"][0].count,
        "EOIs awaiting assessment": dashboard["commissioning"]["awaiting_total"],
        "agreements awaiting the partner's signature": dashboard["agreements"]["awaiting_partner"].count,
        "agreements awaiting the Hub's countersignature": dashboard["agreements"]["awaiting_hub"].count,
        "the Chair's reach": summary["reach"]["reach"],
        "this year's Hub Grant": next(y.total.grant for y in summary["leverage"] if y.year == this_year),
    }
    assert dashboard["evidence"][0].label == "Verified, expiring within 30 days"
    assert not [name for name, value in figures.items() if not value > 0], figures
