"""The partner portal's home: one to-do list across the product, soonest due
first and only the partner's own; summaries of their records with links."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from agreements.models import Agreement
from agreements.services import sign_url
from complaints.models import Complaint
from eoi.models import ExpressionOfInterest
from surveys.models import SurveyRequest
from tests.agreements.factories import AgreementFactory
from tests.complaints.factories import ComplaintFactory
from tests.eoi.factories import CallFactory, ExpressionOfInterestFactory
from tests.hubportal.dashboard_world import TODAY, at, days
from tests.surveys.factories import SurveyRequestFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(TODAY), tick=False):
        yield


def records_for(partner, staff, *, prefix: str):
    """An agreement to sign (due 14 days after issue), a survey due in 10 days,
    a returned survey from last term due in 4, and a draft EOI whose call closes in 20."""
    issued = AgreementFactory(
        partner=partner, status=Agreement.Status.ISSUED, issued_at=at(days(-10)), title=f"{prefix} agreement"
    )
    live = AgreementFactory(partner=partner, live=True, academic_year=issued.academic_year - 1)
    survey_round = SurveyRoundFactory(deadline=days(10), opened_by=staff)
    SurveyRequestFactory(round=survey_round, agreement=live, status=SurveyRequest.Status.PENDING)
    from tests.hubportal.dashboard_world import _previous_summer
    from tests.surveys.factories import current_term

    summer = SurveyRoundFactory(
        term=_previous_summer(current_term()),
        deadline=days(-30),
        opened_by=staff,
        question_set=survey_round.question_set,
    )
    SurveyRequestFactory(
        round=summer,
        agreement=live,
        status=SurveyRequest.Status.IN_PROGRESS,
        deadline=days(4),
        returned_at=at(days(-2)),
    )
    call = CallFactory(title=f"{prefix} call", closes_at=at(days(20)))
    ExpressionOfInterestFactory(call=call, partner=partner, status=ExpressionOfInterest.Status.DRAFT)


def test_the_to_do_list_is_ordered_by_due_date_and_holds_only_the_partners_items(
    client_for, partner_a, partner_b, partner_a_user, staff
):
    records_for(partner_a, staff, prefix="A")
    records_for(partner_b, staff, prefix="B")
    todos = client_for(partner_a_user).get(reverse("portal_home")).context["todos"]
    dated = [t.due_on for t in todos if t.due_on]
    assert dated == sorted(dated)
    assert [t.due_on for t in todos][:4] == [days(4), days(4), days(10), days(20)]
    kinds = [t.kind for t in todos]
    assert kinds.index("agreements_sign") < kinds.index("eoi")
    texts = " ".join(t.text for t in todos)
    assert "A call" in texts and "B call" not in texts
    # A partnership agreement's to-do names its year, not its title: tell them apart by link.
    urls = {t.url for t in todos}
    assert sign_url(Agreement.objects.get(title="A agreement")) in urls
    assert sign_url(Agreement.objects.get(title="B agreement")) not in urls
    # Each item links into the partner's own pages, and opens for partner A only.
    client = client_for(partner_a_user)
    for todo in todos:
        assert client.get(todo.url).status_code == 200, todo


def test_the_to_do_list_is_shown_soonest_first_with_due_dates(client_for, partner_a, partner_a_user, staff):
    records_for(partner_a, staff, prefix="A")
    html = client_for(partner_a_user).get(reverse("portal_home")).content.decode()
    section = html.split('id="needs-title"')[1].split("</section>")[0]
    assert section.index("Respond to the Hub") < section.index("Sign your") < section.index("Complete the")
    assert "Due 22 Nov 2026" in section


def test_the_summaries_show_the_partners_own_records_with_links(
    client_for, partner_a, partner_b, partner_a_user, staff
):
    records_for(partner_a, staff, prefix="A")
    records_for(partner_b, staff, prefix="B")
    ComplaintFactory(
        partner=None,
        about=Complaint.About.HUB,
        complainant_partner=partner_a,
        raised_via=Complaint.RaisedVia.PORTAL,
    )
    ComplaintFactory(partner=partner_b, complainant_partner=partner_b, raised_via=Complaint.RaisedVia.PORTAL)
    response = client_for(partner_a_user).get(reverse("portal_home"))
    summary = response.context["summary"]
    assert {a.partner_id for a in Agreement.objects.filter(pk__in=[a.pk for a in summary["agreements"]])} == {
        partner_a.pk
    }
    assert [(s.key, s.count) for s in summary["eois"]] == [("draft", 1)]
    assert summary["complaints"]["raised"] == 1 and summary["complaints"]["raised_open"] == 1
    html = response.content.decode()
    for name in [
        "agreements:portal_list",
        "eoi:portal_eois",
        "surveys:portal_surveys",
        "complaints:portal_list",
        "partners:portal_profile",
    ]:
        assert f'href="{reverse(name)}"' in html
    assert "B agreement" not in html
    eoi_list = client_for(partner_a_user).get(summary["eois"][0].url)
    assert eoi_list.context["page"].paginator.count == 1


def test_health_reasons_show_as_the_partner_sees_them(client_for, partner_a, partner_a_user):
    ComplaintFactory(partner=partner_a)  # a complaint about them: staff only
    response = client_for(partner_a_user).get(reverse("portal_home"))
    assert response.context["health"].level == "green"
    assert "complaint" not in response.content.decode().split('id="health-title"')[1].split("</section>")[0].lower()


def test_other_roles_cannot_open_the_portal_home(client_for, staff, chair):
    assert client_for(staff).get(reverse("portal_home")).status_code == 403
    assert client_for(chair).get(reverse("portal_home")).status_code == 403
    assert datetime.date.today() == TODAY
