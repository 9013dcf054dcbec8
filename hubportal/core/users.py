"""The people the Hub writes to: its staff, and the users of given partners.

One definition each, for every app's notifications and reminders.
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from hubportal.core import roles


def hub_staff_users() -> list:
    """Active Hub staff and Service Managers: the people who run partnerships."""
    return list(
        get_user_model().objects.filter(is_active=True, groups__name__in=[roles.STAFF, roles.MANAGER]).distinct()
    )


def partner_users(partners) -> list:
    """The active partner users of a partner, or of several (partners or their
    ids), in one query."""
    if partners is None:
        return []
    if hasattr(partners, "pk") or isinstance(partners, int):
        partners = [partners]
    ids = [getattr(p, "pk", p) for p in partners] if isinstance(partners, Iterable) else []
    return list(
        get_user_model().objects.filter(partner_id__in=ids, is_active=True, groups__name=roles.PARTNER).distinct()
    )
