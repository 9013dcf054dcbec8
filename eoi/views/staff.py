"""Pages for Hub staff and assessors."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from eoi import permissions as perms
from eoi import selectors, services
from eoi.filters import (
    GAP_SORTS,
    MATRIX_SORTS,
    AssessmentFilter,
    CallFilter,
    EoiFilter,
    GapFilter,
    MatrixFilter,
    NeedsAnalysisFilter,
)
from eoi.forms import (
    AssignForm,
    AwardForm,
    CallForm,
    ConflictForm,
    CriterionFormSet,
    DecisionForm,
    GapForm,
    ModerationForm,
    NeedsAnalysisForm,
    ScoreForm,
)
from eoi.funding import check_eoi
from eoi.models import Call, ExpressionOfInterest, Gap, NeedsAnalysis
from eoi.views.shared import _agreement_of, _money_context, _share
from hubportal.core.actions import attempt, forbid_unless
from hubportal.core.exports import export_format, export_rows
from hubportal.core.history import history_for
from hubportal.core.hub import match_funding_floor
from hubportal.core.listpage import list_page
from hubportal.core.lists import page_of, querystring
from hubportal.core.roles import hub_staff_required, hub_team_required, is_assessor, role_required

assessor_required = role_required(is_assessor, "This page is for assessors.")


# --- Needs analyses and gaps (staff) ------------------------------------------


NEEDS_COLUMNS = [
    ("Academic year", lambda a: a.year.label),
    ("Title", lambda a: a.title),
    ("Gaps in provision", lambda a: a.gap_count),
    ("High-priority gaps", lambda a: a.high_count),
    ("Summary", lambda a: a.summary),
    ("Updated", lambda a: a.updated_at),
]


@hub_staff_required
def needs_list(request: HttpRequest) -> HttpResponse:
    analyses = NeedsAnalysis.objects.annotate(
        gap_count=Count("gaps"), high_count=Count("gaps", filter=Q(gaps__priority=Gap.Priority.HIGH))
    ).order_by("-academic_year")
    found = NeedsAnalysisFilter(request.GET, queryset=analyses)
    return list_page(request, found, "eoi/needs_list.html", columns=NEEDS_COLUMNS, basename="needs-analyses")


@hub_staff_required
def needs_create(request: HttpRequest) -> HttpResponse:
    form = NeedsAnalysisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            request,
            lambda: services.needs_analysis_save(actor=request.user, **form.cleaned_data),
            "Needs analysis created. Now record the gaps in provision it found.",
            form=form,
        )
        if saved:
            return redirect("eoi:needs_detail", pk=saved.result.pk)
    return render(request, "eoi/needs_form.html", {"form": form})


@hub_staff_required
def needs_edit(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_needs_analysis(pk)
    form = NeedsAnalysisForm(request.POST or None, instance=analysis)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "academic_year"}
        services.needs_analysis_save(actor=request.user, analysis=analysis, **data)
        messages.success(request, "Needs analysis saved.")
        return redirect("eoi:needs_detail", pk=analysis.pk)
    return render(request, "eoi/needs_form.html", {"form": form, "analysis": analysis})


def _names(related) -> str:
    return "; ".join(str(item) for item in related.all())


GAP_COLUMNS = [
    ("Gap", lambda g: g.title),
    ("What is missing", lambda g: g.description),
    ("For", lambda g: _names(g.target_groups)),
    ("Genre or instrument", lambda g: g.genre_or_instrument),
    ("Districts", lambda g: _names(g.districts) or "Hub-wide"),
    ("National Plan strand", lambda g: g.strand.name),
    ("Priority", lambda g: g.get_priority_display()),
    ("Indicative budget", lambda g: g.indicative_budget),
    ("Evidence", lambda g: g.evidence),
    ("Calls", lambda g: _names(g.calls)),
]


@hub_staff_required
def needs_detail(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_needs_analysis(pk)
    gaps = GapFilter(request.GET, queryset=selectors.gaps_of(analysis).order_by(*GAP_SORTS["priority"]))
    if export_format(request):
        # The export reads in chunks, each with its prefetches: no query per gap for its groups, districts or calls.
        return export_rows(request, gaps.qs, GAP_COLUMNS, f"gaps-{analysis.year.label.replace('/', '-')}")
    return render(
        request,
        "eoi/needs_detail.html",
        {
            "analysis": analysis,
            "filter": gaps,
            "page": page_of(request, gaps.qs),
            "querystring": querystring(request),
            "history": history_for(analysis),
        },
    )


def _gap_form(request: HttpRequest, analysis: NeedsAnalysis, gap=None) -> HttpResponse:
    form = GapForm(request.POST or None, instance=gap)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        target_groups, districts = data.pop("target_groups"), data.pop("districts")
        services.gap_save(
            actor=request.user,
            needs_analysis=analysis,
            gap=gap,
            target_groups=target_groups,
            districts=districts,
            **data,
        )
        messages.success(request, "Gap in provision saved.")
        return redirect("eoi:needs_detail", pk=analysis.pk)
    return render(request, "eoi/gap_form.html", {"form": form, "analysis": analysis, "gap": gap})


@hub_staff_required
def gap_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _gap_form(request, selectors.get_needs_analysis(pk))


@hub_staff_required
def gap_edit(request: HttpRequest, pk: int) -> HttpResponse:
    gap = selectors.get_gap(pk)
    return _gap_form(request, gap.needs_analysis, gap)


# --- Calls (staff) ------------------------------------------------------------

CALL_COLUMNS = [
    ("Title", lambda c: c.title),
    ("State", lambda c: c.get_status_display()),
    ("Opens", lambda c: c.opens_at),
    ("Closes", lambda c: c.closes_at),
    ("Largest Hub Grant", lambda c: c.max_hub_grant),
    ("Match threshold (%)", lambda c: c.match_threshold_percent),
    ("In-kind counts", lambda c: "yes" if c.in_kind_counts else "no"),
    ("Submitted EOIs", lambda c: c.submitted_count),
    ("Drafts", lambda c: c.draft_count),
]


@hub_staff_required
def call_list(request: HttpRequest) -> HttpResponse:
    calls = CallFilter(request.GET, queryset=selectors.calls_for_staff())
    return list_page(request, calls, "eoi/call_list.html", columns=CALL_COLUMNS, basename="calls")


def _call_form(request: HttpRequest, call: Call | None = None) -> HttpResponse:
    saved = call.criteria.all() if call is not None else []
    initial_criteria = [{"name": c.name, "description": c.description, "weight": c.weight} for c in saved]
    # A new call starts at the Hub's match-funding floor (hubportal.models.Hub).
    initial = {"match_threshold_percent": match_funding_floor()} if call is None else None
    form = CallForm(request.POST or None, instance=call, initial=initial)
    criteria = CriterionFormSet(request.POST or None, prefix="criteria", initial=initial_criteria or None)
    if request.method == "POST" and form.is_valid() and criteria.is_valid():
        data = dict(form.cleaned_data)
        gaps, eligible = data.pop("gaps"), data.pop("eligible_types")
        saved = attempt(
            request,
            lambda: services.call_save(
                actor=request.user,
                call=call,
                gaps=gaps,
                eligible_types=eligible,
                criteria=[
                    services.CriterionData(c["name"], c["weight"], c["description"]) for c in criteria.criteria()
                ],
                **data,
            ),
            "Call saved as a draft. Open it when it is ready: eligible partners are told.",
            form=form,
        )
        if saved:
            return redirect("eoi:call_detail", pk=saved.result.pk)
    return render(request, "eoi/call_form.html", {"form": form, "criteria": criteria, "call": call})


@hub_staff_required
def call_create(request: HttpRequest) -> HttpResponse:
    return _call_form(request)


@hub_staff_required
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk)
    allowed, reason = perms.may_edit_call(request.user, call)
    if not allowed:
        messages.error(request, reason)
        return redirect("eoi:call_detail", pk=call.pk)
    return _call_form(request, call)


@hub_team_required
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk)
    counts = dict(call.eois.order_by().values_list("status").annotate(n=Count("id")))
    return render(
        request,
        "eoi/call_detail.html",
        {
            "call": call,
            "counts": [(label, counts.get(value, 0)) for value, label in ExpressionOfInterest.Status.choices],
            # The call's history is the staff's record; an assessor reads its terms and criteria.
            "history": history_for(call) if perms.can_see_scores(request.user) else [],
            "can_edit": perms.may_edit_call(request.user, call)[0],
            "can_open": perms.may_open_call(request.user, call)[0],
            "can_see_scores": perms.can_see_scores(request.user),
        },
    )


@hub_staff_required
@require_POST
def call_open(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk)
    attempt(
        request,
        lambda: services.call_open(call=call, actor=request.user),
        "The call is open. Eligible partners have been told by email and in the portal.",
    )
    return redirect("eoi:call_detail", pk=call.pk)


EOI_COLUMNS = [
    ("Partner", lambda e: e.partner.name),
    ("Title", lambda e: e.title),
    ("State", lambda e: e.get_status_display()),
    ("Total cost", lambda e: e.total_cost),
    ("Hub Grant requested", lambda e: e.hub_grant_requested),
    ("Other funding", lambda e: check_eoi(e).funding_total - check_eoi(e).hub_grant),
    ("In-kind", lambda e: check_eoi(e).in_kind),
    ("Hub Grant share (%)", _share),
    ("Match-funding rule met", lambda e: "yes" if check_eoi(e).ok else "no"),
    ("Expected reach", lambda e: e.expected_reach),
    ("Submitted", lambda e: e.submitted_at),
    ("Moderated score", lambda e: e.moderated_score),
    ("Decided", lambda e: e.decided_at),
]


@hub_staff_required
def call_eois(request: HttpRequest, pk: int) -> HttpResponse:
    """Each EOI of a call with its budget, funding and match share; filter, sort, export."""
    call = selectors.get_call_for(request.user, pk)
    return list_page(
        request,
        EoiFilter(request.GET, queryset=selectors.eois_for_call(call)),
        "eoi/call_eois.html",
        columns=EOI_COLUMNS,
        basename=f"call-{call.pk}-eois",
        shaped=selectors.call_eoi_values,
        context=lambda page: {"call": call, "rows": selectors.call_eoi_rows(call, page)},
    )


def _assessor_result(result) -> str:
    name = result.assignment.assessor.get_full_name() or result.assignment.assessor.username
    if result.conflicted:
        return f"{name}: conflict declared"
    if result.assignment.has_conflict is None:
        return f"{name}: to declare"
    if result.weighted is not None:
        return f"{name}: {result.weighted}"
    return f"{name}: {result.scored} scored"


MATRIX_COLUMNS = [
    ("Rank", lambda r: r.rank),
    ("Partner", lambda r: r.eoi.partner.name),
    ("Expression of interest", lambda r: r.eoi.title),
    ("State", lambda r: r.eoi.get_status_display()),
    ("Assessors' weighted scores", lambda r: "; ".join(_assessor_result(x) for x in r.results)),
    ("Mean", lambda r: r.mean),
    ("Spread", lambda r: r.spread),
    ("Moderated score", lambda r: r.eoi.moderated_score),
    ("Hub Grant requested", lambda r: r.match.hub_grant),
    ("Hub Grant share (%)", lambda r: r.match.hub_share_percent),
]


@hub_staff_required
def call_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    """Every EOI in assessment, ranked over the whole call; the filters narrow
    the rows shown and exported without changing a rank."""
    call = selectors.get_call_for(request.user, pk)
    found = MatrixFilter(request.GET, queryset=call.eois.all())
    shown = set(found.qs.values_list("pk", flat=True))
    rows = [row for row in selectors.assessment_matrix(call) if row.eoi.pk in shown]
    sort = found.form.cleaned_data.get("sort")
    if sort in MATRIX_SORTS:
        rows.sort(key=MATRIX_SORTS[sort])
    if export_format(request):
        return export_rows(request, rows, MATRIX_COLUMNS, f"call-{call.pk}-assessment")
    page = page_of(request, rows)
    criteria = list(call.criteria.all())
    return render(
        request,
        "eoi/call_matrix.html",
        {
            "call": call,
            "filter": found,
            "page": page,
            "querystring": querystring(request),
            "criteria": criteria,
            "grid": selectors.matrix_grid_rows(selectors.matrix_grid(list(page), criteria)),
        },
    )


# --- One EOI (staff and assessors) --------------------------------------------


def _eoi_detail(request: HttpRequest, eoi: ExpressionOfInterest, **forms) -> HttpResponse:
    user = request.user
    assignments = list(eoi.assignments.select_related("assessor").prefetch_related("scores__criterion"))
    mine = next((a for a in assignments if a.assessor_id == user.pk), None)
    can_decide, decide_refusal = perms.may_decide(user, eoi)
    can_award, award_refusal = perms.may_award(user, eoi)
    successful_ok, successful_refusal = perms.may_decide_successful(eoi) if can_decide else (True, "")
    context = {
        "eoi": eoi,
        **_money_context(eoi),
        "mine": mine,
        "can_see_scores": perms.can_see_scores(user),
        "assignments": assignments if perms.can_see_scores(user) else [],
        "history": history_for(eoi) if perms.can_see_scores(user) else [],
        "can_assign": perms.may_assign_assessors(user, eoi)[0],
        "can_moderate": perms.may_moderate(user, eoi)[0],
        "can_decide": can_decide,
        "decide_refusal": decide_refusal,
        "successful_refusal": "" if successful_ok else successful_refusal,
        "can_award": can_award,
        "award_refusal": award_refusal if eoi.status == ExpressionOfInterest.Status.SUCCESSFUL else "",
        "assign_form": forms.get("assign_form") or AssignForm(eoi=eoi),
        "moderation_form": forms.get("moderation_form")
        or ModerationForm(initial={"score": eoi.moderated_score, "note": eoi.moderation_note}),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "removable": {a.pk for a in assignments if perms.may_remove_assignment(user, a)[0]},
    }
    return render(request, "eoi/eoi_detail.html", context)


@hub_team_required
def eoi_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _eoi_detail(request, selectors.get_eoi_for(request.user, pk))


@hub_staff_required
@require_POST
def eoi_assign(request: HttpRequest, pk: int) -> HttpResponse:
    eoi = selectors.get_eoi_for(request.user, pk)
    form = AssignForm(request.POST, eoi=eoi)
    if not form.is_valid():
        messages.error(request, "Choose an assessor to assign.")
        return redirect("eoi:eoi_detail", pk=eoi.pk)
    attempt(
        request,
        lambda: services.assessor_assign(eoi=eoi, assessor=form.cleaned_data["assessor"], actor=request.user),
        f"{form.cleaned_data['assessor']} is assigned and has been told.",
    )
    return redirect("eoi:eoi_detail", pk=eoi.pk)


@hub_staff_required
@require_POST
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an assessor (named by the form's ``assignment``) who has not scored."""
    eoi = selectors.get_eoi_for(request.user, pk)
    assignment = eoi.assignments.filter(pk=request.POST.get("assignment") or 0).first()
    if assignment is None:
        messages.error(request, "Choose the assessor to remove.")
        return redirect("eoi:eoi_detail", pk=eoi.pk)
    attempt(
        request,
        lambda: services.assignment_remove(assignment=assignment, actor=request.user),
        "The assessor is no longer assigned.",
    )
    return redirect("eoi:eoi_detail", pk=eoi.pk)


@hub_staff_required
@require_POST
def eoi_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    eoi = selectors.get_eoi_for(request.user, pk)
    form = ModerationForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.eoi_moderate(eoi=eoi, actor=request.user, **form.cleaned_data),
            "Moderated score saved: the ranking uses it.",
        )
        return redirect("eoi:eoi_detail", pk=eoi.pk)
    return _eoi_detail(request, eoi, moderation_form=form)


@hub_staff_required
@require_POST
def eoi_decide(request: HttpRequest, pk: int) -> HttpResponse:
    eoi = selectors.get_eoi_for(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if not attempt(
            request,
            lambda: services.eoi_decide(
                eoi=eoi,
                actor=request.user,
                successful=data["outcome"] == "successful",
                reasons=data["reasons"],
                feedback=data["feedback"],
            ),
            "Decision recorded. The partner has been told, with the feedback.",
        ):
            return _eoi_detail(request, eoi, decision_form=form)
        return redirect("eoi:eoi_detail", pk=eoi.pk)
    return _eoi_detail(request, eoi, decision_form=form)


@hub_staff_required
def award(request: HttpRequest, pk: int) -> HttpResponse:
    """The award: the value, its procurement band and the route, shown before staff confirm."""
    eoi = selectors.get_eoi_for(request.user, pk)
    if eoi.has_award:
        return render(request, "eoi/award.html", {"eoi": eoi, "award": eoi.award, "agreement": _agreement_of(eoi)})
    form = AwardForm(request.POST or None)
    band = selectors.band_for(eoi.hub_grant_requested)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: services.eoi_award(
                eoi=eoi, actor=request.user, procurement_notes=form.cleaned_data["procurement_notes"]
            ),
            "Awarded. The project agreement is drafted: complete it and issue it to sign.",
        )
    ):
        return redirect("eoi:award", pk=eoi.pk)
    can_award, award_refusal = perms.may_award(request.user, eoi)
    return render(
        request,
        "eoi/award.html",
        {
            "eoi": eoi,
            "form": form,
            "band": band,
            "can_award": can_award,
            "award_refusal": award_refusal,
            **_money_context(eoi),
        },
    )


# --- Assessors ------------------------------------------------------------------


def _where_i_am(a) -> str:
    if a.has_conflict is None:
        return "Conflict of interest not yet declared"
    if a.has_conflict:
        return "Conflict declared: not scoring"
    if a.completed_at:
        return "Scored"
    if a.eoi.status == ExpressionOfInterest.Status.UNDER_ASSESSMENT:
        return "To score"
    return "No conflict: scoring opens when the call closes"


# The assessor's own assignments only: what they declared and how far they
# have scored, never another assessor's scores.
ASSESSMENT_COLUMNS = [
    ("Expression of interest", lambda a: a.eoi.title),
    ("Partner", lambda a: a.eoi.partner.name),
    ("Call", lambda a: a.eoi.call.title),
    ("Call closes", lambda a: a.eoi.call.closes_at),
    ("Assigned", lambda a: a.assigned_at),
    ("Conflict of interest", lambda a: {None: "Not yet declared", True: "Yes", False: "No"}[a.has_conflict]),
    ("Criteria I have scored", lambda a: a.my_scored),
    ("Scoring finished", lambda a: a.completed_at),
    ("Where I am", _where_i_am),
]


@assessor_required
def assessments(request: HttpRequest) -> HttpResponse:
    mine = AssessmentFilter(request.GET, queryset=selectors.assessments_for(request.user))
    if export_format(request):
        rows = mine.qs.annotate(my_scored=Count("scores"))
        return export_rows(request, rows, ASSESSMENT_COLUMNS, "my-assessments")
    return render(
        request,
        "eoi/assessments.html",
        {"filter": mine, "page": page_of(request, mine.qs), "querystring": querystring(request)},
    )


@assessor_required
def conflict(request: HttpRequest, pk: int) -> HttpResponse:
    """Declare any conflict of interest, before scoring."""
    assignment = selectors.get_assignment_for(request.user, pk)
    verdict = perms.may_declare_conflict(request.user, assignment)
    forbid_unless(verdict)
    if not verdict[0]:
        if request.method == "POST":
            messages.error(request, verdict[1])
            return redirect("eoi:conflict", pk=assignment.pk)
        return render(request, "eoi/conflict.html", {"assignment": assignment, "form": None})
    form = ConflictForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: services.conflict_declare(assignment=assignment, actor=request.user, **form.cleaned_data),
            form=form,
        )
    ):
        if form.cleaned_data["has_conflict"]:
            messages.success(request, "Conflict of interest recorded. You will not score this one.")
            return redirect("eoi:assessments")
        messages.success(request, "Thank you. You may now score this expression of interest.")
        return redirect("eoi:score", pk=assignment.pk)
    return render(request, "eoi/conflict.html", {"assignment": assignment, "form": form})


@assessor_required
def score(request: HttpRequest, pk: int) -> HttpResponse:
    """Score every criterion of the call, 1 to 5, with a comment. Refused for a
    conflicted assessor (and before the declaration)."""
    assignment = selectors.get_assignment_for(request.user, pk)
    if assignment.has_conflict is None:
        messages.info(request, "First declare whether you have a conflict of interest.")
        return redirect("eoi:conflict", pk=assignment.pk)
    if assignment.has_conflict:
        raise PermissionDenied(perms.may_score(request.user, assignment)[1])
    # Only now is the EOI theirs to read (ExpressionOfInterest.objects.visible_to).
    eoi = selectors.get_eoi_for(request.user, assignment.eoi_id)
    existing = {s.criterion_id: s for s in assignment.scores.all()}
    form = ScoreForm(request.POST or None, criteria=eoi.call.criteria.all(), existing=existing)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: services.scores_save(assignment=assignment, actor=request.user, scores=form.scores()),
            "Scores saved. Thank you.",
            form=form,
        )
    ):
        return redirect("eoi:assessments")
    return render(
        request,
        "eoi/score.html",
        {
            "assignment": assignment,
            "eoi": eoi,
            "form": form,
            "match": check_eoi(eoi),
            "can_score": perms.may_score(request.user, assignment)[0],
        },
    )
