from django import template

from hubportal.academic_years import AcademicYear

register = template.Library()


@register.filter
def year_label(start_year) -> str:
    """2026 → "2026/27"."""
    return AcademicYear(int(start_year)).label if start_year not in (None, "") else ""
