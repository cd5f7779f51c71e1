"""Fixtures shared by every test package: a referral from a sting to an advocacy center."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.services.people import PersonData, person_create
from referrals.services import referral_send
from taskforce.models import Role
from tests.factories import member


@pytest.fixture
def youth(sheriff_liaison):
    born = timezone.localdate() - dt.timedelta(days=16 * 365)
    return person_create(
        actor=sheriff_liaison,
        data=PersonData(first_name="Kaya", last_name="Strand", date_of_birth=born),
    )


@pytest.fixture
def referral(sheriff_liaison, youth, advocacy_center):
    return referral_send(
        actor=sheriff_liaison,
        person=youth,
        to_agency=advocacy_center,
        source="police",
        reason="Recovered in the buyer sting; 16, no safe place to stay",
        urgency="urgent",
    )


@pytest.fixture
def advocate_supervisor(advocacy_center):
    return member(advocacy_center, Role.SUPERVISOR, username="scv_supervisor")
