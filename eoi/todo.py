"""The partner's to-do list: a draft EOI to finish before its call closes."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from eoi.models import Call, ExpressionOfInterest
from hubportal.core.todo import Todo, todo_source


@todo_source
def draft_eois(partner, today: date) -> list[Todo]:
    drafts = ExpressionOfInterest.objects.filter(
        partner=partner,
        status=ExpressionOfInterest.Status.DRAFT,
        call__status=Call.Status.OPEN,
        call__closes_at__gt=timezone.now(),
    ).select_related("call")
    return [
        Todo(
            text=f"Finish and submit your expression of interest for “{eoi.call.title}” before the call closes",
            url=reverse("eoi:eoi_edit", args=[eoi.pk]),
            due_on=timezone.localdate(eoi.call.closes_at),
            kind="eoi",
        )
        for eoi in drafts
    ]
