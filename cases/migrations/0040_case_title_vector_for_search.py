"""The title's words kept on the case for the caseload's search (issue #22): a column, and on
PostgreSQL a trigger that fills it on every insert and every change of the title (bulk loads and
raw SQL included), then the existing rows filled once. The history trigger leaves the column out
(`taskforce.protected`: derived), so the fill writes no history rows."""

import django.contrib.postgres.search
from django.db import migrations

TRIGGER = """
CREATE TRIGGER cases_case_title_vector
BEFORE INSERT OR UPDATE OF title ON cases_case
FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(title_vector, 'pg_catalog.english', title)
"""


def keep_title_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite (the demo) searches titles with LIKE
    schema_editor.execute(TRIGGER)
    schema_editor.execute(
        "UPDATE cases_case SET title_vector = to_tsvector('pg_catalog.english', title)"
    )


def drop_title_vector_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS cases_case_title_vector ON cases_case")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0039_report_covering_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="title_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                blank=True, editable=False, null=True
            ),
        ),
        migrations.RunPython(keep_title_vector, drop_title_vector_trigger),
    ]
