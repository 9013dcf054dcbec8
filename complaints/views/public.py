"""Pages anyone may open, signed in or not."""

from datetime import date
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from complaints import forms, permissions, selectors, services
from complaints.models import Complaint
from complaints.views.shared import _complainant_context, _promises
from hubportal.core.actions import attempt
from hubportal.core.errors import ActionRefused
from hubportal.core.uploads import serve_private_file
from hubportal.security.ratelimits import over_limit
from hubportal.security.ratelimits import refused as ratelimit_refused

COMPLAINT_LIMIT_MESSAGE = (
    "We have had several complaints from your connection in the last hour, so we cannot take another just now. "
    "Please try again in an hour (what you typed is kept below), or write to the Service Manager. "
    "If a child is in immediate danger, call 999."
)


# The public ---------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def public_new(request: HttpRequest) -> HttpResponse:
    """Anyone may complain in writing: the open form."""
    form = forms.PublicComplaintForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_robot:
            over_limit(request, "complaint")
            return redirect("complaints:public_done")  # say nothing useful to a robot
        if form.is_valid() and over_limit(request, "complaint"):
            form.add_error(None, COMPLAINT_LIMIT_MESSAGE)
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                raised = services.complaint_raise(
                    actor=None,
                    via=Complaint.RaisedVia.PUBLIC,
                    complainant_name=data["complainant_name"],
                    complainant_email=data["complainant_email"],
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
                request.session["complaint_raised"] = {
                    "reference": raised.complaint.reference,
                    "acknowledge_by": raised.complaint.acknowledge_by.isoformat(),
                    "token": raised.tracking_token,
                }
                return redirect("complaints:public_done")
    return render(request, "complaints/public_new.html", {"form": form, **_promises()}, status=status)


@never_cache
def public_done(request: HttpRequest) -> HttpResponse:
    """The confirmation, shown once: the reference and the private link."""
    raised = request.session.pop("complaint_raised", None)
    context = {}
    if raised:
        context = {
            "reference": raised["reference"],
            "acknowledge_by": date.fromisoformat(raised["acknowledge_by"]),
            "tracking_url": request.build_absolute_uri(services.track_url(raised["token"])),
        }
    return render(request, "complaints/public_done.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def track_request(request: HttpRequest) -> HttpResponse:
    """A complainant whose link has expired (or is lost) asks for a new one."""
    form = forms.TrackingRequestForm(request.POST or None)
    sent = False
    if request.method == "POST":
        if form.is_valid() and over_limit(request, "complaint_track_request"):
            return render(request, "complaints/public_rate_limited.html", status=429)
        if form.is_valid():
            services.tracking_link_resend(reference=form.cleaned_data["reference"], email=form.cleaned_data["email"])
            sent = True
            form = forms.TrackingRequestForm()
    return render(request, "complaints/track_request.html", {"form": form, "sent": sent})


def tracked(view):
    """Open the complaint a private link names, or say the link does not work
    (expired, replaced or never valid: the same answer for each)."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
        # Someone guessing links is stopped after a few misses, right link or not.
        if over_limit(request, "complaint_track_miss", count=False):
            return ratelimit_refused(request)
        try:
            complaint = selectors.get_complaint_by_token(token)
        except Http404:
            if over_limit(request, "complaint_track_miss"):
                return ratelimit_refused(request)
            return render(request, "complaints/track_invalid.html", status=404)
        return view(request, complaint, token, *args, **kwargs)

    return never_cache(wrapper)


def _track_page(request: HttpRequest, complaint: Complaint, token: str, **bound) -> HttpResponse:
    context = _complainant_context(complaint, user=None, token=token, **bound)
    return render(request, "complaints/track.html", context)


@tracked
def track(request: HttpRequest, complaint: Complaint, token: str) -> HttpResponse:
    """The public complainant's own page, through their private link."""
    return _track_page(request, complaint, token)


@require_POST
@tracked
def track_accept(request: HttpRequest, complaint: Complaint, token: str) -> HttpResponse:
    attempt(
        request,
        lambda: services.complaint_accept(complaint=complaint, token=token),
        "Thank you. You have accepted the resolution and the complaint is closed.",
    )
    return redirect("complaints:track", token=token)


@require_http_methods(["GET", "POST"])
@tracked
def track_escalate(request: HttpRequest, complaint: Complaint, token: str) -> HttpResponse:
    allowed, reason = permissions.may_escalate(None, complaint, token)
    form = forms.EscalateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if attempt(
            request,
            lambda: services.complaint_escalate(complaint=complaint, reasons=form.cleaned_data["reasons"], token=token),
            "Your complaint has been escalated to the Chair of the Hub Executive Board.",
        ):
            return redirect("complaints:track", token=token)
    elif request.method == "GET" and not allowed:
        messages.error(request, reason)
        return redirect("complaints:track", token=token)
    return render(request, "complaints/escalate.html", {"complaint": complaint, "form": form, "token": token})


@require_POST
@tracked
def track_message(request: HttpRequest, complaint: Complaint, token: str) -> HttpResponse:
    form = forms.MessageForm(request.POST)
    if form.is_valid() and attempt(
        request,
        lambda: services.complaint_message_from_complainant(
            complaint=complaint, body=form.cleaned_data["body"], token=token
        ),
        "Your message has been sent.",
    ):
        return redirect("complaints:track", token=token)
    return _track_page(request, complaint, token, message_form=form)


@tracked
def track_attachment(request: HttpRequest, complaint: Complaint, token: str, attachment_pk: int) -> HttpResponse:
    attachment = get_object_or_404(complaint.attachments.all(), pk=attachment_pk)
    return serve_private_file(attachment.file, attachment.original_filename)
