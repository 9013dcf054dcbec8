"""Pages for partner users, in the partner portal."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from agreements import permissions, selectors, services
from agreements.filters import PortalAgreementFilter
from agreements.forms import (
    SignForm,
)
from agreements.models import Agreement
from agreements.views.shared import _detail_context, _not_now
from hubportal.core.actions import attempt
from hubportal.core.listpage import list_page
from hubportal.core.roles import partner_required

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


# The partner portal.


@partner_required
@require_GET
def portal_list(request: HttpRequest) -> HttpResponse:
    """The partner's own agreements, filtered by state, kind and year, sorted, paged and exported."""
    agreements = selectors.agreements_for(request.user).order_by("-academic_year", "-created_at", "-pk")
    found = PortalAgreementFilter(request.GET, queryset=agreements)
    return list_page(request, found, "agreements/portal_list.html", columns=PORTAL_COLUMNS, basename="our-agreements")


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
    verdict = permissions.may_sign(request.user, agreement)
    if not verdict[0]:
        return _not_now(request, agreement, verdict)
    initial = {"typed_name": request.user.get_full_name(), "role_title": request.user.job_title}
    form = SignForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: services.agreement_sign(
                agreement=agreement,
                actor=request.user,
                typed_name=form.cleaned_data["typed_name"],
                role_title=form.cleaned_data["role_title"],
            ),
            "Thank you: you have signed. The Hub's Service Manager signs next.",
            form=form,
        )
    ):
        return redirect("agreements:portal_detail", pk=agreement.pk)
    context = _detail_context(agreement, request.user)
    context["form"] = form
    return render(request, "agreements/sign.html", context)
