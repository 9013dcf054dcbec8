"""Agreements coming to an end: the list's "ending soon" filter and the staff
dashboard's count hold this year's partnership agreements with no renewal and the
project agreements due to end this term, by the one rule (agreements.filters.expiring)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from agreements.filters import this_term_ends_on
from agreements.models import Agreement
from hubportal.core.academic_years import AcademicYear
from hubportal.models import Term
from tests.agreements.factories import AgreementFactory
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = datetime.date(2026, 11, 18)  # the autumn term, which ends on 31 December 2026
State = Agreement.Status


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 18, 10, tzinfo=LONDON), tick=False):
        yield


def project(name: str, *, ends_on: datetime.date, status=State.LIVE) -> Agreement:
    return AgreementFactory(
        partner=PartnerFactory(name=name), project=True, status=status, ends_on=ends_on, title=f"{name} project"
    )


@pytest.fixture
def agreements():
    ending = {
        project("Mid Term", ends_on=datetime.date(2026, 12, 10)),
        project("Term End", ends_on=datetime.date(2026, 12, 31)),
        # Past its end date and still live: not yet completed, so staff must act.
        project("Overrun", ends_on=datetime.date(2026, 11, 1)),
        AgreementFactory(partner=PartnerFactory(name="Partnership"), live=True, title="Partnership agreement"),
    }
    staying = {
        project("Next Term", ends_on=datetime.date(2027, 1, 1)),
        project("Completed", ends_on=datetime.date(2026, 12, 10), status=State.COMPLETED),
        project("Terminated", ends_on=datetime.date(2026, 12, 10), status=State.TERMINATED),
        project("Draft", ends_on=datetime.date(2026, 12, 10), status=State.DRAFT),
        project("Undated", ends_on=None),
    }
    return ending, staying


def listed(client, **params) -> set[str]:
    response = client.get(reverse("agreements:list"), params)
    assert response.status_code == 200
    return {row["title"] for row in response.context["rows"]}


def test_the_filter_holds_projects_ending_this_term(agreements, staff, client_for):
    ending, staying = agreements
    client = client_for(staff)
    assert listed(client, expiring="true") == {a.title for a in ending}
    assert listed(client, expiring="false") == {a.title for a in staying}


def test_the_dashboard_count_is_the_filtered_list(agreements, staff, client_for):
    ending, _ = agreements
    cache.clear()
    response = client_for(staff).get(reverse("staff_home"))
    stat = response.context["agreements"]["expiring"]
    assert stat.count == len(ending) == 4
    assert "projects ending by 31 December 2026" in stat.label
    assert stat.url == reverse("agreements:list") + "?expiring=true"


def test_this_term_follows_the_hubs_own_term_dates(staff, client_for):
    assert this_term_ends_on(TODAY) == datetime.date(2026, 12, 31)
    Term.for_year(AcademicYear(2026))
    Term.objects.filter(academic_year=2026, name="autumn").update(ends_on=datetime.date(2026, 12, 18))
    assert this_term_ends_on(TODAY) == datetime.date(2026, 12, 18)
    assert this_term_ends_on(datetime.date(2026, 12, 18)) == datetime.date(2026, 12, 18)
    # Between terms (after the autumn term as the Hub set it) the next one counts.
    spring = Term.objects.get(academic_year=2026, name="spring")
    assert this_term_ends_on(datetime.date(2026, 12, 19)) == spring.ends_on
    project("Before Christmas", ends_on=datetime.date(2026, 12, 18))
    project("After the term", ends_on=datetime.date(2026, 12, 20))
    assert listed(client_for(staff), expiring="true") == {"Before Christmas project"}


def test_in_the_summer_holiday_this_term_is_the_coming_autumn():
    assert this_term_ends_on(datetime.date(2027, 8, 10)) == datetime.date(2027, 12, 31)
