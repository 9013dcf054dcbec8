"""Thin views: fetch within the user's scope, check, call a service, redirect."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements import permissions, selectors, services
from agreements.filters import AWAITING, DECIDED, AgreementFilter, PortalAgreementFilter, RecommendationFilter
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
    SignForm,
    TemplateForm,
    formset_rows,
)
from agreements.models import Agreement, AnnualReview, Reason, Signature, TerminationRecommendation
from agreements.text import verify
from hubportal.core.academic_years import AcademicYear, current_academic_year
from hubportal.core.errors import ActionRefused, require
from hubportal.core.exports import export_format, export_rows
from hubportal.core.history import history_for
from hubportal.core.hub import current_hub
from hubportal.core.lists import page_of, querystring
from hubportal.core.pdf import pdf_response, render_pdf
from hubportal.core.roles import (
    chair_required,
    hub_staff_required,
    is_hub_staff,
    is_partner_user,
    is_service_manager,
    partner_required,
)
from hubportal.core.uploads import serve_private_file
from partners.models import PartnerType
from partners.standing import Action

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
# What the partner's own list shows, and nothing of staff's (no recommendation to the Chair).
PORTAL_COLUMNS = [
    ("Agreement", lambda a: a.title),
    ("Kind", lambda a: a.get_kind_display()),
    ("Academic year", lambda a: a.year.label),
    ("State", lambda a: a.get_status_display()),
    ("Version", lambda a: a.version),
    ("Issued", lambda a: a.issued_at),
    ("Live since", lambda a: a.live_at),
    ("Ended", lambda a: a.ended_at),
    ("Hub contribution", lambda a: a.hub_contribution),
    ("Match funding committed", lambda a: a.match_funding_commitment),
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


def _detail_context(agreement: Agreement, user) -> dict:
    signatures = list(agreement.signatures.all())
    current = {s.party: s for s in signatures if s.voided_at is None}
    reviews = list(agreement.reviews.all())
    recommendations = list(agreement.recommendations.all())
    has_open = any(not r.is_decided for r in recommendations)
    instalments = list(agreement.instalments.all())
    for instalment in instalments:
        instalment.can_pay = permissions.can_record_payment(user, instalment)
    # What the partner's standing withholds now, with the reason shown where the button would be.
    withheld = {}
    if permissions.can_sign(user, agreement):
        withheld["sign"] = permissions.standing_allows(agreement, Action.AGREEMENT_SIGN)[1]
    if permissions.can_countersign(user, agreement):
        withheld["countersign"] = permissions.standing_allows(agreement, Action.AGREEMENT_COUNTERSIGN)[1]
    # An imported agreement signed before the portal: its signed copy (issue 22).
    from hubportal.records_import.models import LegacySignedCopy
    from hubportal.records_import.permissions import can_attach_legacy_pdf

    legacy_copy = LegacySignedCopy.objects.filter(agreement=agreement).select_related("uploaded_by").first()
    return {
        "agreement": agreement,
        "outcomes": list(agreement.outcomes.all()),
        "instalments": instalments,
        "instalment_total": sum((i.amount for i in instalments), Decimal("0.00")),
        "versions": list(agreement.versions.all()),
        "signatures": signatures,
        "voided_signatures": [s for s in signatures if s.voided_at],
        "partner_signature": current.get(Signature.Party.PARTNER),
        "hub_signature": current.get(Signature.Party.HUB),
        "reviews": reviews,
        "open_review": next((r for r in reviews if r.completed_at is None), None),
        "recommendations": recommendations,
        "verification": verify(agreement) if agreement.versions.all() else None,
        "history": history_for(agreement).select_related("actor"),
        "reason_choices": Reason.choices,
        "withheld": withheld,
        "legacy_copy": legacy_copy,
        "can": {
            "attach_legacy": is_hub_staff(user) and can_attach_legacy_pdf(user, agreement)[0],
            "edit": permissions.can_edit(user, agreement),
            "issue": permissions.can_issue(user, agreement),
            "reopen": permissions.can_reopen(user, agreement),
            "sign": permissions.can_sign(user, agreement) and not withheld.get("sign"),
            "countersign": permissions.can_countersign(user, agreement) and not withheld.get("countersign"),
            "review_exception": permissions.can_record_review_exception(user, agreement),
            "pdf": permissions.can_download_pdf(user, agreement),
            "review": permissions.can_review(user, agreement),
            "recommend": permissions.can_recommend(user, agreement, has_open_recommendation=has_open),
            "complete": permissions.can_complete(user, agreement),
        },
    }


def _not_now(request: HttpRequest, agreement: Agreement, what: str) -> HttpResponse:
    """The user may act on this agreement, but not in its present state: say so on its page."""
    messages.error(request, f"This agreement is {agreement.get_status_display().lower()}. {what}")
    if is_hub_staff(request.user):
        return redirect("agreements:detail", pk=agreement.pk)
    return redirect("agreements:portal_detail", pk=agreement.pk)


# Staff: the list and the pages of one agreement.


@hub_staff_required
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    """Every agreement, filtered, sorted and exported."""
    queryset = selectors.agreements_for(request.user).order_by("-academic_year", "partner__name")
    filtered = AgreementFilter(request.GET, queryset=queryset)
    if export_format(request):
        return export_rows(request, filtered.qs, LIST_COLUMNS, "agreements")
    page = page_of(request, filtered.qs)
    return render(
        request,
        "agreements/list.html",
        {
            "filter": filtered,
            "page": page,
            "querystring": querystring(request),
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
        try:
            agreement = services.agreement_draft(
                partner=form.cleaned_data["partner"],
                academic_year=form.cleaned_data["academic_year"],
                actor=request.user,
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Drafted from the template. Edit it, add the agreed outcomes, then issue it.")
            return redirect("agreements:edit", pk=agreement.pk)
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
    if not permissions.can_edit(request.user, agreement):
        return _not_now(request, agreement, "Only a draft can be edited: return it to draft first.")
    form_class = ProjectAgreementForm if agreement.is_project else AgreementForm
    data = request.POST if request.method == "POST" else None
    form = form_class(data, instance=agreement)
    outcomes = OutcomeFormSet(data, instance=agreement, prefix="outcomes")
    instalments = InstalmentFormSet(data, instance=agreement, prefix="instalments") if agreement.is_project else None
    if request.method == "POST":
        valid = form.is_valid() & outcomes.is_valid() & (instalments.is_valid() if instalments else True)
        if valid:
            try:
                services.agreement_update(
                    agreement=agreement,
                    actor=request.user,
                    fields=form.cleaned_data,
                    outcomes=formset_rows(outcomes),
                    instalments=formset_rows(instalments) if instalments else None,
                )
            except ActionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, "Saved.")
                return redirect("agreements:detail", pk=agreement.pk)
    return render(
        request,
        "agreements/edit.html",
        {"agreement": agreement, "form": form, "outcomes": outcomes, "instalments": instalments},
    )


@hub_staff_required
@require_POST
def agreement_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_for(request.user, pk)
    try:
        services.agreement_issue(agreement=agreement, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Issued. {agreement.partner.name}'s users have been asked to sign it.")
    return redirect("agreements:detail", pk=agreement.pk)


@hub_staff_required
@require_http_methods(["GET", "POST"])
def agreement_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Return an issued agreement to draft to change it: a new version."""
    agreement = selectors.get_agreement_for(request.user, pk)
    if not permissions.can_reopen(request.user, agreement):
        return _not_now(request, agreement, "Only an agreement waiting for a signature returns to draft.")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_reopen(agreement=agreement, actor=request.user, reason=form.cleaned_data["reason"])
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Back in draft as a new version. Make the change, then issue it again.")
            return redirect("agreements:edit", pk=agreement.pk)
    return render(request, "agreements/reopen.html", {"agreement": agreement, "form": form})


@hub_staff_required
@require_http_methods(["GET", "POST"])
def agreement_review_exception_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The Service Manager records why a partnership may roll forward without its annual review."""
    agreement = selectors.get_agreement_for(request.user, pk)
    require(is_service_manager(request.user), "Only the Service Manager records this exception.")
    if not permissions.can_record_review_exception(request.user, agreement):
        return _not_now(request, agreement, "Only a partnership agreement in force, with no exception yet, takes one.")
    form = ReviewExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_review_exception(
                agreement=agreement, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Recorded. Roll-forward can now draft next year's agreement for it.")
            return redirect("agreements:detail", pk=agreement.pk)
    return render(request, "agreements/review_exception.html", {"agreement": agreement, "form": form})


@hub_staff_required
@require_http_methods(["GET", "POST"])
def agreement_countersign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The Service Manager signs for the Hub; the agreement goes live."""
    agreement = selectors.get_agreement_detail_for(request.user, pk)
    require(is_service_manager(request.user), "Only the Service Manager signs agreements for the Hub.")
    if not permissions.can_countersign(request.user, agreement):
        return _not_now(request, agreement, "The Hub signs once the partner has signed.")
    initial = {"typed_name": request.user.get_full_name(), "role_title": request.user.job_title or "Service Manager"}
    form = CountersignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_countersign(
                agreement=agreement,
                actor=request.user,
                typed_name=form.cleaned_data["typed_name"],
                role_title=form.cleaned_data["role_title"],
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
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
    if not permissions.can_complete(request.user, agreement):
        return _not_now(request, agreement, "Only a live project agreement is completed.")
    form = CompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_complete(agreement=agreement, actor=request.user, note=form.cleaned_data["note"])
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Completed. The partner has been told their evaluation and case studies are due.")
            return redirect("agreements:detail", pk=agreement.pk)
    return render(request, "agreements/complete.html", {"agreement": agreement, "form": form})


@hub_staff_required
@require_http_methods(["GET", "POST"])
def instalment_paid(request: HttpRequest, pk: int) -> HttpResponse:
    instalment = selectors.get_instalment_for(request.user, pk)
    if not permissions.can_record_payment(request.user, instalment):
        return _not_now(request, instalment.agreement, "This instalment is paid, or its agreement is not yet signed.")
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.instalment_record_payment(
                instalment=instalment, actor=request.user, paid_on=form.cleaned_data["paid_on"]
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Payment recorded.")
            return redirect("agreements:detail", pk=instalment.agreement_id)
    return render(request, "agreements/instalment_paid.html", {"instalment": instalment, "form": form})


@hub_staff_required
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The annual review: start it, save it as you go, complete it."""
    agreement = selectors.get_agreement_for(request.user, pk)
    review = agreement.reviews.filter(completed_at__isnull=True).first()
    if not (
        permissions.can_edit_review(request.user, review) if review else permissions.can_review(request.user, agreement)
    ):
        return _not_now(request, agreement, "Only a partnership agreement in force is reviewed.")
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
        try:
            saved = services.review_save(
                agreement=agreement,
                actor=request.user,
                review=review,
                fields=fields,
                ratings=form.ratings(),
                complete=complete,
                reasons=form.cleaned_data.get("reasons") or [],
                evidence=form.cleaned_data.get("evidence") or "",
                other_reason=form.cleaned_data.get("other_reason") or "",
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
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
    if not permissions.can_recommend(
        request.user, agreement, has_open_recommendation=agreement.has_open_recommendation
    ):
        return _not_now(request, agreement, "Only an agreement in force, not already with the Chair, can be ended.")
    form = RecommendationForm(request.POST or None, request.FILES or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_raise(
                agreement=agreement,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                reasons=form.cleaned_data["reasons"],
                evidence=form.cleaned_data["evidence"],
                other_reason=form.cleaned_data["other_reason"],
                suspend_partner=form.cleaned_data["suspend_partner"],
                documents=form.documents(),
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Sent to the Chair for a decision.")
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
    try:
        template = services.template_create_for_type(partner_type=partner_type, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("agreements:template_list")
    messages.success(request, "Template started from a similar type's. Make it fit this type, then save it.")
    return redirect("agreements:template_edit", pk=template.pk)


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


# Staff and the partner's own users.


@login_required
@require_GET
def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreement as a PDF: staff, and the partner's own users."""
    require(is_hub_staff(request.user) or is_partner_user(request.user), "The PDF is for Hub staff and the partner.")
    agreement = selectors.get_agreement_detail_for(request.user, pk)
    require(permissions.can_download_pdf(request.user, agreement), "The PDF is for Hub staff and the partner.")
    context = _detail_context(agreement, request.user)
    version = next((v for v in context["versions"] if v.version == agreement.version), None)
    content = render_pdf(
        "pdf/agreement.html",
        {
            **context,
            "version": version,
            "signatures": [
                (agreement.partner.name, context["partner_signature"]),
                (f"the Hub ({current_hub().name})", context["hub_signature"]),
            ],
        },
    )
    filename = f"agreement-{agreement.pk}-{agreement.year.label.replace('/', '-')}-v{agreement.version}.pdf"
    return pdf_response(content, filename)


# Staff and the Chair.


@login_required
@require_GET
def recommendation_document(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_see_recommendation(request.user), "Evidence is for Hub staff and the Chair.")
    document = selectors.get_recommendation_document_for(request.user, pk)
    return serve_private_file(document.file, document.original_filename)


# The partner portal.


@partner_required
@require_GET
def portal_list(request: HttpRequest) -> HttpResponse:
    """The partner's own agreements, filtered by state, kind and year, sorted, paged and exported."""
    agreements = selectors.agreements_for(request.user).order_by("-academic_year", "-created_at", "-pk")
    found = PortalAgreementFilter(request.GET, queryset=agreements)
    if export_format(request):
        return export_rows(request, found.qs, PORTAL_COLUMNS, "our-agreements")
    return render(
        request,
        "agreements/portal_list.html",
        {"filter": found, "page": page_of(request, found.qs), "querystring": querystring(request)},
    )


@partner_required
@require_GET
def portal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_detail_for(request.user, pk)
    context = _detail_context(agreement, request.user)
    context["history"] = _partner_history(context["history"])
    return render(request, "agreements/portal_detail.html", context)


def _partner_history(entries) -> list:
    """What the partner sees of the history: the moves, without staff's notes on
    a move to review (a recommendation's reasons stay with staff and the Chair
    until the Chair decides)."""
    shown = []
    for entry in entries:
        if entry.action != "transition":
            continue
        if entry.to_state == Agreement.Status.UNDER_REVIEW:
            entry.note = ""
        shown.append(entry)
    return shown


@partner_required
@require_http_methods(["GET", "POST"])
def agreement_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The partner reads the issued text and signs it: typed name and role."""
    agreement = selectors.get_agreement_detail_for(request.user, pk)
    if not permissions.can_sign(request.user, agreement):
        return _not_now(request, agreement, "It is not waiting for your signature.")
    initial = {"typed_name": request.user.get_full_name(), "role_title": request.user.job_title}
    form = SignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_sign(
                agreement=agreement,
                actor=request.user,
                typed_name=form.cleaned_data["typed_name"],
                role_title=form.cleaned_data["role_title"],
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Thank you: you have signed. The Hub's Service Manager signs next.")
            return redirect("agreements:portal_detail", pk=agreement.pk)
    context = _detail_context(agreement, request.user)
    context["form"] = form
    return render(request, "agreements/sign.html", context)


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
    if request.method == "POST" and recommendation.is_decided:
        messages.error(request, "You have already decided this recommendation; the decision is final and locked.")
        return redirect("agreements:chair_recommendation", pk=recommendation.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_decide(
                recommendation=recommendation,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                reasons=form.cleaned_data["reasons"],
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Your decision is recorded and locked. The partner and staff have been told.")
            return redirect("agreements:chair_recommendation", pk=recommendation.pk)
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
