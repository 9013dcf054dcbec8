from django import template
from django.db.models import Count, Q
from django.utils import timezone

from hubportal.core.academic_years import AcademicYear, current_academic_year
from surveys import aggregates
from surveys.models import SurveyRequest
from surveys.selectors import rounds_with_counts

register = template.Library()


@register.filter
def year_label(start_year) -> str:
    """2026 → "2026/27"."""
    return AcademicYear(int(start_year)).label if start_year not in (None, "") else ""


@register.inclusion_tag("surveys/_dashboard_staff.html")
def surveys_dashboard():
    """Monitoring on the staff dashboard: completion of the latest rounds, this
    year's reach and income against Hub Grant (a few queries in all).
    Use: ``{% load surveys_tags %}{% surveys_dashboard %}``."""
    today = timezone.localdate()
    year = current_academic_year()
    rounds = list(
        rounds_with_counts()
        .annotate(
            n_overdue=Count("requests", filter=Q(requests__status__in=SurveyRequest.OPEN, requests__deadline__lt=today))
        )
        .order_by("-deadline")[:3]
    )
    income = next((y for y in aggregates.income_against_grant() if y["year"] == year.start_year), None)
    return {
        "rounds": rounds,
        "year_label": year.label,
        "reach": aggregates.headline(aggregates.Scope(year=year.start_year)),
        "income": income,
    }
