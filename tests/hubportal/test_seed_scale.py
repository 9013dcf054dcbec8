"""seed_scale at a small size: consistent data that every key page can show."""

from collections import Counter
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from openpyxl import load_workbook

from agreements.models import Agreement, Signature
from agreements.text import canonical_text, sha256
from complaints.models import Complaint, ComplaintNote
from eoi.models import BudgetLine, Call, ExpressionOfInterest, FundingSource
from hubportal.core.academic_years import AcademicYear, academic_year_for
from hubportal.devtools.bench import admin_pairs, all_answers_response, export_child, exports, key_pages
from hubportal.devtools.scale import CALLS, DECADE, YEARS, ScaleSeeder, calls_per_year, partnership_stories
from hubportal.models import HistoryEntry, Reminder, Term, User
from partners.models import Partner
from surveys import aggregates
from surveys.models import Answer, GridCell, SurveyRequest, SurveyRound

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


def decade() -> list[int]:
    current = academic_year_for(timezone.localdate()).start_year
    return list(range(current - YEARS + 1, current + 1))


def test_partners_there_for_the_decade_have_an_agreement_in_each_of_the_ten_years(scale):
    years = decade()
    signing = Partner.objects.filter(partner_type__agreement_required=True)
    by_partner: dict[int, list[int]] = {}
    partnership = Agreement.objects.filter(kind=Agreement.Kind.PARTNERSHIP, partner__in=signing)
    for partner_id, year in partnership.values_list("partner_id", "academic_year"):
        by_partner.setdefault(partner_id, []).append(year)
    whole_decade = [pk for pk, held in by_partner.items() if sorted(held) == years]
    # Most partners that sign agreements have one for every year; a minority joined later or left.
    assert len(whole_decade) >= 0.8 * signing.count()
    assert len(whole_decade) < signing.count()
    # A partner that signed in the first year and is still a partner has every year since, once each.
    still_there = signing.filter(status__in=[Partner.Stage.ACTIVE, Partner.Stage.SUSPENDED])
    for pk in still_there.values_list("pk", flat=True):
        held = sorted(by_partner.get(pk, []))
        if held and held[0] == years[0]:
            assert held == years, pk


def test_every_year_has_three_survey_rounds_and_each_partner_there_a_request_in_each(scale):
    """Three rounds a year, one a term (this year's so far); a partner there all ten years with
    termly surveys was asked in every one of them."""
    today = timezone.localdate()
    rounds = Counter(SurveyRound.objects.values_list("term__academic_year", flat=True))
    for year in decade():
        started = Term.objects.filter(academic_year=year, starts_on__lte=today).count()
        assert rounds[year] == started
        if year < decade()[-1]:
            assert rounds[year] == 3
    partnership = Agreement.objects.filter(kind=Agreement.Kind.PARTNERSHIP, requires_termly_surveys=True)
    years = Counter(partnership.filter(partner__status=Partner.Stage.ACTIVE).values_list("partner", flat=True))
    decade_partners = [pk for pk, n in years.items() if n == YEARS]
    assert decade_partners
    requests = Counter(SurveyRequest.objects.filter(partner__in=decade_partners).values_list("partner", flat=True))
    assert {requests[pk] for pk in decade_partners} == {SurveyRound.objects.count()}


def test_at_least_four_in_five_partners_that_sign_agreements_stay_the_decade_at_any_size():
    for count in [*range(1, 200), 1550, 2000]:
        stories = partnership_stories(count)
        assert len(stories) == count
        assert stories.count(DECADE) >= 0.8 * count, count


def test_a_hub_of_two_thousand_partners_or_more_has_two_hundred_calls(scale):
    assert calls_per_year(2000) * YEARS == CALLS == 200
    assert calls_per_year(10_000) * YEARS == 200
    # A small Hub has fewer: a call a year for every hundred partners, at least one.
    assert calls_per_year(500) * YEARS == 50
    assert Call.objects.count() == calls_per_year(PARTNERS) * YEARS == 10


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


def test_reach_aggregation_is_compared_with_the_answers_changelist(scale):
    pages = key_pages()
    pairs = admin_pairs(pages)
    admin = next(page for page in pages if page.label == pairs["Reach aggregation"])
    assert admin.path == "/admin/surveys/answer/" and admin.user.is_superuser


def exported_rows(answers) -> int:
    """A row per answer, or per breakdown row of a grid, as the answer export writes them."""
    return sum(max(a.cells_n, 1) for a in answers.annotate(cells_n=Count("cells")))


def test_the_bench_exports_every_answer_of_every_year_in_one_csv_as_the_staff_export_writes_them(scale, client):
    """Every year's answers, oldest first, each year's rows as /staff/monitoring/answers/ writes them."""
    staff = User.objects.get(username="scale-1-staff-1")
    sent = Answer.objects.filter(request__status__in=aggregates.EXPORTED)
    years = sorted(aggregates.answer_years())
    assert len(years) == 10
    response = all_answers_response("csv", staff)
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().split("\r\n")[:-1]
    assert len(lines) == 1 + exported_rows(sent)
    client.force_login(staff)
    header, *rows = lines
    offset = 0
    for year in years:  # each year's slice is that year's download, without its header
        one_year = b"".join(client.get(f"/staff/monitoring/answers/?year={year}&export=csv").streaming_content)
        year_header, *year_rows = one_year.decode().split("\r\n")[:-1]
        assert year_header == header
        assert rows[offset : offset + len(year_rows)] == year_rows, year
        offset += len(year_rows)
    assert offset == len(rows)


def test_the_bench_exports_every_answer_of_every_year_in_one_workbook_a_sheet_a_year(scale):
    staff = User.objects.get(username="scale-1-staff-1")
    response = all_answers_response("xlsx", staff)
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    years = sorted(aggregates.answer_years())
    assert workbook.sheetnames == [AcademicYear(y).label.replace("/", "-") for y in years]
    for year, sheet in zip(years, workbook.worksheets, strict=True):
        sent = Answer.objects.filter(request__status__in=aggregates.EXPORTED, request__round__term__academic_year=year)
        header, *rows = sheet.iter_rows(values_only=True)  # write-only sheets record no dimensions
        assert list(header) == aggregates.ANSWER_HEADERS
        assert len(rows) == exported_rows(sent), year


def test_each_bench_export_runs_and_reports_its_time_and_memory(scale):
    targets = dict(exports())
    assert sum(1 for label in targets if "all years" in label) == 2
    for label, target in targets.items():
        report = export_child(target)
        assert report["note"].endswith("MB file"), label
        assert report["seconds"] > 0 and report["peak_mb"] > 0 and report["target_mb"] == 300, label
