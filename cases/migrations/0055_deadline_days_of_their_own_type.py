# The deadlines rollup's stale marking (migration 0043) looked up the deadlines of the records
# a write touched with `t.model = model`: in an SQL function a column name wins over a
# parameter of the same name, so that read `t.model = t.model` and took the deadlines of every
# type whose record had one of the ids (a case's id marked an arrest's and a hearing's months
# too). Always more months than needed, never fewer (stale months are read from the rows, so
# no figure was wrong), but a whole rollup could go stale at a seal. The parameters are now
# named by the function.

from django.db import migrations

FIXED = """
CREATE OR REPLACE FUNCTION cases_deadline_days(app text, model text, ids bigint[])
RETURNS date[] LANGUAGE sql STABLE AS $$
    SELECT cases_report_moments_days(ARRAY(
        SELECT d.due_at FROM taskforce_deadline d
        JOIN django_content_type t ON t.id = d.content_type_id
        WHERE t.app_label = cases_deadline_days.app AND t.model = cases_deadline_days.model
          AND d.object_id = ANY(cases_deadline_days.ids)
    ))
$$;
"""

BEFORE = """
CREATE OR REPLACE FUNCTION cases_deadline_days(app text, model text, ids bigint[])
RETURNS date[] LANGUAGE sql STABLE AS $$
    SELECT cases_report_moments_days(ARRAY(
        SELECT d.due_at FROM taskforce_deadline d
        JOIN django_content_type t ON t.id = d.content_type_id
        WHERE t.app_label = app AND t.model = model AND d.object_id = ANY(ids)
    ))
$$;
"""


def fixed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # SQLite (the demo) has no rollups
        schema_editor.execute(FIXED)


def before(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0054_report_indexes_hold_first_days"),
    ]

    operations = [migrations.RunPython(fixed, before)]
