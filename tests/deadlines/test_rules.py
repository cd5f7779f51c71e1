"""Deadline rules against hand-counted examples, and the calendar they count on."""

import datetime as dt

import pytest
from django.utils import timezone

from taskforce.deadlines.calendar import Calendar, minnesota_holidays
from taskforce.deadlines.rules import RULES

pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def calendar(db):
    return Calendar.current()


def test_the_holiday_table_has_minnesotas_legal_holidays(calendar):
    names = dict(minnesota_holidays(2026))
    assert names[dt.date(2026, 1, 19)] == "Martin Luther King Jr. Day"
    assert names[dt.date(2026, 11, 27)] == "Day after Thanksgiving"
    assert dt.date(2026, 7, 4) in names and calendar.is_holiday(dt.date(2026, 7, 4))
    # 2027: Independence Day falls on a Sunday and is kept the Monday.
    assert dict(minnesota_holidays(2027))[dt.date(2027, 7, 5)] == "Independence Day (observed)"
    assert calendar.is_holiday(dt.date(2027, 7, 5))


def test_first_appearance_after_a_saturday_night_arrest(calendar):
    """Arrested Saturday March 7, 2026 at 23:30. Rule 4.02 subd. 5(1) leaves out the day of
    arrest (Saturday) and Sundays: the 36 hours run from Monday 00:00, so Tuesday at noon."""
    due = RULES["first_appearance"].compute(calendar, local(2026, 3, 7, 23, 30))
    assert due == local(2026, 3, 10, 12, 0)


def test_first_appearance_skips_a_monday_holiday_too(calendar):
    """Saturday January 17, 2026, 23:30; Sunday skipped, Monday the 19th is Martin Luther King
    Jr. Day: the count starts Tuesday 00:00 and ends Wednesday at noon."""
    due = RULES["first_appearance"].compute(calendar, local(2026, 1, 17, 23, 30))
    assert due == local(2026, 1, 21, 12, 0)


def test_first_appearance_after_a_tuesday_morning_arrest(calendar):
    due = RULES["first_appearance"].compute(calendar, local(2026, 3, 3, 9, 15))
    assert due == local(2026, 3, 5, 12, 0)  # Wednesday 00:00 + 36 h


def test_probable_cause_is_48_actual_hours(calendar):
    assert RULES["probable_cause"].compute(calendar, local(2026, 3, 7, 23, 30)) == local(
        2026, 3, 9, 23, 30
    )


def test_charging_target_ends_on_a_court_day(calendar, wash_cao):
    # Handed off Tuesday June 16, 2026; 30 days is Thursday July 16 (a court day).
    due = RULES["charging_decision"].compute(calendar, local(2026, 6, 16, 10), agency=wash_cao)
    assert due == local(2026, 7, 16, 17, 0)
    # From June 4: 30 days is Saturday July 4 (a holiday too): next court day Monday July 6.
    due = RULES["charging_decision"].compute(calendar, local(2026, 6, 4, 10), agency=wash_cao)
    assert due == local(2026, 7, 6, 17, 0)


def test_first_contact_counts_business_days(calendar, advocacy_center):
    # Sent Friday March 6, 2026: two business days is Tuesday March 10.
    due = RULES["first_contact"].compute(calendar, local(2026, 3, 6, 16), agency=advocacy_center)
    assert due == local(2026, 3, 10, 17, 0)
    advocacy_center.first_contact_days = 1
    due = RULES["first_contact"].compute(calendar, local(2026, 3, 6, 16), agency=advocacy_center)
    assert due == local(2026, 3, 9, 17, 0)


def test_disposition_notice_is_fifteen_working_days(calendar):
    # Disposed Monday November 16, 2026; Thanksgiving and the day after do not count.
    due = RULES["disposition_notice"].compute(calendar, local(2026, 11, 16, 11))
    assert due == local(2026, 12, 9, 17, 0)


def test_every_rule_cites_its_source():
    for rule in RULES.values():
        assert rule.source and rule.compute.__doc__
