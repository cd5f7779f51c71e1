"""Factories for the suite: agencies, users and their memberships."""

import factory
from factory.django import DjangoModelFactory

from taskforce.models import Agency, AgencyKind, Role, User
from taskforce.services import membership_start

TEST_PASSWORD = "correct-horse-battery-staple"


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.LAW_ENFORCEMENT
    county = "Washington"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.django.Password(TEST_PASSWORD)


def member(agency: Agency, role: str = Role.SUPERVISOR, **user_fields) -> User:
    """A user with a current membership in the agency, as the services make one."""
    user = UserFactory(**user_fields)
    membership_start(user=user, agency=agency, role=role)
    return user
