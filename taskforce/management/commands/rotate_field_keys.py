"""Re-encrypt victims' identifying fields under the first of FIELD_ENCRYPTION_KEYS."""

from django.core.management.base import BaseCommand

from taskforce.encryption import rotate_field_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column with the first key in FIELD_ENCRYPTION_KEYS. Rotate "
        "keys by prepending a new key, running this, then removing the old key."
    )

    def handle(self, *args, **options):
        for label, count in rotate_field_keys().items():
            self.stdout.write(f"{label}: {count} rows re-encrypted")
