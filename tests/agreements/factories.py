import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from agreements.models import Agreement, AgreementTemplate, Outcome, PaymentInstalment
from hubportal.core.academic_years import current_academic_year
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


# Moving an agreement through its lifecycle with the real services, for tests
# that need one issued, signed or live.


def issue(agreement, actor):
    """Issue for signature; issuing needs someone at the partner who can sign,
    so a partner without a user is given one."""
    from agreements.services import agreement_issue
    from hubportal.models import User
    from tests.factories import partner_user

    if not User.objects.filter(partner=agreement.partner, is_active=True).exists():
        partner_user(agreement.partner)
    return agreement_issue(agreement=agreement, actor=actor)


def partner_sign(agreement, user, name="Priya Shah", role="Director"):
    from agreements.services import agreement_sign

    return agreement_sign(agreement=agreement, actor=user, typed_name=name, role_title=role)


def countersign(agreement, manager, name="Morgan Hughes", role="Service Manager"):
    from agreements.services import agreement_countersign

    return agreement_countersign(agreement=agreement, actor=manager, typed_name=name, role_title=role)


def make_live(agreement, *, staff, partner_user, manager):
    issue(agreement, staff)
    partner_sign(agreement, partner_user)
    return countersign(agreement, manager)


def reviewed(agreement, reviewer, *, recommendation="renew"):
    """A completed annual review of the agreement (roll-forward needs one)."""
    from agreements.models import AnnualReview

    return AnnualReview.objects.create(
        agreement=agreement,
        held_on=timezone.localdate(),
        recommendation=recommendation,
        reviewed_by=reviewer,
        completed_at=timezone.now(),
    )


def award_for(eoi, amount, awarded_by):
    """An award to an EOI (the commissioning app makes these when staff award)."""
    from eoi.models import Award, ProcurementBand

    band = ProcurementBand.objects.order_by("minimum").first() or ProcurementBand.objects.create(
        name="Under £5,000", minimum=Decimal("0.00"), maximum=Decimal("5000.00"), route="One quote."
    )
    return Award.objects.create(
        eoi=eoi, amount=amount, procurement_band=band, procurement_route=band.route, awarded_by=awarded_by
    )
