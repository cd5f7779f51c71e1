"""Which whole months of a report's period its monthly rollups hold clean (cases.models.rollups),
which of the other days a rollup kept by day holds clean, and the rest of the period, where the
rows themselves are counted."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q

from cases.models import ReportDay, ReportMonth
from cases.services import rollups
from reports.figures.common import Scope


def clean_months(scope: Scope, family: str) -> list[dt.date]:
    """The whole months of the scope the family's rollup holds clean (none off PostgreSQL)."""
    if not rollups.is_supported():
        return []
    first = scope.start if scope.start.day == 1 else rollups.next_month(scope.start)
    last = None
    month = first
    while rollups.next_month(month) - dt.timedelta(days=1) <= scope.end:
        last = month
        month = rollups.next_month(month)
    if last is None:
        return []
    return list(
        ReportMonth.objects.filter(
            family=family, is_stale=False, zone=settings.TIME_ZONE,
            month__gte=first, month__lte=last,
        ).order_by("month").values_list("month", flat=True)
    )  # fmt: skip


def clean_days(spans: list[tuple[dt.date, dt.date]], family: str, before: dt.date) -> list[dt.date]:
    """Of the days in the spans (the rest of a period beside its clean months), those before
    `before` (days that are over) that the family's rollup by day holds clean (none off
    PostgreSQL, or for a family not kept by day)."""
    days = {
        day for first, after in spans for day in rollups.days_between(first, min(after, before))
    }
    if not days or not rollups.is_supported() or family not in rollups.DAY_FAMILIES:
        return []
    return list(
        ReportDay.objects.filter(
            family=family, is_stale=False, zone=settings.TIME_ZONE, day__in=sorted(days)
        ).order_by("day").values_list("day", flat=True)
    )  # fmt: skip


def merged(spans: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """Spans of days as the fewest ordered, disjoint spans covering the same days."""
    found: list[list[dt.date]] = []
    for first, after in sorted(spans):
        if found and first <= found[-1][1]:
            found[-1][1] = max(found[-1][1], after)
        else:
            found.append([first, after])
    return [(first, after) for first, after in found]


def day_spans(months: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive months as [first day, first day after) spans of days."""
    return merged([(month, rollups.next_month(month)) for month in months])


def rest_of(scope: Scope, spans: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """The days of the scope outside the (ordered, disjoint) spans, as spans."""
    found, start, end = [], scope.start, scope.end + dt.timedelta(days=1)
    for first, after in spans:
        if first > start:
            found.append((start, first))
        start = max(start, after)
    if start < end:
        found.append((start, end))
    return found


def on_days(field: str, spans: list[tuple[dt.date, dt.date]]) -> Q:
    """Rows whose date `field` falls in the spans."""
    match = Q(pk__in=[])
    for first, after in spans:
        match |= Q(**{f"{field}__gte": first, f"{field}__lt": after})
    return match


def on_each_day(field: str, spans: list[tuple[dt.date, dt.date]]) -> Q:
    """Rows whose date `field` is one of the spans' days, listed: an index on the field is then
    read for those days alone (`= ANY`), where `on_days`' OR of ranges left PostgreSQL reading
    the index over the whole period and filtering (ten years of counts for a few weeks' rest,
    bench/bench_reports.py). For the rest of a period beside its clean months: a few weeks."""
    days = [day for first, after in spans for day in rollups.days_between(first, after)]
    return Q(**{f"{field}__in": days})


def at_times_each(field: str, spans: list[tuple[dt.date, dt.date]]) -> list[Q]:
    """`at_times` of each span apart, for one query per span: one range of a time is read
    from an index that covers what the query reads alone, where an OR of ranges made
    PostgreSQL scan the index by bitmap and read every row's page (the rest of a period beside
    its clean months: 72 to 37 ms of the largest supervisor's arrests, 48 to 10-20 ms of the
    coordinator's cases, bench/bench_reports.py)."""
    return [at_times(field, [span]) for span in spans]


def at_times(field: str, spans: list[tuple[dt.date, dt.date]]) -> Q:
    """Rows whose time `field` falls in the spans' days (local midnights)."""
    match = Q(pk__in=[])
    for first, after in spans:
        since = Scope(first, first).since
        until = Scope(after, after).since
        match |= Q(**{f"{field}__gte": since, f"{field}__lt": until})
    return match
