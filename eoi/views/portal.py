"""Pages for partner users, in the partner portal."""

from decimal import Decimal

from django.contrib import messages
from django.db.models import BooleanField, Case, ExpressionWrapper, F, OuterRef, Q, Subquery, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from eoi import permissions as perms
from eoi import selectors, services
from eoi.answers import anchor_for, eoi_answers
from eoi.filters import (
    PortalCallFilter,
    PortalEoiFilter,
)
from eoi.forms import (
    AttachmentForm,
    BudgetLineFormSet,
    EoiForm,
    FundingSourceFormSet,
    WithdrawForm,
    typed_match,
)
from eoi.funding import check_eoi
from eoi.models import Call, ExpressionOfInterest
from eoi.views.shared import _agreement_of, _money_context, _share
from hubportal.core.actions import attempt
from hubportal.core.errors import ActionRefused
from hubportal.core.listpage import list_page
from hubportal.core.match_funding import HUB_GRANT
from hubportal.core.roles import partner_required

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

    def rows(page) -> dict:
        eois = {e.call_id: e for e in ExpressionOfInterest.objects.visible_to(request.user).filter(call__in=list(page))}
        return {"rows": [(call, eois.get(call.pk)) for call in page]}

    return list_page(
        request, found, "eoi/portal_calls.html", columns=PORTAL_CALL_COLUMNS, basename="calls", context=rows
    )


@partner_required
def portal_call(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk)
    mine = ExpressionOfInterest.objects.visible_to(request.user).filter(call=call).first()
    can_start, start_refusal = perms.may_start_eoi(request.user, call)
    return render(
        request,
        "eoi/portal_call.html",
        {"call": call, "mine": mine, "can_start": can_start and mine is None, "start_refusal": start_refusal},
    )


@partner_required
@require_POST
def eoi_start(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for(request.user, pk)
    started = attempt(request, lambda: services.eoi_start(call=call, actor=request.user))
    if not started:
        return redirect("eoi:portal_call", pk=call.pk)
    return redirect("eoi:eoi_edit", pk=started.result.pk)


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
    return list_page(
        request, mine, "eoi/portal_eois.html", columns=PORTAL_EOI_COLUMNS, basename="our-expressions-of-interest"
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
            "can_edit": perms.may_edit_eoi(request.user, eoi)[0],
            "save_refusal": perms.may_save_eoi(request.user, eoi)[1],
            "can_withdraw": perms.may_withdraw_eoi(request.user, eoi)[0],
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


def _eoi_form_page(
    request, eoi, form, budget, funding, refusal: str = "", section_errors=None, checking: bool = False
) -> HttpResponse:
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
            "submit_refusal": perms.may_submit_eoi(request.user, eoi)[1],
            "section_errors": section_errors or {},
            "checking": checking,
            "error_count": len(form.errors) + sum(len(v) for v in (section_errors or {}).values()),
        },
    )


def _refused_form_page(request, eoi, form, budget, funding, refusal: ActionRefused, *, checking=False) -> HttpResponse:
    """The form again, each of the refusal's problems on the field or section
    it concerns (and in the error summary, linked), once."""
    sections: dict[str, list[str]] = {}
    for field, message in refusal.problems or ((None, str(refusal)),):
        if field in ("budget", "funding"):
            sections.setdefault(field, []).append(message)
        else:
            form.add_error(field if field in form.fields else None, message)
    refusal_text = str(refusal) or "not ready to submit"
    return _eoi_form_page(
        request, eoi, form, budget, funding, refusal=refusal_text, section_errors=sections, checking=checking
    )


def _submission_problems(user, eoi: ExpressionOfInterest) -> list[tuple[str | None, str]]:
    """What stops this draft being submitted now: the partner's standing first, then the draft itself."""
    allowed, reason = perms.may_submit_eoi(user, eoi)
    if not allowed and perms.call_accepts_submissions(eoi.call):
        return [(None, reason)]
    return services.submission_problems(eoi)


@partner_required
def eoi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The EOI form. "Save draft" keeps whatever is typed; "Submit" saves the
    draft first, then submits, and a refusal (the rule, a missing answer, the
    call closed) keeps the draft and shows the figures."""
    eoi = selectors.get_eoi_for(request.user, pk)
    allowed, reason = perms.may_save_eoi(request.user, eoi)
    if not allowed:  # the call closed, or the partner's standing: say why, and what to do
        if eoi.status == ExpressionOfInterest.Status.DRAFT:
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
    action = request.POST.get("action")
    if action == "check":  # on to check the answers, if nothing stops it being submitted
        eoi = selectors.get_eoi_for(request.user, pk)
        problems = _submission_problems(request.user, eoi)
        if problems:
            return _refused_form_page(
                request, eoi, form, budget, funding, ActionRefused("", problems=problems), checking=True
            )
        return redirect("eoi:eoi_check", pk=eoi.pk)
    if action != "submit":
        messages.success(request, "Draft saved. You can come back to it until the call closes.")
        return redirect("eoi:eoi_edit", pk=eoi.pk)
    try:
        services.eoi_submit(eoi=eoi, actor=request.user)
    except ActionRefused as refusal:
        eoi = selectors.get_eoi_for(request.user, pk)
        return _refused_form_page(request, eoi, form, budget, funding, refusal)
    messages.success(request, "Submitted. We have emailed you a receipt; the decision follows the call's assessment.")
    return redirect("eoi:portal_eoi", pk=eoi.pk)


@partner_required
@require_POST
def eoi_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    eoi = selectors.get_eoi_for(request.user, pk)
    form = WithdrawForm(request.POST)
    form.is_valid()
    attempt(
        request,
        lambda: services.eoi_withdraw(eoi=eoi, actor=request.user, reason=form.cleaned_data.get("reason", "")),
        "Your expression of interest is withdrawn.",
    )
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
    attempt(
        request,
        lambda: services.attachment_add(eoi=eoi, actor=request.user, file=form.cleaned_data["file"]),
        f"{form.cleaned_data['file'].name} attached.",
    )
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
    attempt(
        request, lambda: services.attachment_remove(attachment=attachment, actor=request.user), "Attachment removed."
    )
    return redirect("eoi:eoi_edit", pk=eoi.pk)


@partner_required
@require_http_methods(["GET", "POST"])
def eoi_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers: the saved draft, every answer with a link back to
    change it, and the submit button; the service decides on submit."""
    eoi = selectors.get_eoi_for(request.user, pk)
    if not perms.may_edit_eoi(request.user, eoi)[0]:
        return redirect("eoi:portal_eoi", pk=eoi.pk)
    title = "Before you can submit"
    if request.method == "POST":
        try:
            services.eoi_submit(eoi=eoi, actor=request.user)
        except ActionRefused as refusal:
            eoi = selectors.get_eoi_for(request.user, pk)
            problems = list(refusal.problems) or [(None, str(refusal))]
            title = "Your draft is saved but was not submitted"
        else:
            messages.success(
                request, "Submitted. We have emailed you a receipt; the decision follows the call's assessment."
            )
            return redirect("eoi:portal_eoi", pk=eoi.pk)
    else:
        problems = _submission_problems(request.user, eoi)
    edit = reverse("eoi:eoi_edit", args=[eoi.pk])
    return render(
        request,
        "eoi/check.html",
        {
            "eoi": eoi,
            "call": eoi.call,
            "sections": eoi_answers(eoi, problems),
            "match": check_eoi(eoi),
            "problem_links": [(f"{edit}#{anchor_for(field)}", message) for field, message in problems],
            "problem_title": title,
            "can_submit": not problems,
        },
    )
