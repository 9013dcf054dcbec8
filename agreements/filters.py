import django_filters
from django.db.models import Q

from agreements.models import Agreement
from hubportal.academic_years import academic_year_choices, current_academic_year
from partners.models import PartnerType

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
        label="Ending on 31 August with no renewal",
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
        """This year's partnership agreements in force with no next-year agreement drafted."""
        expiring = Q(
            kind=Agreement.Kind.PARTNERSHIP,
            status__in=Agreement.IN_FORCE,
            academic_year=current_academic_year().start_year,
            renewal__isnull=True,
        )
        if value == "true":
            return queryset.filter(expiring)
        if value == "false":
            return queryset.exclude(expiring)
        return queryset

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["-year"]))
