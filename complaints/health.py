"""What complaints say about a partner's health (hubportal.core.health). Both
reasons are for staff only: a partner learns of a complaint about them only
from what staff choose to share."""

from collections import Counter
from datetime import date

from django.urls import reverse

from complaints.models import Complaint
from hubportal.core.health import AMBER, RED, Reason, health_signal


@health_signal(staff_only=True)
def open_complaints(partner_ids: list[int], today: date) -> dict[int, list]:
    """Amber for open complaints about the partner; red while a safeguarding
    concern about them is open. One query for all the partners."""
    rows = Complaint.objects.open().filter(partner_id__in=partner_ids).values_list("partner_id", "category")
    complaints, concerns = Counter(), Counter()
    for partner_id, category in rows:
        if category == Complaint.Category.SAFEGUARDING:
            concerns[partner_id] += 1
        else:
            complaints[partner_id] += 1
    found: dict[int, list] = {}
    for partner_id, count in complaints.items():
        text = (
            "A complaint about this partner is open."
            if count == 1
            else f"{count} complaints about this partner are open."
        )
        url = f"{reverse('complaints:list')}?partner={partner_id}"
        found.setdefault(partner_id, []).append(Reason(AMBER, text, url=url, staff_only=True))
    for partner_id, count in concerns.items():
        text = (
            "A safeguarding concern about this partner is open."
            if count == 1
            else f"{count} safeguarding concerns about this partner are open."
        )
        url = f"{reverse('complaints:safeguarding')}?partner={partner_id}"
        found.setdefault(partner_id, []).append(Reason(RED, text, url=url, staff_only=True, safeguarding_only=True))
    return found
