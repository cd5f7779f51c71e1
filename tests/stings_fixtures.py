"""Fixtures for the stings work, shared by every test package: counties, statutes, a sting."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import CustodyStatus, Statute
from cases.services.arrests import ArrestRow, arrests_create
from cases.services.operations import operation_create
from taskforce.models import AgencyKind, County, Role
from tests.factories import AgencyFactory, member


@pytest.fixture
def washington(db):
    return County.objects.get(name="Washington")


@pytest.fixture
def ramsey(db):
    return County.objects.get(name="Ramsey")


@pytest.fixture
def patron_13_15(db):
    return Statute.objects.get(citation="609.324 subd. 1(b)")


@pytest.fixture
def sheriff(db):
    return AgencyFactory(
        name="Washington County Sheriff's Office",
        short_name="WCSO",
        kind=AgencyKind.LAW_ENFORCEMENT,
    )


@pytest.fixture
def sheriff_liaison(sheriff):
    return member(sheriff, Role.POLICE_LIAISON, username="wcso_liaison")


@pytest.fixture
def operation(sheriff_liaison, washington):
    return operation_create(
        actor=sheriff_liaison,
        name="Operation Guardian Angel",
        kind="buyer_sting",
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 11),
        counties=[washington],
    )


def local_noon(days: int = 0) -> dt.datetime:
    """Noon, local time, `days` from today (negative: in the past). Fixtures hang their times on
    it, not on `now - hours`: noon is twelve hours from either midnight, so counts by local day
    come out the same at any hour the suite runs (CI failed once at 01:51, when an arrest placed
    `now - 30 days - 2 hours` fell on the day before the others), and on a DST change day too."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def arrest_row(county, statute, n: int, **overrides) -> ArrestRow:
    """Arrest n, at noon thirty days ago less n minutes: the higher n, the earlier; all on one
    local day."""
    fields = dict(
        last_name=f"Buyer{n:02d}",
        first_name="Pat",
        date_of_birth=dt.date(1980, 1, 1) + dt.timedelta(days=n),
        arrested_at=local_noon(-30) - dt.timedelta(minutes=n),
        county=county,
        custody_status=CustodyStatus.BOOKED,
        statutes=[statute],
        booking_number=f"B-{n:04d}",
        decoy_stated_age=14,
        solicitation_venue="text_online",
    )
    return ArrestRow(**(fields | overrides))


@pytest.fixture
def make_arrests(sheriff, washington, patron_13_15):
    def make(actor, operation, count, start=1, county=None):
        rows = [
            arrest_row(county or washington, patron_13_15, n) for n in range(start, start + count)
        ]
        return arrests_create(actor=actor, operation=operation, arresting_agency=sheriff, rows=rows)

    return make


@pytest.fixture
def shared_sting(sheriff_liaison, woodbury_pd, washington):
    """A second sting the sheriff leads, Woodbury taking part: not the `operation` fixture's."""
    return operation_create(
        actor=sheriff_liaison,
        name="Operation Lakeside",
        kind="buyer_sting",
        starts_on=dt.date(2026, 4, 1),
        counties=[washington],
        participants=[woodbury_pd],
    )


@pytest.fixture
def woodbury_liaison_user(db):
    woodbury = AgencyFactory(name="Woodbury Police Department", kind=AgencyKind.LAW_ENFORCEMENT)
    return member(woodbury, Role.POLICE_LIAISON, username="woodbury_investigator")


@pytest.fixture
def oakdale_liaison_user(db):
    oakdale = AgencyFactory(name="Oakdale Police Department", kind=AgencyKind.LAW_ENFORCEMENT)
    return member(oakdale, Role.POLICE_LIAISON, username="oakdale_investigator")
