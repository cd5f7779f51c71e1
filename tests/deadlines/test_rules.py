"""Deadline rules against hand-counted examples, and the calendar they count on."""

import datetime as dt

import pytest

from deadlines.calendar import Calendar, legal_holidays, minnesota_holidays
from deadlines.rules import RULES
from taskforce.models import Holiday
from tests.deadlines.conftest import local

pytestmark = pytest.mark.django_db


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
    assert RULES["probable_cause"].compute(calendar, local(2026, 3, 3, 23, 30)) == local(
        2026, 3, 5, 23, 30
    )


def test_probable_cause_counts_real_hours_across_the_spring_clock_change(calendar):
    """Saturday March 7, 2026, 23:30 CST; clocks jump from 02:00 to 03:00 on Sunday the 8th.
    48 elapsed hours end Tuesday at 00:30 CDT, not Monday at 23:30 on the wall clock."""
    due = RULES["probable_cause"].compute(calendar, local(2026, 3, 7, 23, 30))
    assert due == local(2026, 3, 10, 0, 30)
    # (Subtracting two times of one zone in Python is wall-clock: compare in UTC.)
    elapsed = due.astimezone(dt.UTC) - local(2026, 3, 7, 23, 30).astimezone(dt.UTC)
    assert elapsed == dt.timedelta(hours=48)


def test_probable_cause_counts_real_hours_across_the_autumn_clock_change(calendar):
    """Saturday October 31, 2026, 12:00 CDT; clocks fall back on Sunday November 1."""
    due = RULES["probable_cause"].compute(calendar, local(2026, 10, 31, 12, 0))
    assert due == local(2026, 11, 2, 11, 0)


def test_omnibus_hearing_is_42_days_after_the_first_appearance(calendar):
    # Appeared Monday March 2, 2026; 42 days is Monday April 13.
    due = RULES["omnibus_hearing"].compute(calendar, local(2026, 3, 2, 9))
    assert due == local(2026, 4, 13, 17)


def test_omnibus_hearing_is_28_days_when_combined_with_the_rule_8_hearing(calendar):
    # Appeared Friday October 16, 2026; 28 days is Friday November 13.
    due = RULES["omnibus_hearing"].compute(
        calendar, local(2026, 10, 16, 9), combined_with_rule8=True
    )
    assert due == local(2026, 11, 13, 17)
    # Day 42 is Friday November 27, the day after Thanksgiving: it runs to Monday the 30th.
    assert RULES["omnibus_hearing"].compute(calendar, local(2026, 10, 16, 9)) == local(
        2026, 11, 30, 17
    )


def test_speedy_trial_is_60_days_from_the_demand(calendar):
    # Demand Tuesday September 1, 2026; day 60 is Saturday October 31: Monday November 2.
    due = RULES["speedy_trial"].compute(calendar, local(2026, 9, 1, 10))
    assert due == local(2026, 11, 2, 17)


# 60 days from the demand (R. 11.09) or, for a misdemeanor, from the not-guilty plea (R. 6.06);
# a last day on a weekend or holiday runs to the next court day (R. 34.01).
SPEEDY_TRIALS = [
    # Monday November 1, 2027: day 60 is Friday December 31, a holiday (New Year's Day 2028 is a
    # Saturday), then the weekend: Monday January 3, 2028.
    (local(2027, 11, 1, 10), local(2028, 1, 3, 17)),
    # Wednesday January 7, 2026 at 00:00: day 60 is Sunday March 8, the spring clock change:
    # Monday March 9.
    (local(2026, 1, 7, 0), local(2026, 3, 9, 17)),
]


@pytest.mark.parametrize(("counted_from", "due"), SPEEDY_TRIALS)
def test_speedy_trial_hand_counted(calendar, counted_from, due):
    assert RULES["speedy_trial"].compute(calendar, counted_from) == due


def test_custody_release_at_120_days_or_10_for_a_misdemeanor(calendar):
    assert RULES["custody_release"].compute(calendar, local(2026, 9, 1, 10)) == local(
        2026, 12, 30, 17
    )
    # Release is not moved to a court day: 10 days from Tuesday September 1 is Friday the 11th,
    # and from Thursday September 3 is Sunday the 13th.
    assert RULES["custody_release"].compute(
        calendar, local(2026, 9, 3, 10), misdemeanor=True
    ) == local(2026, 9, 13, 17)


def test_juvenile_detention_hearing_skips_saturdays_sundays_and_holidays(calendar):
    """Taken Friday November 20, 2026 at 20:00 into a secure juvenile facility: 4 hours on
    Friday, the weekend skipped, 24 hours on Monday, Tuesday to 08:00 makes 36."""
    due = RULES["juvenile_detention_hearing"].compute(calendar, local(2026, 11, 20, 20))
    assert due == local(2026, 11, 24, 8)
    # Wednesday November 25 at 12:00: 12 h Wednesday, Thanksgiving and the day after skipped,
    # the weekend skipped, 24 h Monday the 30th.
    assert RULES["juvenile_detention_hearing"].compute(calendar, local(2026, 11, 25, 12)) == local(
        2026, 12, 1, 0
    )


def test_juvenile_detention_hearing_is_sooner_in_an_adult_jail(calendar):
    start = local(2026, 11, 17, 20)  # a Tuesday
    assert RULES["juvenile_detention_hearing"].compute(
        calendar, start, facility="adult_jail"
    ) == local(2026, 11, 18, 20)
    assert RULES["juvenile_detention_hearing"].compute(
        calendar, start, facility="metro_adult_jail"
    ) == local(2026, 11, 18, 2)


# Juv. R. 5.07 subd. 1: in a metropolitan adult jail, 6 hours including Saturdays, Sundays and
# holidays (elapsed hours).
METRO_ADULT_JAIL = [
    # Friday November 20, 2026, 20:00: Saturday 02:00, the weekend is not skipped.
    (local(2026, 11, 20, 20), local(2026, 11, 21, 2)),
    # Friday July 3, 2026 (a holiday: July 4 is a Saturday), 22:00: Saturday July 4, 04:00.
    (local(2026, 7, 3, 22), local(2026, 7, 4, 4)),
    # Saturday March 7, 2026, 23:30 CST; clocks spring forward at 02:00: 06:30 CDT Sunday.
    (local(2026, 3, 7, 23, 30), local(2026, 3, 8, 6, 30)),
    # Saturday October 31, 2026, 23:00 CDT; clocks fall back Sunday: 04:00 CST, six real hours.
    (local(2026, 10, 31, 23), local(2026, 11, 1, 4)),
    # Christmas Day 2026 (a Friday) at 00:00: 06:00 the same day.
    (local(2026, 12, 25, 0), local(2026, 12, 25, 6)),
]


@pytest.mark.parametrize(("taken", "due"), METRO_ADULT_JAIL)
def test_six_hours_in_a_metropolitan_adult_jail_include_weekends_and_holidays(calendar, taken, due):
    got = RULES["juvenile_detention_hearing"].compute(calendar, taken, facility="metro_adult_jail")
    assert got == due
    assert got.astimezone(dt.UTC) - taken.astimezone(dt.UTC) == dt.timedelta(hours=6)


# 260B.178 subd. 2: eight days excluding Saturdays, Sundays and holidays, "from and including
# the date of the order".
DETENTION_REVIEWS = [
    # Monday November 16, 2026: 16, 17, 18, 19, 20, 23, 24, 25 (Thanksgiving after): Wed 25th.
    (local(2026, 11, 16, 10), local(2026, 11, 25, 17)),
    # Wednesday December 22, 2027: 22, 23, (24th: Christmas on a Saturday, observed Friday), 27,
    # 28, 29, 30, (31st: New Year's Day 2028 on a Saturday, observed Friday), January 3, 4.
    (local(2027, 12, 22, 10), local(2028, 1, 4, 17)),
    # Friday March 6, 2026 (clocks change Sunday the 8th): 6, 9, 10, 11, 12, 13, 16, 17.
    (local(2026, 3, 6, 15), local(2026, 3, 17, 17)),
    # An order at 00:00 on Saturday March 7, 2026 is not on a business day: Monday 9 is day 1,
    # so 9, 10, 11, 12, 13, 16, 17, 18.
    (local(2026, 3, 7, 0), local(2026, 3, 18, 17)),
    # An order at 00:00 on Monday November 2, 2026 (after the autumn change) counts that day:
    # 2, 3, 4, 5, 6, 9, 10, (11th: Veterans Day), 12.
    (local(2026, 11, 2, 0), local(2026, 11, 12, 17)),
]


@pytest.mark.parametrize(("ordered", "due"), DETENTION_REVIEWS)
def test_juvenile_detention_review_counts_8_business_days_including_the_orders_day(
    calendar, ordered, due
):
    assert RULES["juvenile_detention_review"].compute(calendar, ordered) == due


def test_juvenile_trial_30_days_detained_60_not(calendar):
    assert RULES["juvenile_trial"].compute(calendar, local(2026, 3, 2, 9), detained=True) == (
        local(2026, 4, 1, 17)
    )
    assert RULES["juvenile_trial"].compute(calendar, local(2026, 3, 2, 9)) == local(2026, 5, 1, 17)


def test_plea_notice_is_due_when_the_plea_hearing_starts(calendar):
    hearing = local(2026, 5, 4, 9, 30)
    assert RULES["plea_notice"].compute(calendar, hearing) == hearing


def test_a_hearing_is_due_when_it_starts_and_consent_expiry_when_it_ends(calendar):
    hearing = local(2026, 5, 4, 9, 30)
    assert RULES["court_event"].compute(calendar, hearing) == hearing
    ends = local(2026, 6, 1, 0, 0)
    assert RULES["consent_expiry"].compute(calendar, ends) == ends
    assert not RULES["consent_expiry"].escalates


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


# 611A.039: 15 working days after the final disposition's date (the day itself not counted).
DISPOSITION_NOTICES = [
    # Friday December 17, 2027: 20, 21, 22, 23, (24: Christmas on a Saturday, observed Friday),
    # 27, 28, 29, 30, (31: New Year's Day 2028 on a Saturday), January 3, 4, 5, 6, 7, 10, 11.
    (local(2027, 12, 17, 0), local(2028, 1, 11, 17)),
    # Monday March 2, 2026 at 00:00, the week before the spring clock change: 3, 4, 5, 6, 9,
    # 10, 11, 12, 13, 16, 17, 18, 19, 20, 23.
    (local(2026, 3, 2, 0), local(2026, 3, 23, 17)),
    # Friday October 30, 2026 (clocks fall back Sunday): November 2, 3, 4, 5, 6, 9, 10,
    # (11: Veterans Day), 12, 13, 16, 17, 18, 19, 20, 23.
    (local(2026, 10, 30, 0), local(2026, 11, 23, 17)),
]


@pytest.mark.parametrize(("disposed", "due"), DISPOSITION_NOTICES)
def test_disposition_notice_hand_counted(calendar, disposed, due):
    assert RULES["disposition_notice"].compute(calendar, disposed) == due


def test_disposition_notice_is_fifteen_working_days(calendar):
    # Disposed Monday November 16, 2026; Thanksgiving and the day after do not count.
    due = RULES["disposition_notice"].compute(calendar, local(2026, 11, 16, 11))
    assert due == local(2026, 12, 9, 17, 0)


def test_every_rule_cites_its_source():
    for rule in RULES.values():
        assert rule.source and rule.compute.__doc__


# Minn. Stat. 645.44 subd. 5, the Saturday half: a fixed holiday on a Saturday makes the Friday
# before a holiday. 2026: Independence Day is Saturday July 4, so Friday July 3 is a holiday;
# 2028: New Year's Day is a Saturday, so Friday December 31, 2027 is one.
SATURDAY_HOLIDAYS = [
    (dt.date(2026, 7, 3), "Independence Day (observed)"),
    (dt.date(2027, 6, 18), "Juneteenth (observed)"),
    (dt.date(2027, 12, 24), "Christmas Day (observed)"),
    (dt.date(2027, 12, 31), "New Year's Day (observed)"),
    (dt.date(2028, 11, 10), "Veterans Day (observed)"),
    (dt.date(2032, 6, 18), "Juneteenth (observed)"),
    (dt.date(2032, 12, 24), "Christmas Day (observed)"),
    (dt.date(2032, 12, 31), "New Year's Day (observed)"),
]


@pytest.mark.parametrize(("day", "name"), SATURDAY_HOLIDAYS)
def test_a_fixed_holiday_on_a_saturday_makes_the_friday_before_a_holiday(calendar, day, name):
    assert day.weekday() == 4
    [holiday] = [h for h in legal_holidays(day.year) if h.day == day]
    assert holiday.name == name
    assert holiday.rule == "645.44 subd. 5: falls on Saturday, observed Friday"
    assert calendar.is_holiday(day) and not calendar.is_court_day(day)
    stored = Holiday.objects.get(day=day)  # the migration added it to the table the rules use
    assert (stored.name, stored.rule) == (name, holiday.rule)


def test_each_holiday_says_which_rule_made_it_and_october_honours_indigenous_peoples(calendar):
    rules = {h.day: (h.name, h.rule) for h in legal_holidays(2027)}
    assert rules[dt.date(2027, 10, 11)] == (
        "Indigenous Peoples Day",
        "645.44 subd. 5: second Monday in October",
    )
    assert rules[dt.date(2027, 7, 5)][1] == "645.44 subd. 5: falls on Sunday, observed Monday"
    assert rules[dt.date(2027, 7, 4)][1] == "645.44 subd. 5: Independence Day, July 4"
    # A Saturday New Year's Day of 2028 is observed in 2027, not listed again in 2028.
    assert dt.date(2027, 12, 31) in rules
    assert all(h.day.year == 2028 for h in legal_holidays(2028))
    assert Holiday.objects.get(day=dt.date(2026, 10, 12)).name == "Indigenous Peoples Day"
    assert not Holiday.objects.filter(name__contains="Columbus").exists()
    assert all(h.rule for h in Holiday.objects.all())


def test_first_appearance_skips_the_friday_before_a_saturday_independence_day(calendar):
    """Arrested Thursday July 2, 2026 at 23:30. Friday July 3 is a holiday (Independence Day on
    Saturday), Saturday the 4th is Independence Day itself, Sunday does not count: 36 hours from
    Monday 00:00 end Tuesday July 7 at noon (without the Friday holiday: 24 h Friday + 12 h
    Monday, so Monday at noon, a day early)."""
    due = RULES["first_appearance"].compute(calendar, local(2026, 7, 2, 23, 30))
    assert due == local(2026, 7, 7, 12, 0)


def test_business_day_rules_skip_the_friday_before_a_saturday_holiday(calendar, advocacy_center):
    # Sent Thursday July 2, 2026: Friday the 3rd is a holiday, so 2 business days is Tuesday
    # July 7 (Monday 6, Tuesday 7).
    due = RULES["first_contact"].compute(calendar, local(2026, 7, 2, 10), agency=advocacy_center)
    assert due == local(2026, 7, 7, 17, 0)
    # Omnibus from Monday November 22, 2027: day 42 is Monday January 3, 2028, a court day;
    # from Friday November 19, 2027 day 42 is Friday December 31, 2027: a holiday now (New
    # Year's Day 2028 is a Saturday), so Monday January 3, 2028.
    assert RULES["omnibus_hearing"].compute(calendar, local(2027, 11, 19, 9)) == local(
        2028, 1, 3, 17
    )


def test_first_appearance_from_an_arrest_at_midnight_and_across_the_autumn_clock_change(calendar):
    """Arrested Saturday October 31, 2026 at 00:00: Saturday (the day of arrest) and Sunday
    November 1 (the clocks fall back) are left out; 36 hours from Monday 00:00 is Tuesday noon."""
    due = RULES["first_appearance"].compute(calendar, local(2026, 10, 31, 0, 0))
    assert due == local(2026, 11, 3, 12, 0)
