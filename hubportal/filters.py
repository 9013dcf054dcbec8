import django_filters

from hubportal.models import OutboundEmail, Reminder


class ReminderFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=[], empty_label="All kinds")
    sent = django_filters.BooleanFilter(field_name="sent_at", lookup_expr="isnull", exclude=True, label="Sent")
    recipient = django_filters.CharFilter(field_name="recipient__username", lookup_expr="icontains", label="Recipient")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label="Due on or after")

    class Meta:
        model = Reminder
        fields = ["kind", "sent", "recipient", "due_after"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.filters["kind"].extra["choices"] = [(k, k) for k in sorted(settings.REMINDER_OFFSETS)]


class OutboundEmailFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=OutboundEmail.Status.choices, empty_label="Any status")
    to = django_filters.CharFilter(lookup_expr="icontains", label="To")
    kind = django_filters.CharFilter(lookup_expr="icontains", label="Kind")

    class Meta:
        model = OutboundEmail
        fields = ["status", "to", "kind"]
