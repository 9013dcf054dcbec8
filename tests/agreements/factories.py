import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from agreements.models import Agreement, AgreementTemplate, Outcome, PaymentInstalment
from hubportal.academic_years import current_academic_year
from tests.factories import PartnerFactory


class AgreementTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    basis = "The partner and the Hub work together so that children and young people can make music."
    hub_expectations = "The Hub shares data, training and opportunities."
    partner_expectations = "The partner delivers the agreed activity and returns the termly survey."
    monitoring = "Termly surveys and an annual review meeting."
    conditions = "Safeguarding policy kept up to date; the Hub's and Arts Council England's branding guidelines."


class AgreementFactory(factory.django.DjangoModelFactory):
    """A partnership agreement for the current academic year, in draft."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory)
    academic_year = factory.LazyFunction(lambda: current_academic_year().start_year)
    title = factory.LazyAttribute(lambda a: f"Partnership agreement: {a.partner.name}")
    basis = "The partner and the Hub work together so that children and young people can make music."
    hub_expectations = "The Hub shares data, training and opportunities."
    partner_expectations = "The partner delivers the agreed activity and returns the termly survey."
    monitoring = "Termly surveys and an annual review meeting."
    conditions = "Safeguarding policy kept up to date; the Hub's and Arts Council England's branding guidelines."
    outcomes = factory.RelatedFactoryList(
        "tests.agreements.factories.OutcomeFactory", factory_related_name="agreement", size=2
    )

    class Params:
        live = factory.Trait(status=Agreement.Status.LIVE, live_at=factory.LazyFunction(timezone.now))
        project = factory.Trait(
            kind=Agreement.Kind.PROJECT,
            title=factory.LazyAttribute(lambda a: f"Project: {a.partner.name}"),
            starts_on=factory.LazyFunction(timezone.localdate),
            ends_on=factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=180)),
            hub_contribution=Decimal("5000.00"),
            match_funding_commitment=Decimal("5000.00"),
            requires_termly_surveys=False,
            requires_evaluation=True,
            evaluation_due_on=factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=240)),
        )


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    agreement = factory.SubFactory(AgreementFactory)
    description = factory.Sequence(lambda n: f"More children take up an instrument ({n})")
    measure = "Children starting lessons"
    target = "120 a year"
    order = factory.Sequence(lambda n: n)


class PaymentInstalmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentInstalment

    agreement = factory.SubFactory(AgreementFactory, project=True)
    milestone = "On signature"
    due_on = factory.LazyFunction(timezone.localdate)
    amount = Decimal("2500.00")
