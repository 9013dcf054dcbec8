"""Pages for partner users, in the partner portal."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from agreements.models import Outcome
from hubportal.core.academic_years import AcademicYear
from hubportal.core.actions import attempt
from hubportal.core.errors import ActionRefused
from hubportal.core.exports import export_format, export_rows
from hubportal.core.listpage import list_page
from hubportal.core.lists import page_of, querystring
from hubportal.core.roles import partner_required
from partners.models import Partner
from surveys import aggregates, permissions, selectors, services
from surveys.consent import PUBLISH_USE, consent_blocker
from surveys.filters import (
    PortalCaseStudyFilter,
    PortalEvaluationFilter,
    PortalIncomeFilter,
    PortalRequestFilter,
)
from surveys.forms import (
    CaseStudyForm,
    ConsentForm,
    EvaluationForm,
    ImageForm,
    IncomeForm,
)
from surveys.models import ProjectEvaluation, SurveyRequest
from surveys.response_form import ResponseForm
from surveys.views.shared import evaluation_state

# The partner portal -----------------------------------------------------------------------------------

# What the partner is told once the Hub has their answers, sent from the form or from its check page.
SURVEY_SUBMITTED = "Thank you: your survey is submitted. The Hub will review it."
EVALUATION_SUBMITTED = "Thank you: your evaluation is submitted. The Hub will review it."


@partner_required
def portal_surveys(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    requests = (
        SurveyRequest.objects.visible_to(request.user)
        .select_related("round__term")
        .order_by("-round__term__academic_year", "-round__term__starts_on")
    )
    found = PortalRequestFilter(request.GET, queryset=requests)
    columns = [
        ("Survey", lambda r: str(r.round.term)),
        ("Status", lambda r: r.get_status_display()),
        ("Deadline", lambda r: r.deadline),
        ("Overdue", lambda r: "Yes" if r.is_overdue(today) else "No"),
        ("Submitted", lambda r: r.submitted_at),
    ]
    return list_page(
        request, found, "surveys/portal_surveys.html", columns=columns, basename="our-surveys", context={"today": today}
    )


def _render_portal_request(request, survey_request, form, *, status=200):
    return render(
        request,
        "surveys/portal_request.html",
        {
            "survey_request": survey_request,
            "form": form,
            "can_fill": permissions.may_fill(request.user, survey_request)[0],
            "today": timezone.localdate(),
        },
        status=status,
    )


@partner_required
def portal_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Fill in the survey: save a draft any time; submit checks everything."""
    survey_request = selectors.get_request_for(request.user, pk)
    parts = selectors.response_parts(survey_request)
    if request.method != "POST":
        return _render_portal_request(request, survey_request, ResponseForm(**parts))
    allowed, reason = permissions.may_fill(request.user, survey_request)
    if not allowed:
        messages.error(request, reason)
        return redirect("surveys:portal_request", survey_request.pk)
    checking = request.POST.get("action") == "check"  # on to check the answers before submitting
    submitting = checking or request.POST.get("action") == "submit"
    form = ResponseForm(request.POST, submitting=submitting, **parts)
    valid = form.is_valid()
    # Submitted only when complete and not first checked; a draft, a submission with
    # problems, or answers on their way to be checked are saved: all that could be read.
    service = services.request_submit if submitting and valid and not checking else services.request_save
    if not attempt(
        request, lambda: service(survey_request=survey_request, actor=request.user, values=form.answer_values())
    ):
        return _render_portal_request(request, selectors.get_request_for(request.user, pk), form)
    if checking and valid:
        return redirect("surveys:portal_request_check", survey_request.pk)
    if submitting and valid:
        messages.success(request, SURVEY_SUBMITTED)
        return redirect("surveys:portal_request", survey_request.pk)
    if valid:
        messages.success(request, "Your answers are saved as a draft. Submit when you are ready.")
        return redirect("surveys:portal_request", survey_request.pk)
    if not submitting:  # a refused submission's problems are in the error summary, once
        messages.warning(
            request,
            "Your draft is saved, except the answers marked below: correct them and save again.",
        )
    survey_request.refresh_from_db()
    return _render_portal_request(request, survey_request, form)


def _evaluation_overdue(agreement, today) -> bool:
    evaluation = selectors.evaluation_of(agreement)
    due = agreement.evaluation_due_on
    return bool(due and due < today and (evaluation is None or evaluation.is_editable))


@partner_required
def portal_evaluations(request: HttpRequest) -> HttpResponse:
    """The partner's completed projects owing an evaluation, and their case
    studies: two lists, each filtered, sorted, paged and exported apart
    (``list=case-studies`` picks the second for an export)."""
    today = timezone.localdate()
    projects = (
        selectors.projects_owing_evaluation()
        .filter(partner_id=request.user.partner_id)
        .select_related("evaluation")
        .order_by("evaluation_due_on", "pk")
    )
    projects = PortalEvaluationFilter(request.GET, queryset=projects)
    case_studies = selectors.with_consent_parts(selectors.case_studies_for(request.user).order_by("-created_at", "-pk"))
    case_studies = PortalCaseStudyFilter(request.GET, queryset=case_studies, prefix="cs")
    if export_format(request) and request.GET.get("list") == "case-studies":
        columns = [
            ("Title", lambda cs: cs.title),
            ("Status", lambda cs: cs.get_status_display()),
            ("Tells a young person's story", lambda cs: "yes" if cs.about_young_person else "no"),
            (
                "Consent",
                lambda cs: "Consent for publishing needed" if consent_blocker(cs, use=PUBLISH_USE) else "In order",
            ),
            ("Project", lambda cs: cs.evaluation.agreement.title if cs.evaluation_id else ""),
            ("Written", lambda cs: cs.created_at),
            ("Published", lambda cs: cs.published_at),
        ]
        return export_rows(request, case_studies.qs, columns, "our-case-studies")
    if export_format(request):
        columns = [
            ("Project", lambda a: a.title),
            ("Evaluation due", lambda a: a.evaluation_due_on),
            ("Evaluation", evaluation_state),
            ("Overdue", lambda a: "yes" if _evaluation_overdue(a, today) else "no"),
            ("Submitted", lambda a: getattr(selectors.evaluation_of(a), "submitted_at", None)),
            ("Hub contribution", lambda a: a.hub_contribution),
            ("Match funding committed", lambda a: a.match_funding_commitment),
        ]
        return export_rows(request, projects.qs, columns, "our-project-evaluations")
    project_page = page_of(request, projects.qs)
    case_study_page = page_of(request, case_studies.qs, param="cs-page")
    kept = querystring(request, drop=("page", "cs-page", "export", "list"))

    def chosen(form) -> list[tuple[str, str]]:
        # Each form carries the other list's choices as they were typed, so filtering one keeps the other.
        return [(field.html_name, value) for field in form for value in request.GET.getlist(field.html_name) if value]

    return render(
        request,
        "surveys/portal_evaluations.html",
        {
            "case_study_choices": chosen(case_studies.form),
            "evaluation_choices": chosen(projects.form),
            "filter": projects,
            "case_study_filter": case_studies,
            "page": project_page,
            "case_study_page": case_study_page,
            "projects": [(a, selectors.evaluation_of(a)) for a in project_page],
            "case_studies": [(cs, consent_blocker(cs, use=PUBLISH_USE)) for cs in case_study_page],
            "querystring": kept,
            "case_study_querystring": f"{kept}&list=case-studies" if kept else "list=case-studies",
            "today": today,
        },
    )


def _render_portal_evaluation(request, agreement, evaluation, form):
    outcomes_budget = (agreement.hub_contribution or 0) + (agreement.match_funding_commitment or 0)
    return render(
        request,
        "surveys/portal_evaluation.html",
        {
            "agreement": agreement,
            "evaluation": evaluation,
            "form": form,
            "budget": outcomes_budget,
            "can_edit": permissions.may_edit_evaluation(request.user, agreement, evaluation)[0],
            "case_studies": evaluation.case_studies.all() if evaluation else [],
            "today": timezone.localdate(),
        },
    )


@partner_required
def portal_evaluation(request: HttpRequest, agreement_pk: int) -> HttpResponse:
    agreement = selectors.get_project_for(request.user, agreement_pk)
    evaluation = selectors.evaluation_of(agreement)
    outcomes = Outcome.objects.filter(agreement=agreement).order_by("order", "pk")
    instance = evaluation or ProjectEvaluation(agreement=agreement)
    form = EvaluationForm(request.POST or None, instance=instance, outcomes=outcomes)
    allowed, reason = permissions.may_edit_evaluation(request.user, agreement, evaluation)
    if request.method == "POST" and not allowed:
        messages.error(request, reason)
        return redirect("surveys:portal_evaluation", agreement.pk)
    if request.method == "POST":
        if form.is_valid():
            action = request.POST.get("action")
            submitting = action == "submit"
            answers = {"agreement": agreement, "actor": request.user, "data": form.evaluation_data()}

            def save():
                # Saved first, so a submission refused for something missing keeps what was typed.
                saved = services.evaluation_save(**answers, results=form.results())
                missing = services.evaluation_missing_fields(saved) if action == "check" else []
                if missing:
                    raise ActionRefused(
                        "", problems=[(name, f"Add {label} before you submit.") for name, label in missing]
                    )
                if submitting:
                    services.evaluation_submit(**answers, results=form.results())

            # A refusal's problems go each on its field, and in the summary, once.
            if not attempt(request, save, form=form):
                return _render_portal_evaluation(
                    request,
                    agreement,
                    selectors.evaluation_of(selectors.get_project_for(request.user, agreement_pk)),
                    form,
                )
            if action == "check":
                return redirect("surveys:portal_evaluation_check", agreement.pk)
            messages.success(
                request,
                EVALUATION_SUBMITTED if submitting else "Your evaluation is saved as a draft.",
            )
            return redirect("surveys:portal_evaluation", agreement.pk)
        messages.error(request, "Nothing was saved: correct the answers marked below.")
    return _render_portal_evaluation(request, agreement, evaluation, form)


@partner_required
def portal_case_study_create(request: HttpRequest) -> HttpResponse:
    partner = get_object_or_404(Partner.objects.visible_to(request.user), pk=request.user.partner_id)
    form = CaseStudyForm(
        request.POST or None, partner=partner, initial={"evaluation": request.GET.get("evaluation") or None}
    )
    if request.method == "POST" and form.is_valid():
        case_study = services.case_study_create(partner=partner, actor=request.user, data=form.cleaned_data)
        messages.success(request, "Case study saved. Record the consent you hold and add any images.")
        return redirect("surveys:portal_case_study", case_study.pk)
    return render(request, "surveys/portal_case_study_form.html", {"form": form, "case_study": None})


@partner_required
def portal_case_study(request: HttpRequest, pk: int) -> HttpResponse:
    case_study = selectors.get_case_study_for(request.user, pk)
    can_edit, refusal = permissions.may_edit_case_study(request.user, case_study)
    form = CaseStudyForm(request.POST or None, instance=case_study, partner=case_study.partner)
    if request.method == "POST":
        if not can_edit:
            messages.error(request, refusal)
            return redirect("surveys:portal_case_study", case_study.pk)
        if form.is_valid():
            services.case_study_update(case_study=case_study, actor=request.user, data=form.cleaned_data)
            messages.success(request, "Case study saved.")
            return redirect("surveys:portal_case_study", case_study.pk)
    today = timezone.localdate()
    return render(
        request,
        "surveys/portal_case_study.html",
        {
            "case_study": case_study,
            "form": form,
            "can_edit": can_edit,
            "publish_blocker": consent_blocker(case_study, use=PUBLISH_USE, today=today),
            "today": today,
        },
    )


@partner_required
def portal_consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    case_study = selectors.get_case_study_for(request.user, pk)
    form = ConsentForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: services.consent_record(case_study=case_study, actor=request.user, data=form.cleaned_data),
            "Consent recorded.",
        )
    ):
        return redirect("surveys:portal_case_study", case_study.pk)
    return render(request, "surveys/portal_consent_form.html", {"form": form, "case_study": case_study})


@partner_required
@require_POST
def portal_consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = selectors.get_consent_for(request.user, pk)
    attempt(
        request,
        lambda: services.consent_withdraw(consent=consent, actor=request.user),
        f"Recorded that {consent.given_by} withdrew consent.",
    )
    return redirect("surveys:portal_case_study", consent.case_study_id)


@partner_required
def portal_image_add(request: HttpRequest, pk: int) -> HttpResponse:
    case_study = selectors.get_case_study_for(request.user, pk)
    form = ImageForm(request.POST or None, request.FILES or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: services.image_add(case_study=case_study, actor=request.user, **form.cleaned_data),
            "Image added.",
        )
    ):
        return redirect("surveys:portal_case_study", case_study.pk)
    return render(request, "surveys/portal_image_form.html", {"form": form, "case_study": case_study})


@partner_required
@require_POST
def portal_image_delete(request: HttpRequest, pk: int) -> HttpResponse:
    image = selectors.get_image_for(request.user, pk)
    attempt(request, lambda: services.image_delete(image=image, actor=request.user), "Image removed.")
    return redirect("surveys:portal_case_study", image.case_study_id)


PORTAL_INCOME_COLUMNS = [
    ("Academic year", lambda r: AcademicYear(r.academic_year).label),
    ("Source", lambda r: r.get_source_display()),
    ("Description", lambda r: r.description),
    ("Amount", lambda r: r.amount),
]


@partner_required
def portal_income(request: HttpRequest) -> HttpResponse:
    partner = get_object_or_404(Partner.objects.visible_to(request.user), pk=request.user.partner_id)
    records = (
        selectors.income_for(request.user).select_related("recorded_by").order_by("-academic_year", "-recorded_at")
    )
    # Prefixed: the form to record income on the same page has fields of the same names.
    records = PortalIncomeFilter(request.GET, queryset=records, prefix="filter")
    form = IncomeForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: services.income_record(partner=partner, actor=request.user, **form.cleaned_data),
            "Income recorded.",
        )
    ):
        return redirect("surveys:portal_income")
    return list_page(
        request,
        records,
        "surveys/portal_income.html",
        columns=PORTAL_INCOME_COLUMNS,
        basename="our-income",
        context=lambda page: {"form": form, "years": aggregates.partner_income(partner.pk)},
    )


@partner_required
@require_POST
def portal_income_delete(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_income_for(request.user, pk)
    services.income_delete(income=record, actor=request.user)
    messages.success(request, "Income record removed.")
    return redirect("surveys:portal_income")


@partner_required
@require_http_methods(["GET", "POST"])
def portal_request_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers: the saved draft, each answer with a link back to
    change it, and the submit button. Submitting checks the saved answers
    again as the form does; any problem goes back to the form, marked."""
    survey_request = selectors.get_request_for(request.user, pk)
    if not permissions.may_fill(request.user, survey_request)[0]:
        return redirect("surveys:portal_request", survey_request.pk)
    parts = selectors.response_parts(survey_request)
    stored = ResponseForm(**parts)
    problem_links = []
    if request.method == "POST":
        form = ResponseForm(stored.stored_data(), submitting=True, **parts)
        if not form.is_valid():
            return _render_portal_request(request, survey_request, form)
        try:
            services.request_submit(survey_request=survey_request, actor=request.user, values=form.answer_values())
        except ActionRefused as refusal:
            problem_links = [("#check-answers-submit", str(refusal))]
        else:
            messages.success(request, SURVEY_SUBMITTED)
            return redirect("surveys:portal_request", survey_request.pk)
    return render(
        request,
        "surveys/portal_request_check.html",
        {"survey_request": survey_request, "form": stored, "problem_links": problem_links},
    )


@partner_required
@require_http_methods(["GET", "POST"])
def portal_evaluation_check(request: HttpRequest, agreement_pk: int) -> HttpResponse:
    """Check your answers: the saved evaluation, each answer with a link back to change it, and the submit button."""
    agreement = selectors.get_project_for(request.user, agreement_pk)
    evaluation = selectors.evaluation_of(agreement)
    if evaluation is None or not permissions.may_edit_evaluation(request.user, agreement, evaluation)[0]:
        return redirect("surveys:portal_evaluation", agreement.pk)
    outcomes = list(Outcome.objects.filter(agreement=agreement).order_by("order", "pk"))
    results = {r.outcome_id: r for r in evaluation.outcome_results.all()}
    if request.method == "POST":
        data = {name: getattr(evaluation, name) for name in EvaluationForm._meta.fields}
        kept = {
            o.pk: {
                "achieved": results[o.pk].achieved if o.pk in results else "",
                "met_target": results[o.pk].met_target if o.pk in results else False,
                "commentary": results[o.pk].commentary if o.pk in results else "",
            }
            for o in outcomes
        }
        # The saved answers as the form shows them: refused, they go back to it, each problem marked.
        form = EvaluationForm(
            {**{k: "" if v is None else v for k, v in data.items()}, **_result_data(kept)},
            instance=evaluation,
            outcomes=outcomes,
        )
        form.is_valid()
        if attempt(
            request,
            lambda: services.evaluation_submit(agreement=agreement, actor=request.user, data=data, results=kept),
            EVALUATION_SUBMITTED,
            form=form,
        ):
            return redirect("surveys:portal_evaluation", agreement.pk)
        return _render_portal_evaluation(request, agreement, evaluation, form)
    labels = {name: field.label for name, field in EvaluationForm.base_fields.items()}
    figures = [
        (labels[n], getattr(evaluation, n), f"id_{n}") for n in ("actual_reach", "actual_spend", "actual_match_funding")
    ]
    rows = []
    for o in outcomes:
        r = results.get(o.pk)
        value = f"{r.achieved} ({'target met' if r.met_target else 'target not met'})" if r and r.achieved else ""
        if r and r.commentary:
            value = f"{value} {r.commentary}".strip()
        rows.append((f"{o.description} (target: {o.target})", value, f"id_achieved_{o.pk}"))
    learning = [(labels[n], getattr(evaluation, n), f"id_{n}") for n in ("learning", "legacy")]
    return render(
        request,
        "surveys/portal_evaluation_check.html",
        {
            "agreement": agreement,
            "evaluation": evaluation,
            "sections": [
                ("Outcomes against targets", rows),
                ("Reach, spend and match funding", figures),
                ("Learning and legacy", learning),
            ],
        },
    )


def _result_data(results: dict[int, dict]) -> dict:
    data = {}
    for pk, r in results.items():
        data[f"achieved_{pk}"] = r["achieved"]
        data[f"commentary_{pk}"] = r["commentary"]
        if r["met_target"]:
            data[f"met_target_{pk}"] = "on"
    return data
