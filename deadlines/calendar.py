"""Minnesota's legal holidays (Minn. Stat. 645.44 subd. 5) and the ways rules count time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from taskforce.models import Holiday


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> dt.date:
    last = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def minnesota_holidays(year: int) -> list[tuple[dt.date, str]]:
    """The legal holidays of one year; a fixed-date holiday on a Sunday is kept the Monday."""
    mon, thu = 0, 3
    fixed = [
        (dt.date(year, 1, 1), "New Year's Day"),
        (dt.date(year, 6, 19), "Juneteenth"),
        (dt.date(year, 7, 4), "Independence Day"),
        (dt.date(year, 11, 11), "Veterans Day"),
        (dt.date(year, 12, 25), "Christmas Day"),
    ]
    observed = [
        (day + dt.timedelta(days=1), f"{name} (observed)")
        for day, name in fixed
        if day.weekday() == 6
    ]
    thanksgiving = _nth_weekday(year, 11, thu, 4)
    moving = [
        (_nth_weekday(year, 1, mon, 3), "Martin Luther King Jr. Day"),
        (_nth_weekday(year, 2, mon, 3), "Washington's and Lincoln's Birthday"),
        (_last_weekday(year, 5, mon), "Memorial Day"),
        (_nth_weekday(year, 9, mon, 1), "Labor Day"),
        (_nth_weekday(year, 10, mon, 2), "Christopher Columbus Day"),
        (thanksgiving, "Thanksgiving Day"),
        (thanksgiving + dt.timedelta(days=1), "Day after Thanksgiving"),
    ]
    return sorted(fixed + observed + moving)


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
