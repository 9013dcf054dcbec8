import datetime

import factory
from django.utils import timezone

from hubportal.core.academic_years import AUTUMN, current_academic_year
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


# --- Added with the monitoring app -------------------------------------------------

from decimal import Decimal  # noqa: E402

from agreements.models import Agreement  # noqa: E402
from surveys.models import CaseStudy, CaseStudyImage, Consent, IncomeRecord, ProjectEvaluation  # noqa: E402
from tests.factories import PartnerFactory  # noqa: E402
from tests.files import png  # noqa: E402

AGE_ROWS = ["Early years", "Key stage 1", "Key stage 2", "Not known"]


def small_question_set(**kwargs) -> QuestionSet:
    """A question set with one question of each kind that matters: reach and a
    grid that must add up to it, a required text, a per-outcome choice, and a
    yes/no with a follow-up."""
    question_set = QuestionSetFactory(**kwargs)
    reach = QuestionFactory(
        question_set=question_set, code="reach_total", text="How many children and young people took part?", order=10
    )
    QuestionFactory(
        question_set=question_set,
        code="reach_by_age_phase",
        text="Children and young people by age phase",
        type=Question.Type.GRID,
        rows=AGE_ROWS,
        total_question=reach,
        order=20,
    )
    QuestionFactory(
        question_set=question_set,
        code="activity_against_plan",
        text="What did you deliver?",
        type="long_text",
        order=30,
    )
    QuestionFactory(
        question_set=question_set,
        code="outcome_progress",
        text="How is this outcome going?",
        type=Question.Type.SINGLE_CHOICE,
        choices=["On track", "Off track"],
        per_outcome=True,
        order=40,
    )
    incidents = QuestionFactory(
        question_set=question_set,
        code="safeguarding_incidents",
        text="Were there any safeguarding incidents?",
        type=Question.Type.SINGLE_CHOICE,
        choices=["Yes", "No"],
        order=50,
    )
    QuestionFactory(
        question_set=question_set,
        code="safeguarding_detail",
        text="What happened?",
        type="long_text",
        follow_up_of=incidents,
        follow_up_when="Yes",
        order=60,
    )
    return question_set


def completed_project(partner, **kwargs) -> Agreement:
    """A completed project agreement of ``partner`` that owes an evaluation."""
    return AgreementFactory(project=True, status=Agreement.Status.COMPLETED, partner=partner, **kwargs)


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectEvaluation

    agreement = factory.LazyFunction(lambda: completed_project(PartnerFactory()))


class CaseStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStudy

    partner = factory.SubFactory("tests.factories.PartnerFactory")
    title = factory.Sequence(lambda n: f"Finding a voice in the choir ({n})")
    story = "Amira joined the choir shy and left it singing a solo at the summer concert."
    quotes = "“I didn't know I could do that.”"
    about_young_person = True
    created_by = factory.SubFactory(UserFactory)


def consent_for(case_study, *uses, **kwargs) -> Consent:
    return Consent.objects.create(
        case_study=case_study,
        given_by=kwargs.pop("given_by", "Sara Khan"),
        relationship=kwargs.pop("relationship", "Parent"),
        given_on=kwargs.pop("given_on", timezone.localdate() - datetime.timedelta(days=10)),
        uses=list(uses),
        recorded_by=kwargs.pop("recorded_by", case_study.created_by),
        **kwargs,
    )


def image_for(case_study, shows_young_person=True) -> CaseStudyImage:
    return CaseStudyImage.objects.create(
        case_study=case_study,
        file=png("concert.png"),
        original_filename="concert.png",
        alt_text="Pupils singing at the summer concert",
        shows_young_person=shows_young_person,
        uploaded_by=case_study.created_by,
    )


def income(partner, amount, year=None, source=IncomeRecord.Source.FUNDRAISING, **kwargs) -> IncomeRecord:
    return IncomeRecord.objects.create(
        partner=partner,
        academic_year=year or current_academic_year().start_year,
        source=source,
        amount=Decimal(amount),
        recorded_by=kwargs.pop("recorded_by", None) or UserFactory(),
        **kwargs,
    )
