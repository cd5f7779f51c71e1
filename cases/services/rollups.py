"""Rebuild the monthly rollups of the operations, prosecution and deadlines reports
(cases.models.rollups).

Design (issue #22):
- PostgreSQL only; SQLite (the demo) has no rollups and its reports read the rows.
- One `ArrestMonth` row per (local month, the arrest's owner, operation, county, arresting
  agency, and its case's owner, seal, charged or not, outcome) with how many unsealed arrests
  have them. The reader decides per viewer which of those the viewer may count.
- Correctness never rests on a service remembering: triggers mark a month stale on any write
  that may change it (migration 0041), a page reads only clean months from the rollup, and this
  module rebuilds stale ones (beat task `cases.tasks.rebuild_report_rollups`, the management
  command `rebuild_report_rollups`, and bench/bench_reports.py's seed).
- A month is rebuilt in its own transaction, which first marks its `ReportMonth` row clean: a
  write committing meanwhile either waits for that row (and marks it stale again after) or was
  committed before this transaction's later statements read the arrests.
- The deadlines report's rollup is also kept by local day (`DeadlineDay`, `DeadlineGrantDay`,
  `ReportDay`): a month's build builds its days, and the days of the current month that are
  over are rebuilt apart as they go stale, so a period's partial months (its first and the
  current one) are read from rollups too, all but today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from cases.models import (
    Arrest,
    ArrestGrantMonth,
    ArrestMonth,
    Case,
    CaseMonth,
    Charge,
    ChargeMonth,
    DeadlineDay,
    DeadlineGrantDay,
    DeadlineGrantMonth,
    DeadlineMonth,
    ReportDay,
    ReportMonth,
    Sentence,
    SentenceMonth,
)
from cases.models.charges import CONVICTIONS
from taskforce.access import BY_LABEL, DEADLINE_RECORDS
from taskforce.models import Deadline
from taskforce.records import analyze

FAMILY = "arrests"  # the operations report's
PROSECUTION = "prosecution"  # the prosecution report's: cases, counts and sentences
DEADLINES = "deadlines"  # the deadlines report's: the case records' deadlines
# The records whose deadlines the deadlines rollup holds, and the record each is counted by
# (DEADLINE_RECORDS: "" itself). Victims' and referrals' deadlines count people (keyed for
# disclosure control, reports/disclosure.py): the reports read them from the rows.
DEADLINE_ROLLED = {"cases.Case": "", "cases.Arrest": "", "cases.CourtEvent": "case"}
# Of those, the records whose deadlines are also rolled up by grantee group (DeadlineGrantMonth).
DEADLINE_GRANT_ROLLED = {"cases.Arrest"}

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

# The same, for the arrests each agency's group holds a standing view grant on (a hand-off's:
# no expiry; one that lapses is read from the rows) without owning them (ArrestGrantMonth).
GRANT_ROLLUP_SQL = """
INSERT INTO cases_arrestgrantmonth (month, group_id, operation_id, county_id,
    arresting_agency_id, case_owner_agency_id, is_case_live, is_case_charged, case_outcome, n)
SELECT date_trunc('month', a.arrested_at AT TIME ZONE %(zone)s)::date, g.group_id,
       a.operation_id, a.county_id, a.arresting_agency_id, c.owner_agency_id,
       CASE WHEN c.id IS NULL THEN NULL ELSE c.sealed_at IS NULL END,
       CASE WHEN c.id IS NULL THEN NULL ELSE c.charged_on IS NOT NULL END,
       c.outcome, count(*)
FROM cases_arrest a
JOIN cases_arrestgroupobjectpermission g ON g.content_object_id = a.id AND g.expires_at IS NULL
JOIN auth_permission p ON p.id = g.permission_id AND p.codename = 'view_arrest'
JOIN django_content_type t ON t.id = p.content_type_id AND t.app_label = 'cases'
     AND t.model = 'arrest'
LEFT JOIN taskforce_agency ag ON ag.group_id = g.group_id
LEFT JOIN cases_case c ON c.id = a.case_id
WHERE a.sealed_at IS NULL AND a.arrested_at >= %(since)s AND a.arrested_at < %(until)s
  AND ag.id IS DISTINCT FROM a.owner_agency_id
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
"""

# Unsealed cases opened, counts filed and disposed, and sentences of unsealed cases, by month
# (local: a case's opening time in the zone; counts' and sentences' days are local days).
# Whole days between two dates, as reports.figures.common.DaysBetween counts them.
PROSECUTION_SQL = [
    """
INSERT INTO cases_casemonth (month, owner_agency_id, county_id, kind, status, n)
SELECT date_trunc('month', c.created_at AT TIME ZONE %(zone)s)::date, c.owner_agency_id,
       c.county_id, c.kind, c.status, count(*)
FROM cases_case c
WHERE c.sealed_at IS NULL AND c.created_at >= %(since)s AND c.created_at < %(until)s
GROUP BY 1, 2, 3, 4, 5
""",
    # Counts by statute or disposition and level; apart from them the whole days the medians
    # are worked out from, by owner and task-force-wide (by county too, they would be nearly as
    # many rows as counts: the prosecution page reads the rows when counties are chosen).
    """
WITH counted AS (
    SELECT 'filed'::text AS event, date_trunc('month', ch.filed_on::timestamp)::date AS month,
           c.owner_agency_id AS owner, c.county_id AS county, ch.statute_id,
           ''::text AS disposition, ch.level::text AS level,
           ch.filed_on - ch.case_arrested_on AS days
    FROM cases_charge ch JOIN cases_case c ON c.id = ch.case_id
    WHERE c.sealed_at IS NULL AND ch.filed_on >= %(first)s AND ch.filed_on < %(after)s
    UNION ALL
    SELECT 'disposed', date_trunc('month', ch.disposed_on::timestamp)::date, c.owner_agency_id,
           c.county_id, NULL::bigint, ch.disposition::text, ch.level::text,
           ch.disposed_on - ch.defendant_charged_on
    FROM cases_charge ch JOIN cases_case c ON c.id = ch.case_id
    WHERE c.sealed_at IS NULL AND ch.disposition IS NOT NULL
      AND ch.disposed_on >= %(first)s AND ch.disposed_on < %(after)s
)
INSERT INTO cases_chargemonth (event, month, case_owner_agency_id, case_county_id, statute_id,
    disposition, level, days, n)
SELECT event, month, owner, county, statute_id, disposition, level, NULL::integer, count(*)
FROM counted GROUP BY event, month, owner, county, statute_id, disposition, level
UNION ALL
SELECT event || '_days', month, owner, NULL::bigint, NULL::bigint, '', '', days, count(*)
FROM counted GROUP BY event, month, owner, days
UNION ALL
SELECT event || '_days_all', month, 0, NULL::bigint, NULL::bigint, '', '', days, count(*)
FROM counted GROUP BY event, month, days
""",
    # The grant export's defendants charged (distinct case and defendant pairs): each pair
    # counted once, in the month of its first charging (`Charge.defendant_charged_on`, kept by
    # cases.services.outcomes), so months add up; pairs first charged before a period are read
    # from the rows (reports.grant). A change of that day updates the pair's counts, whose
    # trigger marks their filing months stale (migration 0049 adds the defendant).
    """
INSERT INTO cases_chargemonth (event, month, case_owner_agency_id, case_county_id, statute_id,
    disposition, level, days, n)
SELECT 'first_charged', date_trunc('month', ch.filed_on::timestamp)::date, c.owner_agency_id,
       c.county_id, NULL::bigint, '', '', NULL::integer,
       count(DISTINCT (ch.case_id, ch.defendant_id))
FROM cases_charge ch JOIN cases_case c ON c.id = ch.case_id
WHERE c.sealed_at IS NULL AND ch.filed_on = ch.defendant_charged_on
  AND ch.filed_on >= %(first)s AND ch.filed_on < %(after)s
GROUP BY 2, 3, 4
""",
    # The same for cases with a conviction: each case once, in the month of its first
    # conviction (`Charge.case_convicted_on`).
    """
INSERT INTO cases_chargemonth (event, month, case_owner_agency_id, case_county_id, statute_id,
    disposition, level, days, n)
SELECT 'first_convicted', date_trunc('month', ch.disposed_on::timestamp)::date,
       c.owner_agency_id, c.county_id, NULL::bigint, '', '', NULL::integer,
       count(DISTINCT ch.case_id)
FROM cases_charge ch JOIN cases_case c ON c.id = ch.case_id
WHERE c.sealed_at IS NULL AND ch.disposed_on = ch.case_convicted_on
  AND ch.disposition = ANY(%(convictions)s)
  AND ch.disposed_on >= %(first)s AND ch.disposed_on < %(after)s
GROUP BY 2, 3, 4
""",
    """
INSERT INTO cases_sentencemonth (month, case_owner_agency_id, case_county_id,
    first_arresting_agency_id, n, executed, stayed, probation, ordered, collected)
SELECT date_trunc('month', s.sentenced_on::timestamp)::date, c.owner_agency_id, c.county_id,
       c.first_arresting_agency_id, count(*),
       count(*) FILTER (WHERE s.custody_days > 0 AND NOT s.custody_stayed),
       count(*) FILTER (WHERE s.custody_days > 0 AND s.custody_stayed),
       count(*) FILTER (WHERE s.probation_months > 0),
       sum(s.assessment), sum(s.assessment_paid)
FROM cases_sentence s JOIN cases_case c ON c.id = s.case_id
WHERE c.sealed_at IS NULL AND s.sentenced_on >= %(first)s AND s.sentenced_on < %(after)s
GROUP BY 1, 2, 3, 4
""",
]
# The case records' deadlines falling due in [since, until) by local month, rule, responsible
# agency and outcome (reports.figures.deadlines), and by the owner of the record they are counted
# by and whether it may be counted: a case or arrest unsealed or gone (a report tests its id
# against the sealed ids), a hearing's case unsealed and there.
DEADLINES_SQL = """
INSERT INTO cases_deadline{unit} ({unit}, content_type_id, rule, responsible_agency_id, outcome,
    record_owner_agency_id, is_record_live, n)
SELECT date_trunc('{unit}', d.due_at AT TIME ZONE %(zone)s)::date, d.content_type_id, d.rule,
       d.responsible_agency_id,
       CASE WHEN d.status = 'met' AND d.closed_at <= d.due_at THEN 'on_time'
            WHEN d.status = 'met' AND d.closed_at > d.due_at THEN 'late'
            WHEN d.status IN ('missed', 'waived', 'open') THEN d.status ELSE '' END,
       CASE t.model WHEN 'case' THEN c.owner_agency_id WHEN 'arrest' THEN a.owner_agency_id
                    ELSE ec.owner_agency_id END,
       CASE t.model WHEN 'case' THEN c.sealed_at IS NULL WHEN 'arrest' THEN a.sealed_at IS NULL
                    ELSE ec.id IS NOT NULL AND ec.sealed_at IS NULL END,
       count(*)
FROM taskforce_deadline d
JOIN django_content_type t ON t.id = d.content_type_id AND t.app_label = 'cases'
     AND t.model IN ('case', 'arrest', 'courtevent')
LEFT JOIN cases_case c ON t.model = 'case' AND c.id = d.object_id
LEFT JOIN cases_arrest a ON t.model = 'arrest' AND a.id = d.object_id
LEFT JOIN cases_courtevent e ON t.model = 'courtevent' AND e.id = d.object_id
LEFT JOIN cases_case ec ON ec.id = e.case_id
WHERE d.due_at >= %(since)s AND d.due_at < %(until)s
GROUP BY 1, 2, 3, 4, 5, 6, 7
"""

# The deadlines of unsealed arrests an agency's group holds a standing view grant on without
# owning the arrest (DeadlineGrantMonth), as GRANT_ROLLUP_SQL holds the arrests themselves.
DEADLINES_GRANT_SQL = """
INSERT INTO cases_deadlinegrant{unit} ({unit}, content_type_id, rule, responsible_agency_id,
    outcome, group_id, n)
SELECT date_trunc('{unit}', d.due_at AT TIME ZONE %(zone)s)::date, d.content_type_id, d.rule,
       d.responsible_agency_id,
       CASE WHEN d.status = 'met' AND d.closed_at <= d.due_at THEN 'on_time'
            WHEN d.status = 'met' AND d.closed_at > d.due_at THEN 'late'
            WHEN d.status IN ('missed', 'waived', 'open') THEN d.status ELSE '' END,
       g.group_id, count(*)
FROM taskforce_deadline d
JOIN django_content_type t ON t.id = d.content_type_id AND t.app_label = 'cases'
     AND t.model = 'arrest'
JOIN cases_arrest a ON a.id = d.object_id AND a.sealed_at IS NULL
JOIN cases_arrestgroupobjectpermission g ON g.content_object_id = a.id AND g.expires_at IS NULL
JOIN auth_permission p ON p.id = g.permission_id AND p.codename = 'view_arrest'
     AND p.content_type_id = t.id
LEFT JOIN taskforce_agency ag ON ag.group_id = g.group_id
WHERE d.due_at >= %(since)s AND d.due_at < %(until)s
  AND ag.id IS DISTINCT FROM a.owner_agency_id
GROUP BY 1, 2, 3, 4, 5, 6
"""

FAMILIES = {
    FAMILY: (["cases_arrestmonth", "cases_arrestgrantmonth"], [ROLLUP_SQL, GRANT_ROLLUP_SQL]),
    PROSECUTION: (["cases_casemonth", "cases_chargemonth", "cases_sentencemonth"], PROSECUTION_SQL),
    DEADLINES: (
        ["cases_deadlinemonth", "cases_deadlinegrantmonth"],
        [sql.format(unit="month") for sql in (DEADLINES_SQL, DEADLINES_GRANT_SQL)],
    ),
}

# Families also kept by local day (cases.models.ReportDay): their tables by day and inserts.
DAY_FAMILIES = {
    DEADLINES: (
        ["cases_deadlineday", "cases_deadlinegrantday"],
        [sql.format(unit="day") for sql in (DEADLINES_SQL, DEADLINES_GRANT_SQL)],
    ),
}

MARK_CLEAN_SQL = """
INSERT INTO cases_reportmonth (family, month, is_stale, zone, built_at)
SELECT %(family)s, m, false, %(zone)s, now() FROM unnest(%(months)s::date[]) AS m ORDER BY m
ON CONFLICT (family, month) DO UPDATE
SET is_stale = false, zone = EXCLUDED.zone, built_at = EXCLUDED.built_at
"""


MARK_DAYS_CLEAN_SQL = """
INSERT INTO cases_reportday (family, day, is_stale, zone, built_at)
SELECT %(family)s, d::date, false, %(zone)s, now()
FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d ORDER BY 2
ON CONFLICT (family, day) DO UPDATE
SET is_stale = false, zone = EXCLUDED.zone, built_at = EXCLUDED.built_at
"""


def is_supported() -> bool:
    """Rollups exist on PostgreSQL only, and only while sealing is the one way a row is hidden
    (the SQL above tests `sealed_at`, the triggers too)."""
    if connection.vendor != "postgresql":
        return False
    if Arrest.hidden_when_set != ("sealed_at",) or Case.hidden_when_set != ("sealed_at",):
        raise ImproperlyConfigured("The arrest rollups test sealed_at only: update them.")
    for label, path in DEADLINE_ROLLED.items():
        # DEADLINES_SQL counts these records' deadlines by their own (or their case's) owner and
        # seal alone: no consent narrows who sees their progress.
        narrowed = BY_LABEL[label].progress_under_consent_of is not None
        if DEADLINE_RECORDS.get(label) != path or narrowed:
            raise ImproperlyConfigured(f"The deadline rollup reads {label} wrongly: update it.")
    return True


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def days_between(first: dt.date, after: dt.date) -> list[dt.date]:
    """The days from `first` to the one before `after` (none when `after` is not later)."""
    return [first + dt.timedelta(days=n) for n in range((after - first).days)]


def _midnight(day: dt.date) -> dt.datetime:
    """The local midnight starting `day`."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def month_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight starting month `first` and the one after month `last`."""
    return _midnight(first), _midnight(next_month(last))


def _replace(cursor, tables: list[str], unit: str, first: dt.date, after: dt.date,
             inserts: list[str], params: dict) -> None:  # fmt: skip
    """Delete the rows of the rollup `tables` whose `unit` (their month or day column) is from
    `first` to before `after`, then run the `inserts` that count them again."""
    for table in tables:
        cursor.execute(
            f"DELETE FROM {table} WHERE {unit} >= %s AND {unit} < %s",  # noqa: S608 - our names
            [first, after],
        )
    for insert in inserts:
        cursor.execute(insert, params)


def _build(family: str, months: list[dt.date]) -> None:
    """Mark clean, then replace the family's rollup rows of these consecutive months (one
    transaction, the caller's); for a family kept by day, its days too."""
    zone = settings.TIME_ZONE
    first, after = months[0], next_month(months[-1])
    tables, inserts = FAMILIES[family]
    params = {"zone": zone, "since": _midnight(first), "until": _midnight(after), "first": first,
              "after": after, "convictions": [str(d) for d in CONVICTIONS]}  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(MARK_CLEAN_SQL, {"family": family, "zone": zone, "months": months})
        _replace(cursor, tables, "month", first, after, inserts, params)
    if family in DAY_FAMILIES:
        _build_days(family, first, after)


def _build_days(family: str, first: dt.date, after: dt.date) -> None:
    """Mark clean, then replace the family's rollup rows by day of the local days [first,
    after) (one transaction, the caller's), as `_build` does months."""
    zone = settings.TIME_ZONE
    tables, inserts = DAY_FAMILIES[family]
    params = {"zone": zone, "since": _midnight(first), "until": _midnight(after)}
    with connection.cursor() as cursor:
        cursor.execute(
            MARK_DAYS_CLEAN_SQL,
            {"family": family, "zone": zone, "first": first, "last": after - dt.timedelta(1)},
        )
        _replace(cursor, tables, "day", first, after, inserts, params)


def _rebuild_each(units: Iterable[dt.date], build: Callable[[dt.date], None]) -> int:
    """`build` each month (or day), in its own transaction. Returns how many."""
    if not is_supported():
        return 0
    done = 0
    for unit in sorted(set(units)):
        with transaction.atomic():
            build(unit)
        done += 1
    return done


def report_months_rebuild(months: Iterable[dt.date], family: str = FAMILY) -> int:
    """Rebuild these months of a family, each in its own transaction. Returns how many."""
    return _rebuild_each(months, lambda month: _build(family, [month]))


def _first_day(family: str) -> dt.date | None:
    """The earliest local day a family's rollup counts anything on."""
    if family == FAMILY:
        found = [Arrest.objects.aggregate(first=Min("arrested_at"))["first"]]
    elif family == DEADLINES:
        found = [Deadline.objects.aggregate(first=Min("due_at"))["first"]]
    else:
        found = [
            Case.objects.aggregate(first=Min("created_at"))["first"],
            Charge.objects.aggregate(first=Min("filed_on"))["first"],
            Charge.objects.aggregate(first=Min("disposed_on"))["first"],
            Sentence.objects.aggregate(first=Min("sentenced_on"))["first"],
        ]
    days = [
        timezone.localdate(day) if isinstance(day, dt.datetime) else day
        for day in found
        if day is not None
    ]
    return min(days, default=None)


def _months(first: dt.date | None, current: dt.date) -> list[dt.date]:
    """The months from `first`'s to the one before `current` (a first day)."""
    months: list[dt.date] = []
    month = month_start(first) if first else current
    while month < current:
        months.append(month)
        month = next_month(month)
    return months


def report_months_due(today: dt.date | None = None, family: str = FAMILY) -> list[dt.date]:
    """Months of a family to rebuild: stale ones, ones built in another time zone, and ones
    never built, from the first it counts to the last whole month. The current month is not
    rebuilt (a write marks it stale; it is no whole month of a report before it ends)."""
    current = month_start(today or timezone.localdate())
    due = set(
        ReportMonth.objects.filter(family=family)
        .exclude(is_stale=False, zone=settings.TIME_ZONE)
        .filter(month__lt=current)
        .values_list("month", flat=True)
    )
    known = set(ReportMonth.objects.filter(family=family).values_list("month", flat=True))
    due.update(m for m in _months(_first_day(family), current) if m not in known)
    return sorted(due)


def report_days_due(today: dt.date | None = None, family: str = DEADLINES) -> list[dt.date]:
    """Days of the current month that are over (before `today`) to rebuild in a family kept by
    day: stale, built in another zone, or never built. The days of earlier months are built
    with their month (a write marks both stale)."""
    today = today or timezone.localdate()
    first = month_start(today)
    clean = set(
        ReportDay.objects.filter(
            family=family, is_stale=False, zone=settings.TIME_ZONE, day__gte=first, day__lt=today
        ).values_list("day", flat=True)
    )
    return [day for day in days_between(first, today) if day not in clean]


def report_days_rebuild(days: Iterable[dt.date], family: str = DEADLINES) -> int:
    """Rebuild these days of a family kept by day, each in its own transaction."""
    return _rebuild_each(days, lambda day: _build_days(family, day, day + dt.timedelta(days=1)))


def report_rollups_rebuild_due(today: dt.date | None = None) -> dict[str, int]:
    """What the beat task rebuilds: every family's months due, then the current month's days
    due of the families kept by day. Returns how many of each."""
    return {"months": report_months_rebuild_due(today), "days": report_days_rebuild_due(today)}


def report_days_rebuild_due(today: dt.date | None = None) -> int:
    """Every family's days of the current month due (`report_rollups_rebuild_due`)."""
    if not is_supported():
        return 0
    return sum(
        report_days_rebuild(report_days_due(today, family), family) for family in DAY_FAMILIES
    )


def report_months_rebuild_due(today: dt.date | None = None) -> int:
    """Rebuild every family's months due, one transaction each (`report_rollups_rebuild_due`)."""
    if not is_supported():
        return 0
    return sum(
        report_months_rebuild(report_months_due(today, family), family) for family in FAMILIES
    )


def report_months_rebuild_all(today: dt.date | None = None) -> int:
    """Every month of every family, from the first anything counts to the last whole month, in
    one transaction (after a bulk load: one scan of each table instead of one per month), then
    ANALYZE. Returns how many months."""
    if not is_supported():
        return 0
    firsts = [day for day in map(_first_day, FAMILIES) if day is not None]
    today = today or timezone.localdate()
    months = _months(min(firsts, default=None), month_start(today))
    if not months:
        return 0
    with transaction.atomic():
        for family in FAMILIES:
            _build(family, months)
        for family in DAY_FAMILIES:  # and the current month's days that are over
            if today > month_start(today):
                _build_days(family, month_start(today), today)
    analyze(
        ArrestMonth,
        ArrestGrantMonth,
        CaseMonth,
        ChargeMonth,
        SentenceMonth,
        DeadlineMonth,
        DeadlineGrantMonth,
        ReportMonth,
        DeadlineDay,
        DeadlineGrantDay,
        ReportDay,
    )
    return len(months)
