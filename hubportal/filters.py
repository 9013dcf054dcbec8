import django_filters

from hubportal.models import Notification, OutboundEmail, Reminder


class ReminderFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=[], empty_label="All kinds")
    sent = django_filters.BooleanFilter(field_name="sent_at", lookup_expr="isnull", exclude=True, label="Sent")
    recipient = django_filters.CharFilter(field_name="recipient__username", lookup_expr="icontains", label="Recipient")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label="Due on or after")
    sort = django_filters.OrderingFilter(
        fields=(("claimed_at", "claimed"), ("due_on", "due"), ("kind", "kind"), ("sent_at", "sent")),
        field_labels={"claimed_at": "Claimed", "due_on": "Due on", "kind": "Kind", "sent_at": "Sent"},
        label="Sort by",
    )

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
    sort = django_filters.OrderingFilter(
        fields=(("created_at", "queued"), ("status", "status"), ("to", "to"), ("attempts", "tries")),
        field_labels={"created_at": "Queued", "status": "Status", "to": "To", "attempts": "Tries"},
        label="Sort by",
    )

    class Meta:
        model = OutboundEmail
        fields = ["status", "to", "kind"]


class NotificationFilter(django_filters.FilterSet):
    """One person's own notifications."""

    state = django_filters.ChoiceFilter(
        choices=[("unread", "Unread"), ("read", "Read")], method="read_or_not", label="Show", empty_label="All"
    )
    q = django_filters.CharFilter(field_name="subject", lookup_expr="icontains", label="Subject contains")
    sort = django_filters.OrderingFilter(
        fields=(("created_at", "date"), ("subject", "subject")),
        field_labels={"created_at": "Date", "subject": "Subject"},
        label="Sort by",
    )

    class Meta:
        model = Notification
        fields = ["state", "q"]

    def read_or_not(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "unread")
