"""The audit trail by month: each row in its month's partition, months made ahead by the beat,
rows caught by DEFAULT moved into their month, old months retired whole by retention, and every
partition as append-only as the table was (issue #22)."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.db.utils import DatabaseError

from taskforce import audit, audit_partitions, tasks
from taskforce.models import AuditEvent

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def at(*when) -> dt.datetime:
    return dt.datetime(*when, tzinfo=UTC)


def written_at(moment: dt.datetime, action: str = "case.viewed") -> AuditEvent:
    with time_machine.travel(moment, tick=False):
        return audit.record(None, action)


def partition_of(event: AuditEvent) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM taskforce_auditevent WHERE id = %s",
                       [event.pk])  # fmt: skip
        return cursor.fetchone()[0]


def test_the_table_is_partitioned_with_a_default():
    assert audit_partitions.is_partitioned()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('taskforce_auditevent_default') IS NOT NULL")
        assert cursor.fetchone()[0]


def test_rows_land_in_their_months_partition_and_months_are_made_ahead_once():
    made = audit_partitions.ensure_partitions(now=at(2025, 3, 15, 12))
    assert made == [f"taskforce_auditevent_p2025{m:02}" for m in (3, 4, 5, 6)]
    assert audit_partitions.ensure_partitions(now=at(2025, 3, 15, 12)) == []
    assert audit_partitions.ensure_partitions(now=at(2025, 3, 31, 23)) == []
    last_of_march = written_at(at(2025, 3, 31, 23, 59, 59))
    first_of_april = written_at(at(2025, 4, 1))
    assert partition_of(last_of_march) == "taskforce_auditevent_p202503"
    assert partition_of(first_of_april) == "taskforce_auditevent_p202504"
    # Months are UTC months: 7 pm on March 31 in Minnesota is already April.
    assert audit_partitions.month_of(at(2025, 4, 1, 0, 30)) == dt.date(2025, 4, 1)


def test_rows_waiting_in_default_move_into_the_month_made_for_them_unchanged():
    stray = written_at(at(2024, 1, 10, 8), action="referral.viewed")
    assert partition_of(stray) == "taskforce_auditevent_default"
    assert "taskforce_auditevent_p202401" in audit_partitions.ensure_partitions(
        now=at(2024, 1, 10, 9), months_ahead=0
    )
    assert partition_of(stray) == "taskforce_auditevent_p202401"
    moved = AuditEvent.objects.get(pk=stray.pk)
    assert (moved.at, moved.action, moved.changes) == (stray.at, "referral.viewed", {})
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM taskforce_auditevent_default")
        assert cursor.fetchone()[0] == 0


def test_retention_drops_whole_months_past_the_cutoff_and_leaves_younger_ones(settings):
    settings.AUDIT_RETENTION_DAYS = 400
    now = at(2026, 6, 15, 12)  # cutoff 2025-05-11 12:00: April 2025 is wholly older
    audit_partitions.ensure_partitions(now=at(2025, 4, 1), months_ahead=2)
    april = [written_at(at(2025, 4, day)) for day in (1, 30)]
    straddling = written_at(at(2025, 5, 2))  # older than 400 days, but May is not wholly past
    young = written_at(at(2025, 6, 1))
    assert audit.audit_trail_prune(now=now) == 2
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in april]).exists()
    assert AuditEvent.objects.filter(pk__in=[straddling.pk, young.pk]).count() == 2
    partitions = audit_partitions.month_partitions()
    assert dt.date(2025, 4, 1) not in partitions and dt.date(2025, 5, 1) in partitions
    summary = AuditEvent.objects.get(action="audit.pruned")
    assert summary.changes["rows"] == 2
    assert summary.changes["older_than"] == "2025-05-01T00:00:00+00:00"
    assert audit.audit_trail_prune(now=now) == 0
    # A month later May is wholly past the cutoff too.
    assert audit.audit_trail_prune(now=at(2026, 7, 15, 12)) == 1


def test_retention_takes_old_rows_that_were_waiting_in_default(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    stray = written_at(at(2023, 2, 3))
    assert partition_of(stray) == "taskforce_auditevent_default"
    assert audit.audit_trail_prune(now=at(2026, 6, 15)) == 1
    assert not AuditEvent.objects.filter(pk=stray.pk).exists()


def test_a_partition_refuses_update_and_delete_like_the_table():
    audit_partitions.ensure_partitions(now=at(2025, 8, 1), months_ahead=0)
    event = written_at(at(2025, 8, 20))
    stray = written_at(at(2022, 8, 20))  # in DEFAULT
    statements = [
        ("UPDATE taskforce_auditevent_p202508 SET action = 'nothing' WHERE id = %s", event),
        ("UPDATE taskforce_auditevent SET reason = 'edited' WHERE id = %s", event),
        ("UPDATE taskforce_auditevent SET at = at - interval '1 month' WHERE id = %s", event),
        ("DELETE FROM taskforce_auditevent_p202508 WHERE id = %s", event),
        ("DELETE FROM taskforce_auditevent WHERE id = %s", event),
        ("DELETE FROM taskforce_auditevent_default WHERE id = %s", stray),
    ]
    for statement, row in statements:
        # The old retention switch opens nothing now: retention drops partitions.
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET LOCAL taskforce.audit_retention = 'on'")
            cursor.execute(statement, [row.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "case.viewed"
    assert partition_of(event) == "taskforce_auditevent_p202508"


def test_redaction_still_rewrites_a_label_in_a_partition():
    audit_partitions.ensure_partitions(now=at(2025, 9, 1), months_ahead=0)
    event = written_at(at(2025, 9, 2))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL taskforce.audit_redaction = 'on'")
        cursor.execute(
            "UPDATE taskforce_auditevent SET target_label = 'case 0a1b2c3d' WHERE id = %s",
            [event.pk],
        )
    assert AuditEvent.objects.get(pk=event.pk).target_label == "case 0a1b2c3d"


def test_the_beat_prepares_next_months_daily():
    entries = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert entries["taskforce.tasks.prepare_audit_partitions"]["schedule"] == 86400.0
    month = audit_partitions.month_of(dt.datetime.now(UTC))
    tasks.prepare_audit_partitions()
    ahead = set(audit_partitions.month_partitions())
    for _ in range(audit_partitions.MONTHS_AHEAD + 1):
        assert month in ahead
        month = audit_partitions.next_month(month)
