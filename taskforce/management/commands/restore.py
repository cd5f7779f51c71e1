"""Restore a backup folder into a new database and documents folder, and check it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from taskforce.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into a database (DATABASE_URL unless "
        "--database-url; created when missing; refused when it has tables unless --force) and "
        "PRIVATE_FILES_ROOT (or --files-dir), then check row counts, document checksums and "
        "that the configured keys open the encrypted fields."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="the backup folder (taskforce-<time>)")
        parser.add_argument("--database-url", help="postgres://… of the database to restore into")
        parser.add_argument("--files-dir", type=Path, help="where the documents go")
        parser.add_argument(
            "--force", action="store_true",
            help="restore over a database with tables and a folder with files",
        )  # fmt: skip
        parser.add_argument(
            "--allow-other-keys", action="store_true",
            help="restore although the configured keys are not the backup's (the encrypted "
            "fields will not open until they are)",
        )  # fmt: skip

    def handle(self, *args, backup: Path, **options):
        try:
            checked = restore(
                backup,
                database_url=options["database_url"],
                files_dir=options["files_dir"],
                force=options["force"],
                allow_other_keys=options["allow_other_keys"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        for warning in checked["warnings"]:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(
            f"Restored {sum(checked['counts'].values())} rows in {len(checked['counts'])} tables "
            f"and {checked['documents']} documents; counts, document checksums and the keys "
            "check out."
        )
        if checked["pending"]:
            self.stdout.write(
                f"The backup is from an older release: {len(checked['pending'])} migrations to "
                "apply. Run `python manage.py migrate` next."
            )
