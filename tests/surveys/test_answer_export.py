"""Every survey answer of a year, for staff: one row per answer (and per row of a
breakdown grid), CSV streamed while it is read and XLSX written a chunk at a
time, for staff only, in a number of queries that grows with chunks of answers,
not with answers."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from agreements.models import Outcome
from hubportal.core.academic_years import AUTUMN, AcademicYear, current_academic_year
from hubportal.models import Term
from surveys import aggregates
from surveys.models import Answer, GridCell, SurveyRequest
from tests.agreements.factories import AgreementFactory
from tests.factories import PartnerFactory
from tests.surveys.factories import SurveyRequestFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db
YEAR = current_academic_year().start_year
URL = reverse("surveys:answer_export")
HEADERS = [
    "Term",
    "Partner",
    "Status",
    "Submitted",
    "Section",
    "Question code",
    "Question",
    "Agreed outcome",
    "Answer",
    "Breakdown row",
    "Count",
]


def give_answers(survey_request, *, reach, ages, status=SurveyRequest.Status.SUBMITTED, delivered="", outcome=None):
    """A return's answers as the response form stores them."""
    questions = {q.code: q for q in survey_request.round.question_set.questions.all()}
    Answer.objects.create(request=survey_request, question=questions["reach_total"], number=reach)
    grid = Answer.objects.create(request=survey_request, question=questions["reach_by_age_phase"], number=reach)
    GridCell.objects.bulk_create(GridCell(answer=grid, row=row, count=n) for row, n in ages.items())
    if delivered:
        Answer.objects.create(request=survey_request, question=questions["activity_against_plan"], text=delivered)
    if outcome is not None:
        Answer.objects.create(
            request=survey_request, question=questions["outcome_progress"], outcome=outcome, selected=["On track"]
        )
    SurveyRequest.objects.filter(pk=survey_request.pk).update(status=status)


@pytest.fixture
def answered(survey_round, request_a, request_b, question_set):
    """Partner A and partner B have sent this autumn's survey; a draft never submitted
    and last year's return are not this year's answers."""
    outcome = Outcome.objects.create(
        agreement=request_a.agreement, description="More pupils sing in school choirs", measure="Pupils", target="40"
    )
    give_answers(
        request_a,
        reach=30,
        ages={"Key stage 1": 10, "Key stage 2": 20},
        delivered="=Weekly singing in 3 schools",
        outcome=outcome,
        status=SurveyRequest.Status.ACCEPTED,
    )
    give_answers(request_b, reach=12, ages={"Not known": 12})
    draft = SurveyRequestFactory(round=survey_round, agreement=AgreementFactory(live=True, partner=PartnerFactory()))
    give_answers(draft, reach=999, ages={"Not known": 999}, status=SurveyRequest.Status.IN_PROGRESS)
    last_autumn = next(t for t in Term.for_year(AcademicYear(YEAR - 1)) if t.name == AUTUMN)
    last_year = SurveyRoundFactory(term=last_autumn, question_set=question_set)
    give_answers(
        SurveyRequestFactory(
            round=last_year,
            agreement=AgreementFactory(status="renewed", academic_year=YEAR - 1, partner=request_a.partner),
        ),
        reach=7,
        ages={"Not known": 7},
    )
    return request_a, request_b


def expected_rows(request_a, request_b) -> list[list[str]]:
    term = str(request_a.round.term)
    a = [term, "Partner A Music", "Accepted", ""]
    b = [term, "Partner B Strings", "Submitted", ""]
    reach = ["", "reach_total", "How many children and young people took part?", ""]
    ages = ["", "reach_by_age_phase", "Children and young people by age phase", ""]
    return [
        HEADERS,
        [*a, *reach, "30", "", ""],
        [*a, *ages, "30", "Key stage 1", "10"],
        [*a, *ages, "30", "Key stage 2", "20"],
        # A cell a spreadsheet would run as a formula is written as text.
        [*a, "", "activity_against_plan", "What did you deliver?", "", "'=Weekly singing in 3 schools", "", ""],
        [
            *a,
            "",
            "outcome_progress",
            "How is this outcome going?",
            "More pupils sing in school choirs",
            "On track",
            "",
            "",
        ],
        [*b, *reach, "12", "", ""],
        [*b, *ages, "12", "Not known", "12"],
    ]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_has_a_row_per_answer_and_per_breakdown_row_of_the_years_returns(answered, client_for, staff):
    response = client_for(staff).get(URL, {"year": YEAR, "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="survey-answers-{current_academic_year().label.replace("/", "-")}-'
    )
    assert csv_rows(response) == expected_rows(*answered)


def test_the_xlsx_has_the_same_rows_written_to_a_temporary_file(answered, client_for, staff):
    response = client_for(staff).get(URL, {"year": YEAR, "export": "xlsx"})
    assert isinstance(response, FileResponse)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows == expected_rows(*answered)


def test_without_a_year_the_newest_year_with_returns_is_exported(answered, client_for, staff):
    rows = csv_rows(client_for(staff).get(URL))
    assert {row[0] for row in rows[1:]} == {str(answered[0].round.term)}
    last_year = csv_rows(client_for(staff).get(URL, {"year": YEAR - 1}))
    assert [row[8] for row in last_year[1:]] == ["7", "7"]
    assert csv_rows(client_for(staff).get(URL, {"year": YEAR + 1})) == [HEADERS]


@pytest.mark.parametrize("role", ["partner_a_user", "partner_b_user", "assessor", "chair"])
def test_only_hub_staff_may_export_the_answers(answered, client_for, request, role):
    response = client_for(request.getfixturevalue(role)).get(URL, {"year": YEAR})
    assert response.status_code == 403
    assert b"Partner B Strings" not in response.content and b"Partner A Music" not in response.content


def test_anonymous_is_sent_to_sign_in(client_for):
    response = client_for(None).get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_csv_streams_the_answers_are_read_while_it_is_written(answered, client_for, staff):
    client = client_for(staff)
    with CaptureQueriesContext(connection) as before:
        response = client.get(URL, {"year": YEAR, "export": "csv"})
    assert isinstance(response, StreamingHttpResponse) and not isinstance(response, FileResponse)
    assert not any("surveys_answer" in q["sql"] for q in before.captured_queries)
    with CaptureQueriesContext(connection) as during:
        assert len(csv_rows(response)) == 8
    assert any("surveys_answer" in q["sql"] for q in during.captured_queries)


def add_returns(survey_round, question_set, n: int) -> None:
    for _ in range(n):
        request = SurveyRequestFactory(round=survey_round, agreement=AgreementFactory(live=True))
        give_answers(request, reach=5, ages={"Key stage 1": 2, "Not known": 3})


def export_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        csv_rows(client.get(URL, {"year": YEAR, "export": "csv"}))
    return len(captured)


def test_the_queries_grow_with_chunks_of_returns_not_with_answers(
    survey_round, question_set, client_for, staff, monkeypatch
):
    """Prevents a query per answer for its grid cells, partner, term or question: the answers
    are read as plain values, a chunk of returns at a time."""
    client = client_for(staff)
    client.get(URL, {"year": YEAR})  # warm: the session and the user's roles
    add_returns(survey_round, question_set, 2)
    small = export_queries(client)
    add_returns(survey_round, question_set, 10)
    # The session and the user (3), the session saved (3), the year's terms, returns and the
    # questions (3), then one chunk of returns: its answers and their cells (2).
    assert export_queries(client) == small <= 11
    # 12 returns, 4 at a time: three chunks of two queries each.
    monkeypatch.setattr(aggregates, "REQUESTS_PER_CHUNK", 4)
    assert export_queries(client) == small - 2 + 6


def test_the_plain_values_rows_are_those_the_model_instances_gave(answered, survey_round, question_set):
    """The rows read as plain values are, one for one, those built from a model instance per
    answer before (the reading that took 261 s for ten years)."""
    add_returns(survey_round, question_set, 3)
    old = []
    answers = (
        Answer.objects.filter(request__round__term__academic_year=YEAR, request__status__in=aggregates.EXPORTED)
        .select_related("request__partner", "request__round__term", "question", "outcome")
        .prefetch_related("cells")
        .order_by(
            "request__round__term__starts_on",
            "request__partner__name",
            "request_id",
            "question__order",
            "question_id",
            "outcome_id",
            "pk",
        )
    )
    for answer in answers:
        question = answer.question
        if question.type in aggregates.CHOICE_TYPES:
            value = "; ".join(str(option) for option in answer.selected)
        elif answer.number is not None:
            value = int(answer.number) if question.type in aggregates.WHOLE_NUMBERS else answer.number
        else:
            value = answer.text
        start = (
            str(answer.request.round.term),
            answer.request.partner.name,
            answer.request.get_status_display(),
            answer.request.submitted_at,
            question.section,
            question.code,
            question.text,
            answer.outcome.description if answer.outcome_id else "",
            value,
        )
        cells = list(answer.cells.all())
        old += [(*start, c.row, c.count) for c in cells] or [(*start, "", "")]
    new = list(aggregates.year_answer_rows(YEAR))
    assert len(new) == 7 + 3 * 3  # the answered rows and three returns of three rows
    assert new == old


def test_the_returns_list_and_the_reach_page_link_to_the_export(answered, client_for, staff):
    client = client_for(staff)
    returns = client.get(reverse("surveys:request_list")).text
    assert f'action="{URL}"' in returns
    assert f'<option value="{YEAR}">{current_academic_year().label}</option>' in returns
    assert 'name="export" value="xlsx"' in returns
    reach = client.get(reverse("surveys:reach"), {"year": YEAR}).text
    assert f'href="{URL}?year={YEAR}&amp;export=csv"' in reach


def test_money_answers_keep_their_pence(survey_round, question_set, request_a, client_for, staff):
    question = question_set.questions.create(code="spend", text="What did you spend?", type="money", order=70)
    Answer.objects.create(request=request_a, question=question, number=Decimal("1234.50"))
    SurveyRequest.objects.filter(pk=request_a.pk).update(status=SurveyRequest.Status.SUBMITTED)
    rows = csv_rows(client_for(staff).get(URL, {"year": YEAR}))
    assert [row[8] for row in rows if row[5] == "spend"] == ["1234.50"]
