"""Thin views: parse, fetch through the user's scope, call a service, redirect.

Four audiences: Hub staff (/staff/complaints/), partner users
(/portal/complaints/), the Chair (/chair/complaints/) and the public
(/complaints/new/ and the private tracking link /complaints/track/<token>/).
"""

from complaints.views.portal import (
    portal_accept,
    portal_detail,
    portal_escalate,
    portal_list,
    portal_message,
    portal_new,
)
from complaints.views.public import (
    COMPLAINT_LIMIT_MESSAGE,
    public_done,
    public_new,
    track,
    track_accept,
    track_attachment,
    track_escalate,
    track_message,
    track_request,
    tracked,
)
from complaints.views.shared import attachment_download
from complaints.views.staff import (
    chair_case,
    chair_decide,
    chair_list,
    chair_note,
    chair_review,
    complaint_acknowledge,
    complaint_detail,
    complaint_investigate,
    complaint_list,
    complaint_new,
    complaint_note,
    complaint_recommend,
    complaint_resolve,
    complaint_suspend_partner,
    complaint_update_details,
    safeguarding_lead_required,
    safeguarding_list,
    staff_area_required,
)

__all__ = [
    "COMPLAINT_LIMIT_MESSAGE",
    "attachment_download",
    "chair_case",
    "chair_decide",
    "chair_list",
    "chair_note",
    "chair_review",
    "complaint_acknowledge",
    "complaint_detail",
    "complaint_investigate",
    "complaint_list",
    "complaint_new",
    "complaint_note",
    "complaint_recommend",
    "complaint_resolve",
    "complaint_suspend_partner",
    "complaint_update_details",
    "portal_accept",
    "portal_detail",
    "portal_escalate",
    "portal_list",
    "portal_message",
    "portal_new",
    "public_done",
    "public_new",
    "safeguarding_lead_required",
    "safeguarding_list",
    "staff_area_required",
    "track",
    "track_accept",
    "track_attachment",
    "track_escalate",
    "track_message",
    "track_request",
    "tracked",
]
