# Identifiers and ad responses (issue #18): phones, handles, aliases, emails, booking and licence
# numbers are encrypted at rest; `normalised` becomes the keyed hash of the normal form, so the
# two tables still join on equality without holding a number or handle in clear.

import taskforce.encryption
from django.db import migrations, models

from cases.models.people import identifier_key
from taskforce.encryption import migration_encrypting


def keys(row) -> dict[str, str]:
    return {"normalised": identifier_key(row.kind, row.value)}


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0027_booking_number_message_names_no_arrest'),
    ]

    operations = [
        migrations.AlterField(
            model_name='adresponse',
            name='value',
            field=taskforce.encryption.EncryptedCharField(max_length=120),
        ),
        migrations.AlterField(
            model_name='personidentifier',
            name='value',
            field=taskforce.encryption.EncryptedCharField(max_length=120),
        ),
        # The plain normal forms (up to 120 characters) are replaced before the columns narrow.
        migrations.RunPython(
            migration_encrypting("cases.PersonIdentifier", ("value",), keys),
            migrations.RunPython.noop,
        ),
        migrations.RunPython(
            migration_encrypting("cases.AdResponse", ("value",), keys),
            migrations.RunPython.noop,
        ),
        migrations.AlterField(
            model_name='adresponse',
            name='normalised',
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='personidentifier',
            name='normalised',
            field=models.CharField(db_index=True, editable=False, max_length=64),
        ),
    ]
