"""What an import brought in, shown on the pages of the apps it fed.

An agreement signed before the portal has an imported signed copy; the
agreement's pages and its PDF show it through these tags, so agreements,
below this app, imports nothing of it::

    {% load legacy_records %}{% legacy_signed_copy_card agreement %}
    {% legacy_signed_copy agreement as legacy_copy %}
"""

from django import template

from hubportal.core.roles import is_hub_staff
from hubportal.records_import.models import LegacySignedCopy
from hubportal.records_import.permissions import can_attach_legacy_pdf

register = template.Library()


@register.simple_tag
def legacy_signed_copy(agreement) -> LegacySignedCopy | None:
    """The agreement's signed copy from before the portal, if one is attached."""
    return LegacySignedCopy.objects.filter(agreement=agreement).select_related("uploaded_by").first()


@register.inclusion_tag("records_import/_legacy_signed_copy.html", takes_context=True)
def legacy_signed_copy_card(context, agreement) -> dict:
    """The card "Signed before the portal" on an agreement's page: the signed
    copy, and for Hub staff the button to attach or replace it (issue 22)."""
    user = context["user"]
    return {
        "agreement": agreement,
        "hub": context.get("hub"),
        "legacy_copy": legacy_signed_copy(agreement),
        "can_attach": is_hub_staff(user) and can_attach_legacy_pdf(user, agreement)[0],
    }
