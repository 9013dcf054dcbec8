"""Commissioning screens: thin views that parse, check, call a service and redirect.

Staff: needs analyses and gaps, calls, each call's EOIs, the assessment
matrix, moderation, decisions and awards. Assessors: their assignments,
conflict declarations and scores. Partners (the portal): open calls, their
EOIs, the EOI form.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Count, ExpressionWrapper, F, OuterRef, Q, Subquery, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
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
    PortalCallFilter,
    PortalEoiFilter,
)
from eoi.forms import (
    AssignForm,
    AttachmentForm,
    AwardForm,
    BudgetLineFormSet,
    CallForm,
    ConflictForm,
    CriterionFormSet,
    DecisionForm,
    EoiForm,
    FundingSourceFormSet,
    GapForm,
    ModerationForm,
    NeedsAnalysisForm,
    ScoreForm,
    WithdrawForm,
    typed_match,
)
from eoi.funding import HUB_GRANT, check_eoi
from eoi.models import Call, ExpressionOfInterest, Gap, NeedsAnalysis
from hubportal.core.errors import ActionRefused
from hubportal.core.exports import export_format, export_rows
from hubportal.core.history import history_for
from hubportal.core.hub import match_funding_floor
from hubportal.core.lists import page_of, querystring
from hubportal.core.roles import (
    hub_staff_required,
    hub_team_required,
    is_assessor,
    is_hub_team,
    is_partner_user,
    partner_required,
    role_required,
)
from hubportal.core.uploads import serve_private_file

assessor_required = role_required(is_assessor, "This page is for assessors.")
eoi_reader_required = role_required(
    lambda u: is_hub_team(u) or is_partner_user(u), "Expressions of interest are for the Hub team and partners."
)


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
    if export_format(request):
        return export_rows(request, found.qs, NEEDS_COLUMNS, "needs-analyses")
    return render(
        request,
        "eoi/needs_list.html",
        {"filter": found, "page": page_of(request, found.qs), "querystring": querystring(request)},
    )


@hub_staff_required
def needs_create(request: HttpRequest) -> HttpResponse:
    form = NeedsAnalysisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            analysis = services.needs_analysis_save(actor=request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Needs analysis created. Now record the gaps in provision it found.")
            return redirect("eoi:needs_detail", pk=analysis.pk)
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
    if export_format(request):
        return export_rows(request, calls.qs, CALL_COLUMNS, "calls")
    return render(
        request,
        "eoi/call_list.html",
        {"filter": calls, "page": page_of(request, calls.qs), "querystring": querystring(request)},
    )


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
        try:
            call = services.call_save(
                actor=request.user,
                call=call,
                gaps=gaps,
                eligible_types=eligible,
                criteria=[
                    services.CriterionData(c["name"], c["weight"], c["description"]) for c in criteria.criteria()
                ],
                **data,
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Call saved as a draft. Open it when it is ready: eligible partners are told.")
            return redirect("eoi:call_detail", pk=call.pk)
    return render(request, "eoi/call_form.html", {"form": form, "criteria": criteria, "call": call})


@hub_staff_required
def call_create(request: HttpRequest) -> HttpResponse:
    return _call_form(request)


@hub_staff_required
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk)
    if not perms.can_edit_call(request.user, call):
        messages.error(request, "Only a draft call can be changed: partners have already been invited to this one.")
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
            "can_edit": perms.can_edit_call(request.user, call),
            "can_open": perms.can_open_call(request.user, call),
            "can_see_scores": perms.can_see_scores(request.user),
        },
    )


@hub_staff_required
@require_POST
def call_open(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk)
    try:
        services.call_open(call=call, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "The call is open. Eligible partners have been told by email and in the portal.")
    return redirect("eoi:call_detail", pk=call.pk)


def _share(e) -> str:
    match = check_eoi(e)
    return f"{match.hub_share_percent}" if match.hub_share_percent is not None else ""


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
    eois = EoiFilter(request.GET, queryset=selectors.eois_for_call(call))
    if export_format(request):
        return export_rows(request, eois.qs, EOI_COLUMNS, f"call-{call.pk}-eois")
    page = page_of(request, eois.qs)
    rows = [(eoi, check_eoi(eoi)) for eoi in page]
    return render(
        request,
        "eoi/call_eois.html",
        {"call": call, "filter": eois, "page": page, "rows": rows, "querystring": querystring(request)},
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
    return render(
        request,
        "eoi/call_matrix.html",
        {
            "call": call,
            "filter": found,
            "page": page_of(request, rows),
            "querystring": querystring(request),
            "criteria": list(call.criteria.all()),
        },
    )


# --- One EOI (staff and assessors) --------------------------------------------


def _eoi_detail(request: HttpRequest, eoi: ExpressionOfInterest, **forms) -> HttpResponse:
    user = request.user
    assignments = list(eoi.assignments.select_related("assessor").prefetch_related("scores__criterion"))
    mine = next((a for a in assignments if a.assessor_id == user.pk), None)
    can_decide, decide_refusal = perms.can_decide(user, eoi)
    can_award, award_refusal = perms.can_award(user, eoi)
    successful_ok, successful_refusal = perms.can_decide_successful(eoi) if can_decide else (True, "")
    context = {
        "eoi": eoi,
        **_money_context(eoi),
        "mine": mine,
        "can_see_scores": perms.can_see_scores(user),
        "assignments": assignments if perms.can_see_scores(user) else [],
        "history": history_for(eoi) if perms.can_see_scores(user) else [],
        "can_assign": perms.can_assign_assessors(user, eoi),
        "can_moderate": perms.can_moderate(user, eoi),
        "can_decide": can_decide,
        "decide_refusal": decide_refusal,
        "successful_refusal": "" if successful_ok else successful_refusal,
        "can_award": can_award,
        "award_refusal": award_refusal if eoi.status == ExpressionOfInterest.Status.SUCCESSFUL else "",
        "assign_form": forms.get("assign_form") or AssignForm(eoi=eoi),
        "moderation_form": forms.get("moderation_form")
        or ModerationForm(initial={"score": eoi.moderated_score, "note": eoi.moderation_note}),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "removable": {a.pk for a in assignments if perms.can_remove_assignment(user, a)},
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
    try:
        services.assessor_assign(eoi=eoi, assessor=form.cleaned_data["assessor"], actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"{form.cleaned_data['assessor']} is assigned and has been told.")
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
    try:
        services.assignment_remove(assignment=assignment, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "The assessor is no longer assigned.")
    return redirect("eoi:eoi_detail", pk=eoi.pk)


@hub_staff_required
@require_POST
def eoi_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    eoi = selectors.get_eoi_for(request.user, pk)
    form = ModerationForm(request.POST)
    if form.is_valid():
        try:
            services.eoi_moderate(eoi=eoi, actor=request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "Moderated score saved: the ranking uses it.")
        return redirect("eoi:eoi_detail", pk=eoi.pk)
    return _eoi_detail(request, eoi, moderation_form=form)


@hub_staff_required
@require_POST
def eoi_decide(request: HttpRequest, pk: int) -> HttpResponse:
    eoi = selectors.get_eoi_for(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.eoi_decide(
                eoi=eoi,
                actor=request.user,
                successful=data["outcome"] == "successful",
                reasons=data["reasons"],
                feedback=data["feedback"],
            )
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
            return _eoi_detail(request, eoi, decision_form=form)
        messages.success(request, "Decision recorded. The partner has been told, with the feedback.")
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
    if request.method == "POST" and form.is_valid():
        try:
            services.eoi_award(eoi=eoi, actor=request.user, procurement_notes=form.cleaned_data["procurement_notes"])
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "Awarded. The project agreement is drafted: complete it and issue it to sign.")
            return redirect("eoi:award", pk=eoi.pk)
    can_award, award_refusal = perms.can_award(request.user, eoi)
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


def _money_context(eoi: ExpressionOfInterest) -> dict:
    """What templates/eoi/_money.html shows: the rule's verdict and the sources, Hub Grant first."""
    sources = list(eoi.funding_sources.all())
    return {
        "match": check_eoi(eoi),
        "hub_grant_line": next((s for s in sources if s.kind == HUB_GRANT), None),
        "other_sources": [s for s in sources if s.kind != HUB_GRANT],
    }


def _agreement_of(eoi: ExpressionOfInterest):
    from agreements.models import Agreement

    return Agreement.objects.filter(eoi=eoi).first()


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
    if not perms.can_declare_conflict(request.user, assignment):
        if request.method == "POST":
            messages.error(request, "You have already declared on this expression of interest.")
            return redirect("eoi:conflict", pk=assignment.pk)
        return render(request, "eoi/conflict.html", {"assignment": assignment, "form": None})
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conflict_declare(assignment=assignment, actor=request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
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
        raise PermissionDenied(
            "You declared a conflict of interest on this expression of interest, so you cannot score it."
        )
    # Only now is the EOI theirs to read (ExpressionOfInterest.objects.visible_to).
    eoi = selectors.get_eoi_for(request.user, assignment.eoi_id)
    existing = {s.criterion_id: s for s in assignment.scores.all()}
    form = ScoreForm(request.POST or None, criteria=eoi.call.criteria.all(), existing=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.scores_save(assignment=assignment, actor=request.user, scores=form.scores())
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Scores saved. Thank you.")
            return redirect("eoi:assessments")
    return render(
        request,
        "eoi/score.html",
        {
            "assignment": assignment,
            "eoi": eoi,
            "form": form,
            "match": check_eoi(eoi),
            "can_score": perms.can_score(request.user, assignment),
        },
    )


# --- The portal -------------------------------------------------------------------


EOI_STATES = dict(ExpressionOfInterest.Status.choices)
PORTAL_CALL_COLUMNS = [
    ("Call", lambda c: c.title),
    ("Opens", lambda c: c.opens_at),
    ("Closes", lambda c: c.closes_at),
    ("Open now", lambda c: "yes" if c.open_now else "no"),
    ("Largest Hub Grant", lambda c: c.max_hub_grant),
    ("Match from other sources (%)", lambda c: c.match_threshold_percent),
    ("In-kind counts", lambda c: "yes" if c.in_kind_counts else "no"),
    ("Your expression of interest", lambda c: EOI_STATES.get(c.my_eoi_status, "Not started")),
]


@partner_required
def portal_calls(request: HttpRequest) -> HttpResponse:
    """Calls open, or once open, to the partner's type: open ones first, closing
    soonest, then the closed ones, latest first; filtered, sorted, paged, exported."""
    now = timezone.now()
    is_open = Q(status=Call.Status.OPEN, closes_at__gt=now)
    mine = ExpressionOfInterest.objects.visible_to(request.user).filter(call=OuterRef("pk"))
    calls = (
        selectors.calls_for_partner(request.user)
        .annotate(
            open_now=ExpressionWrapper(is_open, output_field=BooleanField()),
            my_eoi_status=Subquery(mine.values("status")[:1]),
            open_closes=Case(When(is_open, then=F("closes_at"))),
            closed_closes=Case(When(~is_open, then=F("closes_at"))),
        )
        .order_by("-open_now", F("open_closes").asc(nulls_last=True), F("closed_closes").desc(), "pk")
    )
    found = PortalCallFilter(request.GET, queryset=calls)
    if export_format(request):
        return export_rows(request, found.qs, PORTAL_CALL_COLUMNS, "calls")
    page = page_of(request, found.qs)
    eois = {e.call_id: e for e in ExpressionOfInterest.objects.visible_to(request.user).filter(call__in=list(page))}
    return render(
        request,
        "eoi/portal_calls.html",
        {
            "filter": found,
            "page": page,
            "rows": [(call, eois.get(call.pk)) for call in page],
            "querystring": querystring(request),
        },
    )


@partner_required
def portal_call(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk)
    mine = ExpressionOfInterest.objects.visible_to(request.user).filter(call=call).first()
    can_start, start_refusal = perms.can_start_eoi(request.user, call)
    return render(
        request,
        "eoi/portal_call.html",
        {"call": call, "mine": mine, "can_start": can_start and mine is None, "start_refusal": start_refusal},
    )


@partner_required
@require_POST
def eoi_start(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk)
    try:
        eoi = services.eoi_start(call=call, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("eoi:portal_call", pk=call.pk)
    return redirect("eoi:eoi_edit", pk=eoi.pk)


PORTAL_EOI_COLUMNS = [
    ("Expression of interest", lambda e: e.title),
    ("Call", lambda e: e.call.title),
    ("Call closes", lambda e: e.call.closes_at),
    ("State", lambda e: e.get_status_display()),
    ("Total cost", lambda e: e.total_cost),
    ("Hub Grant requested", lambda e: e.hub_grant_requested),
    ("Hub Grant share (%)", _share),
    ("Expected reach", lambda e: e.expected_reach),
    ("Started", lambda e: e.created_at),
    ("Submitted", lambda e: e.submitted_at),
    ("Decided", lambda e: e.decided_at),
]


@partner_required
def portal_eois(request: HttpRequest) -> HttpResponse:
    mine = PortalEoiFilter(request.GET, queryset=selectors.eois_for_partner(request.user))
    if export_format(request):
        return export_rows(request, mine.qs, PORTAL_EOI_COLUMNS, "our-expressions-of-interest")
    page = page_of(request, mine.qs)
    return render(
        request,
        "eoi/portal_eois.html",
        {"filter": mine, "page": page, "querystring": querystring(request)},
    )


@partner_required
def portal_eoi(request: HttpRequest, pk: int) -> HttpResponse:
    eoi = selectors.get_eoi_for(request.user, pk)
    return render(
        request,
        "eoi/portal_eoi.html",
        {
            "eoi": eoi,
            **_money_context(eoi),
            "can_edit": perms.can_edit_eoi(request.user, eoi),
            "save_refusal": perms.can_save_eoi(request.user, eoi)[1] if perms.can_edit_eoi(request.user, eoi) else "",
            "can_withdraw": perms.can_withdraw_eoi(request.user, eoi),
            "withdraw_form": WithdrawForm(),
            "agreement": _agreement_of(eoi) if eoi.has_award else None,
        },
    )


def _eoi_forms(request: HttpRequest, eoi: ExpressionOfInterest):
    """The EOI form and its two formsets, bound to what was posted or filled
    from the saved draft. Bound formsets take no initial values: a posted line
    equal to its initial one would otherwise count as unchanged and be dropped."""
    if request.method == "POST":
        return (
            EoiForm(request.POST, instance=eoi),
            BudgetLineFormSet(request.POST, prefix="budget"),
            FundingSourceFormSet(request.POST, prefix="funding"),
        )
    sources = list(eoi.funding_sources.all())
    hub_line = next((s for s in sources if s.kind == HUB_GRANT), None)
    form = EoiForm(instance=eoi, initial={"hub_grant_requested": hub_line.amount if hub_line else None})
    budget = BudgetLineFormSet(
        prefix="budget", initial=[{"item": b.item, "amount": b.amount} for b in eoi.budget_lines.all()] or None
    )
    funding = FundingSourceFormSet(
        prefix="funding",
        initial=[
            {"kind": s.kind, "description": s.description, "amount": s.amount, "confirmed": s.confirmed}
            for s in sources
            if s.kind != HUB_GRANT
        ]
        or None,
    )
    return form, budget, funding


def _eoi_form_page(request, eoi, form, budget, funding, refusal: str = "") -> HttpResponse:
    if form.is_bound:
        match = typed_match(form, budget, funding, eoi.call)
    else:
        match = check_eoi(eoi)
    return render(
        request,
        "eoi/eoi_form.html",
        {
            "eoi": eoi,
            "call": eoi.call,
            "form": form,
            "budget": budget,
            "funding": funding,
            "match": match,
            "refusal": refusal,
            "attachment_form": AttachmentForm(),
            "hub_limit": Decimal("100") - eoi.call.match_threshold_percent,
            "submit_refusal": perms.can_submit_eoi(request.user, eoi)[1],
        },
    )


@partner_required
def eoi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The EOI form. "Save draft" keeps whatever is typed; "Submit" saves the
    draft first, then submits, and a refusal (the rule, a missing answer, the
    call closed) keeps the draft and shows the figures."""
    eoi = selectors.get_eoi_for(request.user, pk)
    if not perms.can_edit_eoi(request.user, eoi):
        if eoi.status == ExpressionOfInterest.Status.DRAFT:
            messages.error(request, "The call has closed, so this draft can no longer be changed or submitted.")
        return redirect("eoi:portal_eoi", pk=eoi.pk)
    allowed, reason = perms.can_save_eoi(request.user, eoi)
    if not allowed:  # the partner's standing: say why, and what to do
        messages.error(request, reason)
        return redirect("eoi:portal_eoi", pk=eoi.pk)
    form, budget, funding = _eoi_forms(request, eoi)
    if request.method != "POST":
        return _eoi_form_page(request, eoi, form, budget, funding)
    if not (form.is_valid() and budget.is_valid() and funding.is_valid()):
        return _eoi_form_page(request, eoi, form, budget, funding)
    fields = {k: v for k, v in form.cleaned_data.items() if k != "hub_grant_requested"}
    try:
        eoi = services.eoi_save_draft(
            eoi=eoi,
            actor=request.user,
            fields=fields,
            budget=[(line["item"], line["amount"]) for line in budget.lines()],
            funding=[
                services.FundingData(
                    kind=line["kind"],
                    amount=line["amount"],
                    description=line["description"],
                    confirmed=line["confirmed"],
                )
                for line in funding.lines()
            ],
            hub_grant=form.cleaned_data["hub_grant_requested"],
        )
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("eoi:portal_eoi", pk=eoi.pk)
    if request.POST.get("action") != "submit":
        messages.success(request, "Draft saved. You can come back to it until the call closes.")
        return redirect("eoi:eoi_edit", pk=eoi.pk)
    try:
        services.eoi_submit(eoi=eoi, actor=request.user)
    except ActionRefused as refusal:
        eoi = selectors.get_eoi_for(request.user, pk)
        return _eoi_form_page(request, eoi, form, budget, funding, refusal=str(refusal))
    messages.success(request, "Submitted. We have emailed you a receipt; the decision follows the call's assessment.")
    return redirect("eoi:portal_eoi", pk=eoi.pk)


@partner_required
@require_POST
def eoi_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    eoi = selectors.get_eoi_for(request.user, pk)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.eoi_withdraw(eoi=eoi, actor=request.user, reason=form.cleaned_data.get("reason", ""))
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Your expression of interest is withdrawn.")
    return redirect("eoi:portal_eoi", pk=eoi.pk)


@partner_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    eoi = selectors.get_eoi_for(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", ["Choose a file to attach."]):
            messages.error(request, error)
        return redirect("eoi:eoi_edit", pk=eoi.pk)
    try:
        services.attachment_add(eoi=eoi, actor=request.user, file=form.cleaned_data["file"])
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"{form.cleaned_data['file'].name} attached.")
    return redirect("eoi:eoi_edit", pk=eoi.pk)


@partner_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an attachment (named by the form's ``attachment``) from the draft."""
    eoi = selectors.get_eoi_for(request.user, pk)
    attachment = eoi.attachments.filter(pk=request.POST.get("attachment") or 0).first()
    if attachment is None:
        messages.error(request, "Choose the attachment to remove.")
        return redirect("eoi:eoi_edit", pk=eoi.pk)
    try:
        services.attachment_remove(attachment=attachment, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Attachment removed.")
    return redirect("eoi:eoi_edit", pk=eoi.pk)


@eoi_reader_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An attachment, to the partner that sent it, Hub staff and the EOI's assessors."""
    attachment = selectors.get_attachment_for(request.user, pk)
    return serve_private_file(attachment.file, attachment.original_filename)
