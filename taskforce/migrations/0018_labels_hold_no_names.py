"""Share rows and audit rows named records by their content ("Doe, Jane (b. 1990-01-02)"):
rewrite every such label to the record's kind and short id, as new rows are written
(`taskforce.audit.label_for`). Pages read a record's name through the policy when they show it.

Audit rows are rewritten through the trigger's redaction path (migration 0017), and the
rewrite is itself recorded as an `audit.redacted` row.
"""

from django.db import migrations

from taskforce.protected import BY_LABEL


def _labelled_models(apps):
    """(content type, model, has a public id) of every record kind whose labels may name people."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for content_type in ContentType.objects.all():
        try:
            model = apps.get_model(content_type.app_label, content_type.model)
        except LookupError:
            continue
        fields = {field.name for field in model._meta.get_fields()}
        if "public_id" in fields or model._meta.label in BY_LABEL:
            yield content_type, model, "public_id" in fields


def relabel(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return  # the laptop demo starts empty: nothing was ever labelled the old way
    quote = connection.ops.quote_name
    rows = {"audit": 0, "shares": 0}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL taskforce.audit_redaction = 'on'")
        for content_type, model, has_public_id in _labelled_models(apps):
            kind = str(model._meta.verbose_name)
            for table, label, type_column, id_column, counted in (
                ("taskforce_auditevent", "target_label", "target_type_id", "target_id", "audit"),
                ("taskforce_share", "object_label", "content_type_id", "object_id", "shares"),
            ):
                cursor.execute(
                    f"UPDATE {table} SET {label} = %s || ' #' || {id_column} "
                    f"WHERE {type_column} = %s",
                    [kind, content_type.pk],
                )
                rows[counted] += cursor.rowcount
                if has_public_id:
                    cursor.execute(
                        f"UPDATE {table} t SET {label} = %s || ' ' || "
                        f"left(replace(o.public_id::text, '-', ''), 8) "
                        f"FROM {quote(model._meta.db_table)} o "
                        f"WHERE t.{type_column} = %s AND t.{id_column} = o.id",
                        [kind, content_type.pk],
                    )
        cursor.execute("SET LOCAL taskforce.audit_redaction = 'off'")
    if rows["audit"] or rows["shares"]:
        apps.get_model("taskforce", "AuditEvent").objects.create(
            action="audit.redacted",
            reason="Labels named records by their content; rewritten to kind and short id "
            "(issue #18).",
            changes=rows,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("taskforce", "0017_audit_redaction_path"),
        ("cases", "0024_case_caption_from_defendants"),
        ("victims", "0010_contact_method_is_the_shared_contact_list"),
        ("referrals", "0005_report_indexes"),
    ]

    operations = [migrations.RunPython(relabel, migrations.RunPython.noop)]
