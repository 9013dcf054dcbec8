"""Staff pages for survey rounds and the returns partners send in them."""

from datetime import date

from django.contrib import messages
from django.db.models import Case, CharField, Count, F, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hubportal.core.academic_years import AcademicYear, current_academic_year
from hubportal.core.actions import attempt
from hubportal.core.exports import export_format, export_rows
from hubportal.core.history import history_for
from hubportal.core.listpage import list_page
from hubportal.core.roles import hub_staff_required
from hubportal.core.words import possessive
from hubportal.models import Term
from surveys import aggregates, permissions, selectors, services
from surveys.filters import RequestFilter, RoundFilter
from surveys.forms import DeadlineForm, ReturnForm, RoundOpenForm
from surveys.models import QuestionSet, SurveyRequest, SurveyRound
from surveys.response_form import ResponseForm
from surveys.views.staff import chart_data, long_date

# Rounds ----------------------------------------------------------------------------------


ROUND_COLUMNS = [
    ("Term", lambda r: str(r.term)),
    ("Question set", lambda r: str(r.question_set)),
    ("Deadline", lambda r: r.deadline),
    ("Requests", lambda r: r.n_requests),
    ("Submitted, awaiting review", lambda r: r.n_submitted),
    ("Accepted", lambda r: r.n_accepted),
    ("Still open", lambda r: r.n_open),
    ("Overdue", lambda r: r.n_overdue),
]


@hub_staff_required
def round_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rounds = (
        selectors.rounds_with_counts()
        .annotate(
            n_overdue=Count("requests", filter=Q(requests__status__in=SurveyRequest.OPEN, requests__deadline__lt=today))
        )
        .order_by("-deadline", "-pk")
    )
    filtered = RoundFilter(request.GET, queryset=rounds)
    return list_page(
        request,
        filtered,
        "surveys/staff_round_list.html",
        columns=ROUND_COLUMNS,
        basename="survey-rounds",
        context={"can_open": permissions.may_open_round(request.user)[0]},
    )


def _round_terms() -> list[Term]:
    """Last year's, this year's and next year's terms (made with the usual dates if missing)."""
    year = current_academic_year()
    terms = [*Term.for_year(year.previous()), *Term.for_year(year), *Term.for_year(year.next())]
    return list(Term.objects.filter(pk__in=[t.pk for t in terms]).select_related("survey_round"))


@hub_staff_required
def round_open(request: HttpRequest) -> HttpResponse:
    terms = _round_terms()
    form = RoundOpenForm(request.POST or None, terms=terms)
    if request.method == "GET":
        today = timezone.localdate()
        upcoming = next((t for t in terms if t.ends_on >= today and not hasattr(t, "survey_round")), None)
        if upcoming:
            form.initial["term"] = upcoming.pk
            form.initial["deadline"] = upcoming.ends_on
            default_set = QuestionSet.objects.filter(term=upcoming.name, retired_at__isnull=True).first()
            form.initial["question_set"] = default_set.pk if default_set else None
    if request.method == "POST" and form.is_valid():
        opened = attempt(request, lambda: services.round_open(actor=request.user, **form.cleaned_data))
        if opened:
            survey_round, created = opened.result
            if survey_round.question_set_id != form.cleaned_data["question_set"].pk:
                messages.info(
                    request,
                    f"The {survey_round.term} round was already open, with its own question set and deadline.",
                )
            if created:
                count = f"{len(created)} partner{'s' if len(created) != 1 else ''}"
                messages.success(request, f"Sent the {survey_round.term} survey to {count}.")
            else:
                messages.info(
                    request,
                    "Every partner whose agreement requires the survey already has a request: nothing new was sent.",
                )
            return redirect("surveys:round_detail", survey_round.pk)
    return render(request, "surveys/staff_round_open.html", {"form": form})


BUCKETS = [
    ("overdue", "Overdue"),
    ("submitted", "Submitted, awaiting review"),
    ("returned", "Returned, awaiting resubmission"),
    ("in_progress", "In progress"),
    ("pending", "Not started"),
    ("accepted", "Accepted"),
]


# The round page names at most this many partners in each state, with a link to the rest:
# a round of 1,500 requests is counted in SQL, not listed on one page.
NAMES_PER_BUCKET = 20
# The returns list, filtered to the partners of one state in the round.
BUCKET_FILTERS = {"overdue": "overdue=true", "returned": "status=returned"}


class Bucket(list):
    """The partners shown in one state (the first few by name), with how many there are and where the rest are."""

    def __init__(self, rows=(), *, total: int = 0, more_url: str = ""):
        super().__init__(rows)
        self.total = total
        self.more_url = more_url


def _bucket_of(today: date) -> Case:
    """A request's state on the round page, in SQL: overdue first, then awaiting resubmission, else its status."""
    still_open = Q(status__in=SurveyRequest.OPEN)
    return Case(
        When(still_open & Q(deadline__lt=today), then=Value("overdue")),
        When(still_open & Q(returned_at__isnull=False), then=Value("returned")),
        default=F("status"),
        output_field=CharField(),
    )


@hub_staff_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's status: who has submitted, who is in progress, who is overdue."""
    survey_round = selectors.get_round(pk)
    if export_format(request):
        return _round_export(request, survey_round)
    return _round_page(request, survey_round, DeadlineForm(initial={"deadline": survey_round.deadline}))


def _round_export(request: HttpRequest, survey_round: SurveyRound) -> HttpResponse:
    today = timezone.localdate()
    columns = [
        ("Partner", lambda r: r.partner.name),
        ("Status", lambda r: r.get_status_display()),
        ("Deadline", lambda r: r.deadline),
        ("Overdue", lambda r: "Yes" if r.is_overdue(today) else "No"),
        ("Submitted", lambda r: r.submitted_at),
    ]
    rows = SurveyRequest.objects.filter(round=survey_round).select_related("partner").order_by("partner__name")
    return export_rows(request, rows, columns, f"survey-round-{survey_round.pk}")


def _round_page(request: HttpRequest, survey_round: SurveyRound, deadline_form: DeadlineForm) -> HttpResponse:
    today = timezone.localdate()
    requests = SurveyRequest.objects.filter(round=survey_round)
    bucketed = requests.annotate(bucket=_bucket_of(today))
    counts = dict(bucketed.order_by().values("bucket").annotate(n=Count("pk")).values_list("bucket", "n"))
    # The first few partners of each state by name, in one query (a window per state).
    shown = (
        bucketed.select_related("partner")
        .annotate(place=Window(RowNumber(), partition_by=[F("bucket")], order_by=[F("partner__name"), F("pk")]))
        .filter(place__lte=NAMES_PER_BUCKET)
        .order_by("partner__name", "pk")
    )
    grouped = {key: [] for key, _ in BUCKETS}
    for survey_request in shown:
        grouped[survey_request.bucket].append(survey_request)
    returns = reverse("surveys:request_list")
    buckets = [
        (
            key,
            label,
            Bucket(
                grouped[key],
                total=counts.get(key, 0),
                more_url=f"{returns}?round={survey_round.pk}&{BUCKET_FILTERS.get(key, f'status={key}')}",
            ),
        )
        for key, label in BUCKETS
    ]
    missing = (
        services.agreements_requiring_surveys(survey_round.term)
        .exclude(partner_id__in=requests.values("partner_id"))
        .count()
    )
    chart = chart_data([label for _, label, _ in buckets], ("Partners", [items.total for _, _, items in buckets]))
    return render(
        request,
        "surveys/staff_round_detail.html",
        {
            "round": survey_round,
            "buckets": buckets,
            "total": sum(counts.values()),
            "missing": missing,
            "deadline_form": deadline_form,
            "history": history_for(survey_round),
            "chart": chart,
            "today": today,
        },
    )


@hub_staff_required
@require_POST
def round_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = selectors.get_round(pk)
    form = DeadlineForm(request.POST)
    if form.is_valid() and attempt(
        request,
        lambda: services.round_change_deadline(
            survey_round=survey_round, deadline=form.cleaned_data["deadline"], actor=request.user
        ),
        f"The deadline is now {long_date(form.cleaned_data['deadline'])}.",
        form=form,
        field="deadline",
    ):
        return redirect("surveys:round_detail", survey_round.pk)
    # Refused: the round's page again, with what was typed and the reason beside it.
    return _round_page(request, survey_round, form)


@hub_staff_required
@require_POST
def round_add_partners(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = selectors.get_round(pk)
    created = services.round_add_partners(survey_round=survey_round, actor=request.user)
    if created:
        messages.success(request, f"Sent the survey to {', '.join(r.partner.name for r in created)}.")
    else:
        messages.info(request, "Every partner whose agreement requires the survey already has a request.")
    return redirect("surveys:round_detail", survey_round.pk)


# Returns (requests), staff side ------------------------------------------------------------


@hub_staff_required
def request_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    requests = SurveyRequest.objects.select_related("round__term", "partner").order_by("deadline", "partner__name")
    filtered = RequestFilter(request.GET, queryset=requests)
    columns = [
        ("Round", lambda r: str(r.round.term)),
        ("Partner", lambda r: r.partner.name),
        ("Status", lambda r: r.get_status_display()),
        ("Deadline", lambda r: r.deadline),
        ("Overdue", lambda r: "Yes" if r.is_overdue(today) else "No"),
        ("Submitted", lambda r: r.submitted_at),
        ("Reviewed", lambda r: r.reviewed_at),
    ]
    return list_page(
        request,
        filtered,
        "surveys/staff_request_list.html",
        columns=columns,
        basename="survey-returns",
        context=lambda page: {
            "today": today,
            "answer_years": [AcademicYear(year) for year in aggregates.answer_years()],
        },
    )


def _render_request_detail(request, survey_request, *, return_form=None, status=200):
    parts = selectors.response_parts(survey_request)
    return render(
        request,
        "surveys/staff_request_detail.html",
        {
            "survey_request": survey_request,
            "form": ResponseForm(**parts),
            "return_form": return_form or ReturnForm(),
            "can_review": permissions.may_review(request.user, survey_request)[0],
            "history": history_for(survey_request),
            "case_studies": survey_request.case_studies.all(),
            "today": timezone.localdate(),
        },
        status=status,
    )


@hub_staff_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_request_detail(request, selectors.get_request_for(request.user, pk))


@hub_staff_required
@require_POST
def request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    survey_request = selectors.get_request_for(request.user, pk)
    attempt(
        request,
        lambda: services.request_accept(survey_request=survey_request, actor=request.user),
        f"Accepted {possessive(survey_request.partner.name)} {survey_request.round.term} survey.",
    )
    return redirect("surveys:request_detail", survey_request.pk)


@hub_staff_required
@require_POST
def request_return(request: HttpRequest, pk: int) -> HttpResponse:
    survey_request = selectors.get_request_for(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid() and attempt(
        request,
        lambda: services.request_return(survey_request=survey_request, actor=request.user, **form.cleaned_data),
        f"Returned the survey to {survey_request.partner} with your comment.",
    ):
        return redirect("surveys:request_detail", survey_request.pk)
    return _render_request_detail(request, survey_request, return_form=form)
