"""Forms and filters of the dashboards and reports (hubportal/insights/reports_views.py)."""

import django_filters
from django import forms

from hubportal.core.health import LABELS
from hubportal.insights.dashboard import HEALTH_LEVELS, WATCHED_STAGES
from hubportal.models import Term
from partners.models import District, NationalPlanStrand, Partner, PartnerType

HEALTH_SORTS = [
    ("level", "Health, red first"),
    ("name", "Partner, A to Z"),
    ("-name", "Partner, Z to A"),
    ("stage", "Stage"),
]
LEVEL_ORDER = {level: i for i, level in enumerate(HEALTH_LEVELS)}


class PartnerHealthFilter(django_filters.FilterSet):
    """Partners whose health is watched. ``level`` and ``sort`` act on the
    ratings, which are computed for all the filtered partners at once."""

    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Partner name")
    stage = django_filters.ChoiceFilter(
        field_name="status",
        choices=[(s, Partner.Stage(s).label) for s in Partner.Stage.values if s in WATCHED_STAGES],
        empty_label="Any stage",
        label="Stage",
    )
    partner_type = django_filters.ModelChoiceFilter(
        queryset=PartnerType.objects.all(), empty_label="Any type", label="Type"
    )
    district = django_filters.ModelChoiceFilter(
        field_name="districts", queryset=District.objects.all(), empty_label="Any district", label="District"
    )
    strand = django_filters.ModelChoiceFilter(
        field_name="strands", queryset=NationalPlanStrand.objects.all(), empty_label="Any strand", label="Strand"
    )
    level = django_filters.ChoiceFilter(
        choices=[(level, LABELS[level]) for level in HEALTH_LEVELS],
        method="keep_all",
        empty_label="Any health",
        label="Health",
    )
    sort = django_filters.ChoiceFilter(choices=HEALTH_SORTS, method="keep_all", empty_label="Health, red first")

    class Meta:
        model = Partner
        fields = []

    def keep_all(self, queryset, name, value):
        return queryset  # applied to the ratings by the view

    def level_and_sort(self) -> tuple[str, str]:
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        return data.get("level") or "", data.get("sort") or "level"


class BoardReportForm(forms.Form):
    term = forms.ModelChoiceField(
        queryset=Term.objects.none(),
        label="Term the report covers",
        empty_label=None,
        help_text="The report gives the term's figures and the academic year's so far.",
    )

    def __init__(self, *args, terms=(), initial_term=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.filter(pk__in=[t.pk for t in terms]).order_by("-starts_on")
        if initial_term is not None:
            self.fields["term"].initial = initial_term.pk
