"""The Agreements tab on a partner's page in the staff area."""

from agreements.selectors import agreements_for
from hubportal.core.partner_tabs import PartnerTab, partner_tab
from hubportal.core.roles import is_chair, is_hub_staff
from partners.standing import Action, may


@partner_tab
def agreements_tab(partner, user) -> PartnerTab | None:
    if not (is_hub_staff(user) or is_chair(user)):
        return None
    agreements = list(agreements_for(user).filter(partner=partner).order_by("-academic_year", "-created_at"))
    in_force = sum(1 for a in agreements if a.status in a.IN_FORCE)
    # The button shows only when the partner's standing allows a draft; otherwise the reason shows.
    draft_allowed, draft_refusal = may(partner, Action.AGREEMENT_DRAFT) if is_hub_staff(user) else (False, "")
    return PartnerTab(
        slug="agreements",
        label="Agreements",
        template="agreements/_partner_tab.html",
        context={
            "agreements": agreements,
            "can_draft": draft_allowed,
            "draft_refusal": draft_refusal,
            "link_agreements": is_hub_staff(user),
        },
        order=20,
        count=in_force or None,
    )
