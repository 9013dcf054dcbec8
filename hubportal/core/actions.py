"""Permission verdicts and the POST-action shape the apps' views share.

A permission function answers ``(allowed, reason)``: ``reason`` is empty when
allowed, else one sentence a person can act on. The service is the authority:
it calls ``enforce`` with the same verdict the view used to show or withhold
the button, so the rule and its wording live in one place.

A reason made with ``not_yours`` says the actor's role never allows this (the
page answers 403); any other reason says "not now" (``ActionRefused``, shown
on the page).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied

from hubportal.core.errors import ActionRefused, attach_refusal

Verdict = tuple[bool, str]
ALLOWED: Verdict = (True, "")


class NotYours(str):
    """A refusal for who the actor is, not for the state of things."""

    __slots__ = ()


def not_yours(reason: str) -> Verdict:
    return (False, NotYours(reason))


def refused(reason: str) -> Verdict:
    return (False, reason)


def enforce(verdict: Verdict) -> None:
    """Raise unless allowed: PermissionDenied for ``not_yours``, else ActionRefused."""
    allowed, reason = verdict
    if allowed:
        return
    if isinstance(reason, NotYours):
        raise PermissionDenied(str(reason))
    raise ActionRefused(reason)


def forbid_unless(verdict: Verdict) -> None:
    """For a view's fetch: refuse with 403 only when the role never allows it;
    a "not now" is left to the service to say on the page."""
    allowed, reason = verdict
    if not allowed and isinstance(reason, NotYours):
        raise PermissionDenied(str(reason))


class Done:
    """What ``attempt`` answers: true when the service ran, with its ``result``."""

    __slots__ = ("ok", "result")

    def __init__(self, ok: bool, result=None):
        self.ok, self.result = ok, result

    def __bool__(self) -> bool:
        return self.ok


def attempt(request, action, success: str = "", *, form=None, field: str | None = None) -> Done:
    """The middle of every POST action: call the service (``action``, no
    arguments); on success say ``success``; on ``ActionRefused`` show the
    reason, on the form beside what was typed when there is one, else as a
    message. On a form, each of the refusal's problems goes on the field it
    names; a refusal without problems goes on ``field``, or on the whole form.
    The view fetched and checked before, and redirects after."""
    try:
        result = action()
    except ActionRefused as refusal:
        if form is not None:
            attach_refusal(form, refusal, field=field)
        else:
            messages.error(request, str(refusal))
        return Done(False)
    if success:
        messages.success(request, success)
    return Done(True, result)
