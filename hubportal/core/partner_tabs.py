"""Tabs on a partner's page that other apps add (agreements, EOIs, surveys,
complaints). Each app registers a function in ``<app>/partner_tabs.py``:

    @partner_tab
    def agreements_tab(partner: Partner, user) -> PartnerTab | None:
        return PartnerTab(slug="agreements", label="Agreements", template="agreements/_partner_tab.html",
                          context={"agreements": ...}, order=20)

Return None when the user should not see the tab.
"""

from dataclasses import dataclass, field

from hubportal.core.registry import Registry

tabs = Registry("partner_tabs")
partner_tab = tabs.register


@dataclass
class PartnerTab:
    slug: str
    label: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50
    count: int | None = None  # shown beside the label, e.g. open complaints


def tabs_for(partner, user) -> list[PartnerTab]:
    found = [tab for function in tabs.functions() if (tab := function(partner, user)) is not None]
    return sorted(found, key=lambda t: (t.order, t.label))
