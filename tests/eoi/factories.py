import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from eoi.models import (
    AssessorAssignment,
    BudgetLine,
    Call,
    Criterion,
    ExpressionOfInterest,
    FundingSource,
    Gap,
    NeedsAnalysis,
    ProcurementBand,
)
from hubportal.core.academic_years import current_academic_year
from partners.models import NationalPlanStrand
from tests.factories import PartnerFactory


class NeedsAnalysisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedsAnalysis
        django_get_or_create = ["academic_year"]

    academic_year = factory.LazyFunction(lambda: current_academic_year().start_year)
    title = factory.LazyAttribute(lambda n: f"Needs analysis {n.academic_year}")


class GapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gap

    needs_analysis = factory.SubFactory(NeedsAnalysisFactory)
    title = factory.Sequence(lambda n: f"Gap in provision {n}")
    description = "Too few ensembles for young people with SEND in the north of the county."
    strand = factory.LazyFunction(lambda: NationalPlanStrand.objects.get_or_create(name="Inclusion")[0])
    indicative_budget = Decimal("10000.00")


class CallFactory(factory.django.DjangoModelFactory):
    """An open call, closing in two weeks."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Call for expressions of interest {n}")
    brief = "Inclusive ensembles for young people with SEND."
    status = Call.Status.OPEN
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    max_hub_grant = Decimal("10000.00")

    @factory.post_generation
    def gaps(self, create, extracted, **kwargs):
        if create:
            self.gaps.set(extracted if extracted is not None else [GapFactory()])


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1
    order = factory.Sequence(lambda n: n)


class ExpressionOfInterestFactory(factory.django.DjangoModelFactory):
    """A draft EOI costing £10,000, half from the Hub Grant."""

    class Meta:
        model = ExpressionOfInterest
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    partner = factory.SubFactory(PartnerFactory)
    title = factory.Sequence(lambda n: f"Inclusive ensemble project {n}")
    what = "Weekly inclusive ensemble sessions."
    how = "Two tutors, adapted instruments."
    who_benefits = "Young people with SEND aged 8 to 16."
    expected_reach = 40
    timeline = "January to July."
    safeguarding_confirmed = True
    total_cost = Decimal("10000.00")
    hub_grant_requested = Decimal("5000.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """A submitted EOI's money is locked (on PostgreSQL, by a trigger): it is
        created unsubmitted, given its money, then stamped submitted (``money``)."""
        submitted_at = kwargs.pop("submitted_at", None)
        eoi = super()._create(model_class, *args, **kwargs)
        eoi._submit_after_money = submitted_at
        return eoi

    @factory.post_generation
    def money(self, create, extracted, **kwargs):
        if create and extracted is not False:
            BudgetLine.objects.create(eoi=self, item="Tutors", amount=self.total_cost)
            FundingSource.objects.create(eoi=self, kind="hub_grant", amount=self.hub_grant_requested, confirmed=True)
            other = self.total_cost - self.hub_grant_requested
            if other:
                FundingSource.objects.create(eoi=self, kind="own_funds", amount=other, confirmed=True)
        submitted_at = getattr(self, "_submit_after_money", None)
        if create and submitted_at is not None:
            ExpressionOfInterest.objects.filter(pk=self.pk).update(submitted_at=submitted_at)
            self.submitted_at = submitted_at


class AssessorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessorAssignment

    eoi = factory.SubFactory(ExpressionOfInterestFactory)
    assessor = factory.SubFactory("tests.factories.UserFactory", role="Assessor")
    assigned_by = factory.SubFactory("tests.factories.UserFactory", role="Hub staff")


def ensure_procurement_bands() -> None:
    """The seeded bands (transactional tests flush what the data migration made)."""
    from importlib import import_module

    bands = import_module("eoi.migrations.0003_reference_data").BANDS
    for name, minimum, maximum, route in bands:
        ProcurementBand.objects.get_or_create(
            name=name, defaults={"minimum": minimum, "maximum": maximum, "route": route}
        )


def ensure_project_template():
    from agreements.models import AgreementTemplate
    from tests.agreements.factories import AgreementTemplateFactory

    existing = AgreementTemplate.objects.filter(kind=AgreementTemplate.Kind.PROJECT).first()
    return existing or AgreementTemplateFactory(name="Project agreement", kind=AgreementTemplate.Kind.PROJECT)


def fill_for_submission(eoi: ExpressionOfInterest) -> ExpressionOfInterest:
    """Everything a submission needs besides the money."""
    for name in ("quality_alignment", "inclusive", "collaborative", "high_quality", "evaluative", "legacy"):
        setattr(eoi, name, f"How the work is {name.replace('_', ' ')}.")
    eoi.save()
    return eoi


def assess(eoi: ExpressionOfInterest, *, assessors: int = 2, score: int = 4, conflicted: int = 0) -> list:
    """Give an EOI under assessment complete scores on every criterion from
    `assessors` assessors with no conflict of interest (and `conflicted` more who
    declared one and scored nothing), as the assessment services would leave them."""
    from eoi.models import Score

    now = timezone.now()
    made = []
    for _ in range(assessors):
        assignment = AssessorAssignmentFactory(eoi=eoi, has_conflict=False, declared_at=now, completed_at=now)
        Score.objects.bulk_create(
            Score(assignment=assignment, criterion=c, score=score, comment="Scored.") for c in eoi.call.criteria.all()
        )
        made.append(assignment)
    for _ in range(conflicted):
        made.append(
            AssessorAssignmentFactory(
                eoi=eoi, has_conflict=True, conflict_details="Sits on its board.", declared_at=now
            )
        )
    return made
