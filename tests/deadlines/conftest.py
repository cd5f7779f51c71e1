"""What the deadline tests share: times in the task force's zone and an assigned case."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.services.cases import case_update
from cases.services.handoffs import handoff_create


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def days_ahead(days: int, hour: int = 9) -> dt.datetime:
    """A local time `days` from today (negative: in the past)."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def case(sheriff_liaison, operation, make_arrests, wash_cao, wash_prosecutor):
    """A handed-off arrest's intake case at WCAO, assigned to wash_prosecutor."""
    [arrest] = make_arrests(sheriff_liaison, operation, 1)
    case = handoff_create(actor=sheriff_liaison, arrests=[arrest], to_agency=wash_cao)[0].case
    return case_update(actor=wash_prosecutor, case=case, expected_version=case.version,
                       data={"assigned_prosecutor": wash_prosecutor})  # fmt: skip


@pytest.fixture
def arrest(sheriff_liaison, operation, sheriff, washington, patron_13_15):
    """Booked Saturday March 7, 2026 at 23:30: first appearance due Tuesday at noon."""
    from cases.services.arrests import arrests_create
    from tests.stings_fixtures import arrest_row

    row = arrest_row(washington, patron_13_15, 1, arrested_at=local(2026, 3, 7, 23, 30))
    return arrests_create(actor=sheriff_liaison, operation=operation, arresting_agency=sheriff,
                          rows=[row])[0]  # fmt: skip
