import datetime

import factory
from django.utils import timezone

from partners.models import Contact, EvidenceItem, EvidenceType, Meeting
from tests.factories import PartnerFactory, UserFactory


class EvidenceTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceType
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Evidence type {n}")
    renewal_months = 12


class EvidenceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceItem

    partner = factory.SubFactory(PartnerFactory)
    evidence_type = factory.SubFactory(EvidenceTypeFactory)
    status = EvidenceItem.Status.VERIFIED
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=335))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """The partner's item for the type as given: a partner past onboarding
        already holds one per required type (tests.factories.PartnerFactory)."""
        item, _ = model_class.objects.update_or_create(
            partner=kwargs.pop("partner"), evidence_type=kwargs.pop("evidence_type"), defaults=kwargs
        )
        return item


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Faker("name", locale="en_GB")
    role = "Director"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    is_primary = True


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    partner = factory.SubFactory(PartnerFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    location = "Leicestershire Music, County Hall, Glenfield"
    scheduled_by = factory.SubFactory(UserFactory)
