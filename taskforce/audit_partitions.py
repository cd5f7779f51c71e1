"""The audit trail's monthly partitions on PostgreSQL: made months ahead, retired whole.

Migration 0027 partitions `taskforce_auditevent` by range of `at`, one partition per calendar
month in UTC (`taskforce_auditevent_p202612` holds December 2026), and a DEFAULT partition that
catches a row no month partition holds yet (a clock far ahead, a month the beat did not
prepare). `ensure_partitions` (daily, beat) makes this month's partition and the next ones, and
moves any rows waiting in DEFAULT into the month partition it makes for them. Retention
(`audit.audit_trail_prune`) drops the partitions of months wholly older than its cutoff: a DROP
of one table instead of millions of row deletes, with no dead rows left to vacuum.

On SQLite (the laptop demo) the table is a plain table and every function here does nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

TABLE = "taskforce_auditevent"
DEFAULT = f"{TABLE}_default"
MONTHS_AHEAD = 3
_NAME = re.compile(rf"^{TABLE}_p(\d{{4}})(\d{{2}})$")


def month_of(moment: dt.datetime) -> dt.date:
    """The first day of the (UTC) month a moment falls in: the partition that holds it."""
    moment = moment.astimezone(dt.UTC)
    return dt.date(moment.year, moment.month, 1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def start_of(month: dt.date) -> dt.datetime:
    return dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC)


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_p{month:%Y%m}"


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def month_partitions() -> dict[dt.date, str]:
    """The month partitions there are, by month (DEFAULT aside)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    found = {}
    for name in names:
        match = _NAME.match(name)
        if match:
            found[dt.date(int(match[1]), int(match[2]), 1)] = name
    return found


def _lock(cursor) -> None:
    # One maintainer at a time (the beat's task and retention may overlap); released at commit.
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext('taskforce_auditevent partitions'))")


def _waiting_in_default(cursor) -> set[dt.date]:
    """The months of the rows waiting in DEFAULT (normally none)."""
    cursor.execute(
        f"SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC')::date FROM {DEFAULT}"  # noqa: S608 (fixed name)
    )
    return {row[0] for row in cursor.fetchall()}


def _create(cursor, month: dt.date, *, move: bool) -> None:
    """Make one month's partition; with `move`, first take that month's rows out of DEFAULT
    (PostgreSQL refuses a partition whose rows sit in DEFAULT) and put them back through the
    parent, into the new partition. The trigger lets this transaction's delete from DEFAULT
    through (`taskforce.audit_partitioning`) and nothing else: the rows keep every value."""
    bounds = [start_of(month), start_of(next_month(month))]
    name = partition_name(month)
    if move:
        cursor.execute("SET LOCAL taskforce.audit_partitioning = 'on'")
        cursor.execute(f"CREATE TEMPORARY TABLE audit_moving (LIKE {TABLE}) ON COMMIT DROP")
        cursor.execute(
            f"WITH moved AS (DELETE FROM {DEFAULT} WHERE at >= %s AND at < %s RETURNING *) "  # noqa: S608 (fixed name)
            "INSERT INTO audit_moving SELECT * FROM moved",
            bounds,
        )
        moved = cursor.rowcount
        cursor.execute("SET LOCAL taskforce.audit_partitioning = 'off'")
    cursor.execute(f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)", bounds)
    if move:
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM audit_moving")  # noqa: S608 (fixed name)
        cursor.execute("DROP TABLE audit_moving")
        logger.info("audit trail: %d rows moved from the default partition to %s", moved, name)


@transaction.atomic
def ensure_partitions(
    *, now: dt.datetime | None = None, months_ahead: int = MONTHS_AHEAD
) -> list[str]:
    """Make the partitions of this month and the `months_ahead` next ones, and of every month
    that has rows waiting in DEFAULT (moving them in). Idempotent: returns the names it made."""
    if not is_partitioned():
        return []
    month = month_of(now or timezone.now())
    wanted = {month}
    for _ in range(months_ahead):
        month = next_month(month)
        wanted.add(month)
    made = []
    with connection.cursor() as cursor:
        _lock(cursor)
        waiting = _waiting_in_default(cursor)
        existing = month_partitions()
        for month in sorted((wanted | waiting) - set(existing)):
            _create(cursor, month, move=month in waiting)
            made.append(partition_name(month))
    if made:
        logger.info("audit trail: partitions %s made", ", ".join(made))
    return made


@transaction.atomic
def drop_partitions_before(before: dt.date) -> dict[str, int]:
    """Drop the partitions of the months that end on or before `before` (the first day of a
    month); returns the rows each held, by partition name. Rows of those months still waiting
    in DEFAULT are moved into their month first, so they go with it."""
    if not is_partitioned():
        return {}
    dropped = {}
    with connection.cursor() as cursor:
        _lock(cursor)
        existing = month_partitions()
        for month in sorted(_waiting_in_default(cursor) - set(existing)):
            if month < before:
                _create(cursor, month, move=True)
        # PostgreSQL refuses to drop a table with foreign-key checks still deferred to commit
        # (rows just moved in, or written in this transaction): run them now.
        cursor.execute(
            "SELECT string_agg(quote_ident(conname), ', ') FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [TABLE],
        )
        foreign_keys = cursor.fetchone()[0]
        if foreign_keys:
            cursor.execute(f"SET CONSTRAINTS {foreign_keys} IMMEDIATE")
        for month, name in sorted(month_partitions().items()):
            if month >= before:
                continue
            cursor.execute(f"SELECT count(*) FROM {name}")  # noqa: S608 (a partition's name)
            dropped[name] = cursor.fetchone()[0]
            cursor.execute(f"DROP TABLE {name}")
        if foreign_keys:
            cursor.execute(f"SET CONSTRAINTS {foreign_keys} DEFERRED")  # as Django makes them
    return dropped
