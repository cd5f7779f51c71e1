"""One consistent backup of the database and the uploaded documents, and its restore.

A backup is a folder of three files (docs/operations.md: Backups):
- `database.dump`: `pg_dump -Fc` of the database, taken in an exported snapshot;
- `private-files.tar`: PRIVATE_FILES_ROOT, read while that snapshot is held, so every document
  the dumped rows name is in it (one deleted meanwhile is listed as missing in the manifest);
- `manifest.json`: when, which code and migrations, the row count of every table as of the
  snapshot, the sha256 of both files and of every document, and a fingerprint of each key
  (a hash: never a key).

The folder holds victims' documents in clear and rows whose identifying fields are encrypted
under keys the backup does not contain: keep the keys apart from the backups, and the backups as
protected as the server. A restore refuses a damaged backup, a database or folder not empty, a
pg_restore older than the pg_dump, and keys other than the backup's; then checks the counts, every
document's checksum and that the encrypted fields open.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import environ
from django.apps import apps
from django.conf import settings
from django.db import connection, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import load_backend

from taskforce.encryption import forget_derived_keys, unreadable_columns

FORMAT = "taskforce-backup/1"
DUMP, FILES, MANIFEST = "database.dump", "private-files.tar", "manifest.json"
TARGET_ALIAS = "restore_target"


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


# --- Keys -------------------------------------------------------------------------------------


def key_fingerprint(key: str) -> str:
    """Which key, never the key: 16 hex digits of a labelled SHA-256."""
    return hashlib.sha256(b"taskforce key fingerprint v1\0" + key.encode()).hexdigest()[:16]


def configured_fingerprints() -> dict:
    field_keys = settings.SALT_KEY if isinstance(settings.SALT_KEY, list) else [settings.SALT_KEY]
    return {
        "field_encryption_keys": [key_fingerprint(key) for key in field_keys],
        "secret_key": key_fingerprint(settings.SECRET_KEY),
        "secret_key_fallbacks": [
            key_fingerprint(key) for key in getattr(settings, "SECRET_KEY_FALLBACKS", [])
        ],
    }


def missing_keys(recorded: dict, configured: dict) -> list[str]:
    """The backup's keys the configuration lacks: its rows may be encrypted under any of them
    (a backup taken during a rotation needs the old and the new key)."""
    missing = [
        f"FIELD_ENCRYPTION_KEYS entry {n + 1} of the backup (fingerprint {fingerprint})"
        for n, fingerprint in enumerate(recorded["field_encryption_keys"])
        if fingerprint not in configured["field_encryption_keys"]
    ]
    secrets = {configured["secret_key"], *configured["secret_key_fallbacks"]}
    for fingerprint in [recorded["secret_key"], *recorded["secret_key_fallbacks"]]:
        if fingerprint not in secrets:
            missing.append(f"SECRET_KEY of the backup (fingerprint {fingerprint})")
    return missing


# --- PostgreSQL tools ---------------------------------------------------------------------------


def _run(command: list[str], **options) -> subprocess.CompletedProcess:
    """Run a PostgreSQL or git tool found by absolute path, its arguments built here."""
    return subprocess.run(command, capture_output=True, timeout=6 * 3600, **options)  # noqa: S603


def _major(version: str) -> int:
    """15 of 'pg_dump (PostgreSQL) 15.20 (Debian ...)' or of a server_version_num 150020."""
    if version.isdigit():
        return int(version) // 10000
    found = re.search(r"\(PostgreSQL\) (\d+)", version)
    if not found:
        raise BackupError(f"cannot read a PostgreSQL version from {version!r}")
    return int(found.group(1))


def _tool(name: str, at_least: int) -> tuple[str, str]:
    """The pg_dump or pg_restore to use and its version: Debian's for that major version when
    installed, else the one on PATH; never one older than `at_least`."""
    candidates = [f"/usr/lib/postgresql/{at_least}/bin/{name}", shutil.which(name)]
    for path in filter(None, candidates):
        if Path(path).exists():
            version = _run([path, "--version"], text=True, check=True).stdout.strip()
            if _major(version) >= at_least:
                return path, version
            raise BackupError(
                f"{path} is {version}, older than PostgreSQL {at_least}: install "
                f"postgresql-client-{at_least} (a dump must be made and restored by tools at "
                "least as new as the server that made it)"
            )
    raise BackupError(f"{name} is not installed (Debian package postgresql-client)")


def _libpq_environment(database: dict) -> dict:
    """Connection details for pg_dump/pg_restore: in the environment, so the password is never
    on a command line that `ps` shows."""
    environment = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                          ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):  # fmt: skip
        if database.get(key):
            environment[variable] = str(database[key])
    return environment


def _require_postgresql(database: dict) -> None:
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("backups are for PostgreSQL; the embedded SQLite demo is one file")


# --- What a backup records --------------------------------------------------------------------


def _tables() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def record_counts(using: str = "default") -> dict[str, int]:
    return {model._meta.label: model.objects.using(using).count() for model in _tables()}


def migration_heads(using: str = "default") -> dict[str, str]:
    """The newest migration applied of each app (names sort by their number)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
        return dict(cursor.fetchall())


def pending_migrations(using: str) -> list[str]:
    """The migrations of this code a database has not applied (squashed ones by their parts)."""
    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def referenced_files(using: str = "default") -> list[tuple[type[models.Model], str, str]]:
    """(model, field name, file name) of every file a row names."""
    found = []
    for model in _tables():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names = (
                    model.objects.using(using)
                    .exclude(**{field.name: ""})
                    .exclude(**{f"{field.name}__isnull": True})
                    .values_list(field.name, flat=True)
                )
                found += [(model, field.name, name) for name in names]
    return found


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def app_version() -> str:
    with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as stream:
        version = tomllib.load(stream)["project"]["version"]
    git = shutil.which("git")
    if git:
        commit = _run(
            [git, "-C", str(settings.BASE_DIR), "rev-parse", "--short", "HEAD"], text=True
        ).stdout.strip()
        if commit:
            version += f"+{commit}"
    return version


# --- Backup -----------------------------------------------------------------------------------


def _archive(root: Path, target: Path) -> dict[str, str]:
    """Tar the documents folder; the sha256 of each file put in, by its path inside."""
    checksums = {}
    with tarfile.open(target, "w") as archive:
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                name = path.relative_to(root).as_posix()
                checksums[name] = sha256_of(path)
                archive.add(path, arcname=name, recursive=False)
    return checksums


def backup(destination: Path, *, now: datetime | None = None) -> Path:
    """Write one backup folder under `destination` and return it."""
    database = settings.DATABASES["default"]
    _require_postgresql(database)
    now = now or datetime.now(UTC)
    folder = Path(destination) / f"taskforce-{now:%Y%m%dT%H%M%SZ}"
    folder.mkdir(mode=0o700, parents=True)
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        # One snapshot for the counts, the file list and pg_dump (--snapshot): what the manifest
        # says is what the dump holds, however busy the database is meanwhile.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version_num')")
        snapshot, server_version = cursor.fetchone()
        pg_dump, pg_dump_version = _tool("pg_dump", _major(server_version))
        counts, heads = record_counts(), migration_heads()
        referenced = {name for _, _, name in referenced_files()}
        documents = _archive(Path(settings.PRIVATE_FILES_ROOT), folder / FILES)
        dumped = _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={folder / DUMP}"],
            env=_libpq_environment(database), text=True,
        )  # fmt: skip
        if dumped.returncode != 0:
            raise BackupError(f"pg_dump failed: {dumped.stderr.strip()[-2000:]}")
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "app_version": app_version(),
        "migrations": heads,
        "database": {
            "name": database["NAME"],
            "server_version_num": int(server_version),
            "pg_dump": pg_dump_version,
        },
        "counts": counts,
        "files": {
            name: {"sha256": sha256_of(folder / name), "bytes": (folder / name).stat().st_size}
            for name in (DUMP, FILES)
        },
        "documents": documents,
        # Named by rows of the snapshot and gone from the disk before the tar read them.
        "documents_missing": sorted(referenced - set(documents)),
        "keys": configured_fingerprints(),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    for path in folder.iterdir():
        path.chmod(0o600)
    return folder


# --- Restore ----------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {MANIFEST}: not a backup folder") from None
    except json.JSONDecodeError as error:
        raise BackupError(f"{folder / MANIFEST} is damaged: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} is not a {FORMAT} backup (format {manifest.get('format')!r})")
    return manifest


def check_checksums(folder: Path, manifest: dict) -> None:
    for name, recorded in manifest["files"].items():
        path = folder / name
        if not path.exists():
            raise BackupError(f"{name} is missing from {folder}")
        if sha256_of(path) != recorded["sha256"]:
            raise BackupError(f"{name} does not match the checksum in the manifest: it is damaged")


def database_config(url: str | None) -> dict:
    if not url:
        return dict(settings.DATABASES["default"])
    return {**settings.DATABASES["default"], **environ.Env.db_url_config(url)}


@contextlib.contextmanager
def connected(config: dict) -> Iterator[str]:
    """A Django connection alias to another database, for the checks after a restore. Made
    here rather than added to settings.DATABASES: nothing else may pick it up."""
    complete = {**connections["default"].settings_dict, **config, "CONN_MAX_AGE": 0}
    wrapper = load_backend(complete["ENGINE"]).DatabaseWrapper(complete, TARGET_ALIAS)
    connections[TARGET_ALIAS] = wrapper
    try:
        yield TARGET_ALIAS
    finally:
        wrapper.close()
        del connections[TARGET_ALIAS]


def _prepare_database(config: dict, *, force: bool) -> None:
    """Create the target database when it does not exist; refuse one with tables unless forced."""
    maintenance = {**config, "NAME": "postgres"}
    with connected(maintenance) as alias, connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(config['NAME'])}")
            return
    with connected(config) as alias, connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
            " AND n.nspname NOT LIKE 'pg_toast%' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
        )
        (relations,) = cursor.fetchone()
    if relations and not force:
        raise BackupError(
            f"database {config['NAME']!r} is not empty ({relations} tables and sequences): "
            "restore into a new database, or pass --force to replace what the backup holds"
        )


def _files_in(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


def restore(
    folder: Path,
    *,
    database_url: str | None = None,
    files_dir: Path | None = None,
    force: bool = False,
    allow_other_keys: bool = False,
) -> dict:
    """Restore a backup folder into a database and a documents folder; returns what it checked.
    Everything that can refuse does so before anything is written."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    check_checksums(folder, manifest)
    warnings = []
    missing = missing_keys(manifest["keys"], configured_fingerprints())
    if missing:
        message = (
            "the configured keys are not the backup's; its encrypted fields would not open. "
            "Missing: " + "; ".join(missing) + ". Configure the keys the backup was made with "
            "(FIELD_ENCRYPTION_KEYS, SECRET_KEY or SECRET_KEY_FALLBACKS)"
        )
        if not allow_other_keys:
            raise BackupError(message + "; nothing was restored.")
        warnings.append(message)
    config = database_config(database_url)
    _require_postgresql(config)
    files_dir = Path(files_dir or settings.PRIVATE_FILES_ROOT)
    if _files_in(files_dir) and not force:
        raise BackupError(
            f"{files_dir} is not empty: restore the documents into an empty folder, or pass "
            "--force to write over it"
        )
    dumped_by = _major(manifest["database"]["pg_dump"])
    pg_restore, _ = _tool("pg_restore", dumped_by)
    _prepare_database(config, force=force)

    command = [pg_restore, "--no-owner", "--exit-on-error", f"--dbname={config['NAME']}"]
    if force:
        command += ["--clean", "--if-exists"]
    result = _run([*command, str(folder / DUMP)], env=_libpq_environment(config), text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[-2000:]}")

    files_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tarfile.open(folder / FILES) as archive:
        archive.extractall(files_dir, filter="data")
    damaged = [
        name
        for name, digest in manifest["documents"].items()
        if not (files_dir / name).is_file() or sha256_of(files_dir / name) != digest
    ]
    if damaged:
        raise BackupError(f"{len(damaged)} documents do not match their checksums: {damaged[:5]}")
    return {**verify_restored(config, files_dir, manifest), "warnings": warnings}


def verify_restored(config: dict, files_dir: Path, manifest: dict) -> dict:
    """Counts as the manifest says, every document a row names present with the checksum its
    row keeps, every encrypted column opening under the configured keys."""
    with connected(config) as alias:
        counts = record_counts(alias)
        differ = {
            label: (recorded, counts.get(label))
            for label, recorded in manifest["counts"].items()
            if counts.get(label) != recorded
        }
        if differ:
            raise BackupError(f"row counts differ from the manifest (recorded, restored): {differ}")
        absent, mismatched = [], []
        for model, field, name in referenced_files(alias):
            path = files_dir / name
            if not path.is_file():
                absent.append(name)
                continue
            if any(f.name == "sha256" for f in model._meta.get_fields()):
                recorded = (
                    model.objects.using(alias)
                    .filter(**{field: name})
                    .values_list("sha256", flat=True)
                )
                if sha256_of(path) not in recorded:
                    mismatched.append(name)
        known_missing = set(manifest.get("documents_missing", []))
        if set(absent) - known_missing or mismatched:
            raise BackupError(
                f"documents missing ({sorted(set(absent) - known_missing)[:5]}) or not matching "
                f"the checksum their row keeps ({mismatched[:5]})"
            )
        forget_derived_keys()
        unreadable = unreadable_columns(using=alias)
        if unreadable:
            raise BackupError(
                "the configured keys do not open " + ", ".join(unreadable) + ": the data is "
                "restored but unreadable until the backup's keys are configured"
            )
        pending = pending_migrations(alias)
    return {"counts": counts, "documents": len(manifest["documents"]), "pending": pending,
            "documents_missing": sorted(known_missing)}  # fmt: skip
