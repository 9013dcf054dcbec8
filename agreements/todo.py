"""The partner's to-do: sign each agreement the Hub has issued."""

from datetime import date, timedelta

from django.utils import timezone

from agreements.selectors import issued_to_sign
from agreements.services import SIGN_WITHIN_DAYS, sign_url
from hubportal.core.todo import Todo, todo_source


@todo_source
def agreements_to_sign(partner, today: date) -> list[Todo]:
    return [
        Todo(
            text=f"Sign your {agreement.year.label} {agreement.get_kind_display().lower()}: {agreement.title}",
            url=sign_url(agreement),
            due_on=timezone.localdate(agreement.issued_at) + timedelta(days=SIGN_WITHIN_DAYS)
            if agreement.issued_at
            else None,
            kind="agreements_sign",
        )
        for agreement in issued_to_sign([partner.pk])
    ]
