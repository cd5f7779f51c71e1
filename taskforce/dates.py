"""Dates as the task force counts them: local midnights."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of a day, local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
