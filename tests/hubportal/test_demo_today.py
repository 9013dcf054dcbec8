"""The demo is dated relative to today (issue 21): nothing that happened is
dated after now, and something waits for every role: a meeting ready to
record, an assignment for the assessor to declare and score, a case for the
Chair, an agreement to countersign, evidence to verify, and a to-do for each
demo partner."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from agreements.models import Agreement
from agreements.permissions import may_countersign
from eoi.models import AssessorAssignment
from eoi.permissions import may_declare_conflict
from eoi.selectors import assessment_matrix, matrix_grid
from hubportal.core.chair import chair_queue
from hubportal.core.history import history_for
from hubportal.core.todo import todos_for
from hubportal.devtools.demo import PARTNER_A, PARTNER_B
from hubportal.models import User
from partners.models import EvidenceItem, Meeting, Partner
from partners.permissions import may_record_meeting

# Dates that lie ahead by their nature: deadlines, expiries, the ends of
# terms and agreements, meetings to come, sessions. Every other date and time
# is something that happened, so it is in the past.
AHEAD = {
    "sessions.Session": {"expire_date"},
    "hubportal.Term": {"starts_on", "ends_on"},
    "partners.Meeting": {"starts_at"},
    "partners.EvidenceItem": {"expires_on", "previous_in_force_until"},
    "agreements.Agreement": {"starts_on", "ends_on", "evaluation_due_on"},
    "agreements.PaymentInstalment": {"due_on"},
    "eoi.Call": {"opens_at", "closes_at"},
    "surveys.SurveyRound": {"deadline"},
    "surveys.SurveyRequest": {"deadline"},
    "complaints.Complaint": {"acknowledge_by", "respond_by", "escalate_by"},
    "privacy.DataRequest": {"due_on"},
}


@pytest.fixture
def demo(demo_data):
    """seed_demo, run once for the module (tests/conftest.py); each test's changes are rolled back."""


def test_nothing_that_happened_is_dated_after_now(demo):
    now, today = timezone.now(), timezone.localdate()
    ahead = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if f.name in AHEAD.get(model._meta.label, ()):
                continue
            if isinstance(f, models.DateTimeField):
                later = model.objects.filter(**{f"{f.name}__gt": now})
            elif isinstance(f, models.DateField):
                later = model.objects.filter(**{f"{f.name}__gt": today})
            else:
                continue
            if later.exists():
                ahead.append(f"{model._meta.label}.{f.name}")
    assert ahead == []


def test_one_meeting_has_started_and_is_ready_to_record(demo):
    staff = User.objects.get(username="staff")
    ready = [
        m
        for m in Meeting.objects.filter(recorded_at=None, cancelled_at=None).select_related("partner")
        if may_record_meeting(staff, m)[0]
    ]
    assert len(ready) == 1
    assert ready[0].starts_at <= timezone.now() and ready[0].recording_opens == ""


def test_the_assessor_has_an_assignment_to_declare_and_score(demo):
    assessor = User.objects.get(username="assessor")
    waiting = [a for a in AssessorAssignment.objects.filter(assessor=assessor) if may_declare_conflict(assessor, a)[0]]
    assert len(waiting) == 1
    # Its matrix compares two assessors: one has scored, the demo's assessor is still to declare.
    call = waiting[0].eoi.call
    grid = matrix_grid(assessment_matrix(call), list(call.criteria.all()))
    [block] = [b for b in grid.blocks if b.row.eoi.pk == waiting[0].eoi_id]
    notes = {u.username: c.note for u, c in zip(grid.assessors, block.total.cells, strict=True)}
    assert notes == {"assessor": "To declare", "assessor-dev": ""}
    # And a conflict of interest shows on another call's matrix.
    assert AssessorAssignment.objects.filter(has_conflict=True).exists()


def test_something_waits_for_every_role(demo):
    assert chair_queue(), "the Chair has a case to decide"
    manager = User.objects.get(username="manager")
    assert any(may_countersign(manager, a)[0] for a in Agreement.objects.filter(status=Agreement.Status.PARTNER_SIGNED))
    assert EvidenceItem.objects.filter(status=EvidenceItem.Status.SUBMITTED).exists()  # staff: to verify
    for name in (PARTNER_A, PARTNER_B):
        assert todos_for(Partner.objects.get(name=name)), name


def test_every_partners_timeline_opens_with_its_enquiry(demo):
    """The enquiry came first: dated when the partner was added, before every move it made since."""
    for partner in Partner.objects.all():
        entries = list(history_for(partner))
        assert entries[0].action == "enquiry received", partner.name
        assert entries[0].at == partner.created_at


def test_each_partners_story_runs_in_order(demo):
    """Every step follows the one it needs (demo data tells the truth): each
    move starts from the stage the last one reached and ends at the partner's
    stage; a meeting is held after it was scheduled and recorded once held; no
    agreement is drafted before the standards were met; the partner became
    active when its first agreement went live; no evidence came in before the
    enquiry; an agreement is issued after it was drafted and live after that."""
    standards_met_at = (Partner.Stage.AGREEMENT_PENDING, Partner.Stage.ACTIVE)
    for partner in Partner.objects.select_related("partner_type"):
        moves = [e for e in history_for(partner) if e.action == "transition"]
        stage = Partner.Stage.ENQUIRY
        reached = {}
        for move in moves:
            assert move.from_state == stage, (partner.name, move.from_state, stage)
            stage = move.to_state
            reached.setdefault(stage, move.at)
        assert stage == partner.status, partner.name

        for meeting in Meeting.objects.filter(partner=partner):
            assert partner.created_at <= meeting.scheduled_at <= meeting.starts_at, partner.name
            if meeting.recorded_at:
                assert meeting.starts_at <= meeting.recorded_at <= reached[Partner.Stage.MEETING_HELD], partner.name
        if Partner.Stage.MEETING_HELD in reached:
            assert reached[Partner.Stage.MEETING_SCHEDULED] <= reached[Partner.Stage.MEETING_HELD], partner.name

        agreements = Agreement.objects.filter(partner=partner)
        standards_met = min((reached[s] for s in standards_met_at if s in reached), default=None)
        for agreement in agreements:
            assert standards_met and standards_met <= agreement.created_at, (partner.name, agreement.title)
            if agreement.issued_at:
                assert agreement.created_at <= agreement.issued_at, agreement.title
            if agreement.live_at:
                assert agreement.issued_at <= agreement.live_at, agreement.title
        first_live = agreements.exclude(live_at=None).order_by("live_at").first()
        if first_live and partner.partner_type.agreement_required:
            assert reached[Partner.Stage.ACTIVE] == first_live.live_at, partner.name

        uploaded = EvidenceItem.objects.filter(partner=partner).exclude(uploaded_at=None)
        assert not uploaded.filter(uploaded_at__lt=partner.created_at).exists(), partner.name
