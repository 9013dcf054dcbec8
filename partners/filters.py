from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone

from partners.models import District, EvidenceItem, EvidenceType, NationalPlanStrand, Partner, PartnerType

EXPIRING = "expiring"
EXPIRING_DAYS = 30
EVIDENCE_CHOICES = [*EvidenceItem.Status.choices, (EXPIRING, f"Verified, expiring within {EXPIRING_DAYS} days")]


def _evidence_condition(value: str) -> Q:
    if value == EXPIRING:
        today = timezone.localdate()
        return Q(
            status=EvidenceItem.Status.VERIFIED,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=EXPIRING_DAYS),
        )
    return Q(status=value)


class ReferenceChoiceFilter(django_filters.ChoiceFilter):
    """One entry of a reference list (partner types, districts, strands), by id. The
    options are read as (id, name) in one light query when the form is built, and a
    chosen id is checked against them without a query of its own (a ModelChoiceFilter
    reads whole rows to draw the options, and the chosen row again to check it)."""

    def __init__(self, *args, model, **kwargs):
        self.reference_model = model
        super().__init__(*args, choices=[], **kwargs)

    @property
    def field(self):
        if not hasattr(self, "_field"):
            self.extra["choices"] = list(self.reference_model.objects.values_list("pk", "name"))
        return super().field


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Name")
    stage = django_filters.ChoiceFilter(
        field_name="status", choices=Partner.Stage.choices, empty_label="Any stage", label="Stage"
    )
    partner_type = ReferenceChoiceFilter(model=PartnerType, empty_label="Any type", label="Type")
    district = ReferenceChoiceFilter(
        field_name="districts", model=District, empty_label="Any district", label="District"
    )
    strand = ReferenceChoiceFilter(
        field_name="strands", model=NationalPlanStrand, empty_label="Any strand", label="Strand"
    )
    evidence = django_filters.ChoiceFilter(
        choices=EVIDENCE_CHOICES, method="with_evidence", empty_label="Any evidence", label="Has evidence"
    )
    sort = django_filters.OrderingFilter(
        fields=[("name", "name"), ("status", "stage"), ("partner_type__name", "type"), ("created_at", "created")],
        field_labels={"name": "Name", "status": "Stage", "partner_type__name": "Type", "created_at": "Date added"},
        label="Sort by",
        empty_label="Name",
    )

    class Meta:
        model = Partner
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(legal_name__icontains=value))

    def with_evidence(self, queryset, name, value):
        # A subquery, not a join: one row per partner whatever it holds.
        holders = EvidenceItem.objects.filter(_evidence_condition(value)).values("partner_id")
        return queryset.filter(pk__in=holders)


# Each sort ends on the primary key so a page never repeats or skips a row.
EVIDENCE_SORTS = {
    "expires": ("expires_on", "partner__name", "evidence_type__sort_order", "pk"),
    "-expires": ("-expires_on", "partner__name", "evidence_type__sort_order", "pk"),
    "partner": ("partner__name", "evidence_type__sort_order", "pk"),
    "-partner": ("-partner__name", "evidence_type__sort_order", "pk"),
    "standard": ("evidence_type__sort_order", "evidence_type__name", "partner__name", "pk"),
    "status": ("status", "expires_on", "partner__name", "pk"),
    "-uploaded": ("-uploaded_at", "partner__name", "pk"),
}
EVIDENCE_SORT_LABELS = [
    ("expires", "Soonest expiry first"),
    ("-expires", "Latest expiry first"),
    ("partner", "Partner, A to Z"),
    ("-partner", "Partner, Z to A"),
    ("standard", "Standard"),
    ("status", "Status"),
    ("-uploaded", "Most recently uploaded"),
]


class EvidenceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="partner__name", lookup_expr="icontains", label="Partner")
    status = django_filters.ChoiceFilter(
        choices=EVIDENCE_CHOICES, method="with_status", empty_label="Any status", label="Status"
    )
    evidence_type = django_filters.ModelChoiceFilter(
        queryset=EvidenceType.objects.all(), empty_label="Any kind", label="Kind of evidence"
    )
    sort = django_filters.ChoiceFilter(
        choices=EVIDENCE_SORT_LABELS, method="sort_by", label="Sort by", empty_label="Soonest expiry first"
    )

    class Meta:
        model = EvidenceItem
        fields = []

    def with_status(self, queryset, name, value):
        return queryset.filter(_evidence_condition(value))

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*EVIDENCE_SORTS.get(value, EVIDENCE_SORTS["expires"]))
