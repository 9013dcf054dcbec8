"""The partner's to-do: sign each agreement the Hub has issued."""

from datetime import date, timedelta

from django.utils import timezone

from agreements.selectors import issued_to_sign
from agreements.services import SIGN_WITHIN_DAYS, sign_url
from hubportal.core.todo import Todo, todo_source


def _to_sign(agreement) -> str:
    """ "Sign your 2026/27 partnership agreement", or for a project, which one:
    "Sign your 2026/27 project agreement: SEND ensemble" (a title that opens with
    the kind, as the drafted ones do, is not said twice)."""
    kind = agreement.get_kind_display()
    text = f"Sign your {agreement.year.label} {kind.lower()}"
    if agreement.kind == agreement.Kind.PARTNERSHIP:
        return text  # one a year: the year says which, and the partner knows its own name
    opening, _, rest = agreement.title.partition(": ")
    return f"{text}: {rest if rest and opening.startswith(kind) else agreement.title}"


@todo_source
def agreements_to_sign(partner, today: date) -> list[Todo]:
    return [
        Todo(
            text=_to_sign(agreement),
            url=sign_url(agreement),
            due_on=timezone.localdate(agreement.issued_at) + timedelta(days=SIGN_WITHIN_DAYS)
            if agreement.issued_at
            else None,
            kind="agreements_sign",
        )
        for agreement in issued_to_sign([partner.pk])
    ]
