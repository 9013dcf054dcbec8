from datetime import date

import pytest

from hubportal.core.academic_years import AcademicYear, academic_year_for, default_term_dates
from hubportal.models import Term


@pytest.mark.parametrize(
    "day, label",
    [(date(2026, 8, 31), "2025/26"), (date(2026, 9, 1), "2026/27"), (date(2027, 1, 1), "2026/27")],
)
def test_the_academic_year_turns_on_the_first_of_september(day, label):
    assert academic_year_for(day).label == label


def test_a_year_runs_from_september_to_august():
    year = AcademicYear(2025)
    assert (year.starts_on, year.ends_on) == (date(2025, 9, 1), date(2026, 8, 31))
    assert date(2026, 8, 31) in year and date(2026, 9, 1) not in year
    assert year.next().label == "2026/27"


def test_default_terms_split_at_easter():
    terms = default_term_dates(AcademicYear(2025))  # Easter Sunday 2026 is 5 April
    assert terms["spring"][1] == date(2026, 4, 5)
    assert terms["summer"][0] == date(2026, 4, 6)


def test_term_rows_are_created_once_and_keep_edited_dates(db):
    autumn, _, _ = Term.for_year(AcademicYear(2025))
    autumn.ends_on = date(2025, 12, 19)
    autumn.save()
    again = Term.for_year(AcademicYear(2025))
    assert again[0].ends_on == date(2025, 12, 19)
    assert Term.objects.count() == 3
