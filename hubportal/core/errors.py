from django.core.exceptions import PermissionDenied


class ActionRefused(Exception):
    """A user-facing refusal: the action is not possible now (wrong state, a
    rule not met). The message is a full sentence shown to the user."""


def require(allowed: bool, message: str = "You do not have permission to do that.") -> None:
    """Raise PermissionDenied (403) unless the actor may do this."""
    if not allowed:
        raise PermissionDenied(message)
