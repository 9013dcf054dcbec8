"""filter_field writes the same filter form as crispy's as_crispy_field, field by field:
the speed work on the lists (issue 24) changes no markup a user or a test sees."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.test import RequestFactory

from agreements.filters import AgreementFilter
from complaints.filters import ComplaintFilter
from eoi.filters import EoiFilter, MatrixFilter
from hubportal.templatetags.filter_form import filter_field
from partners.filters import PartnerFilter
from surveys.filters import RequestFilter, RoundFilter

pytestmark = pytest.mark.django_db


def normal(html: str) -> str:
    """The HTML as a browser reads it: runs of white space are one, none between tags."""
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html)).strip()


FILTERS = [AgreementFilter, PartnerFilter, EoiFilter, MatrixFilter, RoundFilter, RequestFilter, ComplaintFilter]
DATA = [
    {},
    {"q": 'Brass & "Co" <b>', "status": "live", "sort": "-partner"},
    {"stage": "active", "district": "1", "sort": "name"},
    {"status": "no-such-state", "academic_year": "1066"},  # invalid: crispy's error markup, as before
]


@pytest.mark.parametrize("filterset", FILTERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("data", DATA, ids=["empty", "chosen", "partner", "invalid"])
def test_filter_field_gives_crispys_markup(filterset, data, staff):
    request = RequestFactory().get("/", data)
    request.user = staff
    form = filterset(request.GET, queryset=filterset._meta.model.objects.none(), request=request).form
    form.is_valid()
    for field in form:
        assert normal(filter_field(field)) == normal(as_crispy_field(field)), field.name


def test_a_field_with_an_error_is_left_to_crispy(staff):
    form = AgreementFilter({"status": "no-such-state"}, queryset=None).form
    form.is_valid()
    html = normal(filter_field(form["status"]))
    assert "is-invalid" in html and "invalid-feedback" in html


def test_text_boxes_and_selects_skip_crispy(staff, monkeypatch):
    from hubportal.templatetags import filter_form

    def refuse(field):
        raise AssertionError(f"{field.name} went through crispy")

    monkeypatch.setattr(filter_form, "as_crispy_field", refuse)
    for field in AgreementFilter({"q": "brass", "status": "live"}, queryset=None).form:
        assert 'class="mb-3"' in filter_field(field)
