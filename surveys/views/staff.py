"""Pages for Hub staff."""

from datetime import date
from operator import itemgetter

from django.contrib import messages
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from agreements.models import Outcome
from hubportal.core.academic_years import AcademicYear, academic_year_choices, current_academic_year
from hubportal.core.errors import ActionRefused
from hubportal.core.exports import export_format, export_rows, rows_by_chunk, xlsx_response
from hubportal.core.history import history_for
from hubportal.core.lists import int_param, page_of, querystring
from hubportal.core.roles import hub_staff_required
from hubportal.core.words import possessive
from hubportal.models import Term
from partners.models import Partner
from surveys import aggregates, codes, permissions, selectors, services
from surveys.aggregates import Scope
from surveys.consent import PUBLISH_USE, USE_LABELS, consent_blocker
from surveys.filters import (
    CaseStudyFilter,
    EvaluationFilter,
    IncomeFilter,
    QuestionSetFilter,
    RequestFilter,
    RoundFilter,
)
from surveys.forms import (
    DeadlineForm,
    EvaluationReturnForm,
    QuestionForm,
    QuestionSetForm,
    ReturnForm,
    RoundOpenForm,
)
from surveys.models import Consent, IncomeRecord, QuestionSet, SurveyRequest, SurveyRound
from surveys.response_form import ResponseForm


def _chart(labels, *datasets) -> dict:
    """Chart.js data: labels and (label, values) datasets, for json_script."""
    return {"labels": list(labels), "datasets": [{"label": label, "data": list(data)} for label, data in datasets]}


def _date(value) -> str:
    return value.strftime("%-d %B %Y") if value else ""


# Question sets -----------------------------------------------------------------------


@hub_staff_required
def questionset_list(request: HttpRequest) -> HttpResponse:
    sets = QuestionSet.objects.annotate(
        n_questions=Count("questions", distinct=True), n_rounds=Count("rounds", distinct=True)
    ).order_by("family", "-version")
    filtered = QuestionSetFilter(request.GET, queryset=sets)
    if export_format(request):
        columns = [
            ("Name", lambda s: s.name),
            ("Family", lambda s: s.family),
            ("Version", lambda s: s.version),
            ("Term", lambda s: s.get_term_display()),
            ("Questions", lambda s: s.n_questions),
            ("Rounds that used it", lambda s: s.n_rounds),
            ("Replaced", lambda s: s.retired_at),
        ]
        return export_rows(request, filtered.qs, columns, "question-sets")
    return render(
        request,
        "surveys/staff_questionset_list.html",
        {"filter": filtered, "page": page_of(request, filtered.qs), "querystring": querystring(request)},
    )


@hub_staff_required
def questionset_create(request: HttpRequest) -> HttpResponse:
    form = QuestionSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        question_set = services.question_set_create(actor=request.user, **form.cleaned_data)
        messages.success(request, f"“{question_set.name}” is ready. Add its questions.")
        return redirect("surveys:questionset_detail", question_set.pk)
    return render(request, "surveys/staff_questionset_form.html", {"form": form, "question_set": None})


def _version_message(request, before: QuestionSet, after: QuestionSet) -> None:
    if after.pk != before.pk:
        messages.info(
            request,
            f"Version {before.version} was used by a survey round, so your change made version {after.version}. "
            f"Version {before.version} stays as it was for that round.",
        )


@hub_staff_required
def questionset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question_set = selectors.get_question_set(pk)
    questions = question_set.questions.select_related("total_question", "follow_up_of").order_by("order", "pk")
    return render(
        request,
        "surveys/staff_questionset_detail.html",
        {
            "question_set": question_set,
            "questions": questions,
            "versions": QuestionSet.objects.filter(family=question_set.family).annotate(n_rounds=Count("rounds")),
            "rounds": question_set.rounds.select_related("term"),
            "can_edit": permissions.may_edit_question_set(request.user, question_set)[0],
            "history": history_for(question_set),
        },
    )


@hub_staff_required
def questionset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question_set = selectors.get_question_set(pk)
    form = QuestionSetForm(
        request.POST or None,
        initial={"name": question_set.name, "term": question_set.term, "description": question_set.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.question_set_update(question_set=question_set, actor=request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            _version_message(request, question_set, updated)
            messages.success(request, "The question set is saved.")
            return redirect("surveys:questionset_detail", updated.pk)
    return render(request, "surveys/staff_questionset_form.html", {"form": form, "question_set": question_set})


@hub_staff_required
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    question_set = selectors.get_question_set(pk)
    form = QuestionForm(request.POST or None, question_set=question_set)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_add(question_set=question_set, actor=request.user, data=form.to_data())
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            _version_message(request, question_set, question.question_set)
            messages.success(request, f"Added “{question.text}”.")
            return redirect("surveys:questionset_detail", question.question_set_id)
    return render(
        request, "surveys/staff_question_form.html", {"form": form, "question_set": question_set, "question": None}
    )


@hub_staff_required
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = selectors.get_question(pk)
    question_set = question.question_set
    form = QuestionForm(request.POST or None, question_set=question_set, question=question)
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.question_update(question=question, actor=request.user, data=form.to_data())
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            _version_message(request, question_set, updated.question_set)
            messages.success(request, f"Saved “{updated.text}”.")
            return redirect("surveys:questionset_detail", updated.question_set_id)
    return render(
        request,
        "surveys/staff_question_form.html",
        {"form": form, "question_set": question_set, "question": question},
    )


@hub_staff_required
@require_POST
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = selectors.get_question(pk)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    try:
        moved = services.question_move(question=question, actor=request.user, direction=direction)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("surveys:questionset_detail", question.question_set_id)
    _version_message(request, question.question_set, moved.question_set)
    return redirect(reverse("surveys:questionset_detail", args=[moved.question_set_id]) + f"#question-{moved.pk}")


@hub_staff_required
@require_POST
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = selectors.get_question(pk)
    try:
        target = services.question_delete(question=question, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("surveys:questionset_detail", question.question_set_id)
    _version_message(request, question.question_set, target)
    messages.success(request, f"Removed “{question.text}”.")
    return redirect("surveys:questionset_detail", target.pk)


@hub_staff_required
def questionset_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The set as a partner sees it, with two example outcomes for the per-outcome questions."""
    question_set = selectors.get_question_set(pk)
    outcomes = [
        Outcome(pk=-1, description="First agreed outcome (each partner sees its own)", measure="", target=""),
        Outcome(pk=-2, description="Second agreed outcome", measure="", target=""),
    ]
    form = ResponseForm(questions=selectors.questions_of(question_set), outcomes=outcomes)
    return render(request, "surveys/staff_questionset_preview.html", {"question_set": question_set, "form": form})


# Rounds ----------------------------------------------------------------------------------


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
    if export_format(request):
        columns = [
            ("Term", lambda r: str(r.term)),
            ("Question set", lambda r: str(r.question_set)),
            ("Deadline", lambda r: r.deadline),
            ("Requests", lambda r: r.n_requests),
            ("Submitted, awaiting review", lambda r: r.n_submitted),
            ("Accepted", lambda r: r.n_accepted),
            ("Still open", lambda r: r.n_open),
            ("Overdue", lambda r: r.n_overdue),
        ]
        return export_rows(request, filtered.qs, columns, "survey-rounds")
    return render(
        request,
        "surveys/staff_round_list.html",
        {
            "filter": filtered,
            "page": page_of(request, filtered.qs),
            "querystring": querystring(request),
            "can_open": permissions.may_open_round(request.user)[0],
        },
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
        try:
            survey_round, created = services.round_open(actor=request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
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
    chart = _chart([label for _, label, _ in buckets], ("Partners", [items.total for _, _, items in buckets]))
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
    if form.is_valid():
        try:
            services.round_change_deadline(
                survey_round=survey_round, deadline=form.cleaned_data["deadline"], actor=request.user
            )
        except ActionRefused as refusal:
            form.add_error("deadline", str(refusal))
        else:
            messages.success(request, f"The deadline is now {_date(form.cleaned_data['deadline'])}.")
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
    if export_format(request):
        columns = [
            ("Round", lambda r: str(r.round.term)),
            ("Partner", lambda r: r.partner.name),
            ("Status", lambda r: r.get_status_display()),
            ("Deadline", lambda r: r.deadline),
            ("Overdue", lambda r: "Yes" if r.is_overdue(today) else "No"),
            ("Submitted", lambda r: r.submitted_at),
            ("Reviewed", lambda r: r.reviewed_at),
        ]
        return export_rows(request, filtered.qs, columns, "survey-returns")
    return render(
        request,
        "surveys/staff_request_list.html",
        {
            "filter": filtered,
            "page": page_of(request, filtered.qs),
            "querystring": querystring(request),
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
    try:
        services.request_accept(survey_request=survey_request, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, f"Accepted {possessive(survey_request.partner.name)} {survey_request.round.term} survey."
        )
    return redirect("surveys:request_detail", survey_request.pk)


@hub_staff_required
@require_POST
def request_return(request: HttpRequest, pk: int) -> HttpResponse:
    survey_request = selectors.get_request_for(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.request_return(survey_request=survey_request, actor=request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"Returned the survey to {survey_request.partner} with your comment.")
            return redirect("surveys:request_detail", survey_request.pk)
    return _render_request_detail(request, survey_request, return_form=form)


# Reach -----------------------------------------------------------------------------------------


def _reach_scope(request: HttpRequest) -> tuple[Scope, dict]:
    choices = academic_year_choices(back=4, ahead=0)
    years = [y for y, _ in choices]
    year = int_param(request, "year", low=1900, high=2999)
    if year not in years:
        latest = (
            SurveyRequest.objects.filter(status__in=aggregates.COUNTED)
            .order_by("-round__term__academic_year")
            .values_list("round__term__academic_year", flat=True)
            .first()
        )
        year = latest if latest in years else current_academic_year().start_year
    term = request.GET.get("term", "")
    if term not in aggregates.TERMS:
        term = ""
    partner_id = int_param(request, "partner")
    return Scope(year=year, term=term, partner_id=partner_id), {"year_choices": choices}


@hub_staff_required
def reach(request: HttpRequest) -> HttpResponse:
    """Reach and its breakdowns, added up in the database, with charts."""
    scope, extra = _reach_scope(request)
    grid_codes = [codes.REACH_BY_ACTIVITY] + [code for code, _ in codes.BREAKDOWNS]
    figures = aggregates.reach_figures(scope, grid_codes)
    grids, headline, terms = figures["grids"], figures["headline"], figures["terms"]
    strands, partners = figures["strands"], figures["partners"]
    breakdowns = [(code, label, grids[code]) for code, label in codes.BREAKDOWNS]
    if export_format(request):
        rows = [("Total", "Children and young people reached", headline["reach"])]
        rows += [
            ("Total", "Schools worked with", headline["schools"]),
            ("Total", "Sessions delivered", headline["sessions"]),
        ]
        rows += [("Term", t["term"], t["reach"]) for t in terms]
        rows += [("Activity type", row, n) for row, n in grids[codes.REACH_BY_ACTIVITY]]
        rows += [(label, row, n) for _, label, cells in breakdowns for row, n in cells]
        rows += [("Strand", name, n) for name, n in strands]
        rows += [("Partner", p["partner"], p["reach"]) for p in partners]
        columns = [("Measure", lambda r: r[0]), ("Category", lambda r: r[1]), ("Count", lambda r: r[2])]
        return export_rows(request, rows, columns, f"reach-{AcademicYear(scope.year).label.replace('/', '-')}")
    years = figures["years"]
    charts = {
        "terms": _chart([t["term"] for t in terms], ("Children and young people", [t["reach"] for t in terms])),
        "years": _chart([y["year"] for y in years], ("Children and young people", [y["reach"] for y in years])),
        "activity": _chart(
            [r for r, _ in grids[codes.REACH_BY_ACTIVITY]],
            ("Taking part", [n for _, n in grids[codes.REACH_BY_ACTIVITY]]),
        ),
        "strands": _chart([name for name, _ in strands], ("Children and young people", [n for _, n in strands])),
    }
    breakdown_charts = [
        (code, label, cells, _chart([r for r, _ in cells], (label, [n for _, n in cells])))
        for code, label, cells in breakdowns
    ]
    return render(
        request,
        "surveys/staff_reach.html",
        {
            "scope": scope,
            "year_label": AcademicYear(scope.year).label,
            "headline": headline,
            "terms": terms,
            "activity": grids[codes.REACH_BY_ACTIVITY],
            "breakdowns": breakdown_charts,
            "strands": strands,
            "years_rows": [(y["year"], y["reach"]) for y in years],
            # A page of the partners at a time (a Hub of 2,000 has some 1,400 with returns); the export has them all.
            "partner_page": page_of(request, partners),
            # Partners with any survey request: a semi-join on the index, plain rows for the 1,400 options.
            "partner_choices": Partner.objects.filter(Exists(SurveyRequest.objects.filter(partner=OuterRef("pk"))))
            .order_by("name")
            .values("pk", "name"),
            "term_choices": [(t, aggregates.TERM_LABELS[t]) for t in aggregates.TERMS],
            "charts": charts,
            "querystring": querystring(request),
            **extra,
        },
    )


@hub_staff_required
def data_return(request: HttpRequest) -> HttpResponse:
    """The annual data-return workbook: schools worked with, and reach by activity and demographics."""
    scope, _ = _reach_scope(request)
    scope = Scope(year=scope.year)
    label = AcademicYear(scope.year).label
    term_labels = [aggregates.TERM_LABELS[t] for t in aggregates.TERMS]

    def schools():
        yield ["Partner", "Term", "School"]
        for answer in aggregates.schools_answers(scope):
            for line in answer.text.splitlines():
                if line.strip():
                    yield [answer.request.partner.name, str(answer.request.round.term), line.strip()]

    def reach_rows():
        yield ["Measure", "Category", *term_labels, "Year (sum of terms)"]
        terms = aggregates.by_term(scope)
        for key, name in [
            ("reach", "Children and young people reached"),
            ("schools", "Schools worked with"),
            ("sessions", "Sessions delivered"),
        ]:
            values = [t[key] for t in terms]
            yield ["Total", name, *values, sum(values)]
        grid_codes = [codes.REACH_BY_ACTIVITY] + [code for code, _ in codes.BREAKDOWNS]
        by_term = aggregates.grids_by_term(scope, grid_codes)
        labels = {codes.REACH_BY_ACTIVITY: "Activity type", **codes.BREAKDOWN_LABELS}
        for code in grid_codes:
            for row, per_term in by_term[code]:
                values = [per_term.get(t, 0) for t in aggregates.TERMS]
                yield [labels[code], row, *values, sum(values)]

    return xlsx_response(
        {"Schools": schools(), "Reach by activity, demographics": reach_rows()},
        f"hub-data-return-{label.replace('/', '-')}.xlsx",
    )


@hub_staff_required
def answer_export(request: HttpRequest) -> HttpResponse:
    """Every answer partners sent for one academic year's termly surveys (submitted, accepted
    or returned), one row per answer and per breakdown row: CSV streamed as it is read, or
    XLSX written a chunk at a time to a temporary file. Without a year (?year=2025 for
    2025/26), the newest year partners have sent returns for."""
    year = int_param(request, "year", low=1900, high=2999)
    if year is None:
        years = aggregates.answer_years()
        year = years[0] if years else current_academic_year().start_year
    columns = [(header, itemgetter(i)) for i, header in enumerate(aggregates.ANSWER_HEADERS)]
    basename = f"survey-answers-{AcademicYear(year).label.replace('/', '-')}"
    return export_rows(request, aggregates.year_answer_rows(year), columns, basename)


# Evaluations, staff side -------------------------------------------------------------------------


@hub_staff_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    projects = (
        selectors.projects_owing_evaluation()
        .select_related("partner", "evaluation")
        .order_by("evaluation_due_on", "partner__name")
    )
    filtered = EvaluationFilter(request.GET, queryset=projects)

    def state(agreement):
        evaluation = selectors.evaluation_of(agreement)
        return evaluation.get_status_display() if evaluation else "Not started"

    if export_format(request):
        columns = [
            ("Project", lambda a: a.title),
            ("Partner", lambda a: a.partner.name),
            ("Evaluation due", lambda a: a.evaluation_due_on),
            ("Evaluation", state),
            ("Hub contribution", lambda a: a.hub_contribution),
            ("Match funding committed", lambda a: a.match_funding_commitment),
            ("Actual spend", lambda a: getattr(selectors.evaluation_of(a), "actual_spend", None)),
            ("Match funding raised", lambda a: getattr(selectors.evaluation_of(a), "actual_match_funding", None)),
            ("Actual reach", lambda a: getattr(selectors.evaluation_of(a), "actual_reach", None)),
        ]
        return export_rows(request, filtered.qs, columns, "project-evaluations")
    page = page_of(request, filtered.qs)
    rows = [(a, selectors.evaluation_of(a)) for a in page]
    return render(
        request,
        "surveys/staff_evaluation_list.html",
        {"filter": filtered, "page": page, "rows": rows, "querystring": querystring(request), "today": today},
    )


def _render_evaluation_detail(request, evaluation, *, return_form=None):
    agreement = evaluation.agreement
    budget = (agreement.hub_contribution or 0) + (agreement.match_funding_commitment or 0)
    return render(
        request,
        "surveys/staff_evaluation_detail.html",
        {
            "evaluation": evaluation,
            "agreement": agreement,
            "results": evaluation.outcome_results.select_related("outcome"),
            "outcomes_without_result": Outcome.objects.filter(agreement=agreement).exclude(
                results__evaluation=evaluation
            ),
            "budget": budget,
            "spend_difference": (evaluation.actual_spend - budget) if evaluation.actual_spend is not None else None,
            "case_studies": selectors.with_consent_parts(evaluation.case_studies.all()),
            "can_review": permissions.may_review_evaluation(request.user, evaluation)[0],
            "return_form": return_form or EvaluationReturnForm(),
            "history": history_for(evaluation),
        },
    )


@hub_staff_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_evaluation_detail(request, selectors.get_evaluation_for(request.user, pk))


@hub_staff_required
@require_POST
def evaluation_accept(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.get_evaluation_for(request.user, pk)
    try:
        services.evaluation_accept(evaluation=evaluation, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Accepted the evaluation.")
    return redirect("surveys:evaluation_detail", evaluation.pk)


@hub_staff_required
@require_POST
def evaluation_return(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.get_evaluation_for(request.user, pk)
    form = EvaluationReturnForm(request.POST)
    if form.is_valid():
        try:
            services.evaluation_return(evaluation=evaluation, actor=request.user, comment=form.cleaned_data["comment"])
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "Returned the evaluation to the partner with your comment.")
            return redirect("surveys:evaluation_detail", evaluation.pk)
    return _render_evaluation_detail(request, evaluation, return_form=form)


# Case studies, staff side ------------------------------------------------------------------------


def _export_use(request: HttpRequest) -> str:
    use = request.GET.get("use", "")
    return use if use in USE_LABELS else Consent.Use.HUB_REPORTS


@hub_staff_required
def case_study_list(request: HttpRequest) -> HttpResponse:
    case_studies = selectors.with_consent_parts(selectors.case_studies_for(request.user))
    filtered = CaseStudyFilter(request.GET, queryset=case_studies)
    use = _export_use(request)
    if export_format(request):
        # Only what consent covers for the chosen use leaves the portal. Read a chunk
        # at a time, with its consents and images, as the file is written.
        today = timezone.localdate()
        usable = rows_by_chunk(
            filtered.qs, lambda chunk: [cs for cs in chunk if not consent_blocker(cs, use=use, today=today)]
        )
        columns = [
            ("Title", lambda cs: cs.title),
            ("Partner", lambda cs: cs.partner.name),
            ("Story", lambda cs: cs.story),
            ("Quotes", lambda cs: cs.quotes),
            ("Status", lambda cs: cs.get_status_display()),
            ("Consent for", lambda cs: str(USE_LABELS[use])),
        ]
        return export_rows(request, usable, columns, "case-studies")
    page = page_of(request, filtered.qs)
    rows = [(cs, consent_blocker(cs, use=use), consent_blocker(cs, use=PUBLISH_USE)) for cs in page]
    return render(
        request,
        "surveys/staff_case_study_list.html",
        {
            "filter": filtered,
            "page": page,
            "rows": rows,
            "use": use,
            "use_label": USE_LABELS[use],
            "uses": Consent.Use.choices,
            "left_out": sum(1 for _, blocker, _ in rows if blocker),
            "querystring": querystring(request),
        },
    )


@hub_staff_required
def case_study_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case_study = selectors.get_case_study_for(request.user, pk)
    today = timezone.localdate()
    return render(
        request,
        "surveys/staff_case_study_detail.html",
        {
            "case_study": case_study,
            "blockers": [
                (label, consent_blocker(case_study, use=use, today=today)) for use, label in Consent.Use.choices
            ],
            "publish_blocker": consent_blocker(case_study, use=PUBLISH_USE, today=today),
            "can_publish": permissions.may_publish_case_study(request.user, case_study)[0],
            "can_unpublish": permissions.may_unpublish_case_study(request.user, case_study)[0],
            "history": history_for(case_study),
            "today": today,
        },
    )


@hub_staff_required
@require_POST
def case_study_publish(request: HttpRequest, pk: int) -> HttpResponse:
    case_study = selectors.get_case_study_for(request.user, pk)
    try:
        services.case_study_publish(case_study=case_study, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Published “{case_study.title}”.")
    return redirect("surveys:case_study_detail", case_study.pk)


@hub_staff_required
@require_POST
def case_study_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    case_study = selectors.get_case_study_for(request.user, pk)
    try:
        services.case_study_unpublish(case_study=case_study, actor=request.user, note=request.POST.get("note", ""))
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Took down “{case_study.title}”; the partner can change it again.")
    return redirect("surveys:case_study_detail", case_study.pk)


# Income, staff side -------------------------------------------------------------------------------


# The by-partner table's sorts (it comes sorted by partner name); a partner with no grant has no ratio and goes last.
INCOME_SORTS = {
    "-income": (lambda r: (r["income"], r["partner"]), True),
    "-grant": (lambda r: (r["grant"], r["partner"]), True),
    "-ratio": (lambda r: (r["ratio"] is not None, r["ratio"] or 0), True),
    "ratio": (lambda r: (r["ratio"] is None, r["ratio"] or 0), False),
}
INCOME_SORT_LABELS = [
    ("", "Partner, A to Z"),
    ("-income", "Most income first"),
    ("-grant", "Most Hub Grant first"),
    ("-ratio", "Highest income per £1 first"),
    ("ratio", "Lowest income per £1 first"),
]


@hub_staff_required
def income(request: HttpRequest) -> HttpResponse:
    """Partner-generated income against Hub Grant awarded, hub-wide and per partner."""
    choices = academic_year_choices(back=4, ahead=0)
    year = int_param(request, "year", low=1900, high=2999) or current_academic_year().start_year
    if year not in [y for y, _ in choices]:
        year = current_academic_year().start_year
    by_partner = aggregates.income_by_partner(year)
    sort = request.GET.get("sort", "")
    if sort in INCOME_SORTS:
        key, descending = INCOME_SORTS[sort]
        by_partner.sort(key=key, reverse=descending)
    if export_format(request):
        columns = [
            ("Partner", lambda r: r["partner"]),
            *[(label, lambda r, s=source: r["by_source"][s]) for source, label in IncomeRecord.Source.choices],
            ("Income secured", lambda r: r["income"]),
            ("Hub Grant awarded", lambda r: r["grant"]),
            ("Income per £1 of Hub Grant", lambda r: r["ratio"]),
        ]
        return export_rows(request, by_partner, columns, f"income-{AcademicYear(year).label.replace('/', '-')}")
    yearly = aggregates.income_against_grant()
    this_year = next((y for y in yearly if y["year"] == year), None)
    return render(
        request,
        "surveys/staff_income.html",
        {
            "year": year,
            "year_label": AcademicYear(year).label,
            "year_choices": choices,
            "yearly": yearly,
            "this_year": this_year,
            "page": page_of(request, by_partner),
            "sort": sort if sort in INCOME_SORTS else "",
            "sort_choices": INCOME_SORT_LABELS,
            "sources": IncomeRecord.Source.choices,
            # Amounts go to the chart as strings (Decimal, never float); the tables show the exact figures.
            "chart": _chart(
                [y["label"] for y in yearly],
                ("Partner-generated income (£)", [str(y["income"]) for y in yearly]),
                ("Hub Grant awarded (£)", [str(y["grant"]) for y in yearly]),
            ),
            "querystring": querystring(request),
        },
    )


@hub_staff_required
def income_records(request: HttpRequest) -> HttpResponse:
    records = IncomeRecord.objects.select_related("partner", "recorded_by").order_by("-academic_year", "partner__name")
    filtered = IncomeFilter(request.GET, queryset=records)
    if export_format(request):
        columns = [
            ("Partner", lambda r: r.partner.name),
            ("Academic year", lambda r: AcademicYear(r.academic_year).label),
            ("Source", lambda r: r.get_source_display()),
            ("Description", lambda r: r.description),
            ("Amount", lambda r: r.amount),
            ("Recorded by", lambda r: str(r.recorded_by)),
            ("Recorded", lambda r: r.recorded_at),
        ]
        return export_rows(request, filtered.qs, columns, "income-records")
    return render(
        request,
        "surveys/staff_income_records.html",
        {"filter": filtered, "page": page_of(request, filtered.qs), "querystring": querystring(request)},
    )
