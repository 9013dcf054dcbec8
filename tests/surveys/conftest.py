import pytest

from tests.agreements.factories import AgreementFactory
from tests.surveys.factories import SurveyRequestFactory, SurveyRoundFactory, small_question_set


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded files go to a temporary folder, not var/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def question_set(db):
    return small_question_set()


@pytest.fixture
def agreement_a(partner_a):
    return AgreementFactory(live=True, partner=partner_a)


@pytest.fixture
def survey_round(question_set, staff):
    return SurveyRoundFactory(question_set=question_set, opened_by=staff)


@pytest.fixture
def request_a(survey_round, agreement_a):
    return SurveyRequestFactory(round=survey_round, agreement=agreement_a)


@pytest.fixture
def request_b(survey_round, partner_b):
    return SurveyRequestFactory(round=survey_round, agreement=AgreementFactory(live=True, partner=partner_b))


def answers_for(question_set, outcomes, **overrides):
    """POST data answering every question of the small set, with overrides by code
    (a grid's value is a list of row counts)."""
    data = {}
    by_code = {q.code: q for q in question_set.questions.all()}
    values = {
        "reach_total": "10",
        "reach_by_age_phase": ["2", "3", "4", "1"],
        "activity_against_plan": "Weekly whole-class violin in three schools.",
        "outcome_progress": "On track",
        "safeguarding_incidents": "No",
        "safeguarding_detail": "",
        **overrides,
    }
    for code, value in values.items():
        question = by_code[code]
        names = [f"q{question.pk}_o{o.pk}" for o in outcomes] if question.per_outcome else [f"q{question.pk}"]
        for name in names:
            if isinstance(value, list):
                for i, count in enumerate(value):
                    data[f"{name}_r{i}"] = count
            else:
                data[name] = value
    return data
