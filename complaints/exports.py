"""The columns of the complaints export. The complainant's name and contact
details are included only for safeguarding leads."""

from complaints.models import Complaint
from complaints.permissions import can_see_personal_details
from hubportal.core.exports import Columns


def _deadline(complaint: Complaint) -> str:
    deadline = complaint.deadline()
    return f"{deadline[0]} by {deadline[1]:%Y-%m-%d}" if deadline else ""


COLUMNS: Columns = [
    ("Reference", lambda c: c.reference),
    ("Received", lambda c: c.received_at),
    ("Stage", lambda c: c.get_status_display()),
    ("Category", lambda c: c.get_category_display()),
    ("About", lambda c: c.about_label),
    ("Raised via", lambda c: c.get_raised_via_display()),
    ("Raised by partner", lambda c: c.complainant_partner.name if c.complainant_partner_id else ""),
    ("Owner", lambda c: str(c.owner) if c.owner_id else ""),
    ("Acknowledge by", lambda c: c.acknowledge_by),
    ("Acknowledged", lambda c: c.acknowledged_at),
    ("Respond by", lambda c: c.respond_by),
    ("Current deadline", _deadline),
    ("Resolved", lambda c: c.resolved_at),
    ("Escalate by", lambda c: c.escalate_by),
    ("Escalated", lambda c: c.escalated_at),
    ("Closed", lambda c: c.closed_at),
    ("Chair's decision", lambda c: c.get_chair_decision_display()),
    ("Decided", lambda c: c.decided_at),
]
PERSONAL: Columns = [
    ("Complainant", lambda c: c.complainant_name),
    ("Complainant email", lambda c: c.complainant_email),
    ("Complainant phone", lambda c: c.complainant_phone),
]


# The Chair's list: what the case list and page show of each case, never the
# complainant's name, email or phone (the case page holds them for the case in hand).
CHAIR_COLUMNS: Columns = [
    ("Reference", lambda c: c.reference),
    ("Received", lambda c: c.received_at),
    ("Category", lambda c: c.get_category_display()),
    ("About", lambda c: c.about_label),
    ("Raised via", lambda c: c.get_raised_via_display()),
    ("Raised by partner", lambda c: c.complainant_partner.name if c.complainant_partner_id else ""),
    ("Stage", lambda c: c.get_status_display()),
    ("Escalated", lambda c: c.escalated_at),
    ("Taken into review", lambda c: c.chair_review_at),
    ("Your decision", lambda c: c.get_chair_decision_display()),
    ("Decided", lambda c: c.decided_at),
]


def columns_for(user) -> Columns:
    if can_see_personal_details(user):
        return COLUMNS[:1] + PERSONAL + COLUMNS[1:]
    return COLUMNS
