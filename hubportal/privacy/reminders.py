"""Subject access and erasure requests: the Service Managers are reminded as
the one-month deadline nears, on the day, and once after it passes (offsets in
settings.REMINDER_OFFSETS["privacy_request_due"])."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.urls import reverse

from complaints.services import service_managers
from hubportal.messaging.kinds import Due, dates_due, reminder_kind
from hubportal.messaging.wording_samples import SAMPLE_PK, reminder_sample
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


# --- The object each kind is about, for the wording editor (hubportal.messaging.wording_samples) ---


@reminder_sample("privacy_request_due")
def sample_data_request(today: date):
    received = today - timedelta(days=23)
    return DataRequest(
        pk=SAMPLE_PK, kind=DataRequest.Kind.ACCESS, received_on=received, due_on=DataRequest.deadline_for(received)
    )
