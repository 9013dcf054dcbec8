"""Roles are Django groups. Every view asks these functions, never group names.

A wrong role is a 403; a record outside the user's scope is a 404 (that check
lives in each app's selectors, e.g. `Partner.objects.visible_to(user)`).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

STAFF = "Hub staff"
MANAGER = "Service manager"
ASSESSOR = "Assessor"
CHAIR = "Board chair"
PARTNER = "Partner user"
SAFEGUARDING = "Safeguarding lead"

ALL_ROLES = [STAFF, MANAGER, ASSESSOR, CHAIR, PARTNER, SAFEGUARDING]

# Model permissions each group holds, for the Django admin and for anything
# that checks perms. "app_label.*" means every permission of that app.
GROUP_PERMISSIONS = {
    STAFF: ["partners.*", "agreements.*", "eoi.*", "surveys.*", "complaints.*", "hubportal.view_historyentry"],
    MANAGER: [
        "partners.*",
        "agreements.*",
        "eoi.*",
        "surveys.*",
        "complaints.*",
        "hubportal.view_historyentry",
        # The retention schedule and the personal data records: read in the admin.
        "privacy.view_*",
    ],
    # Assessors work only on their assignments, in the staff area; the admin
    # would show them every partner's EOIs, so it gives them nothing.
    ASSESSOR: [],
    CHAIR: ["agreements.view_*", "complaints.view_*", "partners.view_*"],
    PARTNER: [],
    SAFEGUARDING: ["complaints.view_*"],
}


def roles_of(user) -> frozenset[str]:
    """The user's role names, read once per request and kept on the user."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_hub_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._hub_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_admin(user) -> bool:
    return user.is_authenticated and user.is_superuser


def is_hub_team(user) -> bool:
    """Anyone who works in the staff area: staff, the manager, assessors, admins."""
    return is_admin(user) or has_role(user, STAFF, MANAGER, ASSESSOR)


def is_hub_staff(user) -> bool:
    """Staff who run partnerships (not assessors, who only score)."""
    return is_admin(user) or has_role(user, STAFF, MANAGER)


def is_service_manager(user) -> bool:
    return has_role(user, MANAGER)


def is_assessor(user) -> bool:
    return has_role(user, ASSESSOR)


def is_chair(user) -> bool:
    return has_role(user, CHAIR)


def is_safeguarding_lead(user) -> bool:
    return has_role(user, SAFEGUARDING, MANAGER)


def is_partner_user(user) -> bool:
    return user.is_authenticated and user.partner_id is not None and has_role(user, PARTNER)


def role_required(test, message="Your role does not give access to this page."):
    """Decorator: anonymous users go to the login page; a wrong role is 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


hub_team_required = role_required(is_hub_team, "This page is for Hub staff.")
hub_staff_required = role_required(is_hub_staff, "This page is for Hub staff.")
chair_required = role_required(is_chair, "This page is for the Chair of the Hub Executive Board.")
partner_required = role_required(is_partner_user, "This page is for partner users.")


def ensure_groups(**kwargs) -> None:
    """Create the role groups and give each its permissions (post_migrate)."""
    from django.contrib.auth.models import Group, Permission

    all_perms = list(Permission.objects.select_related("content_type"))
    for name, patterns in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [p for p in all_perms if _matches(p, patterns)]
        group.permissions.set(wanted)
    for name in ALL_ROLES:
        Group.objects.get_or_create(name=name)


def _matches(perm, patterns) -> bool:
    full = f"{perm.content_type.app_label}.{perm.codename}"
    for pattern in patterns:
        if pattern.endswith("*") and full.startswith(pattern[:-1]):
            return True
        if full == pattern:
            return True
    return False
