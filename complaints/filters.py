import django_filters
from django.utils import timezone

from complaints.models import Complaint
from complaints.services import partners_to_complain_about
from hubportal.core.working_days import add_working_days

# "Due" means a deadline within this many working days from today.
DUE_WITHIN_WORKING_DAYS = 3


class ComplaintFilter(django_filters.FilterSet):
    """The staff list: by stage, category, partner and deadline; sortable."""

    reference = django_filters.CharFilter(lookup_expr="icontains", label="Reference")
    status = django_filters.ChoiceFilter(label="Stage", choices=Complaint.Status.choices, empty_label="Any stage")
    category = django_filters.ChoiceFilter(choices=Complaint.Category.choices, empty_label="Any category")
    partner = django_filters.ModelChoiceFilter(queryset=None, empty_label="Any partner")
    deadline = django_filters.ChoiceFilter(
        label="Deadline",
        choices=[("overdue", "Overdue"), ("due", f"Due within {DUE_WITHIN_WORKING_DAYS} working days")],
        empty_label="Any",
        method="filter_deadline",
    )
    sort = django_filters.OrderingFilter(
        label="Sort by",
        fields=[("received_at", "received"), ("respond_by", "respond_by"), ("reference", "reference")],
        field_labels={
            "received": "Oldest received first",
            "-received": "Newest received first",
            "respond_by": "Response due soonest",
            "-respond_by": "Response due latest",
            "reference": "Reference",
            "-reference": "Reference, descending",
        },
        empty_label="Newest received first",
    )

    class Meta:
        model = Complaint
        fields = ["reference", "status", "category", "partner", "deadline"]

    def __init__(self, *args, safeguarding: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["partner"].queryset = partners_to_complain_about()
        if not safeguarding:
            # Safeguarding concerns are listed apart.
            self.filters["category"].extra["choices"] = [
                c for c in Complaint.Category.choices if c[0] != Complaint.Category.SAFEGUARDING
            ]
        else:
            del self.filters["category"]

    def filter_deadline(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.overdue(today)
        if value == "due":
            return queryset.due(today, add_working_days(today, DUE_WITHIN_WORKING_DAYS))
        return queryset


class PortalComplaintFilter(django_filters.FilterSet):
    """A partner's complaints (those they made, and those about them shared with them)."""

    status = django_filters.ChoiceFilter(label="Stage", choices=Complaint.Status.choices, empty_label="Any stage")
    sort = django_filters.OrderingFilter(
        label="Sort by",
        fields=[("received_at", "received"), ("reference", "reference")],
        field_labels={
            "received": "Oldest first",
            "-received": "Newest first",
            "reference": "Reference",
            "-reference": "Reference, descending",
        },
        empty_label="Newest first",
    )

    class Meta:
        model = Complaint
        fields = ["status"]


WAITING, DECIDED = "waiting", "decided"
# Each sort ends on the primary key so a page never repeats or skips a row.
CHAIR_SORTS = {
    "escalated": ("escalated_at", "pk"),
    "-escalated": ("-escalated_at", "-pk"),
    "-decided": ("-decided_at", "-escalated_at", "-pk"),
    "reference": ("reference", "pk"),
    "-received": ("-received_at", "-pk"),
}


class ChairComplaintFilter(django_filters.FilterSet):
    """The Chair's escalated complaints: waiting or decided, by category and decision; sortable."""

    state = django_filters.ChoiceFilter(
        choices=[(WAITING, "Waiting for your decision"), (DECIDED, "Decided")],
        method="filter_state",
        label="State",
        empty_label="Waiting and decided",
    )
    category = django_filters.ChoiceFilter(choices=Complaint.Category.choices, empty_label="Any category")
    chair_decision = django_filters.ChoiceFilter(
        choices=Complaint.ChairDecision.choices, label="Your decision", empty_label="Any decision"
    )
    reference = django_filters.CharFilter(lookup_expr="icontains", label="Reference")
    sort = django_filters.ChoiceFilter(
        choices=[
            ("escalated", "Oldest escalated first"),
            ("-escalated", "Newest escalated first"),
            ("-decided", "Most recently decided"),
            ("reference", "Reference"),
            ("-received", "Newest received first"),
        ],
        method="sort_by",
        label="Sort by",
        empty_label="Oldest escalated first",
    )

    class Meta:
        model = Complaint
        fields = ["state", "category", "chair_decision", "reference", "sort"]

    def filter_state(self, queryset, name, value):
        if value == WAITING:
            return queryset.filter(status__in=Complaint.WITH_CHAIR)
        if value == DECIDED:
            return queryset.filter(status=Complaint.Status.DECIDED)
        return queryset

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*CHAIR_SORTS.get(value, CHAIR_SORTS["escalated"]))
