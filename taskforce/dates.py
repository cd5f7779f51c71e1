"""Dates as the task force counts them: local midnights."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of a day, local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- Local times on the days the clocks change ------------------------------------------------
# In the fall the hour before the change happens twice (1 Nov 2026: 01:00-01:59 CDT, then again
# as CST); in the spring an hour never happens (8 Mar 2026: 02:00-02:59). A time typed without
# an offset is taken as local; on those days it must be chosen, or refused, never guessed.

FIRST, SECOND = 0, 1  # `datetime.fold`: the first or the second time a local time happens


def _offsets(naive: dt.datetime, zone: dt.tzinfo) -> tuple[dt.timedelta, dt.timedelta]:
    return (
        naive.replace(tzinfo=zone, fold=FIRST).utcoffset(),
        naive.replace(tzinfo=zone, fold=SECOND).utcoffset(),
    )


def is_ambiguous(naive: dt.datetime, zone: dt.tzinfo | None = None) -> bool:
    """Whether this local time happens twice (the hour the clocks go back)."""
    first, second = _offsets(naive, zone or timezone.get_current_timezone())
    return first > second


def is_skipped(naive: dt.datetime, zone: dt.tzinfo | None = None) -> bool:
    """Whether this local time never happens (the hour the clocks go forward)."""
    first, second = _offsets(naive, zone or timezone.get_current_timezone())
    return first < second


def _clock(value: dt.datetime) -> str:
    return f"{value:%-I:%M}"


def skipped_message(naive: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """What a person is told of a time in the spring's missing hour."""
    zone = zone or timezone.get_current_timezone()
    start = naive.replace(second=0, microsecond=0)
    while is_skipped(start - dt.timedelta(minutes=1), zone):
        start -= dt.timedelta(minutes=1)
    first, second = _offsets(naive, zone)
    end = start + (second - first)
    return (
        f"This time does not exist on that day: clocks moved from {_clock(start)} to "
        f"{_clock(end)} on {naive:%b %-d, %Y}."
    )


def fold_choices(naive: dt.datetime, zone: dt.tzinfo | None = None) -> list[tuple[str, str]]:
    """The two readings of a time that happens twice: ("0", "01:30 CDT (first)"), ("1", …)."""
    zone = zone or timezone.get_current_timezone()
    return [
        (str(fold), f"{naive:%H:%M} {naive.replace(tzinfo=zone, fold=fold).tzname()} ({which})")
        for fold, which in ((FIRST, "first"), (SECOND, "second"))
    ]


def ambiguous_message(naive: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """What a person is told of a time in the fall's repeated hour."""
    zone = zone or timezone.get_current_timezone()
    (_, first), (_, second) = fold_choices(naive, zone)
    return (
        f"{naive:%H:%M} happens twice on {naive:%b %-d, %Y}: the clocks go back an hour. "
        f"Choose {first.removesuffix(' (first)')} (the first) or "
        f"{second.removesuffix(' (second)')} (the second)."
    )


class LocalTimeError(ValueError):
    """A local time that cannot be taken as it is: `code` says why (ambiguous, skipped)."""

    def __init__(self, message: str, code: str, naive: dt.datetime):
        super().__init__(message)
        self.message, self.code, self.naive = message, code, naive


def local_instant(
    naive: dt.datetime, fold: int | str | None = None, zone: dt.tzinfo | None = None
) -> dt.datetime:
    """The instant a local time means: refused (LocalTimeError) when it never happens, and when
    it happens twice unless `fold` says which (0 the first, 1 the second)."""
    zone = zone or timezone.get_current_timezone()
    naive = naive.replace(tzinfo=None)
    if is_skipped(naive, zone):
        raise LocalTimeError(skipped_message(naive, zone), "skipped_time", naive)
    chosen = FIRST
    if is_ambiguous(naive, zone):
        if str(fold) not in {str(FIRST), str(SECOND)}:
            raise LocalTimeError(ambiguous_message(naive, zone), "ambiguous_time", naive)
        chosen = int(fold)
    # In UTC: Python compares a local time of the repeated hour unequal to every time of
    # another zone (PEP 495), so the instant travels without its fold.
    return naive.replace(tzinfo=zone, fold=chosen).astimezone(dt.UTC)


def shows_zone(value: dt.datetime | None) -> bool:
    """Whether a time must be shown with its zone to be told apart: it falls in an hour that
    happens twice."""
    if value is None or not isinstance(value, dt.datetime) or timezone.is_naive(value):
        return False
    return is_ambiguous(timezone.localtime(value).replace(tzinfo=None))


def offset_hint(naive: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """How to write each reading of a time that happens twice with its offset (for the API)."""
    zone = zone or timezone.get_current_timezone()
    readings = []
    for fold, which in ((FIRST, "first"), (SECOND, "second")):
        aware = naive.replace(tzinfo=zone, fold=fold)
        readings.append(f"{aware.isoformat(timespec='minutes')} ({aware.tzname()}, the {which})")
    return " or ".join(readings)


def local_instant_from_text(text: str, patterns: list[str]) -> dt.datetime:
    """A local time from a file's cell (`patterns` for strptime); a time that happens twice must
    end with its zone's abbreviation ("2026-11-01 01:30 CST"). ValueError when unreadable,
    LocalTimeError (a ValueError) when ambiguous or skipped."""
    text = text.strip()
    head, _, tail = text.rpartition(" ")
    abbreviation = tail if head and tail.isalpha() and tail.isupper() else ""
    if abbreviation:
        text = head.strip()
    for pattern in patterns:
        try:
            naive = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        break
    else:
        raise ValueError(text)
    if not abbreviation:
        return local_instant(naive)
    zone = timezone.get_current_timezone()
    for fold in (FIRST, SECOND):
        if naive.replace(tzinfo=zone, fold=fold).tzname() == abbreviation:
            return local_instant(naive, fold)
    raise LocalTimeError(
        f"{naive:%b %-d, %Y %H:%M} is not {abbreviation} where the task force is.",
        "wrong_zone",
        naive,
    )
