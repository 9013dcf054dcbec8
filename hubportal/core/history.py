"""The one history mechanism every lifecycle uses.

A model with a lifecycle declares its states as TextChoices and the allowed
moves as data beside them: ``TRANSITIONS = {State.A: {State.B, ...}, ...}``.
``transition()`` checks the move, saves the field and writes who, when, from,
to and why. Call it inside the service's transaction, after the service has
locked the row and checked the actor's permission.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, QuerySet

from hubportal.core.errors import ActionRefused
from hubportal.core.figures import figures_changed
from hubportal.models import HistoryEntry


class TransitionNotAllowed(ActionRefused):
    pass


def state_label(obj: Model, value: str, field: str = "status") -> str:
    choices = dict(obj._meta.get_field(field).choices or [])
    return str(choices.get(value, value))


def can_move(obj: Model, to: str, field: str = "status") -> bool:
    return to in obj.TRANSITIONS.get(getattr(obj, field), ())


def transition(obj: Model, *, to: str, actor, note: str = "", field: str = "status", update_fields=()) -> HistoryEntry:
    """Move ``obj`` to state ``to`` and record it; refuse a move not allowed."""
    current = getattr(obj, field)
    if not can_move(obj, to, field):
        raise TransitionNotAllowed(
            f"This {obj._meta.verbose_name} is {state_label(obj, current, field).lower()}, "
            f"so it cannot be moved to {state_label(obj, to, field).lower()}."
        )
    setattr(obj, field, to)
    fields = {field, *update_fields}
    if any(f.name == "updated_at" for f in obj._meta.fields):
        fields.add("updated_at")
    obj.save(update_fields=sorted(fields))
    return record(obj, actor=actor, action="transition", from_state=current, to_state=to, note=note)


def record(obj: Model, *, actor, action: str, note: str = "", from_state: str = "", to_state: str = "") -> HistoryEntry:
    """Record a notable change that is not a state move (an edit, an upload, a note).
    The dashboards' cached figures are dropped once it commits (hubportal.core.figures)."""
    # robust: a cache that is down must not turn a committed change into an
    # error page, nor stop the callbacks queued after this one.
    transaction.on_commit(figures_changed, robust=True)
    return HistoryEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=str(actor) if actor is not None and actor.is_authenticated else "System",
        note=note,
    )


def history_for(obj: Model) -> QuerySet[HistoryEntry]:
    return HistoryEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk).order_by(
        "at", "pk"
    )
