import django_filters
from django import forms

from eoi.models import AssessorAssignment, Call, ExpressionOfInterest, Gap, TargetGroup
from partners.models import District, NationalPlanStrand


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

    class Meta:
        model = Gap
        fields = ["priority", "strand", "target_group", "district"]


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

    class Meta:
        model = ExpressionOfInterest
        fields = ["status"]


class AssessmentFilter(django_filters.FilterSet):
    outstanding = django_filters.BooleanFilter(
        field_name="completed_at",
        lookup_expr="isnull",
        label="Still to score",
        widget=forms.Select(choices=[("", "All"), ("true", "Yes"), ("false", "No")]),
    )

    class Meta:
        model = AssessorAssignment
        fields = ["outstanding"]
