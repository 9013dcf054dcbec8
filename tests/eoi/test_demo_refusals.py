"""The commissioning demo refuses to load when a rule it relies on changes
(eoi/demo.py): each test starts from an empty database, so these live apart
from tests/eoi/test_demo.py, whose tests share one seeded demo."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from agreements.models import AgreementTemplate
from eoi import demo as eoi_demo
from hubportal.core.errors import ActionRefused


def seed_demo():
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())


def test_the_demo_stops_loading_when_taking_the_project_agreement_live_is_refused(db, monkeypatch):
    # As if an agreements rule changed: issuing the awarded project agreement is refused.
    def refuse_awarded_projects(agreement, **figures):
        return ["The rule changed."] if agreement.eoi_id else []

    monkeypatch.setattr("agreements.services.money_problems", refuse_awarded_projects)
    with pytest.raises(ActionRefused, match="The rule changed."):
        seed_demo()


def test_the_demo_stops_loading_when_the_award_is_refused(db):
    AgreementTemplate.objects.filter(kind=AgreementTemplate.Kind.PROJECT).delete()
    with pytest.raises(ActionRefused, match="no project agreement template"):
        seed_demo()


def test_the_demo_stops_loading_when_partner_bs_draft_is_accepted(db, monkeypatch):
    # As if the match-funding rule were loosened: the demo's refused draft would go through.
    monkeypatch.setattr("eoi.services.submission_refusal", lambda eoi, now=None: "")
    with pytest.raises(eoi_demo.DemoBroken, match="52.50%"):
        seed_demo()
