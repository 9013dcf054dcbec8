"""Staff pages for project evaluations and case studies."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from agreements.models import Outcome
from hubportal.core.actions import attempt
from hubportal.core.exports import export_format, export_rows, rows_by_chunk
from hubportal.core.history import history_for
from hubportal.core.listpage import list_page
from hubportal.core.lists import page_of, querystring
from hubportal.core.roles import hub_staff_required
from surveys import permissions, selectors, services
from surveys.consent import PUBLISH_USE, USE_LABELS, consent_blocker
from surveys.filters import CaseStudyFilter, EvaluationFilter
from surveys.forms import EvaluationReturnForm
from surveys.models import Consent
from surveys.views.shared import evaluation_state

# Evaluations, staff side -------------------------------------------------------------------------


EVALUATION_COLUMNS = [
    ("Project", lambda a: a.title),
    ("Partner", lambda a: a.partner.name),
    ("Evaluation due", lambda a: a.evaluation_due_on),
    ("Evaluation", evaluation_state),
    ("Hub contribution", lambda a: a.hub_contribution),
    ("Match funding committed", lambda a: a.match_funding_commitment),
    ("Actual spend", lambda a: getattr(selectors.evaluation_of(a), "actual_spend", None)),
    ("Match funding raised", lambda a: getattr(selectors.evaluation_of(a), "actual_match_funding", None)),
    ("Actual reach", lambda a: getattr(selectors.evaluation_of(a), "actual_reach", None)),
]


@hub_staff_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    projects = (
        selectors.projects_owing_evaluation()
        .select_related("partner", "evaluation")
        .order_by("evaluation_due_on", "partner__name")
    )
    filtered = EvaluationFilter(request.GET, queryset=projects)
    return list_page(
        request,
        filtered,
        "surveys/staff_evaluation_list.html",
        columns=EVALUATION_COLUMNS,
        basename="project-evaluations",
        context=lambda page: {
            "rows": [(a, selectors.evaluation_of(a)) for a in page],
            "today": timezone.localdate(),
        },
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
    attempt(
        request,
        lambda: services.evaluation_accept(evaluation=evaluation, actor=request.user),
        "Accepted the evaluation.",
    )
    return redirect("surveys:evaluation_detail", evaluation.pk)


@hub_staff_required
@require_POST
def evaluation_return(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.get_evaluation_for(request.user, pk)
    form = EvaluationReturnForm(request.POST)
    if form.is_valid() and attempt(
        request,
        lambda: services.evaluation_return(
            evaluation=evaluation, actor=request.user, comment=form.cleaned_data["comment"]
        ),
        "Returned the evaluation to the partner with your comment.",
    ):
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
    attempt(
        request,
        lambda: services.case_study_publish(case_study=case_study, actor=request.user),
        f"Published “{case_study.title}”.",
    )
    return redirect("surveys:case_study_detail", case_study.pk)


@hub_staff_required
@require_POST
def case_study_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    case_study = selectors.get_case_study_for(request.user, pk)
    attempt(
        request,
        lambda: services.case_study_unpublish(
            case_study=case_study, actor=request.user, note=request.POST.get("note", "")
        ),
        f"Took down “{case_study.title}”; the partner can change it again.",
    )
    return redirect("surveys:case_study_detail", case_study.pk)
