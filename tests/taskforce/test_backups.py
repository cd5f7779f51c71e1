"""`manage.py backup` and `manage.py restore`: one backup of the database and the documents that
restores into a new database with the same rows, the same document bytes, and encrypted fields
that open with the configured keys; and the restores that must be refused, before anything is
written."""

import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections

from cases.models import Case, CaseDocument, CaseNote
from cases.services.cases import case_create
from cases.services.notes import document_upload, note_add
from taskforce.backups import connected, database_config
from taskforce.encryption import forget_derived_keys

# Committed rows (pg_dump reads them from its own connection); serialized_rollback restores the
# migrated rows (content types, counties, statutes) after the flush, as the suite's other
# transactional tests do: without it the next one found its content types gone.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def private_root(tmp_path, settings, monkeypatch):
    """Documents in a folder of this test's own. The file fields built their storage when the
    models loaded (a callable storage is called once), so the storage itself is pointed here."""
    root = tmp_path / "private"
    storage = CaseDocument._meta.get_field("file").storage

    def forget_location():
        for cached in ("base_location", "location"):
            storage.__dict__.pop(cached, None)

    forget_location()
    monkeypatch.setattr(storage, "_location", str(root))
    settings.PRIVATE_FILES_ROOT = root
    yield root
    forget_location()


@pytest.fixture
def records(private_root, wash_prosecutor):
    case = case_create(actor=wash_prosecutor, number="26-CR-77", title="State v. Quill")
    note_add(actor=wash_prosecutor, case=case, body="Interview with the Quill family",
             visibility="agency")  # fmt: skip
    upload = SimpleUploadedFile("q.pdf", PDF)
    return document_upload(actor=wash_prosecutor, case=case, title="Quill complaint",
                           visibility="agency", upload=upload)  # fmt: skip


@pytest.fixture
def restored_url():
    """A database name beside the test database's, dropped afterwards."""
    config = connection.settings_dict
    name = f"{config['NAME']}_restored"
    yield f"postgres://{config['USER']}:{config['PASSWORD']}@{config['HOST']}:{config['PORT']}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_backup(tmp_path):
    call_command("backup", str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    return folder


def test_a_backup_restores_into_a_new_database_with_its_documents_and_keys(
    tmp_path, records, restored_url, settings
):
    document = records
    folder = make_backup(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["counts"]["cases.CaseDocument"] == 1
    assert manifest["documents"] == {document.file.name: hashlib.sha256(PDF).hexdigest()}
    assert manifest["migrations"]["cases"] >= "0038"
    # fingerprints of the keys, never the keys
    assert len(manifest["keys"]["field_encryption_keys"]) == len(settings.SALT_KEY)
    for secret in [settings.SECRET_KEY, *settings.SALT_KEY]:
        assert secret not in (folder / "manifest.json").read_text()

    call_command("restore", str(folder), database_url=restored_url,
                 files_dir=str(tmp_path / "restored"))  # fmt: skip

    with connected(database_config(restored_url)) as alias:
        assert Case.objects.using(alias).count() == Case.objects.count() == 1
        assert CaseNote.objects.using(alias).get().body == "Interview with the Quill family"
        copy = CaseDocument.objects.using(alias).get()
        assert copy.title == "Quill complaint"  # encrypted; opens with the configured keys
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT title FROM cases_casedocument")
            assert cursor.fetchone()[0].startswith("gAAAA")
        on_disk = (tmp_path / "restored" / copy.file.name).read_bytes()
        assert hashlib.sha256(on_disk).hexdigest() == copy.sha256 == document.sha256


def test_refusals_come_before_anything_is_written(tmp_path, records, restored_url, settings):
    folder = make_backup(tmp_path)
    target = str(tmp_path / "restored")

    # a target database with tables: the test database itself
    test_database = f"{restored_url.rsplit('/', 1)[0]}/{connection.settings_dict['NAME']}"
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(folder), database_url=test_database, files_dir=target)

    # other keys than the backup's
    configured = settings.SALT_KEY
    settings.SALT_KEY = ["a-key-this-backup-never-saw"]
    with pytest.raises(CommandError, match=r"entry 1 .* nothing was restored"):
        call_command("restore", str(folder), database_url=restored_url, files_dir=target)
    settings.SALT_KEY = configured

    # a damaged dump
    dump = folder / "database.dump"
    damaged = bytearray(dump.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    dump.write_bytes(bytes(damaged))
    with pytest.raises(CommandError, match=r"database\.dump does not match the checksum"):
        call_command("restore", str(folder), database_url=restored_url, files_dir=target)

    assert not (tmp_path / "restored").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                       [restored_url.rsplit("/", 1)[1]])  # fmt: skip
        assert cursor.fetchone() is None


def test_restored_with_other_keys_on_purpose_it_says_the_fields_do_not_open(
    tmp_path, records, restored_url, settings
):
    folder = make_backup(tmp_path)
    configured = settings.SALT_KEY
    settings.SALT_KEY = ["a-key-this-backup-never-saw"]
    forget_derived_keys()
    try:
        with pytest.raises(CommandError, match=r"the configured keys do not open cases\.CaseNote"):
            call_command("restore", str(folder), database_url=restored_url,
                         files_dir=str(tmp_path / "restored"), allow_other_keys=True)  # fmt: skip
    finally:
        settings.SALT_KEY = configured
        forget_derived_keys()
