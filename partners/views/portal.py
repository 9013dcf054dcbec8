"""Pages for partner users, in the partner portal."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hubportal.core.actions import attempt
from hubportal.core.errors import require
from hubportal.core.roles import partner_required
from hubportal.core.todo import todos_for
from hubportal.core.words import midsentence
from partners import forms, permissions, selectors, services
from partners.guidance import NEXT_STEPS, journey
from partners.models import EvidenceItem, EvidenceType

# --- the partner portal ---------------------------------------------------------------


@partner_required
@require_GET
def portal_profile(request: HttpRequest) -> HttpResponse:
    partner = selectors.get_own_partner(request.user)
    meetings = partner.meetings.filter(recorded_at=None, cancelled_at=None)
    meeting = meetings.prefetch_related("hlo_representatives").first()
    return render(
        request,
        "partners/portal_profile.html",
        {
            "partner": partner,
            "next_step": NEXT_STEPS.get(partner.status, ""),
            "journey": journey(partner),
            "meeting": meeting,
            "can_confirm": meeting is not None and permissions.may_confirm_meeting(request.user, meeting)[0],
            "contacts": partner.contacts.all(),
            "users": partner.users.filter(is_active=True).order_by("first_name", "last_name"),
            "can_edit": permissions.may_edit_own_profile(request.user, partner)[0],
            "todos": todos_for(partner),
            "today": timezone.localdate(),
        },
    )


@partner_required
@require_http_methods(["GET", "POST"])
def portal_profile_edit(request: HttpRequest) -> HttpResponse:
    partner = selectors.get_own_partner(request.user)
    require(*permissions.may_edit_own_profile(request.user, partner))
    form = forms.OwnProfileForm(request.POST or None, instance=selectors.get_own_partner(request.user))
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: services.partner_update_profile(partner=partner, actor=request.user, profile=form.cleaned_data),
            "Your profile is saved.",
        )
    ):
        return redirect("partners:portal_profile")
    return render(request, "partners/portal_profile_edit.html", {"form": form, "partner": partner})


@partner_required
@require_POST
def meeting_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, pk)
    attempt(
        request,
        lambda: services.meeting_confirm(meeting=meeting, actor=request.user),
        "Thank you: we have told the Hub you will attend.",
    )
    return redirect(reverse("partners:portal_profile") + "#meeting")


@partner_required
@require_GET
def portal_evidence(request: HttpRequest) -> HttpResponse:
    partner = selectors.get_own_partner(request.user)
    return render(
        request,
        "partners/portal_evidence.html",
        {
            "partner": partner,
            "register": selectors.evidence_register(partner),
            "can_upload": permissions.may_upload_evidence(request.user, partner)[0],
            "today": timezone.localdate(),
        },
    )


@partner_required
@require_http_methods(["GET", "POST"])
def evidence_upload(request: HttpRequest, type_pk: int) -> HttpResponse:
    partner = selectors.get_own_partner(request.user)
    evidence_type = get_object_or_404(EvidenceType, pk=type_pk, is_active=True)
    require(*permissions.may_upload_evidence(request.user, partner))
    item = EvidenceItem.objects.filter(partner=partner, evidence_type=evidence_type).first()
    form = forms.EvidenceUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            lambda: services.evidence_upload(
                partner=partner,
                evidence_type=evidence_type,
                actor=request.user,
                file=data["file"],
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
                note=data["note"],
            ),
            f"Thank you: your {midsentence(evidence_type.name)} is uploaded. We will check it and tell you.",
        ):
            return redirect("partners:portal_evidence")
    example_expiry = services.default_expiry(evidence_type, partner, timezone.localdate())
    return render(
        request,
        "partners/evidence_upload.html",
        {
            "form": form,
            "partner": partner,
            "evidence_type": evidence_type,
            "item": item,
            "example_expiry": example_expiry,
        },
    )
