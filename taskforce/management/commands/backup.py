"""Back up the database and the uploaded documents into one folder (taskforce/backups.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from taskforce.backups import BackupError, backup, read_manifest


class Command(BaseCommand):
    help = (
        "Write a backup folder (pg_dump -Fc of the database, a tar of PRIVATE_FILES_ROOT and a "
        "manifest with counts, checksums and key fingerprints) under DESTINATION."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path, help="folder to write the backup into")

    def handle(self, *args, destination: Path, **options):
        try:
            folder = backup(destination)
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = read_manifest(folder)
        self.stdout.write(f"Backup written to {folder}")
        self.stdout.write(
            f"  {sum(manifest['counts'].values())} rows in {len(manifest['counts'])} tables, "
            f"{len(manifest['documents'])} documents"
        )
        for name in manifest["documents_missing"]:
            self.stderr.write(f"  warning: {name} is named by a row but was deleted meanwhile")
        self.stdout.write(
            "  Keys (fingerprints only; keep the keys themselves apart from the backups): "
            + ", ".join(manifest["keys"]["field_encryption_keys"])
        )
