# The grant export's defendants charged from the prosecution rollup (issue #22): ChargeMonth
# rows of event "first_charged" (no schema change). A count moved to another defendant now
# marks its months stale too, and every prosecution month is marked stale so the beat task
# rebuilds it with the new rows (a clean month built before has none).

from django.db import migrations

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION cases_charge_prosecution_stale() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM cases_report_days_stale('prosecution', ARRAY(
            SELECT unnest(ARRAY[filed_on, disposed_on]) FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM cases_report_days_stale('prosecution', ARRAY(
            SELECT unnest(ARRAY[filed_on, disposed_on]) FROM old_rows));
    ELSE
        PERFORM cases_report_days_stale('prosecution', ARRAY(
            SELECT unnest(ARRAY[o.filed_on, o.disposed_on, n.filed_on, n.disposed_on])
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.case_id, o.statute_id, o.level, o.filed_on, o.disposition, o.disposed_on,
                   o.case_arrested_on, o.defendant_charged_on{defendant_old})
                  IS DISTINCT FROM
                  (n.case_id, n.statute_id, n.level, n.filed_on, n.disposition, n.disposed_on,
                   n.case_arrested_on, n.defendant_charged_on{defendant_new})));
    END IF;
    RETURN NULL;
END $$;
"""

# Every prosecution month rebuilt by the beat task with the new rows.
MARK_STALE_SQL = (
    "UPDATE cases_reportmonth SET is_stale = true, marked_at = now() WHERE family = 'prosecution'"
)


def with_defendant(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":  # SQLite (the demo) has no rollups
        return
    schema_editor.execute(
        TRIGGER_SQL.format(defendant_old=", o.defendant_id", defendant_new=", n.defendant_id")
    )
    schema_editor.execute(MARK_STALE_SQL)


def without_defendant(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(TRIGGER_SQL.format(defendant_old="", defendant_new=""))
    schema_editor.execute("DELETE FROM cases_chargemonth WHERE event = 'first_charged'")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0048_deadline_grant_month_rollup"),
    ]

    operations = [
        migrations.RunPython(with_defendant, without_defendant, elidable=False),
    ]
