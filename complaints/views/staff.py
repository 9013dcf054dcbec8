"""Pages for Hub staff and the Chair."""

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from complaints import forms, permissions, selectors, services
from complaints.exports import CHAIR_COLUMNS, columns_for
from complaints.filters import DECIDED, WAITING, ChairComplaintFilter, ComplaintFilter
from complaints.models import Complaint
from complaints.views.shared import _promises
from hubportal.core.actions import attempt, forbid_unless
from hubportal.core.errors import ActionRefused
from hubportal.core.exports import export_format, export_rows
from hubportal.core.hub import current_hub
from hubportal.core.lists import page_of, querystring
from hubportal.core.roles import chair_required, is_safeguarding_lead, role_required
from hubportal.core.working_days import add_working_days

staff_area_required = role_required(permissions.can_use_staff_area, "This page is for Hub staff.")
safeguarding_lead_required = role_required(
    is_safeguarding_lead, "Safeguarding concerns are for the Service Manager and the safeguarding leads."
)


# Staff ---------------------------------------------------------------------


def _staff_list(request: HttpRequest, *, safeguarding: bool) -> HttpResponse:
    base = selectors.complaints_for(request.user)
    base = base.safeguarding() if safeguarding else base.not_safeguarding()
    found = ComplaintFilter(request.GET, queryset=base, safeguarding=safeguarding)
    rows = found.qs
    if export_format(request):
        name = "safeguarding-concerns" if safeguarding else "complaints"
        return export_rows(request, rows, columns_for(request.user), name)
    today = timezone.localdate()
    context = {
        "filter": found,
        "page": page_of(request, rows),
        "querystring": querystring(request),
        "today": today,
        "safeguarding": safeguarding,
        "overdue_count": base.overdue(today).count(),
        "open_safeguarding": (
            Complaint.objects.safeguarding().open().count()
            if not safeguarding and is_safeguarding_lead(request.user)
            else 0
        ),
        "can_raise": permissions.may_raise_on_behalf(request.user)[0],
        **_promises(),
    }
    return render(request, "complaints/staff_list.html", context)


@staff_area_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Every complaint but safeguarding concerns, which are listed apart."""
    return _staff_list(request, safeguarding=False)


@safeguarding_lead_required
def safeguarding_list(request: HttpRequest) -> HttpResponse:
    return _staff_list(request, safeguarding=True)


@staff_area_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    """Staff record a written complaint someone made to the Hub."""
    forbid_unless(permissions.may_raise_on_behalf(request.user))
    form = forms.StaffComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        received_on = data["received_on"]
        # A letter dated earlier counts from that day (at the start of office hours).
        received_at = (
            timezone.now()
            if received_on == timezone.localdate()
            else timezone.make_aware(datetime.combine(received_on, time(9, 0)))
        )
        try:
            raised = services.complaint_raise(
                actor=request.user,
                via=Complaint.RaisedVia.STAFF,
                complainant_name=data["complainant_name"],
                complainant_email=data["complainant_email"],
                complainant_phone=data["complainant_phone"],
                category=data["category"],
                about=data["about"],
                partner=data["partner"],
                agreement=data["agreement"],
                account=data["account"],
                desired_outcome=data["desired_outcome"],
                attachments=data["attachments"],
                received_at=received_at,
            )
        except ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Complaint {raised.complaint.reference} recorded. The complainant has been sent a private link "
                "to follow it.",
            )
            if Complaint.objects.visible_to(request.user).filter(pk=raised.complaint.pk).exists():
                return redirect("complaints:detail", pk=raised.complaint.pk)
            # A safeguarding concern recorded by someone who is not a lead: it is theirs no longer.
            return redirect("complaints:list")
    return render(request, "complaints/staff_new.html", {"form": form})


def _staff_context(request: HttpRequest, complaint: Complaint, **bound) -> dict:
    user = request.user
    verdicts = {
        "acknowledge": permissions.may_acknowledge(user, complaint),
        "investigate": permissions.may_investigate(user, complaint),
        "resolve": permissions.may_resolve(user, complaint),
        "update_details": permissions.may_update_details(user, complaint),
        "add_note": permissions.may_add_note(user, complaint),
        "suspend_partner": permissions.may_suspend_partner(user, complaint),
        "recommend": permissions.may_recommend_termination(user, complaint),
    }
    can = {action: allowed for action, (allowed, _) in verdicts.items()}
    steps = ("acknowledge", "investigate", "resolve")
    # The form just posted stays on screen (with what was typed) even if the
    # complaint has moved on meanwhile; otherwise the step the stage allows.
    step = next((s for s in steps if f"{s}_form" in bound), None) or next((s for s in steps if can[s]), None)
    context = {
        "complaint": complaint,
        "can": can,
        "why_not": {action: reason for action, (allowed, reason) in verdicts.items() if not allowed},
        "step": step,
        "timeline": selectors.timeline(complaint),
        "attachments": complaint.attachments.all(),
        "recommendations": services.open_recommendations(complaint) if complaint.partner_id else [],
        "today": timezone.localdate(),
        "acknowledge_form": bound.get("acknowledge_form") or forms.AcknowledgeForm(),
        "investigate_form": bound.get("investigate_form") or forms.InvestigateForm(),
        "resolve_form": bound.get("resolve_form") or forms.ResolveForm(),
        "details_form": bound.get("details_form") or forms.DetailsForm(instance=complaint, prefix="details"),
        "note_form": bound.get("note_form") or forms.NoteForm(user=user, complaint=complaint, prefix="note"),
        "suspend_form": bound.get("suspend_form") or forms.SuspendForm(prefix="suspend"),
    }
    return context


def _staff_detail(request: HttpRequest, complaint: Complaint, status: int = 200, **bound) -> HttpResponse:
    return render(request, "complaints/staff_detail.html", _staff_context(request, complaint, **bound), status=status)


@staff_area_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_detail(request, selectors.get_complaint_for(request.user, pk))


def _posted(
    request: HttpRequest, complaint: Complaint, form, name: str, act, success: str, *, chair: bool = False
) -> HttpResponse:
    """A form posted from the complaint's page (the staff page, or the Chair's):
    valid and done (``act(cleaned_data)``, through attempt()), back to the page
    saying ``success``; else the page again, with the form (``name``) as typed
    and the refusal."""
    if form.is_valid() and attempt(request, lambda: act(form.cleaned_data), success):
        return redirect("complaints:chair_case" if chair else "complaints:detail", pk=complaint.pk)
    page = _chair_case if chair else _staff_detail
    return page(request, complaint, **{name: form})


def _as_typed(request: HttpRequest, form_class, fields):
    """Back from a confirm step to change what was typed: the form again, unbound, with the text as it was."""
    return form_class(initial={name: request.POST.get(name, "") for name in fields})


def _note(request: HttpRequest, complaint: Complaint, *, chair: bool = False) -> HttpResponse:
    """A note on the complaint's file, from the staff page or the Chair's."""
    forbid_unless(permissions.may_add_note(request.user, complaint))
    form = forms.NoteForm(request.POST, user=request.user, complaint=complaint, prefix="note")
    return _posted(
        request,
        complaint,
        form,
        "note_form",
        lambda data: services.complaint_note_add(
            complaint=complaint,
            actor=request.user,
            kind=data["kind"],
            body=data["body"],
            corrects=data.get("corrects"),
        ),
        "The note has been added.",
        chair=chair,
    )


@staff_area_required
@require_POST
def complaint_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.get_complaint_for(request.user, pk)
    forbid_unless(permissions.may_acknowledge(request.user, complaint))
    return _posted(
        request,
        complaint,
        forms.AcknowledgeForm(request.POST),
        "acknowledge_form",
        lambda data: services.complaint_acknowledge(complaint=complaint, actor=request.user, message=data["message"]),
        "Acknowledged. The complainant has been told.",
    )


@staff_area_required
@require_POST
def complaint_investigate(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.get_complaint_for(request.user, pk)
    forbid_unless(permissions.may_investigate(request.user, complaint))
    return _posted(
        request,
        complaint,
        forms.InvestigateForm(request.POST),
        "investigate_form",
        lambda data: services.complaint_investigate(complaint=complaint, actor=request.user, note=data["note"]),
        "The investigation has started.",
    )


@staff_area_required
@require_POST
def complaint_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.get_complaint_for(request.user, pk)
    forbid_unless(permissions.may_resolve(request.user, complaint))
    form = forms.ResolveForm(request.POST)
    if request.POST.get("change"):
        return _staff_detail(request, complaint, resolve_form=_as_typed(request, forms.ResolveForm, ["resolution"]))
    confirmed = request.POST.get("confirmed") == "yes"
    if form.is_valid() and not confirmed and permissions.may_resolve(request.user, complaint)[0]:
        # Say what will be sent to whom, and ask to confirm; the POST that follows does it.
        return render(
            request,
            "complaints/resolve_confirm.html",
            {
                "complaint": complaint,
                "form": form,
                "recipients": services.complainant_recipients(complaint),
                "escalate_by": add_working_days(timezone.localdate(), current_hub().complaint_escalation_working_days),
            },
        )
    return _posted(
        request,
        complaint,
        form,
        "resolve_form",
        lambda data: services.complaint_resolve(complaint=complaint, actor=request.user, resolution=data["resolution"]),
        "The resolution has been sent to the complainant.",
    )


@staff_area_required
@require_POST
def complaint_update_details(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.get_complaint_for(request.user, pk)
    forbid_unless(permissions.may_update_details(request.user, complaint))
    # A copy: the unsaved form must not change the complaint shown beside it.
    form = forms.DetailsForm(request.POST, instance=Complaint.objects.get(pk=complaint.pk), prefix="details")
    return _posted(
        request,
        complaint,
        form,
        "details_form",
        lambda data: services.complaint_update_details(
            complaint=complaint,
            actor=request.user,
            category=data["category"],
            about=data["about"],
            partner=data["partner"],
            agreement=data["agreement"],
        ),
        "The details have been saved.",
    )


@staff_area_required
@require_POST
def complaint_note(request: HttpRequest, pk: int) -> HttpResponse:
    return _note(request, selectors.get_complaint_for(request.user, pk))


@staff_area_required
@require_POST
def complaint_suspend_partner(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.get_complaint_for(request.user, pk)
    forbid_unless(permissions.may_suspend_partner(request.user, complaint))
    return _posted(
        request,
        complaint,
        forms.SuspendForm(request.POST, prefix="suspend"),
        "suspend_form",
        lambda data: services.complaint_suspend_partner(complaint=complaint, actor=request.user, reason=data["reason"]),
        "The partnership is suspended. The partner and Hub staff have been told.",
    )


@staff_area_required
@require_http_methods(["GET", "POST"])
def complaint_recommend(request: HttpRequest, pk: int) -> HttpResponse:
    """Recommend the Chair ends the partnership, from a safeguarding concern."""
    complaint = selectors.get_complaint_for(request.user, pk)
    allowed, reason = permissions.may_recommend_termination(request.user, complaint)
    if not allowed:  # the form page itself: no page to show it on
        raise PermissionDenied(reason)
    form = forms.RecommendationForm(request.POST or None, request.FILES or None, complaint=complaint)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            lambda: services.complaint_recommend_termination(
                complaint=complaint,
                actor=request.user,
                agreement=data["agreement"],
                kind=data["kind"],
                reasons=data["reasons"],
                evidence=data["evidence"],
                other_reason=data["other_reason"],
                suspend_partner=data["suspend_partner"],
                documents=data["documents"],
            ),
            "The recommendation has gone to the Chair.",
        ):
            return redirect("complaints:detail", pk=pk)
    return render(request, "complaints/staff_recommend.html", {"complaint": complaint, "form": form})


# The Chair --------------------------------------------------------------------


@chair_required
def chair_list(request: HttpRequest) -> HttpResponse:
    """Escalated complaints: waiting for the Chair or under review (oldest
    first), and decided (newest first), each paged; the filters and a chosen
    sort apply to both, and the export holds both, without the complainant's
    contact details."""
    found = ChairComplaintFilter(request.GET, queryset=selectors.chair_complaints(request.user))
    cases = found.qs
    if export_format(request):
        return export_rows(request, cases, CHAIR_COLUMNS, "escalated-complaints")
    waiting = cases.filter(status__in=Complaint.WITH_CHAIR)
    decided = cases.filter(status=Complaint.Status.DECIDED)
    if not found.form.cleaned_data.get("sort"):
        decided = decided.order_by("-decided_at", "-pk")
    state = found.form.cleaned_data.get("state")
    return render(
        request,
        "complaints/chair_list.html",
        {
            "filter": found,
            "waiting": page_of(request, waiting) if state != DECIDED else None,
            "decided": page_of(request, decided, param="decided-page") if state != WAITING else None,
            "querystring": querystring(request, drop=("page", "decided-page", "export")),
            "now": timezone.now(),
        },
    )


def _chair_context(request: HttpRequest, complaint: Complaint, **bound) -> dict:
    user = request.user
    return {
        "complaint": complaint,
        "timeline": selectors.timeline(complaint),
        "attachments": complaint.attachments.all(),
        "recommendations": services.open_recommendations(complaint) if complaint.partner_id else [],
        "can_take_into_review": permissions.may_take_into_review(user, complaint)[0],
        "can_decide": permissions.may_decide(user, complaint)[0],
        "can_add_note": permissions.may_add_note(user, complaint)[0],
        "decision_form": bound.get("decision_form") or forms.DecisionForm(),
        "note_form": bound.get("note_form") or forms.NoteForm(user=user, complaint=complaint, prefix="note"),
    }


def _chair_case(request: HttpRequest, complaint: Complaint, status: int = 200, **bound) -> HttpResponse:
    return render(request, "complaints/chair_case.html", _chair_context(request, complaint, **bound), status=status)


def _chair_complaint(request: HttpRequest, pk: int) -> Complaint:
    return get_object_or_404(selectors.chair_complaints(request.user), pk=pk)


@chair_required
def chair_case(request: HttpRequest, pk: int) -> HttpResponse:
    """The full file and the decision form."""
    return _chair_case(request, _chair_complaint(request, pk))


@chair_required
@require_POST
def chair_review(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _chair_complaint(request, pk)
    attempt(
        request,
        lambda: services.complaint_take_into_review(complaint=complaint, actor=request.user),
        "You have taken the complaint into review. The complainant has been told.",
    )
    return redirect("complaints:chair_case", pk=pk)


@chair_required
@require_POST
def chair_decide(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _chair_complaint(request, pk)
    if complaint.is_decided:
        messages.error(request, permissions.undecided(complaint)[1])
        return redirect("complaints:chair_case", pk=pk)
    form = forms.DecisionForm(request.POST)
    if request.POST.get("change"):
        changing = _as_typed(request, forms.DecisionForm, ["findings", "decision", "reasons"])
        return _chair_case(request, complaint, decision_form=changing)
    if not form.is_valid() and set(form.errors) == {"confirm"} and permissions.may_decide(request.user, complaint)[0]:
        # Complete but not yet confirmed: say what the decision does and to whom, and ask.
        if request.POST.get("step") != "confirm":
            form.errors.pop("confirm")
        return render(
            request,
            "complaints/decide_confirm.html",
            {
                "complaint": complaint,
                "form": form,
                "findings": form.cleaned_data["findings"],
                "decision": form.cleaned_data["decision"],
                "decision_label": Complaint.ChairDecision(form.cleaned_data["decision"]).label,
                "reasons": form.cleaned_data["reasons"],
                "effects": services.decision_effects(complaint),
            },
        )
    if form.is_valid() and attempt(
        request,
        lambda: services.complaint_decide(
            complaint=complaint,
            actor=request.user,
            findings=form.cleaned_data["findings"],
            decision=form.cleaned_data["decision"],
            reasons=form.cleaned_data["reasons"],
        ),
        "Your decision is recorded and final. It has been sent to the complainant, the partner and Hub staff.",
    ):
        return redirect("complaints:chair_case", pk=pk)
    if request.POST.get("step") != "confirm":
        form.errors.pop("confirm", None)  # the confirm step asks that, after the rest is right
    return _chair_case(request, complaint, decision_form=form)


@chair_required
@require_POST
def chair_note(request: HttpRequest, pk: int) -> HttpResponse:
    return _note(request, _chair_complaint(request, pk), chair=True)
