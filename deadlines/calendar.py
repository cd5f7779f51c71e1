"""Minnesota's legal holidays (Minn. Stat. 645.44 subd. 5) and the ways rules count time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from taskforce.models import Holiday


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> dt.date:
    last = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


# The fixed-date holidays 645.44 subd. 5 moves when they fall on a weekend.
MOVED_WHEN_ON_A_WEEKEND = [
    (1, 1, "New Year's Day"),
    (6, 19, "Juneteenth"),
    (7, 4, "Independence Day"),
    (11, 11, "Veterans Day"),
    (12, 25, "Christmas Day"),
]
SUBD_5 = "645.44 subd. 5"
# weekday -> (days to the day observed, the rule)
OBSERVED = {
    6: (1, "falls on Sunday, observed Monday"),
    5: (-1, "falls on Saturday, observed Friday"),
}


@dataclass(frozen=True)
class LegalHoliday:
    day: dt.date
    name: str
    rule: str  # which part of 645.44 subd. 5 made this day a holiday


def legal_holidays(year: int) -> list[LegalHoliday]:
    """The legal holidays falling in one year (Minn. Stat. 645.44 subd. 5), each with the rule
    that made it: a fixed-date holiday on a Sunday is kept the Monday after, on a Saturday the
    Friday before (so a Saturday New Year's Day makes December 31 of the year before a holiday).
    """
    mon, thu = 0, 3
    days: list[LegalHoliday] = []
    for y in (year, year + 1):  # next year's New Year's Day may be observed this December 31
        for month, day_of_month, name in MOVED_WHEN_ON_A_WEEKEND:
            day = dt.date(y, month, day_of_month)
            days.append(LegalHoliday(day, name, f"{SUBD_5}: {name}, {day:%B %-d}"))
            if day.weekday() in OBSERVED:
                shift, rule = OBSERVED[day.weekday()]
                days.append(LegalHoliday(day + dt.timedelta(days=shift), f"{name} (observed)",
                                         f"{SUBD_5}: {rule}"))  # fmt: skip
    thanksgiving = _nth_weekday(year, 11, thu, 4)
    moving = [
        (_nth_weekday(year, 1, mon, 3), "Martin Luther King Jr. Day", "third Monday in January"),
        (_nth_weekday(year, 2, mon, 3), "Washington's and Lincoln's Birthday",
         "third Monday in February"),
        (_last_weekday(year, 5, mon), "Memorial Day", "last Monday in May"),
        (_nth_weekday(year, 9, mon, 1), "Labor Day", "first Monday in September"),
        (_nth_weekday(year, 10, mon, 2), "Indigenous Peoples Day", "second Monday in October"),
        (thanksgiving, "Thanksgiving Day", "fourth Thursday in November"),
        (thanksgiving + dt.timedelta(days=1), "Day after Thanksgiving",
         "the Friday after Thanksgiving"),
    ]  # fmt: skip
    days += [LegalHoliday(day, name, f"{SUBD_5}: {when}") for day, name, when in moving]
    return sorted((h for h in days if h.day.year == year), key=lambda h: h.day)


def minnesota_holidays(year: int) -> list[tuple[dt.date, str]]:
    """The legal holidays of one year as (day, name)."""
    return [(h.day, h.name) for h in legal_holidays(year)]


class Calendar:
    """Which days count, given the holiday table (an administrator keeps it current)."""

    def __init__(self, holidays: Iterable[dt.date]):
        self.holidays = set(holidays)

    @classmethod
    def current(cls) -> Calendar:
        return cls(Holiday.objects.values_list("day", flat=True))

    def is_holiday(self, day: dt.date) -> bool:
        return day in self.holidays

    def is_court_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def next_court_day(self, day: dt.date) -> dt.date:
        while not self.is_court_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_court_days(self, day: dt.date, count: int) -> dt.date:
        """`count` court days after `day` (working days: no weekends or holidays)."""
        while count > 0:
            day += dt.timedelta(days=1)
            if self.is_court_day(day):
                count -= 1
        return day

    def add_days(self, day: dt.date, count: int) -> dt.date:
        """Calendar days; a last day on a weekend or holiday runs to the next court day
        (Minn. R. Crim. P. 34.01)."""
        return self.next_court_day(day + dt.timedelta(days=count))

    def add_hours_skipping(
        self, start: dt.datetime, hours: float, *, skip, from_next_day: bool = False
    ) -> dt.datetime:
        """Count `hours` forward from `start`, not counting any part of a day `skip(day)` is true
        for; `from_next_day` also leaves out the rest of the starting day."""
        tz = timezone.get_current_timezone()
        moment = timezone.localtime(start, tz)
        if from_next_day:
            moment = _midnight_after(moment)
        left = dt.timedelta(hours=hours)
        while True:
            if skip(moment.date()):
                moment = _midnight_after(moment)
                continue
            day_end = _midnight_after(moment)
            # Elapsed time, not wall-clock time: a day with a clock change is 23 or 25 hours.
            in_day = day_end.astimezone(dt.UTC) - moment.astimezone(dt.UTC)
            if left <= in_day:
                return (moment.astimezone(dt.UTC) + left).astimezone(tz)
            left -= in_day
            moment = day_end


def _midnight_after(moment: dt.datetime) -> dt.datetime:
    tz = moment.tzinfo
    next_day = moment.date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(next_day, dt.time.min), tz)
