"""The consent rule for case studies, in one place.

A case study that tells a young person's story, or has an image showing a
young person, may be used (published, exported) only for a use that consent
recorded and not withdrawn covers. Publishing is the "website and publicity"
use; an export is for the use staff choose. Everything that publishes or
exports asks ``consent_blocker``.
"""

from datetime import date

from django.utils import timezone

from hubportal.core.words import midsentence
from surveys.models import CaseStudy, Consent

# Publishing a case study puts it on the Hub's website and publicity.
PUBLISH_USE = Consent.Use.PUBLICITY
USE_LABELS = dict(Consent.Use.choices)


def needs_consent(case_study: CaseStudy) -> bool:
    """About a young person, or with an image of one. Reads ``images.all()`` (prefetch it for lists)."""
    return case_study.about_young_person or any(image.shows_young_person for image in case_study.images.all())


def consent_blocker(case_study: CaseStudy, *, use: str, today: date | None = None) -> str:
    """Why ``case_study`` may not be used for ``use``, as a sentence; "" when it may.
    Reads ``consents.all()`` and ``images.all()``, so prefetch both for a list."""
    if not needs_consent(case_study):
        return ""
    today = today or timezone.localdate()
    if any(consent.covers(use, today) for consent in case_study.consents.all()):
        return ""
    what = "tells a young person's story" if case_study.about_young_person else "has an image showing a young person"
    return (
        f"“{case_study.title}” {what}, and no consent for {midsentence(USE_LABELS.get(use, use))} is recorded. "
        "The partner must record that consent (who gave it, when, and for which uses) before it can be used this way."
    )


def may_use(case_study: CaseStudy, *, use: str, today: date | None = None) -> bool:
    return consent_blocker(case_study, use=use, today=today) == ""
