"""A term's monitoring end to end in the browser, with axe-core on every page:
staff open the term's round from the rounds page; partner A fills the survey,
gets a grid error, fixes it and submits; staff return it with a comment;
partner A resubmits; staff accept; the reach totals change; staff download the
reach export, the annual data return and every answer."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from hubportal.models import Term
from surveys.models import SurveyRequest
from tests.agreements.factories import AgreementFactory
from tests.browser.support import assert_accessible, login
from tests.surveys.factories import SurveyRequestFactory, SurveyRoundFactory, small_question_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def journey(partner_a_user):
    question_set = small_question_set(name="Browser journey survey")
    agreement = AgreementFactory(live=True, partner=partner_a_user.partner)
    questions = {q.code: q for q in question_set.questions.all()}
    return question_set, questions, list(agreement.outcomes.all())


@pytest.fixture
def round_request(staff, journey):
    """For the pages that do not open the round themselves."""
    question_set, _, outcomes = journey
    survey_round = SurveyRoundFactory(question_set=question_set, opened_by=staff)
    agreement = outcomes[0].agreement
    return SurveyRequestFactory(round=survey_round, agreement=agreement)


def open_round(page, question_set) -> SurveyRequest:
    """Staff open this term's round from the rounds page; partner A gets its request."""
    page.goto("/staff/monitoring/rounds/")
    assert_accessible(page)
    page.get_by_role("link", name="Open a round").click()
    expect(page.get_by_role("heading", name="Open a survey round")).to_be_visible()
    assert_accessible(page)
    # The page offers the term under way (the first not yet ended with no round open).
    term = Term.objects.get(pk=int(page.locator("#id_term").input_value()))
    page.get_by_label("Question set").select_option(label=str(question_set))
    deadline = timezone.localdate() + datetime.timedelta(days=14)
    page.get_by_label("Deadline").fill(deadline.isoformat())
    page.get_by_role("button", name="Open the round and send the requests").click()
    expect(page.get_by_text(f"Sent the {term} survey to 1 partner.")).to_be_visible()
    expect(page.get_by_role("link", name="Partner A Music")).to_be_visible()
    assert_accessible(page)
    request = SurveyRequest.objects.select_related("round__term").get(round__term=term)
    assert (request.deadline, request.round.question_set) == (deadline, question_set)
    return request


def download(page, link_name: str):
    """Click the link and return the file it downloads: (suggested name, bytes)."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    file = info.value
    assert file.failure() is None
    return file.suggested_filename, Path(file.path()).read_bytes()


def reach_total(page) -> str:
    page.goto("/staff/monitoring/reach/")
    expect(page.get_by_role("heading", name="Reach", exact=False).first).to_be_visible()
    assert_accessible(page)
    return page.locator("[data-reach-total]").inner_text()


def fill_grid(page, question, counts):
    for i, count in enumerate(counts):
        page.locator(f"#id_q{question.pk}_r{i}").fill(str(count))


def test_a_term_of_monitoring_end_to_end(page, journey, staff, partner_a_user):
    question_set, q, outcomes = journey

    login(page, staff.username)
    assert reach_total(page) == "0"
    request = open_round(page, question_set)

    # Partner A fills the survey; the grid does not add up.
    login(page, partner_a_user.username)
    page.goto("/portal/surveys/")
    assert_accessible(page)
    page.get_by_role("link", name=f"{request.round.term} survey").click()
    expect(page.get_by_role("heading", name=f"{request.round.term} survey")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("How many children and young people took part?").fill("10")
    fill_grid(page, q["reach_by_age_phase"], [2, 3, 4, 0])
    grid_sum = page.locator(f'[data-grid="q{q["reach_by_age_phase"].pk}"] [data-grid-sum]')
    assert grid_sum.inner_text() == "9 of 10 (does not add up yet)"
    page.get_by_label("What did you deliver?").fill("Whole-class violin in three schools.")
    for outcome in outcomes:
        page.locator(f"#item-q{q['outcome_progress'].pk}_o{outcome.pk}").get_by_label("On track").check()
    follow_up = page.locator(f"#item-q{q['safeguarding_detail'].pk}")
    assert follow_up.is_hidden()
    page.locator(f"#item-q{q['safeguarding_incidents'].pk}").get_by_label("Yes").check()
    expect(follow_up).to_be_visible()
    page.locator(f"#item-q{q['safeguarding_incidents'].pk}").get_by_label("No").check()
    page.get_by_role("button", name="Save and check your answers").click()

    summary = page.locator("[data-error-summary]")
    # The refused submission is a new page: wait for it, and for the summary to take the focus.
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert "These rows add up to 9, but your answer" in summary.inner_text()
    assert page.get_by_label("How many children and young people took part?").input_value() == "10"
    assert page.locator(f"#id_q{q['reach_by_age_phase'].pk}_r2").input_value() == "4"
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == f"id_q{q['reach_by_age_phase'].pk}_r0"

    # Fixed: one child's age phase is not known.
    page.locator(f"#id_q{q['reach_by_age_phase'].pk}_r3").fill("1")
    assert grid_sum.inner_text() == "10 of 10 (adds up)"
    page.get_by_role("button", name="Save and check your answers").click()
    # Check your answers: each with a link back; going back to change one loses nothing.
    expect(page.get_by_role("heading", name="Check your answers before you submit")).to_be_visible()
    expect(page.get_by_text("Whole-class violin in three schools.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change your answer to “What did you deliver?”").click()
    delivered = page.get_by_label("What did you deliver?")
    assert delivered.input_value() == "Whole-class violin in three schools."
    assert page.get_by_label("How many children and young people took part?").input_value() == "10"
    assert page.locator(f"#id_q{q['reach_by_age_phase'].pk}_r3").input_value() == "1"
    delivered.fill("Whole-class violin in three schools, and a summer concert.")
    page.get_by_role("button", name="Save and check your answers").click()
    expect(page.get_by_text("Whole-class violin in three schools, and a summer concert.")).to_be_visible()
    page.get_by_role("button", name="Submit survey").click()
    expect(page.get_by_text("your survey is submitted")).to_be_visible()
    assert page.get_by_role("button", name="Submit survey").count() == 0
    assert_accessible(page)
    request.refresh_from_db()
    assert request.status == SurveyRequest.Status.SUBMITTED

    # Staff return it with a comment.
    login(page, staff.username)
    page.goto(f"/staff/monitoring/returns/{request.pk}/")
    assert_accessible(page)
    page.get_by_label("What the partner needs to change").fill("Please check Key stage 2: it looks high.")
    resubmit_by = timezone.localdate() + datetime.timedelta(days=7)
    page.get_by_label("Resubmit by").fill(resubmit_by.isoformat())
    page.get_by_role("button", name="Return it with this comment").click()
    expect(page.get_by_text("Returned the survey to")).to_be_visible()
    assert_accessible(page)
    assert reach_total(page) == "0"  # a returned survey does not count

    # Partner A sees the comment, changes the figures and resubmits.
    login(page, partner_a_user.username)
    page.goto(f"/portal/surveys/{request.pk}/")
    expect(page.get_by_text("Please check Key stage 2: it looks high.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("How many children and young people took part?").fill("12")
    fill_grid(page, q["reach_by_age_phase"], [2, 3, 5, 2])
    page.get_by_role("button", name="Save and check your answers").click()
    page.get_by_role("button", name="Submit survey").click()
    expect(page.get_by_text("your survey is submitted")).to_be_visible()

    # Staff accept, and the reach total now counts it.
    login(page, staff.username)
    page.goto(f"/staff/monitoring/returns/{request.pk}/")
    page.get_by_role("button", name="Accept the survey").click()
    expect(page.get_by_text("Accepted").first).to_be_visible()
    assert_accessible(page)
    assert reach_total(page) == "12"
    request.refresh_from_db()
    assert request.status == SurveyRequest.Status.ACCEPTED

    # Staff download the year's reach, the data return and every answer.
    year = request.round.term.year
    stamp = f"{year.label.replace('/', '-')}-{timezone.localdate().isoformat()}"
    name, body = download(page, "Export CSV")
    assert name == f"reach-{stamp}.csv"
    lines = body.decode().splitlines()
    assert lines[0] == "Measure,Category,Count"
    assert "Total,Children and young people reached,12" in lines
    name, body = download(page, "Export XLSX")
    assert name == f"reach-{stamp}.xlsx"
    rows = list(load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True))
    assert ("Total", "Children and young people reached", 12) in rows
    name, body = download(page, f"Download the {year.label} data return (XLSX)")
    assert name == f"hub-data-return-{year.label.replace('/', '-')}.xlsx"
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    assert workbook.sheetnames == ["Schools", "Reach by activity, demographics"]
    reach_rows = list(workbook["Reach by activity, demographics"].iter_rows(values_only=True))
    [total] = [r for r in reach_rows if r[:2] == ("Total", "Children and young people reached")]
    assert total[-1] == 12
    name, body = download(page, f"Every answer of {year.label} (CSV)")
    assert name.endswith(".csv")
    answers = list(csv.reader(io.StringIO(body.decode())))
    assert "Partner" in answers[0]
    assert any("Partner A Music" in row and "12" in row for row in answers[1:])


def test_staff_monitoring_pages_are_accessible(page, round_request, staff):
    request = round_request
    login(page, staff.username)
    for path in [
        "/staff/monitoring/rounds/",
        f"/staff/monitoring/rounds/{request.round.pk}/",
        "/staff/monitoring/rounds/open/",
        "/staff/monitoring/returns/",
        "/staff/monitoring/question-sets/",
        f"/staff/monitoring/question-sets/{request.round.question_set.pk}/",
        f"/staff/monitoring/question-sets/{request.round.question_set.pk}/preview/",
        f"/staff/monitoring/question-sets/{request.round.question_set.pk}/questions/new/",
        "/staff/monitoring/evaluations/",
        "/staff/monitoring/case-studies/",
        "/staff/monitoring/income/",
        "/staff/monitoring/income/records/",
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)


def test_a_partner_evaluates_a_project_with_a_consented_case_study(page, partner_a_user, staff):
    from tests.files import PNG
    from tests.surveys.factories import completed_project

    project = completed_project(partner_a_user.partner)
    login(page, partner_a_user.username)
    page.goto("/portal/evaluations/")
    assert_accessible(page)
    page.get_by_role("link", name=project.title).click()
    assert_accessible(page)
    for outcome in project.outcomes.all():
        page.locator("fieldset", has_text=outcome.description).get_by_label(
            "What was achieved, against the target"
        ).fill("118 children carried on")
    page.get_by_label("Children and young people who took part").fill("140")
    page.get_by_label("Actual total spend (£)").fill("9800")
    page.get_by_label("Match funding raised (£)").fill("4800")
    page.get_by_label("What did you and the young people learn?").fill("Taster sessions recruit best.")
    page.get_by_role("button", name="Save and check your answers").click()
    expect(page.locator("[data-error-summary]").get_by_text("Add the legacy before you submit.")).to_be_visible()
    assert page.get_by_label("Children and young people who took part").input_value() == "140"
    page.get_by_label("What will last after the project (the legacy)?").fill("Two schools run their own band.")
    page.get_by_role("button", name="Save and check your answers").click()
    expect(page.get_by_role("heading", name="Check your answers before you submit")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit the evaluation").click()
    expect(page.get_by_text("your evaluation is submitted")).to_be_visible()
    assert_accessible(page)

    page.goto("/portal/case-studies/new/")
    assert_accessible(page)
    page.get_by_label("Title").fill("First concert")
    page.get_by_role("textbox", name="Story").fill("Year 4 played their first concert for parents.")
    page.get_by_role("button", name="Save the case study").click()
    expect(page.get_by_role("heading", name="First concert")).to_be_visible()
    expect(page.get_by_text("no consent for website and publicity is recorded")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add an image").click()
    assert_accessible(page)
    page.get_by_label("Image (PNG or JPEG)").set_input_files(
        {"name": "concert.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.get_by_label("Describe the image").fill("The Year 4 band on stage")
    page.get_by_role("button", name="Upload the image").click()
    expect(page.get_by_role("img", name="The Year 4 band on stage")).to_be_visible()
    page.get_by_role("link", name="Record consent").click()
    assert_accessible(page)
    page.get_by_label("Who gave consent").fill("Sara Khan")
    page.get_by_label("Their relationship to the young person").fill("Parent")
    page.get_by_label("Date consent was given").fill((timezone.localdate() - datetime.timedelta(days=3)).isoformat())
    page.get_by_label("Website and publicity").check()
    page.get_by_role("button", name="Record the consent").click()
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    assert page.get_by_text("no consent for website and publicity is recorded").count() == 0
    assert_accessible(page)

    page.goto("/portal/income/")
    assert_accessible(page)
    page.get_by_label("Source").select_option("grants")
    page.get_by_label("Amount (£)").fill("1500")
    page.get_by_role("button", name="Record the income").click()
    expect(page.get_by_text("Income recorded.")).to_be_visible()
    assert_accessible(page)
