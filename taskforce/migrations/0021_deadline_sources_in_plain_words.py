"""Deadlines keep the source text of their rule as it read when they were set: those of the
three agency-target rules named a model field (Agency.charging_target_days); they now read in
plain words, as the rules do (issue #19 §4). Dates and rules are unchanged."""

from django.db import migrations

PLAIN = {
    "Prosecution agency's target (Agency.charging_target_days)": (
        "The prosecuting office's charging target, set by an administrator"
    ),
    "Victim-service agency's target (Agency.first_contact_days)": (
        "The victim-service agency's first-contact target, set by an administrator"
    ),
    "Victim-service agency's interval (Agency.follow_up_days)": (
        "The victim-service agency's follow-up interval, set by an administrator"
    ),
}


def plain_words(apps, schema_editor):
    Deadline = apps.get_model("taskforce", "Deadline")
    for old, new in PLAIN.items():
        Deadline.objects.filter(source=old).update(source=new)


def field_names(apps, schema_editor):
    Deadline = apps.get_model("taskforce", "Deadline")
    for old, new in PLAIN.items():
        Deadline.objects.filter(source=new).update(source=old)


class Migration(migrations.Migration):
    dependencies = [("taskforce", "0020_redact_values_of_fields_protected_since")]

    operations = [migrations.RunPython(plain_words, field_names)]
