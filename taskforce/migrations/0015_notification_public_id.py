"""Notifications get a public id, so the API marks one read without a countable number."""

import uuid

from django.db import migrations, models


def give_public_ids(apps, schema_editor):
    Notification = apps.get_model("taskforce", "Notification")
    pending = Notification.objects.filter(public_id__isnull=True).only("pk")
    for notification in pending.iterator(chunk_size=2000):
        notification.public_id = uuid.uuid4()
        notification.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("taskforce", "0014_audit_trail_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_public_ids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="notification",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
