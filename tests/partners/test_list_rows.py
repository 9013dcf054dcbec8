# ruff: noqa: E501 - the old row markup is kept as it was written, a line per cell
"""The staff partner list's rows are shaped by the selector (issue 24): the page shows the same
rows and links as the template that worked them out per row (an include for the health badge,
{% url %} and the stage badge per row)."""

import re
from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.urls import reverse

from hubportal.core.health import listed_health
from partners import selectors
from partners.models import District, Partner
from tests.factories import PartnerFactory
from tests.partners.factories import ContactFactory
from tests.partners.helpers import all_verified

pytestmark = pytest.mark.django_db

BEFORE = Template(
    """{% load hub %}{% for partner, health in rows %}
        <tr>
          <td><a href="{% url 'partners:detail' partner.pk %}">{{ partner.name }}</a></td>
          <td>{{ partner.partner_type|default:"Not yet agreed" }}</td>
          <td>{% status_badge partner %}</td>
          <td class="small">{% for d in partner.districts.all %}{{ d.name }}{% if not forloop.last %}, {% endif %}{% empty %}—{% endfor %}</td>
          <td class="small">{% for c in partner.contacts.all %}{% if c.is_primary %}{{ c.name }}<br><a href="mailto:{{ c.email }}">{{ c.email }}</a>{% endif %}{% endfor %}</td>
          <td>{% include "partners/_health.html" with health=health %}</td>
          <td class="small">{{ partner.created_at|date:"j M Y" }}</td>
        </tr>
      {% endfor %}"""
)


def normal(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    return re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html)).strip()


@pytest.fixture
def partners():
    districts = list(District.objects.all()[:2])
    rated = PartnerFactory(name="Brass & <Bands>", status=Partner.Stage.ACTIVE)
    rated.districts.set(districts)
    ContactFactory(partner=rated, is_primary=True)
    ContactFactory(partner=rated, is_primary=False)
    all_verified(rated, days_left=10)  # health reasons: the count beside the badge
    late = PartnerFactory(name="No type yet", partner_type=None, status=Partner.Stage.ENQUIRY)
    # Added at 00:30 on 1 July in London (BST): the list shows the Hub's day, not UTC's.
    Partner.objects.filter(pk=late.pk).update(created_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    return rated


def test_the_rows_and_links_are_those_the_per_row_template_gave(partners, staff, client_for):
    response = client_for(staff).get(reverse("partners:list"))
    body = response.text.split("<tbody>")[1].split("</tbody>")[0]
    page = list(selectors.partners_for_list(staff).order_by("name")[:25])
    health = listed_health([p.pk for p in page], viewer=staff)
    before = BEFORE.render(Context({"rows": [(p, health[p.pk]) for p in page]}))
    assert normal(body) == normal(before)
    assert "Brass &amp; &lt;Bands&gt;" in body and "Not yet agreed" in body and "reason" in body
    assert "1 Jul 2026" in body and "30 Jun 2026" not in body
    assert f'href="{reverse("partners:detail", args=[partners.pk])}"' in body


def test_shaping_a_page_asks_nothing_more_of_the_database(partners, staff, django_assert_num_queries):
    """Prevents a query per row: type, districts and contacts come with the page (select and prefetch)."""
    page = list(selectors.partners_for_list(staff).order_by("name"))
    health = listed_health([p.pk for p in page], viewer=staff)
    with django_assert_num_queries(0):
        rows = selectors.partner_list_rows(page, health)
    assert [row["name"] for row in rows] == [p.name for p in page]
