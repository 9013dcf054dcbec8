"""Pages both Hub staff and partner users open, and helpers the audiences share."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from complaints import forms, permissions, selectors
from complaints.models import Complaint
from hubportal.core.errors import require
from hubportal.core.hub import current_hub
from hubportal.core.roles import is_chair, is_partner_user
from hubportal.core.uploads import serve_private_file


def _promises() -> dict:
    """The Hub's deadlines, in working days, as the pages state them."""
    hub = current_hub()
    return {"ack_days": hub.complaint_acknowledge_working_days, "respond_days": hub.complaint_respond_working_days}


def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """A document on a complaint, for whoever may open the complaint (not the
    partner it is about)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    require(permissions.can_use_staff_area(user) or is_partner_user(user) or is_chair(user))
    attachment = selectors.get_attachment_for(request.user, pk, attachment_pk)
    return serve_private_file(attachment.file, attachment.original_filename)


def _complainant_context(complaint: Complaint, *, user=None, token=None, **bound) -> dict:
    return {
        "complaint": complaint,
        "steps": selectors.steps_for_complainant(complaint),
        "notes": selectors.notes_for_complainant(complaint),
        "attachments": complaint.attachments.all(),
        "can_accept": permissions.may_accept(user, complaint, token)[0],
        "can_escalate": permissions.may_escalate(user, complaint, token)[0],
        "can_message": permissions.may_message_as_complainant(user, complaint, token)[0],
        "message_form": bound.get("message_form") or forms.MessageForm(),
        "escalate_form": bound.get("escalate_form") or forms.EscalateForm(),
        "token": token,
        "today": timezone.localdate(),
    }
