"""Factories for every test. Apps add theirs in tests/<app>/factories.py."""

from datetime import date

import factory
from django.contrib.auth.models import Group

from hubportal.core import roles
from hubportal.models import User
from partners.models import EvidenceItem, EvidenceType, Partner, PartnerType
from partners.standing import PAST_ONBOARDING

TEST_PASSWORD = "correct-horse-battery-staple"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partner {n} Music")
    legal_name = factory.LazyAttribute(lambda p: f"{p.name} Ltd")
    # get_or_create: transactional tests flush the rows the data migrations seeded.
    partner_type = factory.LazyFunction(
        lambda: PartnerType.objects.get_or_create(name="Community music organisation", defaults={"kind": "delivery"})[0]
    )
    status = Partner.Stage.ACTIVE

    @factory.post_generation
    def standards_met(self, create, extracted, **kwargs):
        """A partner past onboarding holds every required minimum standard,
        verified (and lasting until it changes), as its standing needs; pass
        ``standards_met=False`` for one that does not."""
        if not create or extracted is False or self.status not in PAST_ONBOARDING:
            return
        required = EvidenceType.objects.filter(is_active=True, required=True)
        EvidenceItem.objects.bulk_create(
            [
                EvidenceItem(partner=self, evidence_type=t, status=EvidenceItem.Status.VERIFIED, issued_on=date.today())
                for t in required
            ],
            ignore_conflicts=True,
        )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


def partner_user(partner: Partner, **kwargs) -> User:
    return UserFactory(partner=partner, role=roles.PARTNER, **kwargs)
