"""Pages for Hub staff and the Chair."""

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements import permissions, selectors, services
from agreements.decisions import decision_effects
from agreements.filters import AWAITING, DECIDED, AgreementFilter, RecommendationFilter
from agreements.forms import (
    AgreementCreateForm,
    AgreementForm,
    CompleteForm,
    CountersignForm,
    DecisionForm,
    InstalmentFormSet,
    OutcomeFormSet,
    PaymentForm,
    ProjectAgreementForm,
    ReasonForm,
    RecommendationForm,
    ReviewExceptionForm,
    ReviewForm,
    RollForwardForm,
    TemplateForm,
    formset_rows,
)
from agreements.models import Agreement, AnnualReview, Reason, TerminationRecommendation
from agreements.views.shared import _detail_context, _not_now
from hubportal.core.academic_years import AcademicYear, current_academic_year
from hubportal.core.actions import attempt
from hubportal.core.exports import export_format, export_rows
from hubportal.core.history import history_for
from hubportal.core.listpage import list_page
from hubportal.core.lists import page_of, querystring
from hubportal.core.roles import chair_required, hub_staff_required, is_hub_staff
from hubportal.core.users import partner_users
from hubportal.core.words import possessive
from partners.models import PartnerType

LIST_COLUMNS = [
    ("Partner", lambda a: a.partner.name),
    ("Partner type", lambda a: str(a.partner.partner_type or "")),
    ("Kind", lambda a: a.get_kind_display()),
    ("Title", lambda a: a.title),
    ("Academic year", lambda a: a.year.label),
    ("State", lambda a: a.get_status_display()),
    ("Version", lambda a: a.version),
    ("Issued", lambda a: a.issued_at),
    ("Live since", lambda a: a.live_at),
    ("Ended", lambda a: a.ended_at),
    ("Hub contribution", lambda a: a.hub_contribution),
    ("With the Chair", lambda a: "yes" if a.has_open_recommendation else ""),
]
RECOMMENDATION_COLUMNS = [
    ("Recommendation", lambda r: r.get_kind_display()),
    ("Agreement", lambda r: r.agreement.title),
    ("Partner", lambda r: r.agreement.partner.name),
    ("Reasons", lambda r: "; ".join(Reason(code).label for code in r.reasons if code in Reason.values)),
    ("Raised", lambda r: r.raised_at),
    ("Raised by", lambda r: str(r.raised_by)),
    ("Partnership suspended meanwhile", lambda r: "yes" if r.partnership_suspended else "no"),
    ("State", lambda r: "Decided" if r.is_decided else "Awaiting your decision"),
    ("Decision", lambda r: r.get_decision_display()),
    ("Decided", lambda r: r.decided_at),
]


# Staff: the list and the pages of one agreement.


@hub_staff_required
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    """Every agreement, filtered, sorted and exported."""
    queryset = selectors.agreements_for(request.user).order_by("-academic_year", "partner__name")
    filtered = AgreementFilter(request.GET, queryset=queryset)
    return list_page(
        request,
        filtered,
        "agreements/list.html",
        columns=LIST_COLUMNS,
        basename="agreements",
        shaped=selectors.agreement_list_values,
        context=lambda page: {
            "rows": selectors.agreement_list_rows(page),
            "count": page.paginator.count,
            "current_year": current_academic_year(),
        },
    )


@hub_staff_required
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest) -> HttpResponse:
    """Draft a partnership agreement from the template of the partner's type."""
    form = AgreementCreateForm(request.POST or None, initial={"partner": request.GET.get("partner")})
    if request.method == "POST" and form.is_valid():
        drafted = attempt(
            request,
            lambda: services.agreement_draft(
                partner=form.cleaned_data["partner"],
                academic_year=form.cleaned_data["academic_year"],
                actor=request.user,
            ),
            "Drafted from the template. Edit it, add the agreed outcomes, then issue it.",
            form=form,
        )
        if drafted:
            return redirect("agreements:edit", pk=drafted.result.pk)
    return render(request, "agreements/create.html", {"form": form})


@hub_staff_required
@require_GET
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_detail_for(request.user, pk)
    context = _detail_context(agreement, request.user)
    context["renewal"] = selectors.renewal_of_agreement(agreement)
    context["issue_problems"] = services.issue_problems(agreement) if context["can"]["issue"] else []
    return render(request, "agreements/detail.html", context)


@hub_staff_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft: its text, outcomes and (a project) money and payment schedule."""
    agreement = selectors.get_agreement_for(request.user, pk)
    verdict = permissions.may_edit(request.user, agreement)
    if not verdict[0]:
        return _not_now(request, agreement, verdict)
    form_class = ProjectAgreementForm if agreement.is_project else AgreementForm
    data = request.POST if request.method == "POST" else None
    form = form_class(data, instance=agreement)
    outcomes = OutcomeFormSet(data, instance=agreement, prefix="outcomes")
    instalments = InstalmentFormSet(data, instance=agreement, prefix="instalments") if agreement.is_project else None
    if request.method == "POST":
        valid = form.is_valid() & outcomes.is_valid() & (instalments.is_valid() if instalments else True)
        if valid and attempt(
            request,
            lambda: services.agreement_update(
                agreement=agreement,
                actor=request.user,
                fields=form.cleaned_data,
                outcomes=formset_rows(outcomes),
                instalments=formset_rows(instalments) if instalments else None,
            ),
            "Saved.",
            form=form,
        ):
            return redirect("agreements:detail", pk=agreement.pk)
    return render(
        request,
        "agreements/edit.html",
        {"agreement": agreement, "form": form, "outcomes": outcomes, "instalments": instalments},
    )


@hub_staff_required
@require_http_methods(["GET", "POST"])
def agreement_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue for signature, after a confirm step that says what is sent to
    whom; the POST is the action, guarded by the service."""
    agreement = selectors.get_agreement_for(request.user, pk)
    if request.method == "GET":
        verdict = permissions.may_issue(request.user, agreement)
        if not verdict[0]:
            return _not_now(request, agreement, verdict)
        detail = reverse("agreements:detail", args=[agreement.pk])
        problems = services.issue_problems(agreement)
        return render(
            request,
            "agreements/issue_confirm.html",
            {
                "agreement": agreement,
                "recipients": partner_users(agreement.partner),
                "problem_links": [(detail, problem) for problem in problems],
                "sign_by": timezone.localdate() + datetime.timedelta(services.SIGN_WITHIN_DAYS),
            },
        )
    attempt(
        request,
        lambda: services.agreement_issue(agreement=agreement, actor=request.user),
        f"Issued. {possessive(agreement.partner.name)} users have been asked to sign it.",
    )
    return redirect("agreements:detail", pk=agreement.pk)


def _form_step(request, agreement, verdict, form_class, *, act, success, template, done, context=None):
    """A staff action confirmed through a short form (a reason, a note, a date).
    Refused now, the agreement's page says why. A valid POST calls the service
    (``act(cleaned_data)``) through attempt() and goes on to ``done``; else the
    form again (``template``, with ``context``, the agreement's by default),
    with what was typed and the refusal beside it."""
    if not verdict[0]:
        return _not_now(request, agreement, verdict)
    form = form_class(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(request, lambda: act(form.cleaned_data), success, form=form)
    ):
        return redirect(done)
    return render(request, template, {**(context or {"agreement": agreement}), "form": form})


@hub_staff_required
@require_http_methods(["GET", "POST"])
def agreement_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Return an issued agreement to draft to change it: a new version."""
    agreement = selectors.get_agreement_for(request.user, pk)
    return _form_step(
        request,
        agreement,
        permissions.may_reopen(request.user, agreement),
        ReasonForm,
        act=lambda data: services.agreement_reopen(agreement=agreement, actor=request.user, reason=data["reason"]),
        success="Back in draft as a new version. Make the change, then issue it again.",
        template="agreements/reopen.html",
        done=reverse("agreements:edit", args=[agreement.pk]),
    )


@hub_staff_required
@require_http_methods(["GET", "POST"])
def agreement_review_exception_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The Service Manager records why a partnership may roll forward without its annual review."""
    agreement = selectors.get_agreement_for(request.user, pk)
    return _form_step(
        request,
        agreement,
        permissions.may_record_review_exception(request.user, agreement),
        ReviewExceptionForm,
        act=lambda data: services.agreement_review_exception(
            agreement=agreement, actor=request.user, reason=data["reason"]
        ),
        success="Recorded. Roll-forward can now draft next year's agreement for it.",
        template="agreements/review_exception.html",
        done=reverse("agreements:detail", args=[agreement.pk]),
    )


@hub_staff_required
@require_http_methods(["GET", "POST"])
def agreement_countersign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The Service Manager signs for the Hub; the agreement goes live."""
    agreement = selectors.get_agreement_detail_for(request.user, pk)
    verdict = permissions.may_countersign(request.user, agreement)
    if not verdict[0]:
        return _not_now(request, agreement, verdict)
    initial = {"typed_name": request.user.get_full_name(), "role_title": request.user.job_title or "Service Manager"}
    form = CountersignForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: services.agreement_countersign(
                agreement=agreement,
                actor=request.user,
                typed_name=form.cleaned_data["typed_name"],
                role_title=form.cleaned_data["role_title"],
            ),
            form=form,
        )
    ):
        agreement.refresh_from_db()
        if agreement.status == Agreement.Status.SIGNED:
            messages.success(request, f"Signed for the Hub. It goes live on {agreement.year.starts_on:%-d %B %Y}.")
        else:
            messages.success(request, "Signed for the Hub. The agreement is live.")
        return redirect("agreements:detail", pk=agreement.pk)
    context = _detail_context(agreement, request.user)
    context["form"] = form
    return render(request, "agreements/countersign.html", context)


@hub_staff_required
@require_http_methods(["GET", "POST"])
def agreement_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_for(request.user, pk)
    return _form_step(
        request,
        agreement,
        permissions.may_complete(request.user, agreement),
        CompleteForm,
        act=lambda data: services.agreement_complete(agreement=agreement, actor=request.user, note=data["note"]),
        success="Completed. The partner has been told their evaluation and case studies are due.",
        template="agreements/complete.html",
        done=reverse("agreements:detail", args=[agreement.pk]),
    )


@hub_staff_required
@require_http_methods(["GET", "POST"])
def instalment_paid(request: HttpRequest, pk: int) -> HttpResponse:
    instalment = selectors.get_instalment_for(request.user, pk)
    return _form_step(
        request,
        instalment.agreement,
        permissions.may_record_payment(request.user, instalment),
        PaymentForm,
        act=lambda data: services.instalment_record_payment(
            instalment=instalment, actor=request.user, paid_on=data["paid_on"]
        ),
        success="Payment recorded.",
        template="agreements/instalment_paid.html",
        done=reverse("agreements:detail", args=[instalment.agreement_id]),
        context={"instalment": instalment},
    )


@hub_staff_required
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The annual review: start it, save it as you go, complete it."""
    agreement = selectors.get_agreement_for(request.user, pk)
    review = agreement.reviews.filter(completed_at__isnull=True).first()
    verdict = (
        permissions.may_edit_review(request.user, review) if review else permissions.may_review(request.user, agreement)
    )
    if not verdict[0]:
        return _not_now(request, agreement, verdict)
    outcomes = agreement.outcomes.all()
    ratings = {r.outcome_id: r for r in review.outcome_reviews.all()} if review else {}
    initial = {} if review else selectors.review_prefill(agreement)
    form = ReviewForm(
        request.POST or None,
        instance=review or AnnualReview(agreement=agreement),
        initial=initial,
        outcomes=outcomes,
        ratings=ratings,
    )
    if request.method == "POST" and form.is_valid():
        complete = request.POST.get("action") == "complete"
        fields = {name: form.cleaned_data.get(name) for name in ReviewForm.Meta.fields}
        done = attempt(
            request,
            lambda: services.review_save(
                agreement=agreement,
                actor=request.user,
                review=review,
                fields=fields,
                ratings=form.ratings(),
                complete=complete,
                reasons=form.cleaned_data.get("reasons") or [],
                evidence=form.cleaned_data.get("evidence") or "",
                other_reason=form.cleaned_data.get("other_reason") or "",
            ),
            form=form,
        )
        if done:
            saved = done.result
            if complete:
                messages.success(request, f"Review completed: {saved.get_recommendation_display().lower()}.")
                return redirect("agreements:detail", pk=agreement.pk)
            messages.success(request, "Review saved. Complete it when every outcome is rated.")
            return redirect("agreements:review", pk=agreement.pk)
    return render(request, "agreements/review.html", {"agreement": agreement, "form": form, "review": review})


@hub_staff_required
@require_http_methods(["GET", "POST"])
def recommendation_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Recommend to the Chair that an agreement be terminated or not renewed."""
    agreement = selectors.get_agreement_for(request.user, pk)
    verdict = permissions.may_recommend(
        request.user, agreement, has_open_recommendation=agreement.has_open_recommendation
    )
    if not verdict[0]:
        return _not_now(request, agreement, verdict)
    form = RecommendationForm(request.POST or None, request.FILES or None, agreement=agreement)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: services.recommendation_raise(
                agreement=agreement,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                reasons=form.cleaned_data["reasons"],
                evidence=form.cleaned_data["evidence"],
                other_reason=form.cleaned_data["other_reason"],
                suspend_partner=form.cleaned_data["suspend_partner"],
                documents=form.documents(),
            ),
            "Sent to the Chair for a decision.",
            form=form,
        )
    ):
        return redirect("agreements:detail", pk=agreement.pk)
    return render(request, "agreements/recommend.html", {"agreement": agreement, "form": form})


@hub_staff_required
@require_http_methods(["GET", "POST"])
def roll_forward_view(request: HttpRequest) -> HttpResponse:
    """Preview, then draft next year's agreements for every one in force this year."""
    form = RollForwardForm(request.POST or request.GET or None)
    year = AcademicYear(form.cleaned_data["year"]) if form.is_valid() else current_academic_year()
    if request.method == "POST" and form.is_valid():
        report = services.roll_forward(year=year, actor=request.user)
        messages.success(
            request,
            f"Rolled forward {year.label}: {len(report.created)} draft{'s' if len(report.created) != 1 else ''} "
            f"created for {year.next().label}, {len(report.skipped)} skipped.",
        )
        return render(request, "agreements/roll_forward.html", {"form": form, "report": report, "done": True})
    report = services.roll_forward_plan(year=year)
    return render(request, "agreements/roll_forward.html", {"form": form, "report": report, "done": False})


@hub_staff_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "agreements/template_list.html",
        {"templates": selectors.templates_for(request.user), "missing": selectors.partner_types_without_template()},
    )


@hub_staff_required
@require_POST
def template_create(request: HttpRequest, partner_type_pk: int) -> HttpResponse:
    """Start a template for a partner type that has none."""
    partner_type = get_object_or_404(PartnerType, pk=partner_type_pk)
    done = attempt(
        request,
        lambda: services.template_create_for_type(partner_type=partner_type, actor=request.user),
        "Template started from a similar type's. Make it fit this type, then save it.",
    )
    if not done:
        return redirect("agreements:template_list")
    return redirect("agreements:template_edit", pk=done.result.pk)


@hub_staff_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(selectors.templates_for(request.user), pk=pk)
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        services.template_update(template=template, actor=request.user, fields=form.cleaned_data)
        messages.success(request, "Template saved. New drafts use it; agreements already drafted keep their text.")
        return redirect("agreements:template_list")
    return render(
        request,
        "agreements/template_edit.html",
        {"template": template, "form": form, "history": history_for(template).select_related("actor")},
    )


# The Chair.


@chair_required
@require_GET
def chair_recommendation_list(request: HttpRequest) -> HttpResponse:
    """Awaiting the Chair (oldest first) and decided (newest first), each paged;
    the filters and a chosen sort apply to both, and the export holds both."""
    found = RecommendationFilter(request.GET, queryset=selectors.recommendations_for(request.user))
    rows = found.qs
    if export_format(request):
        return export_rows(request, rows, RECOMMENDATION_COLUMNS, "recommendations")
    awaiting = rows.filter(decided_at__isnull=True)
    decided = rows.filter(decided_at__isnull=False)
    if not found.form.cleaned_data.get("sort"):
        awaiting = awaiting.order_by("raised_at", "pk")
        decided = decided.order_by("-decided_at", "-pk")
    state = found.form.cleaned_data.get("state")
    return render(
        request,
        "agreements/chair_list.html",
        {
            "filter": found,
            "awaiting": page_of(request, awaiting) if state != DECIDED else None,
            "decided": page_of(request, decided, param="decided-page") if state != AWAITING else None,
            "querystring": querystring(request, drop=("page", "decided-page", "export")),
        },
    )


@chair_required
@require_http_methods(["GET", "POST"])
def chair_recommendation(request: HttpRequest, pk: int) -> HttpResponse:
    """The full file and the decision form; the decision is final."""
    recommendation = selectors.get_recommendation_for(request.user, pk)
    form = DecisionForm(request.POST or None) if not recommendation.is_decided else None
    verdict = permissions.may_decide(request.user, recommendation)
    if request.method == "POST" and not verdict[0]:
        messages.error(request, verdict[1])
        return redirect("agreements:chair_recommendation", pk=recommendation.pk)
    if request.method == "POST" and request.POST.get("change"):
        form = DecisionForm(initial={k: request.POST.get(k, "") for k in ("decision", "reasons")})
    elif request.method == "POST" and not form.is_valid() and _only_unconfirmed(form):
        # The decision and reasons are complete: say what they will do, and ask to confirm.
        if request.POST.get("step") != "confirm":
            form.errors.pop("confirm")  # not asked yet: the confirm page asks
        return _decision_confirm_page(request, recommendation, form)
    elif (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: services.recommendation_decide(
                recommendation=recommendation,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                reasons=form.cleaned_data["reasons"],
            ),
            "Your decision is recorded and locked. The partner and staff have been told.",
            form=form,
        )
    ):
        return redirect("agreements:chair_recommendation", pk=recommendation.pk)
    if form is not None and form.is_bound and request.POST.get("step") != "confirm":
        form.errors.pop("confirm", None)  # the confirm step asks that, after the rest is right
    agreement = selectors.get_agreement_detail_for(request.user, recommendation.agreement_id)
    context = _detail_context(agreement, request.user)
    context.update(
        {
            "recommendation": recommendation,
            # A recommendation raised again after the Chair did not uphold one: the earlier decision beside it.
            "earlier_decisions": list(
                TerminationRecommendation.objects.filter(agreement=agreement, decided_at__isnull=False)
                .exclude(pk=recommendation.pk)
                .select_related("decided_by")
                .order_by("-decided_at")
            ),
            "reasons": [Reason(r).label for r in recommendation.reasons if r in Reason.values],
            "documents": list(recommendation.documents.all()),
            "complaint": recommendation.complaint,
            "form": form,
            "partner_history": history_for(agreement.partner).select_related("actor"),
            "recommendation_history": history_for(recommendation).select_related("actor"),
            "earlier_agreements": selectors.agreements_for(request.user)
            .filter(partner=agreement.partner)
            .exclude(pk=agreement.pk)
            .order_by("-academic_year"),
            "is_staff": is_hub_staff(request.user),
        }
    )
    return render(request, "agreements/chair_recommendation.html", context)


def _only_unconfirmed(form) -> bool:
    """The form's one problem is the unticked "my decision is final" box."""
    return set(form.errors) == {"confirm"}


def _decision_confirm_page(request: HttpRequest, recommendation, form) -> HttpResponse:
    decision = form.data.get("decision", "")
    return render(
        request,
        "agreements/decide_confirm.html",
        {
            "recommendation": recommendation,
            "agreement": recommendation.agreement,
            "form": form,
            "decision": decision,
            "decision_label": TerminationRecommendation.Decision(decision).label,
            "reasons": form.data.get("reasons", ""),
            "effects": decision_effects(recommendation, decision),
        },
    )
