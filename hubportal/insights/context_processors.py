from hubportal.core import roles
from hubportal.core.hub import current_hub
from hubportal.messaging.notifications import unread_count
from hubportal.records_import.permissions import can_import


def navigation(request):
    """What the base template needs to draw the navigation for this user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "hub_team": roles.is_hub_team(user),
            "hub_staff": roles.is_hub_staff(user),
            "chair": roles.is_chair(user),
            "partner": roles.is_partner_user(user),
            "admin": user.is_staff,
            "can_import": can_import(user)[0],
        },
        "unread_notifications": unread_count(user),
    }


def hub(request):
    """The Hub record for every page: its name, lead organisation, area, colours, links."""
    return {"hub": current_hub()}
