"""Who may do what with personal data. Each ``can_*`` returns (allowed, reason):
the view and template ask it to show a button or say why not; the service
raises with the same reason."""

from hubportal.core.roles import is_admin, is_safeguarding_lead, is_service_manager
from hubportal.privacy.models import DataRequest, LegalHold

MANAGER_ONLY = "Personal data requests and the retention schedule are for the Service Manager."


def can_manage_personal_data(user) -> tuple[bool, str]:
    """The Service Manager (admins may stand in) runs the schedule, holds and requests."""
    if is_service_manager(user) or is_admin(user):
        return True, ""
    return False, MANAGER_ONLY


def can_review_safeguarding_records(user) -> tuple[bool, str]:
    """Safeguarding records past their period are listed for the safeguarding
    lead (and the Service Manager) to review; the job never removes them."""
    if is_safeguarding_lead(user) or is_admin(user):
        return True, ""
    return False, "Safeguarding records are reviewed by the safeguarding lead."


def can_lift_hold(user, hold: LegalHold) -> tuple[bool, str]:
    allowed, reason = can_manage_personal_data(user)
    if not allowed:
        return False, reason
    if not hold.is_active:
        return False, "This legal hold was already lifted."
    return True, ""


def can_fulfil(user, data_request: DataRequest) -> tuple[bool, str]:
    allowed, reason = can_manage_personal_data(user)
    if not allowed:
        return False, reason
    if not data_request.is_open:
        return False, "This request was already fulfilled."
    return True, ""


def can_erase(user, data_request: DataRequest) -> tuple[bool, str]:
    allowed, reason = can_fulfil(user, data_request)
    if not allowed:
        return False, reason
    if data_request.kind != DataRequest.Kind.ERASURE:
        return False, "This is a subject access request: record an erasure request to erase anything."
    return True, ""
