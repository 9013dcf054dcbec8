# ruff: noqa: E501 - the old row markup is kept as it was written, a line per cell
"""The call's EOI list and the assessment matrix are shaped by their selectors (issue 24): the pages
show the same rows, cells and links as the templates that worked them out per row (a status badge,
a {% url %}, money and percent filters, and a lookup for each cell), in a fixed number of queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse

from eoi import selectors
from eoi.funding import check_eoi
from eoi.models import AssessorAssignment, BudgetLine, ExpressionOfInterest, FundingSource
from tests.eoi.conftest import move
from tests.eoi.factories import AssessorAssignmentFactory, ExpressionOfInterestFactory
from tests.eoi.test_assessment import scored
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db
EOI = ExpressionOfInterest.Status
D = Decimal

# The EOI list's row markup before issue 24, from model instances.
EOI_ROWS_BEFORE = Template(
    """{% load hub eoi_tags %}{% for eoi, match in rows %}
        <tr>
          <td>{{ eoi.partner.name }}</td>
          <td><a href="{% url 'eoi:eoi_detail' eoi.pk %}">{{ eoi.title }}</a></td>
          <td>{% status_badge eoi %}</td>
          <td class="text-end">{{ match.total_cost|money }}</td>
          <td class="text-end">{{ match.hub_grant|money }}</td>
          <td class="text-end">{{ match.other_counted|money }}{% if match.in_kind %}<div class="small text-body-secondary">in-kind {{ match.in_kind|money }}</div>{% endif %}</td>
          <td class="text-end">{{ match.hub_share_percent|percent }}</td>
          <td>{% if match.ok %}Met{% else %}<span class="text-danger fw-semibold">Not met</span>{% if match.shortfall %} (short {{ match.shortfall|money }}){% endif %}{% endif %}</td>
          <td>{{ eoi.submitted_at|date:"j M Y"|default:"—" }}</td>
        </tr>
      {% empty %}
        <tr><td colspan="9">No expressions of interest{% if filter.form.changed_data %} match the filters{% endif %}.</td></tr>
      {% endfor %}"""
)

# The matrix's grid markup before issue 24, from the selectors' dataclasses and model instances.
MATRIX_BEFORE = Template(
    """{% load hub eoi_tags %}<thead>
      <tr>
        <th scope="col">Criterion</th>
        {% for assessor in grid.assessors %}<th scope="col">{{ assessor.get_full_name|default:assessor.username }}</th>{% endfor %}
        <th scope="col">Spread</th>
      </tr>
    </thead>
    {% for block in grid.blocks %}{% with row=block.row %}
    <tbody>
      <tr class="table-light">
        <th scope="rowgroup" colspan="{{ grid.assessors|length|add:2 }}" id="eoi-{{ row.eoi.pk }}">
          {% if row.rank %}Rank {{ row.rank }}:{% else %}Not ranked:{% endif %}
          <a href="{% url 'eoi:eoi_detail' row.eoi.pk %}">{{ row.eoi.title }}</a>, {{ row.eoi.partner.name }} {% status_badge row.eoi %}
          <div class="small fw-normal">Hub Grant {{ row.match.hub_grant|money }} ({{ row.match.hub_share_percent|percent }} of the cost).
            Average of the totals: {% if row.mean is not None %}{{ row.mean }}{% else %}not yet{% endif %}.
            {% if row.eoi.moderated_score is not None %}Moderated by the panel: <strong>{{ row.eoi.moderated_score }}</strong>{% if row.eoi.moderation_note %} ({{ row.eoi.moderation_note }}){% endif %}.{% else %}Not moderated.{% endif %}
            {% for assignment in block.conflicts %}{% if forloop.first %}Conflict of interest declared by {% endif %}{{ assignment.assessor.get_full_name|default:assignment.assessor.username }}{% if assignment.conflict_details %} ({{ assignment.conflict_details }}){% endif %}{% if forloop.last %}: not scoring.{% else %}; {% endif %}{% endfor %}
            {% if not row.results %}No assessor assigned yet.{% endif %}</div>
        </th>
      </tr>
      {% for line in block.lines %}
        <tr>
          <th scope="row" class="fw-normal">{{ line.label }} <span class="text-body-secondary">(weight {{ line.weight }})</span></th>
          {% for cell in line.cells %}<td>{% if cell.score is not None %}{{ cell.score }}{% else %}<span class="text-body-secondary">{{ cell.note }}</span>{% endif %}</td>{% endfor %}
          <td>{{ line.spread|default_if_none:"—" }}</td>
        </tr>
      {% endfor %}
      <tr>
        <th scope="row">Weighted total</th>
        {% for cell in block.total.cells %}<td>{% if cell.score is not None %}<strong>{{ cell.score }}</strong>{% else %}<span class="text-body-secondary">{{ cell.note }}</span>{% endif %}</td>{% endfor %}
        <td>{{ block.total.spread|default_if_none:"—" }}</td>
      </tr>
    </tbody>
    {% endwith %}{% empty %}
    <tbody>
      <tr><td colspan="{{ grid.assessors|length|add:2 }}">{% if filter.form.changed_data %}No expression of interest matches the filters.{% else %}No expressions of interest in assessment yet: they join when the call closes.{% endif %}</td></tr>
    </tbody>
    {% endfor %}"""
)


def normal(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    return re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html)).strip()


@pytest.fixture
def eois(call):
    """Every kind of row: submitted at 23:30 UTC on a summer night (the next day in London),
    in-kind funding, the rule not met with a shortfall, and a draft with no money yet."""
    late = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)
    loud = ExpressionOfInterestFactory(
        call=call, partner=PartnerFactory(name="Brass & <Bands>"), title='The "Loud" ensemble', submitted_at=late
    )
    move(loud, EOI.SUBMITTED)
    in_kind = ExpressionOfInterestFactory(call=call, title="With a hall lent", money=False)
    BudgetLine.objects.create(eoi=in_kind, item="Tutors", amount=D("8000.00"))
    FundingSource.objects.create(eoi=in_kind, kind="hub_grant", amount=D("4000.00"), confirmed=True)
    FundingSource.objects.create(eoi=in_kind, kind="in_kind", amount=D("4000.00"), confirmed=False)
    greedy = ExpressionOfInterestFactory(call=call, title="Too much asked", hub_grant_requested=D("6000.00"))
    ExpressionOfInterestFactory(call=call, title="Nothing costed yet", money=False)
    return loud, in_kind, greedy


def tbody(response) -> str:
    return response.text.split("<tbody>")[1].split("</tbody>")[0]


@pytest.mark.parametrize("query", [{}, {"ordering": "-partner"}, {"partner": "nobody"}])
def test_the_eoi_rows_and_links_are_those_the_per_row_template_gave(eois, call, staff, client_for, query):
    response = client_for(staff).get(reverse("eoi:call_eois", args=[call.pk]), query)
    found = response.context["filter"]
    instances = [(eoi, check_eoi(eoi)) for eoi in found.qs]
    before = EOI_ROWS_BEFORE.render(Context({"rows": instances, "filter": found}))
    assert normal(tbody(response)) == normal(before)


def test_the_eoi_rows_show_each_kind_of_figure(eois, call, staff, client_for):
    loud, *_ = eois
    body = tbody(client_for(staff).get(reverse("eoi:call_eois", args=[call.pk])))
    assert "Brass &amp; &lt;Bands&gt;" in body and "The &quot;Loud&quot; ensemble" in body
    assert f'href="{reverse("eoi:eoi_detail", args=[loud.pk])}"' in body
    assert "1 Jul 2026" in body  # the Hub's date, not the database's (30 June, UTC)
    assert "in-kind £4,000.00" in body and "(short £1,000.00)" in body and "—" in body


def test_a_page_of_eoi_rows_is_three_queries_whatever_the_rows(eois, call, django_assert_num_queries):
    """Prevents a query per EOI for its budget lines or funding sources: the page's rows, then
    the page's amounts as plain values."""
    values = selectors.call_eoi_values(selectors.eois_for_call(call))
    with django_assert_num_queries(3):
        small = selectors.call_eoi_rows(call, values[:2])
    for _ in range(5):
        ExpressionOfInterestFactory(call=call)
    with django_assert_num_queries(3):
        large = selectors.call_eoi_rows(call, values[:25])
    assert len(small) == 2 and len(large) == 9


@pytest.fixture
def assessed(call):
    """A matrix with a moderated EOI, a declared conflict, an undeclared assessor, an assessor
    known only by a username, an incomplete scoring and an EOI with no assessor yet."""
    asha = UserFactory(role="Assessor", username="asha", first_name="Asha", last_name="Begum")
    dev = UserFactory(role="Assessor", username="dev", first_name="Dev", last_name="Mistry")
    plain = UserFactory(role="Assessor", username="no-name", first_name="", last_name="")
    moderated = scored(call, "Anstey & <Choir>", {asha: [5, 4, 3], dev: [3, 3, 3]}, moderated=D("4.10"))
    ExpressionOfInterest.objects.filter(pk=moderated.pk).update(moderation_note='Agreed "on balance".')
    scored(call, "Zouch Brass", {asha: [4, 4, 4], dev: [1, 1, 1], plain: []}, conflicted={dev, plain})
    AssessorAssignment.objects.filter(assessor=plain).update(conflict_details="Teaches there.")
    waiting = scored(call, "Mowmacre Band", {asha: [5]})
    AssessorAssignmentFactory(eoi=waiting, assessor=dev, has_conflict=None)  # assigned, not declared yet
    move(ExpressionOfInterestFactory(call=call, partner=PartnerFactory(name="Birstall Strings")), EOI.UNDER_ASSESSMENT)
    return moderated


@pytest.mark.parametrize("query", [{}, {"sort": "-spread"}, {"partner": "nobody"}])
def test_the_matrix_cells_and_links_are_those_the_per_cell_template_gave(assessed, call, staff, client_for, query):
    response = client_for(staff).get(reverse("eoi:call_matrix", args=[call.pk]), query)
    grid = selectors.matrix_grid(list(response.context["page"]), list(call.criteria.all()))
    before = MATRIX_BEFORE.render(Context({"grid": grid, "filter": response.context["filter"]}))
    table = "<thead>" + response.text.split("<thead>")[1].split("</table>")[0]
    assert normal(table) == normal(before)


def test_the_matrix_shows_each_kind_of_cell(assessed, call, staff, client_for):
    text = client_for(staff).get(reverse("eoi:call_matrix", args=[call.pk])).text
    assert "Anstey &amp; &lt;Choir&gt;" in text and f'href="{reverse("eoi:eoi_detail", args=[assessed.pk])}"' in text
    assert "Moderated by the panel: <strong>4.10</strong> (Agreed &quot;on balance&quot;.)" in text
    assert "Conflict of interest declared by Dev Mistry; no-name (Teaches there.): not scoring." in text
    assert "To declare" in text and "Not scored yet" in text and "Not assigned" in text
    assert "No assessor assigned yet." in text and "Not ranked:" in text and "Rank 1:" in text


def test_shaping_the_matrix_asks_nothing_more_of_the_database(assessed, call, django_assert_num_queries):
    """Prevents a query per EOI or per assessor: the grid is made from what assessment_matrix read."""
    criteria = list(call.criteria.all())
    grid = selectors.matrix_grid(selectors.assessment_matrix(call), criteria)
    with django_assert_num_queries(0):
        shaped = selectors.matrix_grid_rows(grid)
    assert [block["partner"] for block in shaped["blocks"]] == [b.row.eoi.partner.name for b in grid.blocks]
    assert shaped["assessors"] == ["Asha Begum", "Dev Mistry", "no-name"] and shaped["columns"] == 5
