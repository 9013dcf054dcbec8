"""Pages for partner users, in the partner portal."""

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from complaints import forms, permissions, selectors, services
from complaints.filters import PortalComplaintFilter
from complaints.models import Complaint
from complaints.views.shared import _complainant_context, _promises
from hubportal.core.actions import attempt, forbid_unless
from hubportal.core.errors import ActionRefused
from hubportal.core.exports import export_format, export_rows
from hubportal.core.lists import page_of, querystring
from hubportal.core.roles import partner_required

# The partner portal ---------------------------------------------------------


@partner_required
def portal_list(request: HttpRequest) -> HttpResponse:
    found = PortalComplaintFilter(request.GET, queryset=selectors.complaints_for(request.user))
    partner_id = request.user.partner_id
    made = Q(complainant_partner_id=partner_id, raised_via=Complaint.RaisedVia.PORTAL)
    about = Q(partner_id=partner_id) & ~Q(complainant_partner_id=partner_id)
    if export_format(request):
        # Only what the page shows: never who complained about the partner.
        columns = [
            ("Reference", lambda c: c.reference),
            ("Received", lambda c: c.received_at),
            ("Yours", lambda c: "Made by you" if c.complainant_partner_id == partner_id else "About you"),
            ("About", lambda c: c.about_label if c.complainant_partner_id == partner_id else ""),
            ("Category", lambda c: c.get_category_display()),
            ("Stage", lambda c: c.get_status_display()),
        ]
        return export_rows(request, found.qs.filter(made | about), columns, "our-complaints")
    return render(
        request,
        "complaints/portal_list.html",
        {
            "filter": found,
            "raised": page_of(request, found.qs.filter(made)),
            "about": page_of(request, found.qs.filter(about), param="about-page"),
            "querystring": querystring(request, drop=("page", "about-page", "export")),
            "today": timezone.localdate(),
        },
    )


@partner_required
def portal_new(request: HttpRequest) -> HttpResponse:
    form = forms.PortalComplaintForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = request.user
        try:
            raised = services.complaint_raise(
                actor=user,
                via=Complaint.RaisedVia.PORTAL,
                complainant_name=str(user),
                complainant_email=user.email,
                complainant_phone=data["complainant_phone"],
                category=data["category"],
                about=data["about"],
                partner=data["partner"],
                account=data["account"],
                desired_outcome=data["desired_outcome"],
                attachments=data["attachments"],
            )
        except ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Your complaint {raised.complaint.reference} has been sent to the Service Manager. "
                f"We will acknowledge it by {raised.complaint.acknowledge_by:%-d %B %Y}.",
            )
            return redirect("complaints:portal_detail", pk=raised.complaint.pk)
    return render(request, "complaints/portal_new.html", {"form": form, **_promises()})


def _portal_detail(request: HttpRequest, complaint: Complaint, **bound) -> HttpResponse:
    if selectors.portal_role(request.user, complaint) == "about":
        return render(
            request,
            "complaints/portal_about.html",
            {"complaint": complaint, "notes": selectors.notes_for_partner_complained_about(complaint)},
        )
    return render(request, "complaints/portal_detail.html", _complainant_context(complaint, user=request.user, **bound))


@partner_required
def portal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _portal_detail(request, selectors.get_complaint_for(request.user, pk))


@partner_required
@require_POST
def portal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.get_complaint_for(request.user, pk)
    forbid_unless(permissions.may_accept(request.user, complaint))
    attempt(
        request,
        lambda: services.complaint_accept(complaint=complaint, actor=request.user),
        "Thank you. You have accepted the resolution and the complaint is closed.",
    )
    return redirect("complaints:portal_detail", pk=pk)


@partner_required
@require_http_methods(["GET", "POST"])
def portal_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.get_complaint_for(request.user, pk)
    allowed, reason = permissions.may_escalate(request.user, complaint)
    forbid_unless((allowed, reason))
    form = forms.EscalateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if attempt(
            request,
            lambda: services.complaint_escalate(
                complaint=complaint, actor=request.user, reasons=form.cleaned_data["reasons"]
            ),
            "Your complaint has been escalated to the Chair of the Hub Executive Board.",
        ):
            return redirect("complaints:portal_detail", pk=pk)
    elif request.method == "GET" and not allowed:
        messages.error(request, reason)
        return redirect("complaints:portal_detail", pk=pk)
    return render(request, "complaints/escalate.html", {"complaint": complaint, "form": form, "token": None})


@partner_required
@require_POST
def portal_message(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.get_complaint_for(request.user, pk)
    forbid_unless(permissions.may_message_as_complainant(request.user, complaint))
    form = forms.MessageForm(request.POST)
    if form.is_valid() and attempt(
        request,
        lambda: services.complaint_message_from_complainant(
            complaint=complaint, actor=request.user, body=form.cleaned_data["body"]
        ),
        "Your message has been sent.",
    ):
        return redirect("complaints:portal_detail", pk=pk)
    return _portal_detail(request, complaint, message_form=form)
