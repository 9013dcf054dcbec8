"""Pages both Hub staff and partner users open, and helpers the audiences share."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hubportal.core.actions import attempt
from hubportal.core.errors import require
from hubportal.core.roles import is_hub_staff, is_partner_user, role_required
from hubportal.core.uploads import serve_private_file
from partners import forms, permissions, selectors, services
from partners.calendar import ics_filename, meeting_ics
from partners.models import Partner

# Pages both Hub staff and partner users open (each sees only what is theirs).
# Assessors are not among them: they see the EOIs assigned to them, and the
# partner's summary on the assessment page, nothing of a partner's file.
staff_or_partner_required = role_required(
    lambda user: is_hub_staff(user) or is_partner_user(user), "This page is for Hub staff and partner users."
)


def _back_to_partner(request: HttpRequest, partner: Partner, tab: str = ""):
    if is_hub_staff(request.user):
        url = reverse("partners:detail", kwargs={"pk": partner.pk})
        return redirect(f"{url}?tab={tab}" if tab else url)
    return redirect(reverse("partners:portal_profile") + (f"#{tab}" if tab else ""))


@require_http_methods(["GET", "POST"])
@staff_or_partner_required
def contact_add(request: HttpRequest, partner_pk: int) -> HttpResponse:
    """Staff, or the partner's own users, add a contact."""
    partner = selectors.get_partner_for(request.user, partner_pk)
    require(*permissions.may_edit_contacts(request.user, partner))
    return _contact_form(request, partner, None)


@require_http_methods(["GET", "POST"])
@staff_or_partner_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.get_contact_for(request.user, pk)
    require(*permissions.may_edit_contacts(request.user, contact.partner))
    return _contact_form(request, contact.partner, contact)


def _contact_form(request, partner, contact):
    form = forms.ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if attempt(
            request,
            lambda: services.contact_save(partner=partner, actor=request.user, data=data, contact=contact),
            "The contact is saved.",
        ):
            return _back_to_partner(request, partner, "contacts")
    return render(request, "partners/contact_form.html", {"form": form, "partner": partner, "contact": contact})


@require_POST
@staff_or_partner_required
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.get_contact_for(request.user, pk)
    require(*permissions.may_edit_contacts(request.user, contact.partner))
    attempt(
        request,
        lambda: services.contact_delete(contact=contact, actor=request.user),
        f"{contact.name} is removed from the contacts.",
    )
    return _back_to_partner(request, contact.partner, "contacts")


@require_GET
@staff_or_partner_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence file, for the Hub team and the partner's own users only."""
    item = selectors.get_evidence_for(request.user, pk)
    if not item.file:
        raise Http404("No file has been uploaded for this evidence.")
    return serve_private_file(item.file, item.original_filename or item.file.name)


@require_GET
@staff_or_partner_required
def meeting_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting as an .ics file, for the partner's users and the Hub team."""
    meeting = selectors.get_meeting_for(request.user, pk)
    response = HttpResponse(
        meeting_ics(meeting, cancelled=meeting.cancelled_at is not None), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{ics_filename(meeting)}"'
    return response
