"""Every sort the complaint and EOI lists offer on a column of their own table has an index
that returns the rows in that order (issue 11), read from the filters themselves, so a sort
added later without its index fails here. Sorts on another table's column (an EOI list by
partner name) are served by that table's indexes and are left out."""

import pytest
from django.db import connection

from complaints.filters import CHAIR_SORTS, ComplaintFilter
from complaints.models import Complaint
from eoi.filters import EoiFilter
from eoi.models import ExpressionOfInterest

pytestmark = pytest.mark.django_db


def leading_columns(model) -> list[list[str]]:
    """The columns of each index on the model's table (unique constraints included)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [c["columns"] for c in constraints.values() if c["index"] or c["unique"] or c["primary_key"]]


def column(model, field: str) -> str:
    return model._meta.get_field(field.lstrip("-")).column


def own_fields(fields) -> list[str]:
    return [f.lstrip("-") for f in fields if "__" not in f]


def test_each_sort_of_the_staff_complaint_list_has_an_index():
    indexes = leading_columns(Complaint)
    for field in own_fields(ComplaintFilter.base_filters["sort"].param_map.values()):
        assert any(index[0] == column(Complaint, field) for index in indexes), field


def test_each_sort_of_the_chair_queue_has_an_index_on_its_first_column():
    indexes = leading_columns(Complaint)
    for sort, fields in CHAIR_SORTS.items():
        assert any(index[0] == column(Complaint, fields[0]) for index in indexes), sort


def test_each_sort_of_a_calls_eoi_list_has_an_index_leading_with_the_call():
    """The list is always one call's: the index is (call, the sorted column)."""
    indexes = leading_columns(ExpressionOfInterest)
    sorts = own_fields(EoiFilter.base_filters["ordering"].param_map.values())
    assert sorts == ["hub_grant_requested", "total_cost", "submitted_at"]
    for field in sorts:
        assert ["call_id", column(ExpressionOfInterest, field)] in indexes, field
