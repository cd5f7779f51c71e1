"""Staged CSV files (issue #18): whole rows of names and notes under a name the uploader chose,
so they are encrypted at rest, deleted once saved or discarded, and purged after 24 hours."""

import datetime as dt
import importlib
import json

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases import tasks
from cases.models import Arrest, ArrestImport, RunawayImport, RunawayReport
from cases.services.imports import (
    StagedImportGone,
    arrest_import_confirm,
    arrest_import_discard,
    arrest_import_stage,
    staged_imports_purge,
)
from cases.services.runaways import runaway_import_stage
from taskforce.encryption import migration_encrypting
from taskforce.models import AuditEvent
from tests.factories import verified_login

pytestmark = pytest.mark.django_db

CANARY_LAST, CANARY_FIRST = "Quackenbush", "Zebulon"
FILE_NAME = "quackenbush_zebulon.csv"
ARREST_HEADER = "last_name,first_name,arrested_at,county,custody_status,charges,narrative\n"
ARREST_ROW = (
    f"{CANARY_LAST},{CANARY_FIRST},2026-03-05 21:30,Washington,booked,609.324 subd. 1(b),"
    "Met the decoy at the Oakdale motel\n"
)
RUNAWAY_CSV = (
    "last_name,first_name,reported_at,reported_by,notes\n"
    f"{CANARY_LAST},{CANARY_FIRST},2024-05-01,Mother,Seen at the Oakdale motel\n"
)
NOW = timezone.make_aware(dt.datetime(2026, 6, 1, 12, 0))


def stage_arrests(actor, operation, agency, name=FILE_NAME) -> ArrestImport:
    return arrest_import_stage(
        actor=actor, data=(ARREST_HEADER + ARREST_ROW).encode(), file_name=name,
        operation=operation, arresting_agency=agency,
    )  # fmt: skip


def stored(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT file_name, content FROM {table}")  # noqa: S608 (a fixed name)
        return cursor.fetchall()


def upload_arrests(client, operation, agency):
    return client.post(
        reverse("cases:arrest_import"),
        {
            "operation": operation.pk,
            "arresting_agency": agency.pk,
            "file": SimpleUploadedFile(
                FILE_NAME, (ARREST_HEADER + ARREST_ROW).encode(), content_type="text/csv"
            ),
        },
    )["Location"]


def trail_text() -> str:
    """Everything the audit trail holds, as one string to search."""
    return json.dumps(
        list(AuditEvent.objects.values("action", "target_label", "reason", "changes")),
        default=str,
    )


# --- At rest --------------------------------------------------------------------------------


def test_a_staged_arrest_file_is_encrypted_in_the_database(sheriff_liaison, operation, sheriff):
    staged = stage_arrests(sheriff_liaison, operation, sheriff)

    [(file_name, content)] = stored("cases_arrestimport")
    for column in (file_name, content):
        assert CANARY_LAST not in column and "Oakdale" not in column and "quackenbush" not in column
        assert column.startswith("gAAAAA")
    staged = ArrestImport.objects.get(pk=staged.pk)  # read back through the field: the text
    assert CANARY_LAST in staged.content and staged.file_name == FILE_NAME


def test_a_staged_runaway_file_is_encrypted_in_the_database(wash_prosecutor):
    runaway_import_stage(actor=wash_prosecutor, data=RUNAWAY_CSV.encode(), file_name=FILE_NAME)

    [(file_name, content)] = stored("cases_runawayimport")
    assert "quackenbush" not in file_name
    assert CANARY_LAST not in content and "Oakdale" not in content
    assert RunawayImport.objects.get().content == RUNAWAY_CSV


# --- Deleted once used ----------------------------------------------------------------------


def test_a_saved_file_is_deleted_and_a_second_click_saves_nothing_more(
    client, sheriff_liaison, operation, sheriff
):
    verified_login(client, sheriff_liaison)
    location = upload_arrests(client, operation, sheriff)
    assert client.post(location, {"confirm": "1"}).status_code == 302
    assert Arrest.objects.count() == 1
    assert not ArrestImport.objects.exists()

    again = client.post(location, {"confirm": "1"})  # the double click, or the back button

    assert again.status_code == 302 and again["Location"] == reverse("cases:arrest_list")
    told = [str(m) for m in get_messages(again.wsgi_request)]
    assert any("already saved or discarded" in m for m in told)
    assert Arrest.objects.count() == 1
    assert client.get(location).status_code == 404


def test_a_confirm_that_lost_the_race_saves_nothing(sheriff_liaison, operation, sheriff):
    """Two requests both found the file; the second takes the lock after the first deleted it."""
    first = stage_arrests(sheriff_liaison, operation, sheriff)
    second = ArrestImport.objects.get(pk=first.pk)
    arrest_import_confirm(actor=sheriff_liaison, staged=first, choices={})

    with pytest.raises(StagedImportGone):
        arrest_import_confirm(actor=sheriff_liaison, staged=second, choices={})
    with pytest.raises(StagedImportGone):
        arrest_import_discard(actor=sheriff_liaison, staged=second)
    assert Arrest.objects.count() == 1


def test_a_discard_after_the_save_does_not_say_discarded(
    client, sheriff_liaison, operation, sheriff
):
    verified_login(client, sheriff_liaison)
    location = upload_arrests(client, operation, sheriff)
    client.post(location, {"confirm": "1"})

    late = client.post(location, {"discard": "1"})

    told = [str(m) for m in get_messages(late.wsgi_request)]
    assert not any("was discarded" in m for m in told)
    assert any("already saved or discarded" in m for m in told)
    assert Arrest.objects.count() == 1


def test_a_discarded_runaway_file_is_deleted(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    location = client.post(
        reverse("cases:runaway_import"),
        {"file": SimpleUploadedFile(FILE_NAME, RUNAWAY_CSV.encode(), content_type="text/csv")},
    )["Location"]

    response = client.post(location, {"discard": "1"})

    assert response["Location"] == reverse("cases:runaway_import")
    assert not RunawayImport.objects.exists()
    assert client.get(location).status_code == 404


def test_a_saved_runaway_file_is_deleted_and_the_trail_keeps_only_the_count(
    client, wash_prosecutor
):
    verified_login(client, wash_prosecutor)
    location = client.post(
        reverse("cases:runaway_import"),
        {"file": SimpleUploadedFile(FILE_NAME, RUNAWAY_CSV.encode(), content_type="text/csv")},
    )["Location"]

    assert client.post(location, {"confirm": "1"}).status_code == 302

    assert RunawayReport.objects.count() == 1
    assert not RunawayImport.objects.exists()
    assert AuditEvent.objects.get(action="runawayreport.imported").changes == {"rows": 1}
    assert "quackenbush" not in trail_text().lower()
    assert client.get(location).status_code == 404


def test_the_audit_trail_of_an_arrest_import_names_neither_the_file_nor_its_rows(
    client, sheriff_liaison, operation, sheriff
):
    verified_login(client, sheriff_liaison)
    client.post(upload_arrests(client, operation, sheriff), {"confirm": "1"})

    assert AuditEvent.objects.get(action="arrest.imported").changes == {"rows": 1}
    trail = trail_text().lower()
    assert "quackenbush" not in trail and "oakdale" not in trail


# --- Purged after 24 hours ------------------------------------------------------------------


def test_the_purge_deletes_only_files_older_than_24_hours(
    sheriff_liaison, operation, sheriff, wash_prosecutor
):
    def staged_at(when, stage):
        with time_machine.travel(when, tick=False):
            return stage()

    arrests = lambda: stage_arrests(sheriff_liaison, operation, sheriff)  # noqa: E731
    runaways = lambda: runaway_import_stage(  # noqa: E731
        actor=wash_prosecutor, data=RUNAWAY_CSV.encode(), file_name=FILE_NAME
    )
    old = staged_at(NOW - dt.timedelta(hours=25), arrests)
    exactly_a_day = staged_at(NOW - dt.timedelta(hours=24), runaways)
    young = staged_at(NOW - dt.timedelta(hours=23, minutes=59), arrests)
    young_runaway = staged_at(NOW - dt.timedelta(minutes=5), runaways)

    assert staged_imports_purge(now=NOW) == 2

    assert set(ArrestImport.objects.values_list("pk", flat=True)) == {young.pk}
    assert set(RunawayImport.objects.values_list("pk", flat=True)) == {young_runaway.pk}
    assert not ArrestImport.objects.filter(pk=old.pk).exists()
    assert not RunawayImport.objects.filter(pk=exactly_a_day.pk).exists()
    assert staged_imports_purge(now=NOW) == 0  # nothing twice


def test_the_beat_task_purges_on_the_clock(sheriff_liaison, operation, sheriff):
    with time_machine.travel(NOW, tick=False):
        stage_arrests(sheriff_liaison, operation, sheriff)
    with time_machine.travel(NOW + dt.timedelta(hours=23), tick=False):
        assert tasks.purge_staged_imports.run() == 0
    with time_machine.travel(NOW + dt.timedelta(hours=24, minutes=1), tick=False):
        assert tasks.purge_staged_imports.run() == 1
    assert not ArrestImport.objects.exists()


def test_the_purge_is_on_the_beat_schedule():
    beat = settings.CELERY_BEAT_SCHEDULE.values()
    schedule = {entry["task"]: entry["schedule"] for entry in beat}
    assert schedule["cases.tasks.purge_staged_imports"] <= 3600


def test_a_file_older_than_a_day_is_no_longer_offered_before_the_purge_runs(
    client, sheriff_liaison, operation, sheriff
):
    verified_login(client, sheriff_liaison)
    location = upload_arrests(client, operation, sheriff)
    ArrestImport.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))

    assert client.get(location).status_code == 404
    late = client.post(location, {"confirm": "1"})
    assert late.status_code == 302
    assert any("more than a day ago" in str(m) for m in get_messages(late.wsgi_request))
    assert not Arrest.objects.exists()


# --- The migration --------------------------------------------------------------------------


def test_the_migration_deletes_used_and_old_files_and_encrypts_the_rest(
    sheriff_liaison, operation, sheriff
):
    used, old, waiting = (stage_arrests(sheriff_liaison, operation, sheriff) for _ in range(3))
    with connection.cursor() as cursor:  # as rows stood before: in clear, used ones emptied
        cursor.execute(
            "UPDATE cases_arrestimport SET file_name = %s, content = %s",
            [FILE_NAME, ARREST_HEADER + ARREST_ROW],
        )
        cursor.execute("UPDATE cases_arrestimport SET content = '' WHERE id = %s", [used.pk])
        # The application's clock, not PostgreSQL's now(): a TEST_CLOCK run moves only the one.
        cursor.execute(
            "UPDATE cases_arrestimport SET created_at = %s WHERE id = %s",
            [timezone.now() - dt.timedelta(hours=25), old.pk],
        )
    assert sum(CANARY_LAST in content for _, content in stored("cases_arrestimport")) == 2
    migration = importlib.import_module(
        "cases.migrations.0025_staged_imports_encrypted_and_deleted_once_used"
    )

    migration.delete_used_and_old(apps, None)
    migration_encrypting("cases.ArrestImport")(apps, None)

    assert list(ArrestImport.objects.values_list("pk", flat=True)) == [waiting.pk]
    [(file_name, content)] = stored("cases_arrestimport")
    assert file_name.startswith("gAAAAA") and content.startswith("gAAAAA")
    assert CANARY_LAST not in content
    assert ArrestImport.objects.get().content == ARREST_HEADER + ARREST_ROW
