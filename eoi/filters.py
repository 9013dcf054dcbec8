import django_filters
from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.forms.utils import pretty_name
from django_filters.constants import EMPTY_VALUES

from eoi.models import AssessorAssignment, Call, ExpressionOfInterest, Gap, NeedsAnalysis, TargetGroup
from partners.models import District, NationalPlanStrand


class Ordering(django_filters.OrderingFilter):
    """Sorts by the chosen field, then by the primary key, so a page never repeats or skips a row.
    Labels are keyed by the parameter ("year", "-year"), each direction offered beside the other."""

    def build_choices(self, fields, labels):
        choices = []
        for field, param in fields.items():
            ascending = labels.get(param) or labels.get(field) or pretty_name(param)
            choices += [(param, ascending), (f"-{param}", labels.get(f"-{param}", f"{ascending} (descending)"))]
        return choices

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in value], "pk")


class NeedsAnalysisFilter(django_filters.FilterSet):
    academic_year = django_filters.ChoiceFilter(choices=[], label="Academic year", empty_label="Any year")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Title contains")
    ordering = Ordering(
        fields=[("academic_year", "year"), ("title", "title"), ("gap_count", "gaps"), ("updated_at", "updated")],
        field_labels={
            "year": "Year, oldest first",
            "-year": "Year, newest first",
            "title": "Title",
            "-title": "Title, Z to A",
            "gaps": "Fewest gaps first",
            "-gaps": "Most gaps first",
            "updated": "Least recently updated",
            "-updated": "Most recently updated",
        },
        label="Sort by",
        empty_label="Year, newest first",
    )

    class Meta:
        model = NeedsAnalysis
        fields = ["academic_year", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The years that have a needs analysis, whichever they are.
        years = NeedsAnalysis.objects.order_by("-academic_year").values_list("academic_year", flat=True)
        self.filters["academic_year"].extra["choices"] = [(y, NeedsAnalysis(academic_year=y).year.label) for y in years]


# High first: the stored codes do not sort that way by themselves.
PRIORITY_RANK = Case(
    When(priority=Gap.Priority.HIGH, then=Value(0)),
    When(priority=Gap.Priority.MEDIUM, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
GAP_SORTS = {
    "priority": (PRIORITY_RANK.asc(), "title", "pk"),
    "-priority": (PRIORITY_RANK.desc(), "title", "pk"),
    "title": ("title", "pk"),
    "strand": ("strand__name", PRIORITY_RANK.asc(), "title", "pk"),
    "-budget": ("-indicative_budget", "title", "pk"),
    "budget": ("indicative_budget", "title", "pk"),
}
GAP_SORT_LABELS = [
    ("priority", "Priority, high first"),
    ("-priority", "Priority, low first"),
    ("title", "Title"),
    ("strand", "National Plan strand"),
    ("-budget", "Largest indicative budget first"),
    ("budget", "Smallest indicative budget first"),
]


class GapFilter(django_filters.FilterSet):
    priority = django_filters.ChoiceFilter(choices=Gap.Priority.choices, empty_label="Any priority")
    strand = django_filters.ModelChoiceFilter(
        queryset=NationalPlanStrand.objects.all(), empty_label="Any strand", label="National Plan strand"
    )
    target_group = django_filters.ModelChoiceFilter(
        field_name="target_groups", queryset=TargetGroup.objects.all(), empty_label="Any target group", label="For"
    )
    district = django_filters.ModelChoiceFilter(
        field_name="districts", queryset=District.objects.all(), empty_label="Any district", label="District"
    )
    sort = django_filters.ChoiceFilter(
        choices=GAP_SORT_LABELS, method="sort_by", label="Sort by", empty_label="Priority, high first"
    )

    class Meta:
        model = Gap
        fields = ["priority", "strand", "target_group", "district"]

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*GAP_SORTS.get(value, GAP_SORTS["priority"]))


class CallFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Title contains")
    status = django_filters.ChoiceFilter(choices=Call.Status.choices, empty_label="Any state", label="State")
    ordering = django_filters.OrderingFilter(
        fields=[("closes_at", "closes_at"), ("title", "title"), ("status", "status")],
        field_labels={"closes_at": "Close time", "title": "Title", "status": "State"},
        label="Sort by",
    )

    class Meta:
        model = Call
        fields = ["q", "status"]


class EoiFilter(django_filters.FilterSet):
    partner = django_filters.CharFilter(field_name="partner__name", lookup_expr="icontains", label="Partner name")
    status = django_filters.ChoiceFilter(
        choices=ExpressionOfInterest.Status.choices, empty_label="Any state", label="State"
    )
    ordering = django_filters.OrderingFilter(
        fields=[
            ("partner__name", "partner"),
            ("hub_grant_requested", "hub_grant"),
            ("total_cost", "total_cost"),
            ("submitted_at", "submitted"),
        ],
        field_labels={
            "partner": "Partner",
            "hub_grant": "Hub Grant",
            "total_cost": "Total cost",
            "submitted": "Submitted",
        },
        label="Sort by",
    )

    class Meta:
        model = ExpressionOfInterest
        fields = ["partner", "status"]


class PortalEoiFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=ExpressionOfInterest.Status.choices, empty_label="Any state", label="State"
    )
    ordering = Ordering(
        fields=[
            ("created_at", "started"),
            ("title", "title"),
            ("call__closes_at", "closes"),
            ("submitted_at", "submitted"),
            ("hub_grant_requested", "hub_grant"),
        ],
        field_labels={
            "started": "Oldest started first",
            "-started": "Newest started first",
            "title": "Title",
            "-title": "Title, Z to A",
            "closes": "Call closing soonest",
            "-closes": "Call closing latest",
            "submitted": "Submitted, oldest first",
            "-submitted": "Submitted, newest first",
            "hub_grant": "Smallest Hub Grant request",
            "-hub_grant": "Largest Hub Grant request",
        },
        label="Sort by",
        empty_label="Newest started first",
    )

    class Meta:
        model = ExpressionOfInterest
        fields = ["status"]


OPEN_NOW, CLOSED = "open", "closed"


class PortalCallFilter(django_filters.FilterSet):
    """The calls open, or once open, to the partner; the view annotates open_now and my_eoi_status."""

    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Title contains")
    state = django_filters.ChoiceFilter(
        choices=[(OPEN_NOW, "Open now"), (CLOSED, "Closed")],
        method="filter_state",
        label="Open or closed",
        empty_label="Open and closed",
    )
    answered = django_filters.ChoiceFilter(
        choices=[("yes", "You have started one"), ("no", "You have not started one")],
        method="filter_answered",
        label="Your expression of interest",
        empty_label="Either",
    )
    ordering = Ordering(
        fields=[("closes_at", "closes"), ("title", "title"), ("max_hub_grant", "hub_grant")],
        field_labels={
            "closes": "Closing soonest",
            "-closes": "Closing latest",
            "title": "Title",
            "-title": "Title, Z to A",
            "hub_grant": "Smallest Hub Grant",
            "-hub_grant": "Largest Hub Grant",
        },
        label="Sort by",
        empty_label="Open first, closing soonest",
    )

    class Meta:
        model = Call
        fields = ["q"]

    def filter_state(self, queryset, name, value):
        if value == OPEN_NOW:
            return queryset.filter(open_now=True)
        if value == CLOSED:
            return queryset.filter(open_now=False)
        return queryset

    def filter_answered(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(my_eoi_status__isnull=False)
        if value == "no":
            return queryset.filter(my_eoi_status__isnull=True)
        return queryset


class AssessmentFilter(django_filters.FilterSet):
    outstanding = django_filters.BooleanFilter(
        field_name="completed_at",
        lookup_expr="isnull",
        label="Still to score",
        widget=forms.Select(choices=[("", "All"), ("true", "Yes"), ("false", "No")]),
    )
    ordering = Ordering(
        fields=[
            ("eoi__call__closes_at", "closes"),
            ("eoi__title", "title"),
            ("eoi__partner__name", "partner"),
            ("assigned_at", "assigned"),
        ],
        field_labels={
            "closes": "Call closing soonest",
            "-closes": "Call closing latest",
            "title": "Expression of interest",
            "-title": "Expression of interest, Z to A",
            "partner": "Partner",
            "-partner": "Partner, Z to A",
            "assigned": "Oldest assigned first",
            "-assigned": "Newest assigned first",
        },
        label="Sort by",
        empty_label="Call closing soonest",
    )

    class Meta:
        model = AssessorAssignment
        fields = ["outstanding"]


MATRIX_SORTS = {
    # Unranked (unscored) rows last whatever the sort; the key is applied to MatrixRow.
    "partner": lambda r: (r.eoi.partner.name.lower(), r.eoi.pk),
    "-spread": lambda r: (r.spread is None, -(r.spread or 0), r.rank or 0),
    "title": lambda r: (r.eoi.title.lower(), r.eoi.pk),
}


class MatrixFilter(django_filters.FilterSet):
    """Narrows the assessment matrix of a call; the ranks stay those of the whole call.
    The sort is applied by the view to the ranked rows (see MATRIX_SORTS)."""

    status = django_filters.ChoiceFilter(
        choices=[
            c
            for c in ExpressionOfInterest.Status.choices
            if c[0] not in (ExpressionOfInterest.Status.DRAFT, ExpressionOfInterest.Status.WITHDRAWN)
        ],
        empty_label="Any state",
        label="State",
    )
    partner = django_filters.CharFilter(field_name="partner__name", lookup_expr="icontains", label="Partner name")
    sort = django_filters.ChoiceFilter(
        choices=[
            ("partner", "Partner"),
            ("title", "Expression of interest"),
            ("-spread", "Widest spread of scores first"),
        ],
        method="keep_order",
        label="Sort by",
        empty_label="Rank",
    )

    class Meta:
        model = ExpressionOfInterest
        fields = ["status", "partner"]

    def keep_order(self, queryset, name, value):
        return queryset
