import django_filters

from hubportal.core.lists import FilterIdsApart
from hubportal.privacy.models import DataRequest


class DataRequestFilter(FilterIdsApart, django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DataRequest.Kind.choices, empty_label="Any request")
    status = django_filters.ChoiceFilter(choices=DataRequest.Status.choices, empty_label="Open or fulfilled")
    sort = django_filters.OrderingFilter(
        label="Sort by",
        fields=[("due_on", "due"), ("received_on", "received")],
        field_labels={"due": "Due soonest", "-due": "Due latest", "received": "Oldest first", "-received": "Newest"},
        empty_label="Open first, due soonest",
    )

    class Meta:
        model = DataRequest
        fields = ["kind", "status"]
