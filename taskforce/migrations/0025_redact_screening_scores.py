"""Screening scores are protected from now on (victims 0013 encrypts them): the audit values
written before are replaced by the marker, through 0020's redaction (which reads the protected
fields as they are now, so it only touches values not yet redacted)."""

from importlib import import_module

from django.db import migrations

redact = import_module("taskforce.migrations.0020_redact_values_of_fields_protected_since").redact


class Migration(migrations.Migration):
    dependencies = [
        ("taskforce", "0024_deadline_keeps_its_context"),
        ("victims", "0013_screening_score_encrypted"),
    ]

    operations = [migrations.RunPython(redact, migrations.RunPython.noop)]
