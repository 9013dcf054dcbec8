"""Partner names take their possessive correctly in messages (issue 21)."""

from types import SimpleNamespace
from unittest import mock

import pytest

from hubportal.messaging.notifications import render_kind

STRINGS = SimpleNamespace(name="Harborough Youth Strings")


@pytest.mark.django_db
def test_a_name_ending_in_s_takes_an_apostrophe_alone_in_notifications():
    subject, _ = render_kind(
        "surveys_overdue_staff", {"obj": SimpleNamespace(partner=STRINGS, round=SimpleNamespace(term="Spring"))}
    )
    assert subject == "Harborough Youth Strings' Spring survey is a week overdue"
    year = SimpleNamespace(label="2025/26", next=SimpleNamespace(label="2026/27"))
    _, body = render_kind("agreements_renewal_due", {"obj": SimpleNamespace(partner=STRINGS, year=year, title="T")})
    assert "Harborough Youth Strings' 2026/27 agreement" in body
    assert "Strings's" not in body


@pytest.mark.django_db
def test_staff_wording_may_use_the_possessive_filter(staff, client_for):
    from hubportal.messaging.wording import _parse

    assert _parse("{{ obj.partner.name|possessive }} survey")


def test_the_chairs_confirm_step_uses_the_possessive():
    from agreements import decisions
    from agreements.models import Agreement, TerminationRecommendation

    agreement = SimpleNamespace(partner=STRINGS, kind=Agreement.Kind.PROJECT, title="T", pk=1)
    recommendation = SimpleNamespace(agreement=agreement, kind="", partnership_suspended=True)
    with mock.patch.object(decisions.Agreement, "objects"):
        effects = decisions.decision_effects(recommendation, TerminationRecommendation.Decision.REJECTED)
    assert "Harborough Youth Strings' suspension, made pending your decision, is lifted." in effects
    assert not any("Strings's" in effect for effect in effects)
