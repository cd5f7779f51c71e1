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


def totp_code(device) -> str:
    """The code an authenticator app shows for this device now."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def verified_login(client, user):
    """Sign the client in as `user` through both steps, the way a person passes the second one:
    a TOTP device of their own (a new one per call, so a second sign-in in the same 30 seconds
    is not a replayed code) and its current code posted to the real verify page."""
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    response = client.post(reverse("mfa_verify"), {"token": totp_code(device)})
    assert response.status_code == 302, "the second step refused a correct code"
    return client


def search(client, url: str, words: str, **filters):
    """A list page searched as a person does: the filter form posts, the page follows at a
    token address (search words never enter a URL). Returns the page's response."""
    answer = client.post(url, {"_filters": "1", "q": words, **filters}, follow=True)
    assert answer.status_code == 200, answer.status_code
    if words.strip():
        assert words.split()[0] not in answer.request["QUERY_STRING"]
    return answer
