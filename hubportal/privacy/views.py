"""Thin views for personal data: the Service Manager's schedule, due list,
holds and requests; the safeguarding lead's review list; the public notice."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from hubportal.core.errors import ActionRefused
from hubportal.core.exports import export_format, export_rows
from hubportal.core.history import history_for
from hubportal.core.hub import current_hub
from hubportal.core.lists import page_of, querystring
from hubportal.core.roles import role_required
from hubportal.privacy import permissions, selectors, services
from hubportal.privacy.filters import DataRequestFilter
from hubportal.privacy.forms import DataRequestForm, FulfilForm, LegalHoldForm, ReasonForm
from hubportal.privacy.models import DataRequest

manager_required = role_required(lambda user: permissions.can_manage_personal_data(user)[0], permissions.MANAGER_ONLY)
safeguarding_required = role_required(
    lambda user: permissions.can_review_safeguarding_records(user)[0],
    "Safeguarding records are reviewed by the safeguarding lead.",
)

REQUEST_COLUMNS = [
    ("Reference", lambda r: r.reference),
    ("Request", lambda r: r.get_kind_display()),
    ("Status", lambda r: r.get_status_display()),
    ("Received", lambda r: r.received_on),
    ("Due by", lambda r: r.due_on),
    ("Fulfilled", lambda r: r.fulfilled_at),
]


DUE_COLUMNS = [
    ("Due on", lambda i: i["due_on"]),
    ("Record", lambda i: i["label"]),
    ("Kind", lambda i: i["kind"]),
    ("Rule", lambda i: i["rule"]),
    ("Started", lambda i: f"{i['trigger']} on {i['starts_on']}"),
    ("Action", lambda i: i["action"]),
    ("Status", lambda i: "Legal hold: kept" if i["held"] else "Will be removed" if i["automatic"] else "For review"),
]


@require_GET
def notice(request: HttpRequest) -> HttpResponse:
    """The Hub's privacy notice, for anyone: every form that collects personal data links here."""
    hub = current_hub()
    context = {"rules": selectors.schedule(), "hub_name": hub.name, "hlo": hub.lead_organisation}
    return render(request, "privacy/notice.html", context)


@manager_required
def schedule(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/schedule.html", {"rules": selectors.schedule()})


@manager_required
def due(request: HttpRequest) -> HttpResponse:
    """The latest dry run's report: what is due for removal, why and when."""
    run = selectors.latest_dry_run()
    if export_format(request):
        return export_rows(request, run.items if run else [], DUE_COLUMNS, "due-for-removal")
    context = {
        "run": run,
        "last_run": selectors.latest_run(),
        "items": run.items if run else [],
        "horizon": services.DRY_RUN_HORIZON_DAYS,
        "holds": selectors.active_holds(),
    }
    return render(request, "privacy/due.html", context)


@require_POST
@manager_required
def dry_run(request: HttpRequest) -> HttpResponse:
    run = services.retention_run(dry_run=True)
    messages.success(
        request,
        f"Dry run done: {len(run.items)} records due in the next {services.DRY_RUN_HORIZON_DAYS} days. "
        "Nothing was removed.",
    )
    return redirect("privacy:due")


@safeguarding_required
def safeguarding_review(request: HttpRequest) -> HttpResponse:
    """Safeguarding concerns past their period: never removed by the job, listed here to review."""
    return render(
        request, "privacy/safeguarding_review.html", {"items": selectors.safeguarding_due(timezone.localdate())}
    )


@manager_required
def holds(request: HttpRequest) -> HttpResponse:
    form = LegalHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hold = services.legal_hold_place(
                actor=request.user,
                reason=data["reason"],
                partner=data["partner"],
                complaint=data["complaint"],
                person_email=data["person_email"] or "",
            )
        except ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Legal hold placed on {hold.subject_label}: nothing about it is removed until it is lifted."
            )
            return redirect("privacy:holds")
    context = {"form": form, "active": selectors.active_holds(), "lifted": selectors.lifted_holds()[:50]}
    return render(request, "privacy/holds.html", context)


@require_POST
@manager_required
def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    hold = selectors.get_hold_for(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the hold can be lifted.")
        return redirect("privacy:holds")
    try:
        services.legal_hold_lift(hold=hold, actor=request.user, reason=form.cleaned_data["reason"])
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Legal hold on {hold.subject_label} lifted.")
    return redirect("privacy:holds")


@manager_required
def requests(request: HttpRequest) -> HttpResponse:
    """Subject access and erasure requests, open ones first by deadline, and a form to record one."""
    found = DataRequestFilter(request.GET, queryset=selectors.data_requests_for(request.user))
    if request.method == "GET" and export_format(request):
        return export_rows(request, found.qs, REQUEST_COLUMNS, "personal-data-requests")
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            data_request = services.data_request_record(
                actor=request.user,
                kind=data["kind"],
                person_name=data["person_name"],
                person_email=data["person_email"] or "",
                received_on=data["received_on"],
                details=data["details"],
            )
        except ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Request {data_request.reference} recorded: due by {data_request.due_on:%d %B %Y}."
            )
            return redirect("privacy:request", pk=data_request.pk)
    context = {
        "filter": found,
        "page": page_of(request, found.qs),
        "querystring": querystring(request),
        "form": form,
        "today": timezone.localdate(),
    }
    return render(request, "privacy/requests.html", context)


@manager_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = selectors.get_data_request_for(request.user, pk)
    context = {
        "data_request": data_request,
        "found": services.found_for(data_request),
        "today": timezone.localdate(),
        "can_fulfil": permissions.can_fulfil(request.user, data_request),
        "can_erase": permissions.can_erase(request.user, data_request),
        "preview": services.erasure_preview(data_request) if data_request.kind == DataRequest.Kind.ERASURE else None,
        "fulfil_form": FulfilForm(),
        "reason_form": ReasonForm(),
        "history": history_for(data_request),
    }
    return render(request, "privacy/request_detail.html", context)


@require_GET
@manager_required
def request_zip(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = selectors.get_data_request_for(request.user, pk)
    content = services.subject_access_pack(data_request=data_request, actor=request.user)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{data_request.reference}.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@manager_required
def request_fulfil(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = selectors.get_data_request_for(request.user, pk)
    form = FulfilForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what was sent and how (for example, the ZIP by secure email on this date).")
        return redirect("privacy:request", pk=pk)
    try:
        services.data_request_fulfil(
            data_request=data_request, actor=request.user, outcome=form.cleaned_data["outcome"]
        )
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Request {data_request.reference} marked fulfilled.")
    return redirect("privacy:request", pk=pk)


@require_POST
@manager_required
def request_erase(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = selectors.get_data_request_for(request.user, pk)
    allowed, why = permissions.can_erase(request.user, data_request)
    if not allowed:
        raise PermissionDenied(why)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the data is erased (for example, the person withdrew consent).")
        return redirect("privacy:request", pk=pk)
    try:
        result = services.erasure_apply(
            data_request=data_request, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Erased {len(result.erased)} records; kept {len(result.refused)}, each with its reason."
        )
    return redirect("privacy:request", pk=pk)
