"""The demo data: complaints in every stage, a safeguarding concern, one
waiting for the Chair; every page a demo user opens works."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from complaints.demo import SPECS, seed
from complaints.models import Complaint, ComplaintAttachment, ComplaintNote
from hubportal.core.chair import chair_queue
from hubportal.core.todo import todos_for
from hubportal.devtools.demo import seed_core
from hubportal.models import HistoryEntry, Notification


@pytest.fixture
def seeded(db):
    """The demo users and partners, then the complaints (the other apps' demo
    data is theirs; seed_demo runs them all: tests/hubportal/test_seed_demo.py)."""
    users = seed_core()
    seed(users)
    return users


def test_seeding_twice_changes_nothing(seeded):
    models = [Complaint, ComplaintNote, ComplaintAttachment, HistoryEntry, Notification]
    before = {m: m.objects.count() for m in models}
    seed(seeded)
    assert {m: m.objects.count() for m in models} == before


@override_settings(DEBUG=True)
def test_seed_demo_seeds_the_complaints(db):
    call_command("seed_demo", stdout=StringIO())
    assert Complaint.objects.count() == len(SPECS)


def test_every_stage_a_concern_and_a_case_for_the_chair(seeded):
    assert set(Complaint.objects.values_list("status", flat=True)) == set(Complaint.Status.values)
    concern = Complaint.objects.get(category=Complaint.Category.SAFEGUARDING)
    assert concern.is_open and concern.partner.name == "Harborough Youth Strings"
    waiting = [case for case in chair_queue() if case.kind == "Escalated complaint"]
    assert len(waiting) == 2
    names = {"Charnwood Music Collective", "Harborough Youth Strings"}
    for complaint in Complaint.objects.all():
        linked = {getattr(complaint.partner, "name", None), getattr(complaint.complainant_partner, "name", None)}
        assert linked & names or complaint.about == "hub"
    assert Complaint.objects.overdue(timezone.localdate()).exists()


def test_the_demo_timelines_are_in_order(seeded):
    from hubportal.core.history import history_for

    for complaint in Complaint.objects.all():
        entries = list(history_for(complaint))
        assert entries, complaint.reference
        assert entries[0].action == "complaint received"
        moves = [e.to_state for e in entries if e.action == "transition"]
        if complaint.status != "received":
            assert moves[-1] == complaint.status, complaint.reference


def test_demo_users_open_their_pages(seeded, client_for):
    decided = Complaint.objects.get(status="decided")
    escalated = Complaint.objects.get(status="escalated")
    pages = {
        "manager": ["/staff/complaints/", "/staff/complaints/safeguarding/"]
        + [f"/staff/complaints/{c.pk}/" for c in Complaint.objects.all()],
        "staff": ["/staff/complaints/", f"/staff/complaints/{escalated.pk}/"],
        "chair": [
            "/chair/",
            "/chair/complaints/",
            f"/chair/complaints/{escalated.pk}/",
            f"/chair/complaints/{decided.pk}/",
        ],
        "partner-a": ["/portal/complaints/"],
        "partner-b": [
            "/portal/complaints/",
            f"/portal/complaints/{decided.pk}/",
            f"/portal/complaints/{escalated.pk}/",
        ],
    }
    for username, urls in pages.items():
        client = client_for(seeded[username])
        for url in urls:
            assert client.get(url).status_code == 200, f"{username} {url}"
    about_a = client_for(seeded["partner-a"]).get("/portal/complaints/").text
    assert "Complaints about your organisation" in about_a


def test_partner_a_has_a_resolution_to_answer(seeded):
    partner = seeded["partner-a"].partner
    assert [t for t in todos_for(partner) if t.kind == "complaints"]
