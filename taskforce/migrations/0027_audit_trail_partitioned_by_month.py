"""The audit trail becomes a table partitioned by month of `at` on PostgreSQL (issue #22).

At 100,000 record views a day one table grows by ~25 GB a year, and retention deleted millions
of rows a day. Partitioned by month, retention drops whole months (`taskforce.audit_partitions`)
and the access log reads the newest partitions first. The table is rebuilt: a new partitioned
table, a partition per month that has rows (and this month and the next three), a DEFAULT
partition for rows outside them, the rows copied, then the old table's indexes, foreign keys and
the append-only trigger made again on the parent, which PostgreSQL (13+) gives every partition,
present and future. The primary key in the database is (id, at): a partitioned table's unique
keys must hold the partition key; `id` stays unique, every row taking it from the one sequence.

The trigger's one change: the DELETE it lets through is now the move of rows out of the DEFAULT
partition into their month (`SET LOCAL taskforce.audit_partitioning = 'on'`, only
`audit_partitions.ensure_partitions` does), not the retention job's delete: retention drops
partitions. The redaction path (0017, 0019) is unchanged; an UPDATE reaches a partition's rows
through the parent and its trigger. SQLite (the laptop demo) keeps one plain table.

The field and index changes: each access-log filter gets an index ending in `at` (a supervisor's
rows: agency, action, at, for the agency whose records they are and for the actor's), and the
foreign keys' single-column indexes go (the composite indexes lead with each of them).
"""

import datetime as dt

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

TABLE = "taskforce_auditevent"
MONTHS_AHEAD = 3

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION taskforce_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('taskforce.%s', true) = 'on' THEN
            RETURN OLD;
        END IF;
    ELSIF (NEW.at, NEW.action, NEW.actor_username, NEW.actor_agency_name, NEW.target_type_id,
           NEW.target_id, NEW.reason, NEW.ip_address, NEW.user_agent)
          IS NOT DISTINCT FROM
          (OLD.at, OLD.action, OLD.actor_username, OLD.actor_agency_name, OLD.target_type_id,
           OLD.target_id, OLD.reason, OLD.ip_address, OLD.user_agent)
          AND ((NEW.target_label IS NOT DISTINCT FROM OLD.target_label
                AND NEW.changes::text IS NOT DISTINCT FROM OLD.changes::text)
               OR current_setting('taskforce.audit_redaction', true) = 'on')
          AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
          AND (NEW.actor_agency_id IS NULL OR NEW.actor_agency_id = OLD.actor_agency_id)
          AND (NEW.target_agency_id IS NULL OR NEW.target_agency_id = OLD.target_agency_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: %% refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""
TRIGGER = f"""
CREATE TRIGGER taskforce_audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION taskforce_audit_append_only();
"""


def _month(moment: dt.datetime) -> dt.date:
    moment = moment.astimezone(dt.UTC)
    return dt.date(moment.year, moment.month, 1)


def _next(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _schema(cursor) -> tuple[list[str], list[tuple[str, str]], str, tuple]:
    """The table's indexes (but its primary key) and foreign keys as SQL, its id sequence and
    where that sequence stands."""
    cursor.execute(
        "SELECT replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ') FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary ORDER BY 1",
        [TABLE],
    )
    indexes = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [TABLE],
    )
    foreign_keys = cursor.fetchall()
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
    sequence = cursor.fetchone()[0]
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 (catalog name)
    return indexes, foreign_keys, sequence, cursor.fetchone()


def _rebuild(cursor, *, partitioned: bool) -> None:
    """Copy the table into a new one, partitioned by month or plain, with the same indexes,
    foreign keys, trigger and sequence position."""
    indexes, foreign_keys, sequence, (last_value, is_called) = _schema(cursor)
    cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_old")
    cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {TABLE}_old_id_seq")
    cursor.execute(
        f"CREATE TABLE {TABLE} (LIKE {TABLE}_old INCLUDING DEFAULTS INCLUDING IDENTITY "
        f"INCLUDING STORAGE INCLUDING COMPRESSION)"
        + (" PARTITION BY RANGE (at)" if partitioned else "")
    )
    if partitioned:
        cursor.execute(f"SELECT min(at), now() FROM {TABLE}_old")  # noqa: S608 (fixed name)
        first, now = cursor.fetchone()
        month, last = _month(min(first or now, now)), _month(now)
        for _ in range(MONTHS_AHEAD):
            last = _next(last)
        while month <= last:
            cursor.execute(
                f"CREATE TABLE {TABLE}_p{month:%Y%m} PARTITION OF {TABLE} "
                "FOR VALUES FROM (%s) TO (%s)",
                [f"{month} 00:00:00+00", f"{_next(month)} 00:00:00+00"],
            )
            month = _next(month)
        cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
    cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {TABLE}_old")  # noqa: S608 (fixed name)
    cursor.execute(f"DROP TABLE {TABLE}_old CASCADE")
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, %s)", [TABLE, last_value, is_called]
    )
    key = "id, at" if partitioned else "id"
    cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY ({key})")
    for index in indexes:
        cursor.execute(index)
    for name, definition in foreign_keys:
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
    cursor.execute(APPEND_ONLY % ("audit_partitioning" if partitioned else "audit_retention"))
    cursor.execute(TRIGGER)
    cursor.execute(f"ANALYZE {TABLE}")


def partition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            _rebuild(cursor, partitioned=True)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            _rebuild(cursor, partitioned=False)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("taskforce", "0026_agency_sign_in_method_and_directory_subject"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(max_length=60),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor_agency",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="taskforce.agency",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="target_agency",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="taskforce.agency",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="target_type",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.RemoveIndex(model_name="auditevent", name="taskforce_a_target__77a093_idx"),
        migrations.RunPython(partition, unpartition),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                fields=["target_agency", "action", "-at"], name="audit_target_agency_action_at"
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                fields=["actor_agency", "action", "-at"], name="audit_actor_agency_action_at"
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["action", "-at"], name="audit_action_at"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                django.db.models.functions.text.Upper("actor_username"),
                models.OrderBy(models.F("at"), descending=True),
                name="audit_username_at",
            ),
        ),
    ]
