"""The audit trigger's redaction path (migration 0017) may also rewrite a row's `changes`.

Fields became protected after rows were written with their values (a booking number, an
arrest's meeting place, a runaway report's address): migration 0020 replaces those values by the
marker new rows carry, through this path, and records that it did.
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
    RAISE EXCEPTION 'The audit trail is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""

# The function as migration 0017 left it.
BACKWARD = """
CREATE OR REPLACE FUNCTION taskforce_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('taskforce.audit_retention', true) = 'on' THEN
            RETURN OLD;
        END IF;
    ELSIF (NEW.at, NEW.action, NEW.actor_username, NEW.actor_agency_name, NEW.target_type_id,
           NEW.target_id, NEW.reason, NEW.changes::text, NEW.ip_address, NEW.user_agent)
          IS NOT DISTINCT FROM
          (OLD.at, OLD.action, OLD.actor_username, OLD.actor_agency_name, OLD.target_type_id,
           OLD.target_id, OLD.reason, OLD.changes::text, OLD.ip_address, OLD.user_agent)
          AND (NEW.target_label IS NOT DISTINCT FROM OLD.target_label
               OR current_setting('taskforce.audit_redaction', true) = 'on')
          AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
          AND (NEW.actor_agency_id IS NULL OR NEW.actor_agency_id = OLD.actor_agency_id)
          AND (NEW.target_agency_id IS NULL OR NEW.target_agency_id = OLD.target_agency_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("taskforce", "0018_labels_hold_no_names")]

    operations = [migrations.RunPython(forward, backward)]
