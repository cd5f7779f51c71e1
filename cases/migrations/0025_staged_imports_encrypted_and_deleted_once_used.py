# Staged CSV files (issue #18): encrypted at rest, deleted once saved or discarded, purged after
# 24 hours. The files already closed (kept emptied) or older than a day are deleted first; the
# rest are encrypted in place.

import datetime as dt

import taskforce.encryption
from django.db import migrations
from django.db.models import Q
from django.utils import timezone

from taskforce.encryption import migration_encrypting


def delete_used_and_old(apps, schema_editor):
    """Saved or discarded files were kept emptied (content ''); those and any older than a day go."""
    cutoff = timezone.now() - dt.timedelta(hours=24)
    for name in ("ArrestImport", "RunawayImport"):
        model = apps.get_model("cases", name)
        model.objects.filter(Q(content="") | Q(created_at__lte=cutoff)).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0024_case_caption_from_defendants'),
    ]

    operations = [
        migrations.RunPython(delete_used_and_old, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='arrestimport',
            name='status',
        ),
        migrations.RemoveField(
            model_name='runawayimport',
            name='status',
        ),
        migrations.AlterField(
            model_name='arrestimport',
            name='content',
            field=taskforce.encryption.EncryptedTextField(help_text="The file's text; the row is deleted once used."),
        ),
        migrations.AlterField(
            model_name='arrestimport',
            name='file_name',
            field=taskforce.encryption.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name='runawayimport',
            name='content',
            field=taskforce.encryption.EncryptedTextField(help_text="The file's text; the row is deleted once used."),
        ),
        migrations.AlterField(
            model_name='runawayimport',
            name='file_name',
            field=taskforce.encryption.EncryptedTextField(),
        ),
        migrations.RunPython(migration_encrypting("cases.ArrestImport"), migrations.RunPython.noop),
        migrations.RunPython(migration_encrypting("cases.RunawayImport"), migrations.RunPython.noop),
    ]
