"""The EOIs tab on the staff page of a partner."""

from eoi.models import ExpressionOfInterest
from hubportal.core.partner_tabs import PartnerTab, partner_tab
from hubportal.core.roles import is_hub_staff


@partner_tab
def eois_tab(partner, user) -> PartnerTab | None:
    if not is_hub_staff(user):
        return None
    eois = list(
        ExpressionOfInterest.objects.filter(partner=partner)
        .select_related("call")
        .select_related("award")
        .order_by("-created_at")
    )
    return PartnerTab(
        slug="eois",
        label="Expressions of interest",
        template="eoi/_partner_tab.html",
        context={"eois": eois},
        order=30,
        count=len(eois),
    )
