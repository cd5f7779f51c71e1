"""Replace, in audit rows written before a field was protected, the field's value by the marker
new rows carry ("changed; content not recorded"), through the redaction path (0017, 0019), and
record an `audit.redacted` row with the count.
"""

from django.db import migrations

from taskforce.protected import PROTECTED_FIELDS

REDACTED = "(changed; content not recorded)"
REDACT_SQL = """
UPDATE taskforce_auditevent SET changes = (
    SELECT jsonb_object_agg(key, CASE WHEN key = ANY(%(fields)s) THEN to_jsonb(%(marker)s::text)
                                      ELSE value END)
    FROM jsonb_each(changes)
)
WHERE target_type_id = %(content_type)s AND jsonb_typeof(changes) = 'object'
  AND EXISTS (SELECT 1 FROM jsonb_each(changes) AS c(key, value)
              WHERE c.key = ANY(%(fields)s) AND c.value <> to_jsonb(%(marker)s::text))
"""


def redact(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return  # the laptop demo starts empty
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = 0
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL taskforce.audit_redaction = 'on'")
        for label, fields in PROTECTED_FIELDS.items():
            app_label, model = label.split(".")
            content_type = ContentType.objects.filter(
                app_label=app_label, model=model.lower()
            ).first()
            if content_type is None:
                continue
            cursor.execute(REDACT_SQL, {"fields": sorted(fields), "marker": REDACTED,
                                        "content_type": content_type.pk})
            rows += cursor.rowcount
        cursor.execute("SET LOCAL taskforce.audit_redaction = 'off'")
    if rows:
        apps.get_model("taskforce", "AuditEvent").objects.create(
            action="audit.redacted",
            reason="Values of fields protected since they were recorded (issue #18).",
            changes={"rows": rows},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("taskforce", "0019_audit_redaction_reaches_values"),
        ("cases", "0030_booking_numbers_encrypted"),
        ("victims", "0011_guardian_name_encrypted"),
    ]

    operations = [migrations.RunPython(redact, migrations.RunPython.noop)]
