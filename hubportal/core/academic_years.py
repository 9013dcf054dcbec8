"""Academic years (1 September to 31 August) and their three terms.

The one place that knows the shape of the school year. A year is named by the
calendar year it starts in: 2025 is "2025/26", 1 September 2025 to 31 August
2026. Term dates are kept per year in `Term` rows (staff can edit them);
`default_term_dates` gives the usual pattern when a year's terms are created.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.easter import easter
from django.utils import timezone


@dataclass(frozen=True, order=True)
class AcademicYear:
    start_year: int

    @property
    def starts_on(self) -> date:
        return date(self.start_year, 9, 1)

    @property
    def ends_on(self) -> date:
        return date(self.start_year + 1, 8, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.label

    def __contains__(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def next(self) -> "AcademicYear":
        return AcademicYear(self.start_year + 1)

    def previous(self) -> "AcademicYear":
        return AcademicYear(self.start_year - 1)


def academic_year_for(day: date) -> AcademicYear:
    return AcademicYear(day.year if day.month >= 9 else day.year - 1)


def current_academic_year() -> AcademicYear:
    return academic_year_for(timezone.localdate())


def academic_year_choices(*, back: int = 3, ahead: int = 1) -> list[tuple[int, str]]:
    """Choices for a form field holding a year's start_year, newest first."""
    current = current_academic_year().start_year
    return [(y, AcademicYear(y).label) for y in range(current + ahead, current - back - 1, -1)]


AUTUMN, SPRING, SUMMER = "autumn", "spring", "summer"
TERM_CHOICES = [(AUTUMN, "Autumn"), (SPRING, "Spring"), (SUMMER, "Summer")]


def default_term_dates(year: AcademicYear) -> dict[str, tuple[date, date]]:
    """Autumn September–December, Spring January–Easter, Summer after Easter–July."""
    easter_day = easter(year.start_year + 1)
    return {
        AUTUMN: (year.starts_on, date(year.start_year, 12, 31)),
        SPRING: (date(year.start_year + 1, 1, 1), easter_day),
        SUMMER: (easter_day + timedelta(days=1), date(year.start_year + 1, 7, 31)),
    }
