"""Partners see only their own: every page and export partner A's user can
open without an id (the lists), read with the demo data of both partners
seeded, holds nothing of partner B's. Pages with an id are the URL sweep's
(another partner's record answers 404)."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from agreements.models import Agreement
from complaints.models import Complaint
from eoi.models import ExpressionOfInterest
from hubportal.devtools.demo import PARTNER_A, PARTNER_B
from hubportal.models import User
from partners.models import Contact, EvidenceItem, Meeting, Partner
from surveys.models import Answer, CaseStudy, IncomeRecord, ProjectEvaluation
from tests.security.access import all_rules

RULES = all_rules()
# Forms that offer every partner by name (to say who a complaint is about).
NAMES_EVERY_PARTNER = {"complaints:portal_new", "complaints:public_new"}
PARTNER_LISTS = sorted(
    name for name, rule in RULES.items() if "partner_a" in rule.allowed and rule.args is None and "GET" in rule.methods
)


def records_text(partner: Partner) -> set[str]:
    """Text from the partner's own records: names, titles, people, notes, answers."""
    found = {partner.name, partner.legal_name}
    found |= set(Agreement.objects.filter(partner=partner).values_list("title", flat=True))
    found |= set(ExpressionOfInterest.objects.filter(partner=partner).values_list("title", flat=True))
    found |= set(Contact.objects.filter(partner=partner).values_list("name", flat=True))
    found |= set(Contact.objects.filter(partner=partner).values_list("email", flat=True))
    found |= set(CaseStudy.objects.filter(partner=partner).values_list("title", flat=True))
    found |= set(IncomeRecord.objects.filter(partner=partner).values_list("description", flat=True))
    found |= set(Complaint.objects.filter(complainant_partner=partner).values_list("reference", flat=True))
    for user in User.objects.filter(partner=partner):
        found |= {user.email, user.get_full_name()}
    found |= set(Meeting.objects.filter(partner=partner).values_list("notes", flat=True))
    found |= set(EvidenceItem.objects.filter(partner=partner).values_list("original_filename", flat=True))
    found |= set(Answer.objects.filter(request__partner=partner).values_list("text", flat=True))
    found |= set(ProjectEvaluation.objects.filter(agreement__partner=partner).values_list("learning", flat=True))
    return found


def fingerprints(partner: Partner, other: Partner) -> set[str]:
    """Text that names one of the partner's own records and none of the other's."""
    return {text for text in records_text(partner) - records_text(other) if text and len(text) > 4}


def read(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = load_workbook(
            io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
        )
        return " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c)
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, seeded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--force", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("name", PARTNER_LISTS)
def test_partner_a_sees_nothing_of_partner_b_in_any_list_or_export(name, demo, db):
    a, b = Partner.objects.get(name=PARTNER_A), Partner.objects.get(name=PARTNER_B)
    forbidden = fingerprints(b, a)
    assert PARTNER_B in forbidden and len(forbidden) > 3
    complained_about_b = Complaint.objects.filter(complainant_partner=a, partner=b).exists()
    if name in NAMES_EVERY_PARTNER or (name.startswith("complaints:") and complained_about_b):
        # B's name is in A's own records here (a complaint A made about B) or in a list of every partner.
        forbidden -= {b.name, b.legal_name}
    client = Client()
    client.force_login(User.objects.get(username="partner-a"))
    url = reverse(name)
    for suffix in ("", "?export=csv", "?export=xlsx"):
        response = client.get(url + suffix)
        if response.status_code != 200:
            continue
        text = read(response)
        leaked = sorted(f for f in forbidden if f in text)
        assert not leaked, f"{url}{suffix} shows partner B's {leaked}"


def test_the_fingerprints_cover_every_kind_of_record(demo, db):
    """The sweep above is only as good as what it looks for."""
    a, b = Partner.objects.get(name=PARTNER_A), Partner.objects.get(name=PARTNER_B)
    looked_for = fingerprints(b, a)
    assert User.objects.get(username="partner-b").email in looked_for
    assert looked_for & set(Answer.objects.filter(request__partner=b).values_list("text", flat=True))
    assert looked_for & set(Contact.objects.filter(partner=b).values_list("email", flat=True))
    assert looked_for & set(IncomeRecord.objects.filter(partner=b).values_list("description", flat=True))
