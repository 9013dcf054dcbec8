"""Each default rule at its edge: the day before, kept; on the day, removed;
with a legal hold, kept. Files go from storage; history says which rule
removed what, without the personal data itself."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import default_storage

from complaints.models import Complaint
from eoi.models import EoiAttachment
from hubportal.models import HistoryEntry, OutboundEmail, User
from hubportal.privacy import services
from hubportal.privacy.models import Removal, RetentionRule, RetentionRun, add_months
from hubportal.privacy.selectors import safeguarding_due
from partners.models import Contact, EvidenceItem, Meeting
from tests.complaints.factories import ComplaintFactory
from tests.privacy import factories

LONDON = ZoneInfo("Europe/London")
START = datetime.datetime(2020, 3, 15, 11, 0, tzinfo=LONDON)
Kind = RetentionRule.Kind


def at_night(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 1, 30, tzinfo=LONDON)


def run_on(day: datetime.date, django_capture_on_commit_callbacks) -> RetentionRun:
    with time_machine.travel(at_night(day), tick=False), django_capture_on_commit_callbacks(execute=True):
        return services.retention_run(dry_run=False)


def _fresh(obj):
    return type(obj)._default_manager.filter(pk=obj.pk).first()


def _files(obj) -> list[str]:
    if isinstance(obj, Complaint):
        return [a.file.name for a in obj.attachments.all()]
    file = getattr(obj, "file", None)
    return [file.name] if file else []


# kind: (build the record started at START, was it removed?, the hold that keeps it, personal text)
CASES = {
    Kind.DBS_CERTIFICATE: (
        factories.dbs_evidence,
        lambda o: _fresh(o).file.name == "",
        lambda o: {"partner": o.partner},
        "001234567890",
    ),
    Kind.EVIDENCE_FILE: (
        factories.evidence_file,
        lambda o: _fresh(o).file.name == "",
        lambda o: {"partner": o.partner},
        "policy",
    ),
    Kind.COMPLAINT: (
        factories.closed_complaint,
        lambda o: _fresh(o).complainant_name == "Removed",
        lambda o: {"complaint": o},
        None,  # the complainant's name, read from the record
    ),
    Kind.CONTACT: (
        factories.contact,
        lambda o: not Contact.objects.filter(pk=o.pk).exists(),
        lambda o: {"person_email": o.email},
        None,
    ),
    Kind.USER: (
        factories.partner_account,
        lambda o: _fresh(o).username == f"removed-{o.pk}" and not _fresh(o).is_active,
        lambda o: {"partner": o.partner},
        "former.user@example.org",
    ),
    Kind.MEETING_NOTES: (
        factories.meeting_notes,
        lambda o: _fresh(o).notes == "",
        lambda o: {"partner": o.partner},
        "Jo Smith",
    ),
    Kind.EOI_ATTACHMENT: (
        factories.eoi_attachment,
        lambda o: not EoiAttachment.objects.filter(pk=o.pk).exists(),
        lambda o: {"partner": o.eoi.partner},
        "cv.pdf",
    ),
    Kind.OUTBOUND_EMAIL: (
        factories.sent_email,
        lambda o: not OutboundEmail.objects.filter(pk=o.pk).exists(),
        lambda o: {"person_email": o.to},
        "someone@example.org",
    ),
}


def _build(kind):
    build = CASES[kind][0]
    with time_machine.travel(START, tick=False):
        obj = build(START)
    rule = RetentionRule.objects.get(kind=kind)
    return obj, rule, add_months(START.date(), rule.period_months)


def _personal(kind, obj) -> str:
    text = CASES[kind][3]
    if text is None:
        text = obj.complainant_name if isinstance(obj, Complaint) else obj.name
    return text


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(CASES))
def test_each_rule_keeps_the_day_before_and_removes_on_the_day(kind, django_capture_on_commit_callbacks):
    obj, rule, due = _build(kind)
    removed = CASES[kind][1]
    personal = _personal(kind, obj)
    files = _files(obj)
    assert all(default_storage.exists(name) for name in files)

    run_on(due - datetime.timedelta(days=1), django_capture_on_commit_callbacks)
    assert not removed(obj), f"{rule.key} removed a day early"

    run = run_on(due, django_capture_on_commit_callbacks)
    assert removed(obj), f"{rule.key} did not remove on its day"
    assert run.removed >= 1
    assert not any(default_storage.exists(name) for name in files), "a removed record's file is still stored"
    entries = HistoryEntry.objects.filter(action=f"removed under retention rule {rule.key}")
    assert entries.count() == 1
    assert Removal.objects.filter(rule=rule).count() == 1
    for entry in HistoryEntry.objects.filter(action__startswith="removed under"):
        assert personal.lower() not in f"{entry.action} {entry.note} {entry.actor_name}".lower()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(CASES))
def test_a_legal_hold_keeps_the_record_on_its_day(kind, manager, django_capture_on_commit_callbacks):
    obj, rule, due = _build(kind)
    hold = services.legal_hold_place(actor=manager, reason="A claim has been threatened.", **CASES[kind][2](obj))

    run_on(due, django_capture_on_commit_callbacks)
    assert not CASES[kind][1](obj), f"{rule.key} removed a record under a legal hold"

    services.legal_hold_lift(hold=hold, actor=manager, reason="The claim was settled.")
    run_on(due + datetime.timedelta(days=1), django_capture_on_commit_callbacks)
    assert CASES[kind][1](obj), f"{rule.key} kept a record once its hold was lifted"


@pytest.mark.django_db
def test_a_dbs_copy_keeps_the_checks_date_level_outcome_and_last_four_digits(django_capture_on_commit_callbacks):
    item, rule, due = _build(Kind.DBS_CERTIFICATE)
    run_on(due, django_capture_on_commit_callbacks)
    item = EvidenceItem.objects.get(pk=item.pk)
    assert item.file.name == "" and item.original_filename == ""
    assert item.note == "Certificate number ending 7890."
    assert item.status == EvidenceItem.Status.VERIFIED
    assert item.issued_on is not None and item.evidence_type.name == factories.DBS


@pytest.mark.django_db
def test_the_dry_run_changes_nothing_and_a_second_run_removes_nothing_more(django_capture_on_commit_callbacks):
    built = [_build(kind) for kind in CASES]
    due = max(d for _, _, d in built)
    counts = lambda: (  # noqa: E731
        Contact.objects.count(),
        OutboundEmail.objects.count(),
        EoiAttachment.objects.count(),
        Meeting.objects.exclude(notes="").count(),
        EvidenceItem.objects.exclude(file="").count(),
        Complaint.objects.exclude(complainant_name="Removed").count(),
        User.objects.filter(is_active=True).count(),
        HistoryEntry.objects.count(),
    )
    before = counts()
    with time_machine.travel(at_night(due), tick=False), django_capture_on_commit_callbacks(execute=True):
        dry = services.retention_run(dry_run=True)
    assert counts() == before
    assert Removal.objects.count() == 0
    assert {item["rule"] for item in dry.items} >= {rule.key for _, rule, _ in built}
    assert all(item["label"] for item in dry.items)

    first = run_on(due, django_capture_on_commit_callbacks)
    removals = Removal.objects.count()
    history = HistoryEntry.objects.count()
    second = run_on(due, django_capture_on_commit_callbacks)
    assert first.removed == removals >= len(CASES)
    assert second.removed == 0
    assert Removal.objects.count() == removals
    assert HistoryEntry.objects.count() == history


@pytest.mark.django_db
def test_the_nightly_task_runs_the_dry_run_then_the_removal(django_capture_on_commit_callbacks):
    from hubportal.privacy.tasks import retention_nightly

    obj, rule, due = _build(Kind.OUTBOUND_EMAIL)
    with time_machine.travel(at_night(due), tick=False), django_capture_on_commit_callbacks(execute=True):
        result = retention_nightly.delay().get()
    assert result["removed"] == 1 and result["dry_run_items"] >= 1
    assert list(RetentionRun.objects.order_by("pk").values_list("dry_run", flat=True)) == [True, False]


@pytest.mark.django_db
def test_safeguarding_concerns_are_listed_for_review_never_removed(django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False):
        concern = ComplaintFactory(
            category=Complaint.Category.SAFEGUARDING, status=Complaint.Status.CLOSED, closed_at=START
        )
    rule = RetentionRule.objects.get(kind=Kind.SAFEGUARDING)
    due = add_months(START.date(), rule.period_months)
    run_on(due + datetime.timedelta(days=400), django_capture_on_commit_callbacks)
    concern.refresh_from_db()
    assert concern.complainant_name != "Removed"
    assert not Removal.objects.exists()
    assert [c.obj for c in safeguarding_due(due)] == [concern]
    assert safeguarding_due(due - datetime.timedelta(days=31)) == []


@pytest.mark.django_db
def test_a_complaint_the_chair_decided_is_anonymised_too(django_capture_on_commit_callbacks):
    """On PostgreSQL a decided complaint, its notes and files are locked by
    triggers; the removal is the one change they let through."""
    with time_machine.travel(START, tick=False):
        complaint = factories.closed_complaint(START)
    Complaint.objects.filter(pk=complaint.pk).update(status=Complaint.Status.DECIDED, decided_at=START)
    name = complaint.complainant_name
    rule = RetentionRule.objects.get(kind=Kind.COMPLAINT)
    run_on(add_months(START.date(), rule.period_months), django_capture_on_commit_callbacks)
    complaint.refresh_from_db()
    assert complaint.complainant_name == "Removed" and not complaint.attachments.exists()
    assert all(name not in note.body for note in complaint.notes.all())
    assert complaint.status == Complaint.Status.DECIDED and complaint.decided_at == START


@pytest.mark.django_db
def test_an_open_complaint_is_never_due():
    with time_machine.travel(START, tick=False):
        ComplaintFactory(status=Complaint.Status.INVESTIGATING)
    with time_machine.travel(at_night(datetime.date(2030, 1, 1)), tick=False):
        run = services.retention_run(dry_run=True)
    assert not [i for i in run.items if i["rule"] == "complaints"]


def test_add_months_clamps_to_the_months_last_day():
    assert add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2027, 8, 31), 6) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2026, 3, 15), -6) == datetime.date(2025, 9, 15)
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
