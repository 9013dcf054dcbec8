# ruff: noqa: E501 - the old row markup is kept as it was written, a line per cell
"""The staff agreement list's rows are shaped by the selector (issue 24): the page shows the
same rows and links as the template that worked them out per row, in one query for the rows."""

import re
from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.urls import reverse

from agreements import selectors
from agreements.models import Agreement, Reason, TerminationRecommendation
from hubportal.core.academic_years import current_academic_year
from tests.agreements.factories import AgreementFactory
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db
YEAR = current_academic_year().start_year

# The list's row markup before issue 24, from model instances.
BEFORE = Template(
    """{% load hub %}{% for agreement in page %}
        <tr>
          <td>{{ agreement.partner.name }}<div class="small text-body-secondary">{{ agreement.partner.partner_type|default:"" }}</div></td>
          <td><a href="{% url 'agreements:detail' agreement.pk %}">{{ agreement.title }}</a>{% if agreement.has_open_recommendation %} <span class="badge text-bg-warning">With the Chair</span>{% endif %}</td>
          <td>{{ agreement.year.label }}</td>
          <td>{{ agreement.get_kind_display }}</td>
          <td>{% status_badge agreement %}</td>
          <td>{{ agreement.updated_at|date:"j M Y" }}</td>
        </tr>
      {% endfor %}"""
)


def normal(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    return re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html)).strip()


@pytest.fixture
def agreements(staff):
    typed = PartnerFactory(name="Brass & <Bands>")
    agreements = [
        AgreementFactory(partner=typed, title='The "Loud" partnership', live=True),
        AgreementFactory(partner=typed, title="Older one", academic_year=YEAR - 1, status="expired"),
        AgreementFactory(title="A project", project=True),
        AgreementFactory(title="A draft"),
    ]
    # Changed at 00:30 on 1 July in London (BST): the list shows the Hub's day, not UTC's.
    Agreement.objects.filter(pk=agreements[3].pk).update(updated_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    TerminationRecommendation.objects.create(
        agreement=agreements[0], kind="terminate", reasons=[Reason.DATA], evidence="None sent.", raised_by=staff
    )
    return agreements


def test_the_rows_and_links_are_those_the_per_row_template_gave(agreements, staff, client_for):
    response = client_for(staff).get(reverse("agreements:list"))
    body = response.text.split("<tbody>")[1].split("</tbody>")[0]
    instances = selectors.agreements_for(staff).order_by("-academic_year", "partner__name")
    before = BEFORE.render(Context({"page": instances}))
    assert normal(body) == normal(before)
    assert "With the Chair" in body and "Brass &amp; &lt;Bands&gt;" in body
    assert "1 Jul 2026" in body and "30 Jun 2026" not in body
    assert f'href="{reverse("agreements:detail", args=[agreements[0].pk])}"' in body


def test_a_page_of_rows_is_one_query_whatever_the_rows(agreements, staff, django_assert_num_queries):
    """Prevents a query per row for the partner, its type or an open recommendation."""
    values = selectors.agreement_list_values(selectors.agreements_for(staff).order_by("pk"))
    with django_assert_num_queries(1):
        small = selectors.agreement_list_rows(values[:2])
    AgreementFactory.create_batch(5)
    with django_assert_num_queries(1):
        large = selectors.agreement_list_rows(values[:25])
    assert len(small) == 2 and len(large) == 9
