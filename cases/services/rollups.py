"""Rebuild the monthly arrest rollups of the operations report (cases.models.rollups).

Design (issue #22):
- PostgreSQL only; SQLite (the demo) has no rollups and its reports read the rows.
- One `ArrestMonth` row per (local month, the arrest's owner, operation, county, arresting
  agency, and its case's owner, seal, charged or not, outcome) with how many unsealed arrests
  have them. The reader decides per viewer which of those the viewer may count.
- Correctness never rests on a service remembering: triggers mark a month stale on any write
  that may change it (migration 0040), a page reads only clean months from the rollup, and this
  module rebuilds stale ones (beat task `cases.tasks.rebuild_report_rollups`, the management
  command `rebuild_report_rollups`, and bench/bench_reports.py's seed).
- A month is rebuilt in its own transaction, which first marks its `ReportMonth` row clean: a
  write committing meanwhile either waits for that row (and marks it stale again after) or was
  committed before this transaction's later statements read the arrests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from cases.models import Arrest, ArrestMonth, Case, ReportMonth
from taskforce.records import analyze

FAMILY = "arrests"

# Unsealed arrests of [since, until) counted by local month and every column the operations
# report reads (reports.figures.operations); the case's columns are NULL when there is none.
ROLLUP_SQL = """
INSERT INTO cases_arrestmonth (month, owner_agency_id, operation_id, county_id,
    arresting_agency_id, case_owner_agency_id, is_case_live, is_case_charged, case_outcome, n)
SELECT date_trunc('month', a.arrested_at AT TIME ZONE %(zone)s)::date, a.owner_agency_id,
       a.operation_id, a.county_id, a.arresting_agency_id, c.owner_agency_id,
       CASE WHEN c.id IS NULL THEN NULL ELSE c.sealed_at IS NULL END,
       CASE WHEN c.id IS NULL THEN NULL ELSE c.charged_on IS NOT NULL END,
       c.outcome, count(*)
FROM cases_arrest a LEFT JOIN cases_case c ON c.id = a.case_id
WHERE a.sealed_at IS NULL AND a.arrested_at >= %(since)s AND a.arrested_at < %(until)s
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
"""

MARK_CLEAN_SQL = """
INSERT INTO cases_reportmonth (family, month, is_stale, zone, built_at)
SELECT %(family)s, m, false, %(zone)s, now() FROM unnest(%(months)s::date[]) AS m ORDER BY m
ON CONFLICT (family, month) DO UPDATE
SET is_stale = false, zone = EXCLUDED.zone, built_at = EXCLUDED.built_at
"""


def is_supported() -> bool:
    """Rollups exist on PostgreSQL only, and only while sealing is the one way a row is hidden
    (the SQL above tests `sealed_at`, the triggers too)."""
    if connection.vendor != "postgresql":
        return False
    if Arrest.hidden_when_set != ("sealed_at",) or Case.hidden_when_set != ("sealed_at",):
        raise ImproperlyConfigured("The arrest rollups test sealed_at only: update them.")
    return True


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight starting month `first` and the one after month `last`."""
    since = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    return since, timezone.make_aware(dt.datetime.combine(next_month(last), dt.time.min))


def _build(months: list[dt.date]) -> None:
    """Mark clean, then replace the rollup rows of these consecutive months (one transaction,
    the caller's)."""
    zone = settings.TIME_ZONE
    since, until = month_bounds(months[0], months[-1])
    with connection.cursor() as cursor:
        cursor.execute(MARK_CLEAN_SQL, {"family": FAMILY, "zone": zone, "months": months})
        cursor.execute(
            "DELETE FROM cases_arrestmonth WHERE month BETWEEN %s AND %s", [months[0], months[-1]]
        )
        cursor.execute(ROLLUP_SQL, {"zone": zone, "since": since, "until": until})


def arrest_months_rebuild(months: Iterable[dt.date]) -> int:
    """Rebuild these months, each in its own transaction. Returns how many."""
    if not is_supported():
        return 0
    done = 0
    for month in sorted(set(months)):
        with transaction.atomic():
            _build([month])
        done += 1
    return done


def arrest_months_due(today: dt.date | None = None) -> list[dt.date]:
    """Months to rebuild: stale ones, ones built in another time zone, and ones never built,
    from the first arrest's month to the last whole month. The current month is rebuilt only
    when it was built before (a write marks it stale; it is never a whole month of a report
    before it ends)."""
    today = today or timezone.localdate()
    current = month_start(today)
    due = set(
        ReportMonth.objects.filter(family=FAMILY)
        .exclude(is_stale=False, zone=settings.TIME_ZONE)
        .filter(month__lt=current)
        .values_list("month", flat=True)
    )
    first = Arrest.objects.aggregate(first=Min("arrested_at"))["first"]
    if first is not None:
        known = set(ReportMonth.objects.filter(family=FAMILY).values_list("month", flat=True))
        month = month_start(timezone.localdate(first))
        while month < current:
            if month not in known:
                due.add(month)
            month = next_month(month)
    return sorted(due)


def arrest_months_rebuild_due(today: dt.date | None = None) -> int:
    """The beat task's work: rebuild the months due, one transaction each."""
    if not is_supported():
        return 0
    return arrest_months_rebuild(arrest_months_due(today))


def arrest_months_rebuild_all(today: dt.date | None = None) -> int:
    """Every month from the first arrest's to the last whole one, in one transaction (after a
    bulk load: one scan instead of one per month), then ANALYZE. Returns how many months."""
    if not is_supported():
        return 0
    today = today or timezone.localdate()
    first = Arrest.objects.aggregate(first=Min("arrested_at"))["first"]
    if first is None:
        return 0
    months = []
    month = month_start(timezone.localdate(first))
    while month < month_start(today):
        months.append(month)
        month = next_month(month)
    if not months:
        return 0
    with transaction.atomic():
        _build(months)
    analyze(ArrestMonth, ReportMonth)
    return len(months)
