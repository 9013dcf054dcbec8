"""seed_scale at a small size: consistent data that every key page can show."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Sum

from agreements.models import Agreement, Signature
from agreements.text import canonical_text, sha256
from complaints.models import Complaint, ComplaintNote
from eoi.models import BudgetLine, ExpressionOfInterest, FundingSource
from hubportal.bench import busiest_answer_year, export_child, exports, key_pages
from hubportal.models import HistoryEntry, Reminder, User
from hubportal.scale import ScaleSeeder
from partners.models import Partner
from surveys import aggregates
from surveys.models import Answer, GridCell, SurveyRequest

pytestmark = pytest.mark.django_db

PARTNERS = 20


@pytest.fixture
def scale():
    out = StringIO()
    call_command("seed_scale", partners=PARTNERS, seed=7, stdout=out)
    return out.getvalue()


def test_it_makes_the_partners_users_and_a_decade_of_records(scale):
    assert "Seeded" in scale and f"for {PARTNERS} partners" in scale
    assert Partner.objects.count() == PARTNERS
    years = set(Agreement.objects.filter(kind=Agreement.Kind.PARTNERSHIP).values_list("academic_year", flat=True))
    assert len(years) == 10
    assert User.objects.filter(username__startswith="scale-1-partner-").count() >= PARTNERS // 2
    for role_user in ["scale-1-admin", "scale-1-staff-1", "scale-1-manager-1", "scale-1-assessor-1", "scale-1-chair"]:
        assert User.objects.filter(username=role_user).exists()
    assert SurveyRequest.objects.exists() and Answer.objects.exists() and GridCell.objects.exists()
    assert ExpressionOfInterest.objects.exists() and Reminder.objects.exists() and HistoryEntry.objects.exists()
    # Complaints in every stage of their lifecycle.
    assert set(Complaint.objects.values_list("status", flat=True)) == set(Complaint.Status.values)


def test_a_second_run_says_so_and_adds_nothing(scale):
    before = (Partner.objects.count(), Agreement.objects.count(), HistoryEntry.objects.count())
    out = StringIO()
    call_command("seed_scale", partners=PARTNERS, stdout=out)
    assert "already here" in out.getvalue()
    assert (Partner.objects.count(), Agreement.objects.count(), HistoryEntry.objects.count()) == before


def test_force_adds_a_second_batch_beside_the_first(scale):
    call_command("seed_scale", partners=5, seed=8, force=True, stdout=StringIO())
    assert Partner.objects.count() == PARTNERS + 5
    assert User.objects.filter(username="scale-2-chair").exists()
    # Both batches' requests share the rounds: still one request per partner per round.
    assert not SurveyRequest.objects.values("round", "partner").annotate(n=Count("pk")).filter(n__gt=1).exists()


def test_agreements_are_consistent(scale):
    partnership = Agreement.objects.filter(kind=Agreement.Kind.PARTNERSHIP)
    # At most one live partnership agreement per partner, and one per partner per year.
    assert not partnership.filter(status="live").values("partner").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert not partnership.values("partner", "academic_year").annotate(n=Count("pk")).filter(n__gt=1).exists()
    # Every agreement's partner exists, and a renewal renews the same partner's previous year.
    assert not Agreement.objects.exclude(partner__in=Partner.objects.all()).exists()
    for agreement in partnership.exclude(renewal_of=None).select_related("renewal_of"):
        assert agreement.renewal_of.partner_id == agreement.partner_id
        assert agreement.renewal_of.academic_year == agreement.academic_year - 1
        assert agreement.renewal_of.status == Agreement.Status.RENEWED
    # Live agreements belong to active partners (or suspended ones, under review).
    assert set(partnership.filter(status="live").values_list("partner__status", flat=True)) <= {"active"}
    # What each party signed is the stored text, and the stored text is the agreement as it stands.
    signed = Agreement.objects.filter(signatures__isnull=False).distinct().prefetch_related("versions", "outcomes")
    for agreement in signed[:40]:
        version = agreement.versions.get(version=agreement.version)
        assert version.text == canonical_text(agreement)
        assert version.text_sha256 == sha256(version.text)
        assert set(Signature.objects.filter(agreement=agreement).values_list("text_sha256", flat=True)) == {
            version.text_sha256
        }


def test_survey_requests_and_answers_are_consistent(scale):
    for request in SurveyRequest.objects.select_related("agreement", "round__term")[:200]:
        assert request.agreement.partner_id == request.partner_id
        assert request.agreement.academic_year == request.round.term.academic_year
        assert request.agreement.requires_termly_surveys
    # Breakdown grids add up to the number reached, as the response form requires.
    totals = dict(Answer.objects.filter(question__code="reach_total").values_list("request_id", "number"))
    grids = (
        GridCell.objects.filter(answer__question__total_question__isnull=False)
        .values("answer_id", "answer__request_id")
        .annotate(total=Sum("count"))
    )
    assert grids
    for grid in grids:
        assert Decimal(grid["total"]) == totals[grid["answer__request_id"]]
    # Only submitted work has answers.
    assert not Answer.objects.filter(request__status__in=["pending"]).exists()


def test_expressions_of_interest_keep_the_funding_rules(scale):
    for eoi in ExpressionOfInterest.objects.all():
        assert eoi.hub_grant_requested * 2 <= eoi.total_cost
        lines = BudgetLine.objects.filter(eoi=eoi).aggregate(s=Sum("amount"))["s"]
        sources = FundingSource.objects.filter(eoi=eoi).aggregate(s=Sum("amount"))["s"]
        assert lines == sources == eoi.total_cost
        assert eoi.hub_grant_requested <= eoi.call.max_hub_grant
    assert not ExpressionOfInterest.objects.filter(status="successful", award__isnull=True).exists()
    assert not Agreement.objects.filter(kind="project").exclude(eoi__status="successful").exists()


def test_decided_complaints_were_decided_after_their_notes(scale):
    decided = Complaint.objects.filter(status=Complaint.Status.DECIDED)
    assert decided.exists()
    assert not decided.filter(decided_at=None).exists()
    assert not ComplaintNote.objects.filter(complaint__in=decided, created_at__gt=F("complaint__decided_at")).exists()
    assert not Complaint.objects.exclude(status=Complaint.Status.DECIDED).exclude(decided_at=None).exists()


def test_the_same_seed_makes_the_same_data(db):
    def names():
        with transaction.atomic():
            ScaleSeeder(partners=6, seed=11, log=lambda _: None).run()
            made = list(Partner.objects.order_by("pk").values_list("name", "status", "partner_type__name"))
            made += list(Agreement.objects.order_by("pk").values_list("academic_year", "status"))
            transaction.set_rollback(True)
        return made

    assert names() == names()


def test_every_key_page_answers_on_the_data(scale, client):
    for page in key_pages():
        client.force_login(page.user)
        response = client.get(page.path)
        assert response.status_code == 200, page.label


def test_the_bench_exports_every_answer_of_a_year_that_has_them(scale, client):
    """The bench's exports are the year's answers (a row per answer and breakdown row), not a list of requests."""
    year = busiest_answer_year()
    sent = Answer.objects.filter(
        request__round__term__academic_year=year, request__status__in=aggregates.EXPORTED
    ).annotate(cells_n=Count("cells"))
    expected_rows = sum(max(a.cells_n, 1) for a in sent)
    assert expected_rows > 100
    paths = dict(exports())
    answers_csv = next(path for label, path in paths.items() if "answer" in label and label.endswith("CSV"))
    client.force_login(User.objects.get(username="scale-1-staff-1"))
    body = b"".join(client.get(answers_csv).streaming_content).decode()
    assert body.count("\r\n") == 1 + expected_rows
    for label, path in paths.items():
        assert export_child(path)["note"].endswith("MB file"), label
