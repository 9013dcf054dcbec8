"""Factories for every test. Apps add theirs in tests/<app>/factories.py."""

import factory
from django.contrib.auth.models import Group

from hubportal import roles
from hubportal.models import User
from partners.models import Partner, PartnerType

TEST_PASSWORD = "correct-horse-battery-staple"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n} Music")
    legal_name = factory.LazyAttribute(lambda p: f"{p.name} Ltd")
    # get_or_create: transactional tests flush the rows the data migrations seeded.
    partner_type = factory.LazyFunction(
        lambda: PartnerType.objects.get_or_create(name="Community music organisation", defaults={"kind": "delivery"})[0]
    )
    status = Partner.Stage.ACTIVE


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
