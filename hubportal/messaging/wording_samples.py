"""Sample data for each reminder kind's wording: the context a real reminder
is rendered with (``obj``, ``stage``, ``due_on``, ``recipient``, ``url``,
``site_url``), with a made-up object of the kind's own model.

Each app registers the object its reminder kinds are about in its
``<app>/reminders.py``, beside the kinds (messaging imports no app)::

    @reminder_sample("surveys_deadline", "surveys_overdue_staff")
    def survey_request(today: date) -> SurveyRequest: ...

The wording editor checks every placeholder against it (so ``{{ obj.titel }}``
is refused, not sent as a blank) and previews the message with it. The
objects are never saved; their primary key is SAMPLE_PK, one no row will have,
so a relation in the wording (``obj.outcomes.all``) reads as empty rather than
another record's data (and not 0, which reads as "no partner").
"""

from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from hubportal.core.hub import current_hub
from hubportal.messaging.kinds import offsets, stage_name
from hubportal.models import User

SAMPLE_PK = 2_147_483_647  # the largest integer key

Sample = Callable[[date], object]
_SAMPLES: dict[str, Sample] = {}


def reminder_sample(*kinds: str):
    """Register the made-up object (built for a day) that these reminder kinds are about."""

    def register(build: Sample) -> Sample:
        for kind in kinds:
            _SAMPLES[kind] = build
        return build

    return register


def sample_objects() -> dict[str, Sample]:
    autodiscover_modules("reminders")
    return dict(_SAMPLES)


def has_sample(kind: str) -> bool:
    return kind in sample_objects()


def sample_recipient() -> User:
    return User(pk=SAMPLE_PK, username="sam.patel", first_name="Sam", last_name="Patel", email="sam@example.org")


def sample_contexts(kind: str, today: date | None = None) -> list[tuple[str, dict]]:
    """One (stage, context) per stage of the kind's series, as its reminders are rendered."""
    today = today or timezone.localdate()
    obj = sample_objects()[kind](today)
    recipient = sample_recipient()
    return [
        (
            stage_name(days),
            {
                "obj": obj,
                "stage": stage_name(days),
                "due_on": today + timedelta(days=days),
                "recipient": recipient,
                "url": "/portal/",
                "site_url": settings.SITE_URL,
                "hub": current_hub(),
                "hub_name": current_hub().name,
            },
        )
        for days in offsets(kind) or [0]
    ]
