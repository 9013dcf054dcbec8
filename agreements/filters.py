from datetime import date

import django_filters
from django.db.models import Q
from django.utils import timezone

from agreements.models import Agreement, TerminationRecommendation
from hubportal.core.academic_years import academic_year_choices, academic_year_for, default_term_dates
from hubportal.models import Term
from partners.models import PartnerType


def this_term_ends_on(today: date) -> date:
    """The last day of the term under way, or between terms (the summer holiday) of
    the next one: the Hub's own term dates, the usual ones for a year not set up yet.
    One query."""
    year = academic_year_for(today)
    dates = {
        (y.start_year, name): ends for y in (year, year.next()) for name, (_, ends) in default_term_dates(y).items()
    }
    for term in Term.objects.filter(academic_year__in=[year.start_year, year.start_year + 1]):
        dates[(term.academic_year, term.name)] = term.ends_on
    return min(ends for ends in dates.values() if ends >= today)


def expiring(today: date, *, term_ends_on: date | None = None) -> Q:
    """Agreements coming to an end that staff should act on: this year's partnership
    agreements in force with no next-year agreement drafted (they end on 31 August),
    and live project agreements due to end by the end of this term (or already past
    their end date and not yet completed). The one rule for the list filter and the
    dashboard's count (which passes this_term_ends_on, read once for its label too)."""
    partnership = Q(
        kind=Agreement.Kind.PARTNERSHIP,
        status__in=Agreement.IN_FORCE,
        academic_year=academic_year_for(today).start_year,
        renewal__isnull=True,
    )
    project = Q(
        kind=Agreement.Kind.PROJECT,
        status__in=Agreement.IN_FORCE,
        ends_on__lte=term_ends_on or this_term_ends_on(today),
    )
    return partnership | project


SORTS = {
    "partner": ("partner__name", "-academic_year"),
    "-partner": ("-partner__name", "-academic_year"),
    "year": ("academic_year", "partner__name"),
    "-year": ("-academic_year", "partner__name"),
    "status": ("status", "partner__name"),
    "-status": ("-status", "partner__name"),
    "updated": ("updated_at", "pk"),
    "-updated": ("-updated_at", "-pk"),
}
SORT_LABELS = [
    ("-year", "Year, newest first"),
    ("year", "Year, oldest first"),
    ("partner", "Partner, A to Z"),
    ("-partner", "Partner, Z to A"),
    ("status", "State"),
    ("-updated", "Recently changed"),
]


class AgreementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Partner or title")
    academic_year = django_filters.ChoiceFilter(choices=[], label="Academic year", empty_label="Any year")
    status = django_filters.ChoiceFilter(choices=Agreement.Status.choices, label="State", empty_label="Any state")
    kind = django_filters.ChoiceFilter(choices=Agreement.Kind.choices, label="Kind", empty_label="Both kinds")
    partner_type = django_filters.ModelChoiceFilter(
        field_name="partner__partner_type",
        queryset=PartnerType.objects.all(),
        label="Partner type",
        empty_label="Any partner type",
    )
    expiring = django_filters.ChoiceFilter(
        method="filter_expiring",
        label="Ending soon: no renewal drafted, or a project ending this term",
        choices=[("true", "Only those"), ("false", "All but those")],
        empty_label="Any",
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_LABELS, method="sort_by", label="Sort by", empty_label="Year, newest first"
    )

    class Meta:
        model = Agreement
        fields = ["q", "academic_year", "status", "kind", "partner_type", "expiring", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["academic_year"].extra["choices"] = academic_year_choices(back=4, ahead=1)

    def search(self, queryset, name, value):
        return queryset.filter(Q(partner__name__icontains=value) | Q(title__icontains=value))

    def filter_expiring(self, queryset, name, value):
        if value not in ("true", "false"):
            return queryset
        ending = expiring(timezone.localdate())
        return queryset.filter(ending) if value == "true" else queryset.exclude(ending)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["-year"]))


# The partner's own agreements. Each sort ends on the primary key so a page
# never repeats or skips a row.
PORTAL_SORTS = {
    "-year": ("-academic_year", "-created_at", "-pk"),
    "year": ("academic_year", "created_at", "pk"),
    "title": ("title", "pk"),
    "status": ("status", "-academic_year", "pk"),
    "-updated": ("-updated_at", "-pk"),
}
PORTAL_SORT_LABELS = [
    ("-year", "Year, newest first"),
    ("year", "Year, oldest first"),
    ("title", "Title, A to Z"),
    ("status", "State"),
    ("-updated", "Recently changed"),
]


class PortalAgreementFilter(django_filters.FilterSet):
    """A partner's agreements: by state, kind and year; no partner choice, they see only theirs."""

    status = django_filters.ChoiceFilter(
        choices=Agreement.portal_status_choices, label="State", empty_label="Any state"
    )
    kind = django_filters.ChoiceFilter(choices=Agreement.Kind.choices, label="Kind", empty_label="Both kinds")
    academic_year = django_filters.ChoiceFilter(choices=[], label="Academic year", empty_label="Any year")
    sort = django_filters.ChoiceFilter(
        choices=PORTAL_SORT_LABELS, method="sort_by", label="Sort by", empty_label="Year, newest first"
    )

    class Meta:
        model = Agreement
        fields = ["status", "kind", "academic_year", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["academic_year"].extra["choices"] = academic_year_choices(back=4, ahead=1)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*PORTAL_SORTS.get(value, PORTAL_SORTS["-year"]))


# The Chair's recommendations.
AWAITING, DECIDED = "awaiting", "decided"
RECOMMENDATION_SORTS = {
    "raised": ("raised_at", "pk"),
    "-raised": ("-raised_at", "-pk"),
    "-decided": ("-decided_at", "-raised_at", "-pk"),
    "partner": ("agreement__partner__name", "raised_at", "pk"),
}
RECOMMENDATION_SORT_LABELS = [
    ("raised", "Oldest raised first"),
    ("-raised", "Newest raised first"),
    ("-decided", "Most recently decided"),
    ("partner", "Partner, A to Z"),
]


class RecommendationFilter(django_filters.FilterSet):
    """The Chair's recommendations: awaiting or decided, by kind and partner; sortable."""

    state = django_filters.ChoiceFilter(
        choices=[(AWAITING, "Awaiting your decision"), (DECIDED, "Decided")],
        method="filter_state",
        label="State",
        empty_label="Awaiting and decided",
    )
    kind = django_filters.ChoiceFilter(
        choices=TerminationRecommendation.Kind.choices, label="Recommendation", empty_label="Either kind"
    )
    decision = django_filters.ChoiceFilter(
        choices=TerminationRecommendation.Decision.choices, label="Your decision", empty_label="Any decision"
    )
    q = django_filters.CharFilter(field_name="agreement__partner__name", lookup_expr="icontains", label="Partner")
    sort = django_filters.ChoiceFilter(
        choices=RECOMMENDATION_SORT_LABELS, method="sort_by", label="Sort by", empty_label="Oldest raised first"
    )

    class Meta:
        model = TerminationRecommendation
        fields = ["state", "kind", "decision", "q", "sort"]

    def filter_state(self, queryset, name, value):
        if value == AWAITING:
            return queryset.filter(decided_at__isnull=True)
        if value == DECIDED:
            return queryset.filter(decided_at__isnull=False)
        return queryset

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*RECOMMENDATION_SORTS.get(value, RECOMMENDATION_SORTS["raised"]))
