import datetime

import factory
from django.utils import timezone

from hubportal.academic_years import AUTUMN, current_academic_year
from hubportal.models import Term
from surveys.models import Question, QuestionSet, SurveyRequest, SurveyRound
from tests.agreements.factories import AgreementFactory
from tests.factories import UserFactory


class QuestionSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionSet

    family = factory.Sequence(lambda n: f"termly-{n}")
    name = "Termly survey"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    question_set = factory.SubFactory(QuestionSetFactory)
    code = factory.Sequence(lambda n: f"q{n}")
    text = factory.Sequence(lambda n: f"Question {n}")
    type = Question.Type.INTEGER
    order = factory.Sequence(lambda n: n)


def current_term(name: str = AUTUMN) -> Term:
    year = current_academic_year()
    return next(t for t in Term.for_year(year) if t.name == name)


class SurveyRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyRound
        django_get_or_create = ["term"]

    term = factory.LazyFunction(current_term)
    question_set = factory.SubFactory(QuestionSetFactory)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    opened_by = factory.SubFactory(UserFactory)


class SurveyRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyRequest

    round = factory.SubFactory(SurveyRoundFactory)
    agreement = factory.SubFactory(AgreementFactory, live=True)
    partner = factory.SelfAttribute("agreement.partner")
    deadline = factory.SelfAttribute("round.deadline")
