"""Pages for Hub staff."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hubportal.core.actions import attempt
from hubportal.core.errors import require
from hubportal.core.exports import export_format, export_rows, rows_by_chunk
from hubportal.core.health import health_for, listed_health
from hubportal.core.listpage import list_page
from hubportal.core.lists import page_of, querystring
from hubportal.core.partner_tabs import tabs_for
from hubportal.core.roles import hub_staff_required
from partners import forms, permissions, selectors, services
from partners.filters import EvidenceFilter, PartnerFilter
from partners.guidance import STAFF_NEXT_STEPS
from partners.models import Meeting, Partner
from partners.standing import standing_of

# --- staff: the partner list and pages ------------------------------------------------

EXPORT_COLUMNS = [
    ("Name", lambda p: p.name),
    ("Legal name", lambda p: p.legal_name),
    ("Organisation or individual", lambda p: p.get_form_display()),
    ("Type", lambda p: str(p.partner_type or "")),
    ("Stage", lambda p: p.get_status_display()),
    ("Charity number", lambda p: p.charity_number),
    ("Company number", lambda p: p.company_number),
    ("Town", lambda p: p.town),
    ("Postcode", lambda p: p.postcode),
    ("Districts", lambda p: ", ".join(d.name for d in p.districts.all())),
    ("Strands", lambda p: ", ".join(s.name for s in p.strands.all())),
    ("Primary contact", lambda p: next((c.name for c in p.contacts.all() if c.is_primary), "")),
    ("Primary contact email", lambda p: next((c.email for c in p.contacts.all() if c.is_primary), "")),
    ("Website", lambda p: p.website),
    ("Added", lambda p: p.created_at),
]


@hub_staff_required
@require_GET
def partner_list(request: HttpRequest) -> HttpResponse:
    partners = PartnerFilter(request.GET, queryset=selectors.partners_for_list(request.user))
    if export_format(request):

        def rated(chunk: list) -> list:
            # Health a chunk of partners at a time, as they are written, never the whole Hub at once.
            health = health_for([p.pk for p in chunk], viewer=request.user, stages={p.pk: p.status for p in chunk})
            return [(p, health[p.pk]) for p in chunk]

        rows = rows_by_chunk(partners.qs.prefetch_related("strands"), rated)
        columns = [(header, lambda row, get=get: get(row[0])) for header, get in EXPORT_COLUMNS]
        return export_rows(request, rows, [*columns, ("Health", lambda row: row[1].label)], "partners")
    page = page_of(request, partners.qs)
    # Health for the page's partners only: the same few queries for 25 rows of any list.
    health = listed_health([p.pk for p in page], viewer=request.user, stages={p.pk: p.status for p in page})
    rows = selectors.partner_list_rows(page, health)
    return render(
        request,
        "partners/partner_list.html",
        {
            "filter": partners,
            "page": page,
            "rows": rows,
            "querystring": querystring(request),
            "can_add": permissions.may_manage_partners(request.user)[0],
        },
    )


BUILT_IN_TABS = [
    ("profile", "Profile"),
    ("contacts", "Contacts"),
    ("users", "Users"),
    ("meetings", "Meetings"),
    ("evidence", "Evidence"),
    ("history", "History"),
]


@hub_staff_required
@require_GET
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.get_partner_for(request.user, pk)
    contributed = tabs_for(partner, request.user)
    slugs = [slug for slug, _ in BUILT_IN_TABS] + [t.slug for t in contributed]
    current = request.GET.get("tab", "profile")
    if current not in slugs:
        current = "profile"
    user = request.user
    current_tab = next((t for t in contributed if t.slug == current), None)
    meetings = []
    if current == "meetings":
        meetings = list(
            partner.meetings.select_related("scheduled_by", "recorded_by", "proposed_partner_type")
            .prefetch_related("hlo_representatives")
            .order_by("-starts_at")
        )
    for meeting in meetings:
        meeting.partner = partner  # may_record_meeting reads the stage; no query per meeting
    context = {
        "partner": partner,
        "tab": current,
        "tabs": BUILT_IN_TABS,
        "contributed": contributed,
        "current_tab": current_tab,
        # Another app's tab, rendered with the context it gave.
        "current_tab_html": render_to_string(
            current_tab.template, {"partner": partner, **current_tab.context}, request=request
        )
        if current_tab
        else "",
        "show_reason": partner.status in services.REASONED,
        "staff_next_step": STAFF_NEXT_STEPS.get(partner.status, ""),
        "health": health_for([partner.pk], viewer=request.user, stages={partner.pk: partner.status})[partner.pk],
        "standing": standing_of(partner),
        "users": partner.users.order_by("first_name", "last_name"),
        "contacts": partner.contacts.all(),
        "meetings": meetings,
        "recordable": {m.pk for m in meetings if permissions.may_record_meeting(user, m)[0]},
        # A meeting still to come says when it can be recorded, instead of a button.
        "say_when_recording_opens": permissions.may_manage_partners(user)[0]
        and partner.status == Partner.Stage.MEETING_SCHEDULED,
        "register": selectors.evidence_register(partner),
        "history": selectors.partner_history(partner) if current == "history" else None,
        "gaps": services.evidence_gaps(partner) if partner.status == Partner.Stage.STANDARDS_REVIEW else [],
        "can": {
            "edit": permissions.may_edit_profile(user, partner)[0],
            "contacts": permissions.may_edit_contacts(user, partner)[0],
            "schedule": permissions.may_schedule_meeting(user, partner)[0],
            "start_review": permissions.may_start_standards_review(user, partner)[0],
            "complete_review": permissions.may_complete_standards_review(user, partner)[0],
            "decline": permissions.may_decline(user, partner)[0],
            "suspend": permissions.may_suspend(user, partner)[0],
            "reinstate": permissions.may_reinstate(user, partner)[0],
            "invite": permissions.may_invite_user(user, partner)[0],
            "review_evidence": permissions.may_manage_partners(user)[0],
        },
    }
    return render(request, "partners/partner_detail.html", context)


@hub_staff_required
@require_http_methods(["GET", "POST"])
def partner_add(request: HttpRequest) -> HttpResponse:
    form = forms.PartnerProfileForm(request.POST or None)
    contact_form = forms.FirstContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and contact_form.is_valid():
        partner = services.partner_create(
            actor=request.user, profile=form.profile(), many=form.many(), contact=contact_form.cleaned_data
        )
        messages.success(request, f"{partner.name} is added at the enquiry stage. Schedule their introductory meeting.")
        return redirect("partners:detail", pk=partner.pk)
    return render(request, "partners/partner_form.html", {"form": form, "contact_form": contact_form})


@hub_staff_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.get_partner_for(request.user, pk)
    require(*permissions.may_edit_profile(request.user, partner))
    # The form gets its own copy: validation changes its instance before the service runs.
    form = forms.PartnerProfileForm(request.POST or None, instance=selectors.get_partner_for(request.user, pk))
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: services.partner_update_profile(
                partner=partner, actor=request.user, profile=form.profile(), many=form.many()
            ),
            "The profile is saved.",
        )
    ):
        return redirect("partners:detail", pk=partner.pk)
    return render(request, "partners/partner_form.html", {"form": form, "partner": partner})


# --- staff: onboarding actions ---------------------------------------------------------


@hub_staff_required
@require_http_methods(["GET", "POST"])
def meeting_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.get_partner_for(request.user, pk)
    open_meeting = partner.meetings.filter(recorded_at=None, cancelled_at=None).first()
    initial = {"representatives": [request.user.pk], "duration_minutes": 60}
    form = forms.MeetingScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            lambda: services.meeting_schedule(
                partner=partner,
                actor=request.user,
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                location=data["location"],
                online_link=data["online_link"],
                representatives=data["representatives"],
            ),
            "The meeting is scheduled and the partner has been sent the invitation.",
        ):
            return redirect(f"{reverse('partners:detail', kwargs={'pk': partner.pk})}?tab=meetings")
    return render(
        request, "partners/meeting_schedule.html", {"form": form, "partner": partner, "open_meeting": open_meeting}
    )


@hub_staff_required
@require_http_methods(["GET", "POST"])
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, pk)
    partner = meeting.partner
    initial = {"proposed_partner_type": partner.partner_type_id}
    allowed = permissions.may_record_meeting(request.user, meeting)[0]
    upcoming = meeting.starts_at > timezone.now()
    if request.method != "POST" and not allowed:
        # Said before anything is typed: the five questions are not offered
        # until the meeting can be recorded (from its start time).
        refusal = services.meeting_record_refusal(meeting)
        return render(
            request,
            "partners/meeting_record.html",
            {"form": None, "meeting": meeting, "partner": partner, "refusal": refusal, "upcoming": upcoming},
        )
    form = forms.MeetingRecordForm(request.POST or None, instance=Meeting(partner=partner), initial=initial)
    refused = False
    if request.method == "POST" and not allowed:
        # The page was opened while it could be recorded; keep what was typed.
        messages.error(request, services.meeting_record_refusal(meeting))
        refused = True
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recorded = attempt(
            request,
            lambda: services.meeting_record(
                meeting=meeting,
                actor=request.user,
                answers=form.answers(),
                proposed_partner_type=data["proposed_partner_type"],
                outcome=data["outcome"],
                notes=data["notes"],
            ),
            "The meeting is recorded.",
        )
        if recorded:
            return redirect(f"{reverse('partners:detail', kwargs={'pk': partner.pk})}?tab=meetings")
        refused = True
    # Say why it cannot be recorded (unless the refusal message just said so).
    allowed = permissions.may_record_meeting(request.user, meeting)[0]
    refusal = "" if allowed or refused else services.meeting_record_refusal(meeting)
    return render(
        request,
        "partners/meeting_record.html",
        {"form": form, "meeting": meeting, "partner": partner, "refusal": refusal, "upcoming": upcoming},
    )


def _stage_action(request, pk, action, success):
    partner = selectors.get_partner_for(request.user, pk)
    attempt(request, lambda: action(partner=partner, actor=request.user), success)
    return redirect("partners:detail", pk=partner.pk)


@hub_staff_required
@require_POST
def start_standards_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _stage_action(
        request,
        pk,
        services.partner_start_standards_review,
        "The standards review has started: the partner can now upload its evidence.",
    )


@hub_staff_required
@require_POST
def complete_standards_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _stage_action(
        request, pk, services.partner_complete_standards_review, "The minimum standards are met: the partner moves on."
    )


def _reason_view(request, pk, *, service, argument, title, label, help_text, button, success, allowed):
    partner = selectors.get_partner_for(request.user, pk)
    form = forms.ReasonForm(request.POST or None, label=label, help_text=help_text)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: service(partner=partner, actor=request.user, **{argument: form.cleaned_data["reason"]}),
            success,
        )
    ):
        return redirect("partners:detail", pk=partner.pk)
    return render(
        request,
        "partners/reason_form.html",
        {"form": form, "partner": partner, "title": title, "button": button, "verdict": allowed(request.user, partner)},
    )


@hub_staff_required
@require_http_methods(["GET", "POST"])
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_view(
        request,
        pk,
        service=services.partner_decline,
        argument="reason",
        title="Decline this partner",
        label="Why the Hub is declining",
        help_text="Sent to the partner's contact and kept in the history.",
        button="Decline the partner",
        success="The partner is declined and their contact has been told why.",
        allowed=permissions.may_decline,
    )


@hub_staff_required
@require_http_methods(["GET", "POST"])
def suspend(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_view(
        request,
        pk,
        service=services.partner_suspend,
        argument="reason",
        title="Suspend this partnership",
        label="Why the partnership is suspended",
        help_text="Shown to the partner's users and Hub staff, and kept in the history.",
        button="Suspend the partnership",
        success="The partnership is suspended. The partner's users and Hub staff have been told.",
        allowed=permissions.may_suspend,
    )


@hub_staff_required
@require_http_methods(["GET", "POST"])
def reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_view(
        request,
        pk,
        service=services.partner_reinstate,
        argument="note",
        title="Reinstate this partnership",
        label="Why the partnership can resume",
        help_text="Shown to the partner's users and kept in the history.",
        button="Reinstate the partnership",
        success="The partnership is active again.",
        allowed=permissions.may_reinstate,
    )


@hub_staff_required
@require_http_methods(["GET", "POST"])
def invite_user(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.get_partner_for(request.user, pk)
    contact = selectors.primary_contact(partner)
    initial = {}
    if contact and not partner.users.exists():
        first, _, last = contact.name.partition(" ")
        initial = {"first_name": first, "last_name": last, "email": contact.email, "job_title": contact.role}
    form = forms.InviteUserForm(request.POST or None, initial=initial)
    refused = False
    if request.method == "POST" and form.is_valid():
        invited = attempt(
            request, lambda: services.partner_invite_user(partner=partner, actor=request.user, **form.cleaned_data)
        )
        if invited:
            messages.success(request, f"{invited.result} has been emailed a link to set their password.")
            return redirect(f"{reverse('partners:detail', kwargs={'pk': partner.pk})}?tab=users")
        refused = True
    # Say up front why nobody can be invited yet (unless the refusal message just said so).
    allowed = permissions.may_invite_user(request.user, partner)[0]
    return render(
        request,
        "partners/invite_user.html",
        {
            "form": form,
            "partner": partner,
            "refusal": "" if allowed or refused else services.invitation_refusal(partner),
            "days": settings.PARTNER_INVITATION_DAYS,
        },
    )


# --- evidence --------------------------------------------------------------------------

EVIDENCE_COLUMNS = [
    ("Partner", lambda i: i.partner.name),
    ("Evidence", lambda i: i.evidence_type.name),
    ("Status", lambda i: i.get_status_display()),
    ("Issued", lambda i: i.issued_on),
    ("Expires", lambda i: i.expires_on),
    ("Uploaded", lambda i: i.uploaded_at),
    ("Checked by", lambda i: str(i.reviewed_by or "")),
    ("Rejection reason", lambda i: i.rejection_reason),
]


@hub_staff_required
@require_GET
def evidence_list(request: HttpRequest) -> HttpResponse:
    """Every partner's evidence: what is waiting to be checked, expiring or expired."""
    items = EvidenceFilter(
        request.GET,
        queryset=selectors.evidence_visible_to(request.user)
        .select_related("partner", "evidence_type", "reviewed_by")
        .order_by("expires_on", "partner__name", "evidence_type__sort_order"),
    )
    return list_page(
        request,
        items,
        "partners/evidence_list.html",
        columns=EVIDENCE_COLUMNS,
        basename="evidence",
        context={"today": timezone.localdate()},
    )


@hub_staff_required
@require_http_methods(["GET", "POST"])
def evidence_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Verify the evidence (correcting its expiry) or reject it with a reason."""
    item = selectors.get_evidence_for(request.user, pk)
    action = request.POST.get("action")
    verify_form = forms.EvidenceVerifyForm(
        request.POST if action == "verify" else None, initial={"expires_on": item.expires_on}
    )
    reject_form = forms.ReasonForm(
        request.POST if action == "reject" else None,
        label="Why it cannot be accepted",
        help_text="Sent to the partner, who uploads a new document.",
    )
    if request.method == "POST":
        done = False
        if action == "verify" and verify_form.is_valid():
            done = attempt(
                request,
                lambda: services.evidence_verify(
                    item=item,
                    actor=request.user,
                    expires_on=verify_form.cleaned_data["expires_on"],
                    note=verify_form.cleaned_data["note"],
                ),
                f"{item.evidence_type} is verified.",
            )
        elif action == "reject" and reject_form.is_valid():
            done = attempt(
                request,
                lambda: services.evidence_reject(
                    item=item, actor=request.user, reason=reject_form.cleaned_data["reason"]
                ),
                f"{item.evidence_type} is rejected; the partner has been told why.",
            )
        elif action not in ("verify", "reject"):
            messages.error(request, "Choose whether to verify or reject the evidence.")
        if done:
            return redirect(f"{reverse('partners:detail', kwargs={'pk': item.partner_id})}?tab=evidence")
    return render(
        request,
        "partners/evidence_review.html",
        {
            "item": item,
            "partner": item.partner,
            "verify_form": verify_form,
            "reject_form": reject_form,
            "can_review": permissions.may_review_evidence(request.user, item)[0],
        },
    )
