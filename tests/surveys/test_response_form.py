"""Each question type's validation, built from the question set, at its boundary."""

from decimal import Decimal

import pytest

from surveys.models import Question
from surveys.response_form import LONG_TEXT_LIMIT, MAX_COUNT, MISSING, ResponseForm
from tests.surveys.conftest import answers_for
from tests.surveys.factories import QuestionFactory, QuestionSetFactory

pytestmark = pytest.mark.django_db


def form_for(question_set, outcomes=(), data=None, submitting=True, answers=()):
    return ResponseForm(
        data,
        questions=list(question_set.questions.order_by("order")),
        outcomes=list(outcomes),
        answers=answers,
        submitting=submitting,
    )


def errors_of(form, question_set, code, outcome=None):
    item = next(i for i in form.items if i.question.code == code and (outcome is None or i.outcome == outcome))
    return item.errors


@pytest.fixture
def outcomes(agreement_a):
    return list(agreement_a.outcomes.all())


def test_a_complete_answer_is_valid(question_set, outcomes):
    form = form_for(question_set, outcomes, answers_for(question_set, outcomes))
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("rows", "valid"),
    [
        (["2", "3", "4", "1"], True),
        (["2", "3", "4", "0"], False),
        (["2", "3", "4", "2"], False),
        (["10", "", "", ""], True),
    ],
)
def test_a_grid_must_add_up_to_its_total_exactly(question_set, outcomes, rows, valid):
    form = form_for(question_set, outcomes, answers_for(question_set, outcomes, reach_by_age_phase=rows))
    assert form.is_valid() is valid
    if not valid:
        [error] = errors_of(form, question_set, "reach_by_age_phase")
        assert "add up to" in error and "is 10" in error and "Not known" in error


def test_a_filled_grid_asks_for_its_total_even_when_the_total_is_optional(question_set, outcomes):
    question_set.questions.filter(code__in=["reach_total", "reach_by_age_phase"]).update(required=False)
    data = answers_for(question_set, outcomes, reach_total="", reach_by_age_phase=["2", "3", "4", "1"])
    form = form_for(question_set, outcomes, data)
    assert not form.is_valid()
    assert errors_of(form, question_set, "reach_total") == [
        "Answer this question too: your breakdown “Children and young people by age phase” must add up to it."
    ]
    # A draft may leave it for now; with neither answered there is nothing to check.
    assert form_for(question_set, outcomes, data, submitting=False).is_valid()
    neither = answers_for(question_set, outcomes, reach_total="", reach_by_age_phase=["", "", "", ""])
    assert form_for(question_set, outcomes, neither).is_valid()
    # Once the total is given, the rows must add up to it as usual.
    assert not form_for(question_set, outcomes, answers_for(question_set, outcomes, reach_total="11")).is_valid()


def test_a_draft_grid_need_not_add_up(question_set, outcomes):
    data = answers_for(question_set, outcomes, reach_by_age_phase=["1", "0", "0", "0"])
    assert form_for(question_set, outcomes, data, submitting=False).is_valid()


@pytest.mark.parametrize(("value", "valid"), [("0", True), ("-1", False), ("1.5", False), ("ten", False)])
def test_a_whole_number_is_zero_or_more(question_set, outcomes, value, valid):
    data = answers_for(question_set, outcomes, reach_total=value, reach_by_age_phase=["0", "0", "0", value])
    form = form_for(question_set, outcomes, data, submitting=False)
    assert form.is_valid() is valid


@pytest.mark.parametrize(("value", "valid"), [(str(MAX_COUNT), True), (str(MAX_COUNT + 1), False)])
def test_a_count_has_a_ceiling_that_a_grid_total_still_stores(question_set, outcomes, value, valid):
    """A count past the ceiling once saved a number the database could not read back (a server error)."""
    data = answers_for(question_set, outcomes, reach_total=value, reach_by_age_phase=["0", "0", "0", value])
    form = form_for(question_set, outcomes, data, submitting=False)
    assert form.is_valid() is valid
    if not valid:
        assert errors_of(form, question_set, "reach_total") == [f"Enter a number no larger than {MAX_COUNT:,}."]
        assert "reach_total" not in {v.question.code for v in form.answer_values()}


def test_a_negative_grid_cell_is_refused_even_in_a_draft(question_set, outcomes):
    data = answers_for(question_set, outcomes, reach_by_age_phase=["-1", "5", "5", "1"])
    form = form_for(question_set, outcomes, data, submitting=False)
    assert not form.is_valid()
    assert errors_of(form, question_set, "reach_by_age_phase") == ["Enter 0 or more."]


@pytest.mark.parametrize(
    ("value", "valid"), [("0", True), ("0.01", True), ("1250.50", True), ("-0.01", False), ("1.234", False)]
)
def test_money_is_pounds_and_pence_not_negative(value, valid):
    question_set = QuestionSetFactory()
    question = QuestionFactory(question_set=question_set, type=Question.Type.MONEY, code="income")
    form = form_for(question_set, data={f"q{question.pk}": value})
    assert form.is_valid() is valid
    if valid:
        [stored] = form.answer_values()
        assert stored.number == Decimal(value)


@pytest.mark.parametrize(("value", "valid"), [("1", True), ("5", True), ("0", False), ("6", False)])
def test_a_rating_is_from_one_to_five(value, valid):
    question_set = QuestionSetFactory()
    question = QuestionFactory(question_set=question_set, type=Question.Type.RATING, code="quality")
    assert form_for(question_set, data={f"q{question.pk}": value}).is_valid() is valid


def test_a_single_choice_must_be_one_of_its_options(question_set, outcomes):
    data = answers_for(question_set, outcomes, safeguarding_incidents="Maybe")
    form = form_for(question_set, outcomes, data)
    assert not form.is_valid()
    assert errors_of(form, question_set, "safeguarding_incidents") == ["Choose one of the options."]


def test_a_multiple_choice_keeps_every_option_ticked():
    question_set = QuestionSetFactory()
    question = QuestionFactory(
        question_set=question_set,
        type=Question.Type.MULTIPLE_CHOICE,
        code="where",
        choices=["Schools", "Online", "Hubs"],
    )
    form = form_for(question_set, data={f"q{question.pk}": ["Schools", "Hubs"]})
    assert form.is_valid()
    assert form.answer_values()[0].selected == ["Schools", "Hubs"]
    assert not form_for(question_set, data={f"q{question.pk}": ["Nowhere"]}).is_valid()


def test_short_text_has_a_limit():
    question_set = QuestionSetFactory()
    question = QuestionFactory(question_set=question_set, type=Question.Type.SHORT_TEXT, code="venue")
    assert form_for(question_set, data={f"q{question.pk}": "x" * 500}).is_valid()
    assert not form_for(question_set, data={f"q{question.pk}": "x" * 501}).is_valid()


def test_a_long_answer_of_20000_characters_is_kept_and_one_more_is_refused_with_the_limit():
    question_set = QuestionSetFactory()
    question = QuestionFactory(question_set=question_set, type=Question.Type.LONG_TEXT, code="story")
    name = f"q{question.pk}"
    assert LONG_TEXT_LIMIT == 20_000
    at_limit = form_for(question_set, data={name: "x" * 20_000})
    assert at_limit.is_valid(), at_limit.errors
    [stored] = at_limit.answer_values()
    assert len(stored.text) == 20_000
    over = form_for(question_set, data={name: "x" * 20_001}, submitting=False)
    assert not over.is_valid()
    assert errors_of(over, question_set, "story") == ["Shorten this answer to 20,000 characters or fewer."]
    assert "story" not in {v.question.code for v in over.answer_values()}  # the stored answer is kept as it was


def test_a_line_break_counts_once_towards_the_limit_as_the_browser_counts_it():
    question_set = QuestionSetFactory()
    question = QuestionFactory(question_set=question_set, type=Question.Type.LONG_TEXT, code="story")
    # 20,000 characters as the partner typed them, in 100 paragraphs: the browser sends each break as CR LF.
    paragraphs = ["x" * 199] * 100
    typed = "\n".join(paragraphs) + "x"
    assert len(typed) == 20_000
    form = form_for(question_set, data={f"q{question.pk}": typed.replace("\n", "\r\n")})
    assert form.is_valid(), form.errors
    [stored] = form.answer_values()
    assert stored.text == typed


def test_required_answers_are_asked_for_on_submit_but_not_in_a_draft(question_set, outcomes):
    data = answers_for(question_set, outcomes, activity_against_plan="")
    assert form_for(question_set, outcomes, data, submitting=False).is_valid()
    form = form_for(question_set, outcomes, data)
    assert not form.is_valid()
    assert errors_of(form, question_set, "activity_against_plan") == [MISSING]


def test_an_optional_question_may_be_left_empty(question_set, outcomes):
    question_set.questions.filter(code="activity_against_plan").update(required=False)
    data = answers_for(question_set, outcomes, activity_against_plan="")
    assert form_for(question_set, outcomes, data).is_valid()


def test_a_follow_up_is_required_only_when_its_answer_asks_for_it(question_set, outcomes):
    assert form_for(question_set, outcomes, answers_for(question_set, outcomes, safeguarding_incidents="No")).is_valid()
    form = form_for(question_set, outcomes, answers_for(question_set, outcomes, safeguarding_incidents="Yes"))
    assert not form.is_valid()
    assert errors_of(form, question_set, "safeguarding_detail") == [MISSING]
    data = answers_for(
        question_set, outcomes, safeguarding_incidents="Yes", safeguarding_detail="A concern was raised and reported."
    )
    assert form_for(question_set, outcomes, data).is_valid()


def test_a_follow_up_not_asked_is_cleared_on_submit(question_set, outcomes):
    data = answers_for(question_set, outcomes, safeguarding_incidents="No", safeguarding_detail="Typed before changing")
    form = form_for(question_set, outcomes, data)
    assert form.is_valid()
    detail = next(v for v in form.answer_values() if v.question.code == "safeguarding_detail")
    assert detail.blank


def test_a_per_outcome_question_is_asked_for_each_outcome(question_set, outcomes):
    form = form_for(question_set, outcomes)
    asked = [i for i in form.items if i.question.code == "outcome_progress"]
    assert [i.outcome for i in asked] == outcomes
    data = answers_for(question_set, outcomes)
    data[f"q{asked[1].question.pk}_o{outcomes[1].pk}"] = ""
    form = form_for(question_set, outcomes, data)
    assert not form.is_valid()
    assert errors_of(form, question_set, "outcome_progress", outcomes[1]) == [MISSING]
    assert errors_of(form, question_set, "outcome_progress", outcomes[0]) == []


def test_what_was_typed_is_kept_when_a_grid_does_not_add_up(question_set, outcomes):
    """The grid error does not drop the rows: they are saved as the draft and redisplayed."""
    data = answers_for(question_set, outcomes, reach_by_age_phase=["2", "3", "4", "0"])
    form = form_for(question_set, outcomes, data)
    assert not form.is_valid()
    grid = next(v for v in form.answer_values() if v.question.code == "reach_by_age_phase")
    assert grid.cells == [("Early years", 2), ("Key stage 1", 3), ("Key stage 2", 4), ("Not known", 0)]
    assert 'value="2"' in str(
        next(i for i in form.items if i.question.code == "reach_by_age_phase").row_widgets()[0][2]
    )


def test_an_unreadable_answer_keeps_the_stored_one(question_set, outcomes):
    data = answers_for(question_set, outcomes, reach_total="lots")
    form = form_for(question_set, outcomes, data, submitting=False)
    assert not form.is_valid()
    assert "reach_total" not in {v.question.code for v in form.answer_values()}


def test_the_error_summary_links_each_problem_to_its_question(question_set, outcomes):
    data = answers_for(question_set, outcomes, reach_by_age_phase=["1", "1", "1", "1"], activity_against_plan="")
    form = form_for(question_set, outcomes, data)
    form.is_valid()
    summary = form.error_summary()
    grid = question_set.questions.get(code="reach_by_age_phase")
    text = question_set.questions.get(code="activity_against_plan")
    assert [anchor for anchor, _, _ in summary] == [f"id_q{grid.pk}_r0", f"id_q{text.pk}"]
