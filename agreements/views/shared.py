"""Pages both Hub staff and partner users open, and helpers the audiences share."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from agreements import permissions, selectors
from agreements.models import Agreement, Reason, Signature
from agreements.text import verify
from hubportal.core.actions import Verdict, enforce, forbid_unless
from hubportal.core.errors import require
from hubportal.core.history import history_for
from hubportal.core.hub import current_hub
from hubportal.core.pdf import pdf_response, render_pdf
from hubportal.core.roles import is_hub_staff, is_partner_user
from hubportal.core.uploads import serve_private_file
from partners.standing import Action


def _detail_context(agreement: Agreement, user) -> dict:
    signatures = list(agreement.signatures.all())
    current = {s.party: s for s in signatures if s.voided_at is None}
    reviews = list(agreement.reviews.all())
    recommendations = list(agreement.recommendations.all())
    has_open = any(not r.is_decided for r in recommendations)
    instalments = list(agreement.instalments.all())
    for instalment in instalments:
        instalment.can_pay = permissions.may_record_payment(user, instalment)[0]
    # What the partner's standing withholds now, with the reason shown where the button would be.
    withheld = {}
    if permissions.may_sign(user, agreement)[0]:
        withheld["sign"] = permissions.standing_allows(agreement, Action.AGREEMENT_SIGN)[1]
    countersign = permissions.may_countersign(user, agreement)
    if countersign[0]:
        withheld["countersign"] = permissions.standing_allows(agreement, Action.AGREEMENT_COUNTERSIGN)[1]
    elif is_hub_staff(user) and agreement.status == Agreement.Status.PARTNER_SIGNED:
        withheld["countersign"] = countersign[1]  # other staff: who signs next
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
        "can": {
            "edit": permissions.may_edit(user, agreement)[0],
            "issue": permissions.may_issue(user, agreement)[0],
            "reopen": permissions.may_reopen(user, agreement)[0],
            "sign": permissions.may_sign(user, agreement)[0] and not withheld.get("sign"),
            "countersign": countersign[0] and not withheld.get("countersign"),
            "review_exception": permissions.may_record_review_exception(user, agreement)[0],
            "pdf": permissions.may_download_pdf(user, agreement)[0],
            "review": permissions.may_review(user, agreement)[0],
            "recommend": permissions.may_recommend(user, agreement, has_open_recommendation=has_open)[0],
            "complete": permissions.may_complete(user, agreement)[0],
        },
    }


def _not_now(request: HttpRequest, agreement: Agreement, verdict: Verdict) -> HttpResponse:
    """A refused verdict met when opening an action's page: 403 when the role
    never allows it, else its reason on the agreement's page."""
    forbid_unless(verdict)
    messages.error(request, verdict[1])
    if is_hub_staff(request.user):
        return redirect("agreements:detail", pk=agreement.pk)
    return redirect("agreements:portal_detail", pk=agreement.pk)


# Staff and the partner's own users.


@login_required
@require_GET
def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreement as a PDF: staff, and the partner's own users."""
    require(is_hub_staff(request.user) or is_partner_user(request.user), "The PDF is for Hub staff and the partner.")
    agreement = selectors.get_agreement_detail_for(request.user, pk)
    enforce(permissions.may_download_pdf(request.user, agreement))
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
