"""The Complaints tab on a partner's staff page (hubportal.core.partner_tabs)."""

from complaints.models import Complaint
from complaints.permissions import can_use_staff_area
from hubportal.core.partner_tabs import PartnerTab, partner_tab


@partner_tab
def complaints_tab(partner, user) -> PartnerTab | None:
    """Complaints about the partner and those it made; safeguarding concerns
    only for safeguarding leads (the queryset leaves them out for others)."""
    if not can_use_staff_area(user):
        return None
    visible = Complaint.objects.visible_to(user).select_related("partner", "complainant_partner")
    about = list(visible.filter(partner=partner))
    return PartnerTab(
        slug="complaints",
        label="Complaints",
        template="complaints/_partner_tab.html",
        context={
            "complaints_about": about,
            "complaints_made": list(visible.filter(complainant_partner=partner)),
        },
        order=60,
        count=sum(1 for c in about if c.is_open) or None,
    )
