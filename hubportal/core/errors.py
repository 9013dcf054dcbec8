from collections.abc import Iterable

from django.core.exceptions import PermissionDenied


class ActionRefused(Exception):
    """A user-facing refusal: the action is not possible now (wrong state, a
    rule not met). The message is a full sentence shown to the user.

    ``problems`` optionally breaks the refusal into ``(field, message)`` pairs,
    ``field`` naming the form field a problem concerns (or None for the whole
    form), so a page can mark each field and link to it from its error summary.
    """

    def __init__(self, message: str = "", *, problems: Iterable[tuple[str | None, str]] = ()):
        super().__init__(message)
        self.problems: tuple[tuple[str | None, str], ...] = tuple(problems)


def attach_refusal(
    form, refusal: ActionRefused, *, fields: dict[str, str] | None = None, field: str | None = None
) -> None:
    """Put a service's refusal on a bound form, once: each problem on the field
    it concerns (``fields`` maps a problem's field to the form's own name when
    they differ), the rest as errors of the whole form. A refusal without
    problems is one error, of ``field`` when given, else of the whole form."""
    fields = fields or {}
    problems = refusal.problems or ((field, str(refusal)),)
    for field, message in problems:
        name = fields.get(field, field) if field else None
        form.add_error(name if name in form.fields else None, message)


def require(allowed: bool, message: str = "You do not have permission to do that.") -> None:
    """Raise PermissionDenied (403) unless the actor may do this."""
    if not allowed:
        raise PermissionDenied(message)
