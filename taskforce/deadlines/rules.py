"""Deadline rules, one small function each, citing what it implements.

A rule turns an event's time (and its context: the agency's own targets) into a due time. Its
name and version are stored with each deadline; change a rule by adding a version, so deadlines
already computed keep saying which rule made them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from taskforce.deadlines.calendar import Calendar


@dataclass(frozen=True)
class Rule:
    name: str
    version: int
    title: str
    source: str
    compute: Callable[..., dt.datetime]


RULES: dict[str, Rule] = {}


def rule(name: str, *, version: int, title: str, source: str):
    def register(compute):
        RULES[name] = Rule(name, version, title, source, compute)
        return compute

    return register


def _at(day: dt.date, hour: int = 17) -> dt.datetime:
    """A day's close of business, local time: when a day-counted deadline falls due."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@rule(
    "first_appearance",
    version=1,
    title="First appearance (warrantless arrest, in custody)",
    source="Minn. R. Crim. P. 4.02 subd. 5(1)",
)
def first_appearance(calendar: Calendar, arrested_at: dt.datetime, **_) -> dt.datetime:
    """Not more than 36 hours after the arrest, exclusive of the day of arrest, Sundays and
    legal holidays: the count starts at midnight after the arrest day and skips those days."""
    return calendar.add_hours_skipping(
        arrested_at,
        36,
        skip=lambda day: day.weekday() == 6 or calendar.is_holiday(day),
        from_next_day=True,
    )


@rule(
    "probable_cause",
    version=1,
    title="Judicial probable-cause determination",
    source="Minn. R. Crim. P. 4.03; County of Riverside v. McLaughlin, 500 U.S. 44 (1991)",
)
def probable_cause(calendar: Calendar, arrested_at: dt.datetime, **_) -> dt.datetime:
    """Within 48 actual hours of a warrantless arrest, weekends and holidays included."""
    return arrested_at + dt.timedelta(hours=48)


@rule(
    "charging_decision",
    version=1,
    title="Charging decision on a handed-off arrest",
    source="Prosecution agency's target (Agency.charging_target_days)",
)
def charging_decision(calendar: Calendar, handed_off_at: dt.datetime, *, agency, **_):
    """The agency's target in days (30 unless it set another), ending on a court day."""
    day = timezone.localdate(handed_off_at)
    return _at(calendar.add_days(day, agency.charging_target_days))


@rule(
    "first_contact",
    version=1,
    title="First contact with the person referred",
    source="Victim-service agency's target (Agency.first_contact_days)",
)
def first_contact(calendar: Calendar, sent_at: dt.datetime, *, agency, **_) -> dt.datetime:
    """Within the receiving agency's target in business days (2 unless it set another)."""
    return _at(calendar.add_court_days(timezone.localdate(sent_at), agency.first_contact_days))


@rule(
    "follow_up",
    version=1,
    title="Follow-up with the person served",
    source="Victim-service agency's interval (Agency.follow_up_days)",
)
def follow_up(calendar: Calendar, last_contact_at: dt.datetime, *, agency, **_) -> dt.datetime:
    """The agency's interval after the last contact (14 days unless set), on a court day."""
    return _at(calendar.add_days(timezone.localdate(last_contact_at), agency.follow_up_days))


@rule(
    "disposition_notice",
    version=1,
    title="Notify the victim of the final disposition",
    source="Minn. Stat. 611A.039 subd. 1",
)
def disposition_notice(calendar: Calendar, disposed_at: dt.datetime, **_) -> dt.datetime:
    """Within 15 working days of the final disposition."""
    return _at(calendar.add_court_days(timezone.localdate(disposed_at), 15))
