import django_filters
from django.db.models import Q
from django.utils import timezone

from hubportal.core.academic_years import academic_year_choices
from hubportal.core.lists import YesNoAny
from partners.models import Partner
from surveys.models import CaseStudy, IncomeRecord, ProjectEvaluation, QuestionSet, SurveyRequest, SurveyRound


def _year_choices():
    return academic_year_choices(back=4, ahead=1)


class QuestionSetFilter(django_filters.FilterSet):
    term = django_filters.ChoiceFilter(choices=QuestionSet.Term.choices, empty_label="Any term")
    include_old = django_filters.BooleanFilter(label="Show replaced versions", method="filter_old", widget=YesNoAny())
    # Only the newest version of each set is listed unless asked (see qs).
    sort = django_filters.OrderingFilter(fields=(("name", "name"), ("created_at", "created")))

    class Meta:
        model = QuestionSet
        fields = ["term"]

    def filter_old(self, queryset, name, value):
        return queryset

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("include_old"):
            queryset = queryset.filter(retired_at__isnull=True)
        return queryset


class RoundFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(
        field_name="term__academic_year", label="Academic year", choices=_year_choices, empty_label="Any year"
    )
    sort = django_filters.OrderingFilter(
        fields=(("deadline", "deadline"), ("term__starts_on", "term"), ("opened_at", "opened")),
        field_labels={"deadline": "Deadline", "term__starts_on": "Term", "opened_at": "Opened"},
        label="Sort by",
    )

    class Meta:
        model = SurveyRound
        fields = ["year"]


class RequestFilter(django_filters.FilterSet):
    round = django_filters.ModelChoiceFilter(
        queryset=SurveyRound.objects.select_related("term"), empty_label="Any round"
    )
    status = django_filters.ChoiceFilter(choices=SurveyRequest.Status.choices, empty_label="Any status")
    partner = django_filters.ModelChoiceFilter(queryset=Partner.objects.all(), empty_label="Any partner")
    overdue = django_filters.BooleanFilter(label="Overdue", method="filter_overdue", widget=YesNoAny())
    sort = django_filters.OrderingFilter(
        fields=(
            ("deadline", "deadline"),
            ("partner__name", "partner"),
            ("status", "status"),
            ("submitted_at", "submitted"),
        )
    )

    class Meta:
        model = SurveyRequest
        fields = ["round", "status", "partner"]

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        overdue = Q(deadline__lt=today, status__in=SurveyRequest.OPEN)
        if value is None:
            return queryset
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class EvaluationFilter(django_filters.FilterSet):
    """Over completed project agreements that owe an evaluation."""

    STATES = [("not_started", "Not started"), *ProjectEvaluation.Status.choices]
    state = django_filters.ChoiceFilter(label="Evaluation", choices=STATES, method="filter_state", empty_label="Any")
    partner = django_filters.ModelChoiceFilter(queryset=Partner.objects.all(), empty_label="Any partner")
    sort = django_filters.OrderingFilter(
        fields=(("evaluation_due_on", "due"), ("partner__name", "partner"), ("title", "project")),
        field_labels={"evaluation_due_on": "Due date", "partner__name": "Partner", "title": "Project"},
        label="Sort by",
    )

    def filter_state(self, queryset, name, value):
        if value == "not_started":
            return queryset.filter(evaluation__isnull=True)
        return queryset.filter(evaluation__status=value)


class CaseStudyFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStudy.Status.choices, empty_label="Any status")
    partner = django_filters.ModelChoiceFilter(queryset=Partner.objects.all(), empty_label="Any partner")
    search = django_filters.CharFilter(label="Title contains", field_name="title", lookup_expr="icontains")
    sort = django_filters.OrderingFilter(
        fields=(("created_at", "created"), ("title", "title"), ("partner__name", "partner")),
        field_labels={"created_at": "Written", "title": "Title", "partner__name": "Partner"},
        label="Sort by",
    )

    class Meta:
        model = CaseStudy
        fields = ["status", "partner"]


class IncomeFilter(django_filters.FilterSet):
    academic_year = django_filters.ChoiceFilter(label="Academic year", choices=_year_choices, empty_label="Any year")
    partner = django_filters.ModelChoiceFilter(queryset=Partner.objects.all(), empty_label="Any partner")
    source = django_filters.ChoiceFilter(choices=IncomeRecord.Source.choices, empty_label="Any source")
    sort = django_filters.OrderingFilter(
        fields=(
            ("academic_year", "year"),
            ("partner__name", "partner"),
            ("amount", "amount"),
            ("recorded_at", "recorded"),
        ),
        field_labels={
            "academic_year": "Academic year",
            "partner__name": "Partner",
            "amount": "Amount",
            "recorded_at": "Recorded",
        },
        label="Sort by",
    )

    class Meta:
        model = IncomeRecord
        fields = ["academic_year", "partner", "source"]


class PortalIncomeFilter(IncomeFilter):
    """The partner's own income records (no partner choice: they see only theirs)."""

    class Meta(IncomeFilter.Meta):
        fields = ["academic_year", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.filters["partner"]
        # Labelled apart from the form to record income on the same page.
        self.filters["academic_year"].label = "Show the year"
        self.filters["source"].label = "Show the kind of income"
        self.filters["sort"].extra["choices"] = [
            c for c in self.filters["sort"].extra["choices"] if "partner" not in str(c[0])
        ]


class PortalRequestFilter(django_filters.FilterSet):
    """The partner's own termly surveys."""

    year = django_filters.ChoiceFilter(
        field_name="round__term__academic_year", label="Academic year", choices=_year_choices, empty_label="Any year"
    )
    status = django_filters.ChoiceFilter(choices=SurveyRequest.Status.choices, empty_label="Any status")
    sort = django_filters.OrderingFilter(
        fields=(("deadline", "deadline"), ("submitted_at", "submitted"), ("status", "status")),
        field_labels={"deadline": "Deadline", "submitted_at": "Submitted", "status": "Status"},
        label="Sort by",
    )

    class Meta:
        model = SurveyRequest
        fields = ["year", "status"]


class PortalEvaluationFilter(EvaluationFilter):
    """The partner's own completed projects (no partner choice: they see only theirs)."""

    overdue = django_filters.BooleanFilter(label="Overdue", method="filter_overdue", widget=YesNoAny())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.filters["partner"]
        self.filters["sort"].extra["choices"] = [
            c for c in self.filters["sort"].extra["choices"] if "partner" not in str(c[0])
        ]
        self.filters["sort"].extra["empty_label"] = "Due date"

    def filter_overdue(self, queryset, name, value):
        # Past its due date and not yet in the Hub's hands (not started, a draft, or returned).
        overdue = Q(evaluation_due_on__lt=timezone.localdate()) & (
            Q(evaluation__isnull=True)
            | Q(evaluation__status__in=[ProjectEvaluation.Status.DRAFT, ProjectEvaluation.Status.RETURNED])
        )
        if value is None:
            return queryset
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class PortalCaseStudyFilter(django_filters.FilterSet):
    """The partner's own case studies; prefixed, as they share a page with the evaluations."""

    status = django_filters.ChoiceFilter(choices=CaseStudy.Status.choices, empty_label="Any status", label="Status")
    search = django_filters.CharFilter(label="Title contains", field_name="title", lookup_expr="icontains")
    sort = django_filters.OrderingFilter(
        fields=(("created_at", "created"), ("title", "title")),
        field_labels={"created_at": "Written", "title": "Title"},
        label="Sort case studies by",
        empty_label="Newest written first",
    )

    class Meta:
        model = CaseStudy
        fields = ["status", "search"]
