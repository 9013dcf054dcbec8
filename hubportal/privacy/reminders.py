"""Subject access and erasure requests: the Service Managers are reminded as
the one-month deadline nears, on the day, and once after it passes (offsets in
settings.REMINDER_OFFSETS["privacy_request_due"])."""

from collections.abc import Iterable
from datetime import date

from django.urls import reverse

from complaints.services import service_managers
from hubportal.messaging.reminders import Due, dates_due, reminder_kind
from hubportal.privacy.models import DataRequest

KIND = "privacy_request_due"


@reminder_kind(KIND)
def requests_due(today: date) -> Iterable[Due]:
    stages = dates_due(today, KIND)
    if not stages:
        return
    found = list(DataRequest.objects.filter(status=DataRequest.Status.OPEN, due_on__in=list(stages)))
    managers = list(service_managers()) if found else []
    for data_request in found:
        yield Due(
            kind=KIND,
            obj=data_request,
            stage=stages[data_request.due_on],
            due_on=data_request.due_on,
            recipients=managers,
            url=reverse("privacy:request", args=[data_request.pk]),
        )
