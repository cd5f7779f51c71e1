"""The audit trail refuses UPDATE and DELETE in the database itself (PostgreSQL).

Two exceptions: the retention job's delete, in a transaction that says so
(`SET LOCAL taskforce.audit_retention = 'on'`), and the one update Django's foreign keys make,
setting a deleted user's or agency's key to NULL (the row keeps their name and nothing else
changes). SQLite, the laptop demo's database, has no such guard.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION taskforce_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('taskforce.audit_retention', true) = 'on' THEN
            RETURN OLD;
        END IF;
    ELSIF (NEW.at, NEW.action, NEW.actor_username, NEW.actor_agency_name, NEW.target_type_id,
           NEW.target_id, NEW.target_label, NEW.reason, NEW.changes::text, NEW.ip_address,
           NEW.user_agent)
          IS NOT DISTINCT FROM
          (OLD.at, OLD.action, OLD.actor_username, OLD.actor_agency_name, OLD.target_type_id,
           OLD.target_id, OLD.target_label, OLD.reason, OLD.changes::text, OLD.ip_address,
           OLD.user_agent)
          AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
          AND (NEW.actor_agency_id IS NULL OR NEW.actor_agency_id = OLD.actor_agency_id)
          AND (NEW.target_agency_id IS NULL OR NEW.target_agency_id = OLD.target_agency_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER taskforce_audit_append_only
    BEFORE UPDATE OR DELETE ON taskforce_auditevent
    FOR EACH ROW EXECUTE FUNCTION taskforce_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS taskforce_audit_append_only ON taskforce_auditevent;
DROP FUNCTION IF EXISTS taskforce_audit_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("taskforce", "0013_reminder_due_index_in_sweep_order")]

    operations = [migrations.RunPython(forward, backward)]
