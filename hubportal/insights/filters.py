import django_filters
from django import forms
from django.db.models import Q

from hubportal.core.academic_years import TERM_CHOICES, AcademicYear
from hubportal.core.lists import FilterIdsApart, YesNoAny
from hubportal.insights.reminder_log import can_see_complaint_messages, is_complaint_kind
from hubportal.models import BoardReport, Notification, OutboundEmail, Reminder


class ReminderFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=[], empty_label="All kinds")
    sent = django_filters.BooleanFilter(method="sent_or_not", label="Sent", widget=YesNoAny())
    failed = django_filters.BooleanFilter(method="failed_or_not", label="Failed", widget=YesNoAny())
    recipient = django_filters.CharFilter(field_name="recipient__username", lookup_expr="icontains", label="Recipient")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label="Due on or after")
    sort = django_filters.OrderingFilter(
        fields=(("claimed_at", "claimed"), ("due_on", "due"), ("kind", "kind"), ("sent_at", "sent")),
        field_labels={"claimed_at": "Claimed", "due_on": "Due on", "kind": "Kind", "sent_at": "Sent"},
        label="Sort by",
    )

    # Failed: the reminder could not be sent (e.g. broken wording), or its
    # email was given up on after the last try (Reminder.email_failed).
    FAILED = Q(failed_at__isnull=False) | Q(notification__email__status=OutboundEmail.Status.FAILED)

    class Meta:
        model = Reminder
        fields = ["kind", "sent", "failed", "recipient", "due_after"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        kinds = sorted(settings.REMINDER_OFFSETS)
        if self.request is None or not can_see_complaint_messages(self.request.user):
            kinds = [k for k in kinds if not is_complaint_kind(k)]
        self.filters["kind"].extra["choices"] = [(k, k.replace("_", " ").capitalize()) for k in kinds]

    def sent_or_not(self, queryset, name, value):
        """Sent: the notice is in the person's notifications and its email, if
        any, was not given up on. A reminder whose email failed is not sent."""
        sent = Q(sent_at__isnull=False) & ~self.FAILED
        return queryset.filter(sent) if value else queryset.exclude(sent)

    def failed_or_not(self, queryset, name, value):
        return queryset.filter(self.FAILED) if value else queryset.exclude(self.FAILED)


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


class BoardReportFilter(FilterIdsApart, django_filters.FilterSet):
    year = django_filters.ChoiceFilter(
        field_name="term__academic_year", choices=[], empty_label="Any year", label="Academic year"
    )
    term = django_filters.ChoiceFilter(
        field_name="term__name", choices=TERM_CHOICES, empty_label="Any term", label="Term"
    )
    status = django_filters.ChoiceFilter(choices=BoardReport.Status.choices, empty_label="Any state", label="State")
    sort = django_filters.OrderingFilter(
        fields=(("requested_at", "asked"), ("term__starts_on", "term"), ("status", "state")),
        field_labels={"requested_at": "Asked for", "term__starts_on": "Term", "status": "State"},
        label="Sort by",
    )

    class Meta:
        model = BoardReport
        fields = ["year", "term", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = sorted(set(BoardReport.objects.values_list("term__academic_year", flat=True)), reverse=True)
        self.filters["year"].extra["choices"] = [(y, AcademicYear(y).label) for y in years]

    @property
    def qs(self):
        queryset = super().qs
        return queryset if self.form.cleaned_data.get("sort") else queryset.order_by("-requested_at", "-pk")


class WordingFilterForm(forms.Form):
    """The message kinds are files, not rows: filtered and sorted in Python (a few dozen)."""

    SORTS = [("kind", "Kind"), ("customised", "Own wording first")]

    kind = forms.CharField(required=False, label="Kind contains")
    wording = forms.ChoiceField(
        required=False, choices=[("", "Any wording"), ("own", "Your own"), ("default", "Default")], label="Wording"
    )
    sort = forms.ChoiceField(required=False, choices=SORTS, label="Sort by")

    def rows(self, kinds: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
        data = self.cleaned_data if self.is_valid() else {}
        text = (data.get("kind") or "").strip().lower()
        wanted = data.get("wording")
        rows = [(kind, own) for kind, own in kinds if text in kind.lower() and (not wanted or own == (wanted == "own"))]
        if data.get("sort") == "customised":
            rows.sort(key=lambda row: (not row[1], row[0]))
        return rows
