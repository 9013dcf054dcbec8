"""Commissioning reminders: a call closing soon, to partners with a draft."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from eoi.models import Call, ExpressionOfInterest
from hubportal.core.roles import PARTNER
from hubportal.messaging.kinds import Due, dates_due, reminder_kind
from hubportal.messaging.wording_samples import SAMPLE_PK, reminder_sample
from hubportal.models import User
from partners.reminders import sample_partner


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day, time.max))
    return start, end


@reminder_kind("eoi_call_closing")
def calls_closing(today: date) -> Iterable[Due]:
    """Each draft EOI on an open call that closes on a reminder date (3 days
    ahead by default): its partner's users are reminded to finish and submit.
    Two queries whatever the number of drafts."""
    stages = dates_due(today, "eoi_call_closing")
    if not stages:
        return []
    in_window = Q()
    for day in stages:
        in_window |= Q(call__closes_at__range=_day_bounds(day))
    drafts = list(
        ExpressionOfInterest.objects.filter(in_window, status=ExpressionOfInterest.Status.DRAFT)
        .filter(call__status=Call.Status.OPEN)
        .select_related("call", "partner")
    )
    users = User.objects.filter(
        partner_id__in={d.partner_id for d in drafts}, is_active=True, groups__name=PARTNER
    ).order_by("pk")
    by_partner: dict[int, list[User]] = {}
    for user in users:
        by_partner.setdefault(user.partner_id, []).append(user)
    due = []
    for eoi in drafts:
        closes_on = timezone.localdate(eoi.call.closes_at)
        due.append(
            Due(
                kind="eoi_call_closing",
                obj=eoi,
                stage=stages[closes_on],
                due_on=closes_on,
                recipients=by_partner.get(eoi.partner_id, []),
                url=reverse("eoi:eoi_edit", args=[eoi.pk]),
            )
        )
    return due


# --- The object each kind is about, for the wording editor (hubportal.messaging.wording_samples) ---


@reminder_sample("eoi_call_closing")
def sample_expression_of_interest(today: date):
    closes = timezone.make_aware(datetime.combine(today + timedelta(days=3), time(17, 0)))
    call = Call(pk=SAMPLE_PK, title="Inclusive ensembles 2027", status=Call.Status.OPEN, closes_at=closes)
    return ExpressionOfInterest(
        pk=SAMPLE_PK, call=call, partner=sample_partner(), title="Weekly inclusive ensemble in Market Harborough"
    )
