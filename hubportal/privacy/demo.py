"""Demo personal-data requests for `make run`: a subject access request from a
member of the public who complained (Helen Marsh, complaint C-...-0001) and an
erasure request from a contact at a partner still at enquiry (Eleanor Hart,
Harborough Folk Fiddlers), then tonight's dry run so "Due for removal" has a report."""

from datetime import timedelta

from django.utils import timezone

from hubportal.privacy import services
from hubportal.privacy.models import DataRequest, RetentionRun

DEMO_REQUESTS = [
    # kind, name, email, received days ago, what they asked
    (DataRequest.Kind.ACCESS, "Helen Marsh", "helen.marsh@example.org", 20, "A copy of everything you hold about me."),
    (DataRequest.Kind.ERASURE, "Eleanor Hart", "eleanor.hart@fiddle.example", 3, "Please delete my details."),
]


def seed(*, users) -> None:
    today = timezone.localdate()
    for kind, name, email, days_ago, details in DEMO_REQUESTS:
        if DataRequest.objects.filter(kind=kind, person_email=email).exists():
            continue
        services.data_request_record(
            actor=users["manager"],
            kind=kind,
            person_name=name,
            person_email=email,
            received_on=today - timedelta(days=days_ago),
            details=details,
        )
    if not RetentionRun.objects.exists():
        services.retention_run(dry_run=True)
