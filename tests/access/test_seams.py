"""Identity at the seams between records (issue #18): a sealed record is gone from every record
that names it, and no label, title or audit row holds a name in clear."""

import datetime as dt
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cases.models import Arrest, Case, Person
from cases.services.arrests import arrests_create
from cases.services.handoffs import handoff_create
from cases.services.notes import document_upload, note_add
from cases.services.operations import operation_create
from taskforce import access, audit
from taskforce.models import SEALED_LABEL, AuditEvent, Share
from taskforce.sealing import record_expunge, record_seal
from tests.factories import UserFactory, verified_login
from tests.stings_fixtures import arrest_row

pytestmark = pytest.mark.django_db

CANARY = "Quillfeather"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", is_staff=True, is_superuser=True)


@pytest.fixture
def handed_off(sheriff, sheriff_liaison, operation, washington, patron_13_15, wash_cao):
    """One sting arrest of a canary-named buyer, handed to the county attorney as a case."""
    row = arrest_row(washington, patron_13_15, 7, last_name=CANARY, first_name="Orrin",
                     date_of_birth=dt.date(1979, 2, 3))  # fmt: skip
    [arrest] = arrests_create(
        actor=sheriff_liaison, operation=operation, arresting_agency=sheriff, rows=[row]
    )
    [handoff] = handoff_create(actor=sheriff_liaison, arrests=[arrest], to_agency=wash_cao)
    return arrest, handoff.case


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def prosecutor_channels(client, case: Case, arrest: Arrest) -> dict[str, str]:
    """Everything the county attorney's prosecutor reads that names the case's defendant."""
    return {
        "case page": body(client.get(reverse("cases:detail", args=[case.public_id]))),
        "caseload": body(client.get(reverse("cases:list"))),
        "caseload csv": body(client.get(reverse("cases:export"))),
        "home": body(client.get(reverse("home"))),
        "intake": body(client.get(reverse("cases:intake"))),
        "arrest page": body(client.get(reverse("cases:arrest_detail", args=[arrest.public_id]))),
        "api case": body(client.get(f"/api/cases/{case.public_id}/")),
        "api cases": body(client.get("/api/cases/")),
        "api arrest": body(client.get(f"/api/arrests/{arrest.public_id}/")),
        "api arrests": body(client.get("/api/arrests/")),
    }


def liaison_channels(client, arrest: Arrest) -> dict[str, str]:
    """Everything the arresting agency's liaison reads that names the arrestee."""
    return {
        "arrest page": body(client.get(reverse("cases:arrest_detail", args=[arrest.public_id]))),
        "arrest list": body(client.get(reverse("cases:arrest_list"))),
        "arrest csv": body(client.get(reverse("cases:arrest_export"))),
        "operation page": body(
            client.get(reverse("cases:operation_detail", args=[arrest.operation.public_id]))
        ),
        "home": body(client.get(reverse("home"))),
        "shares": body(client.get(reverse("shares"))),
        "api arrest": body(client.get(f"/api/arrests/{arrest.public_id}/")),
        "api arrests": body(client.get("/api/arrests/")),
    }


def naming(channels: dict[str, str], *canaries: str) -> list[str]:
    return sorted(name for name, text in channels.items() if any(c in text for c in canaries))


def test_a_sealed_person_is_named_by_no_record_that_points_to_them(
    client, handed_off, wash_prosecutor, sheriff_liaison, administrator
):
    arrest, case = handed_off
    birth = "1979-02-03"
    verified_login(client, wash_prosecutor)
    before = prosecutor_channels(client, case, arrest)
    assert naming(before, CANARY) == sorted(before)  # every channel names the defendant today
    client.logout()
    verified_login(client, sheriff_liaison)
    assert CANARY in liaison_channels(client, arrest)["arrest csv"]
    client.logout()

    record_seal(actor=administrator, obj=arrest.arrestee, reason="Court order 26-0415")

    verified_login(client, wash_prosecutor)
    after = prosecutor_channels(client, case, arrest)
    assert naming(after, CANARY, birth) == []
    # The records that point to the person stay (the case is still the office's work) ...
    assert access.visible(wash_prosecutor, Case).filter(pk=case.pk).exists()
    assert SEALED_LABEL in after["arrest page"]
    # ... but the person's id is not handed out either: the API withholds it.
    assert str(arrest.arrestee.public_id) not in after["api case"] + after["api arrest"]
    client.logout()
    verified_login(client, sheriff_liaison)
    assert naming(liaison_channels(client, arrest), CANARY, birth) == []


def test_arrests_seen_only_through_a_sealed_operation_are_gone(
    sheriff, sheriff_liaison, washington, patron_13_15, woodbury_liaison, administrator
):
    operation = operation_create(
        actor=sheriff_liaison, name="Operation Canary Wing", kind="buyer_sting",
        starts_on=dt.date(2026, 3, 1), counties=[washington],
        participants=[woodbury_liaison.membership.agency],
    )  # fmt: skip
    arrests_create(actor=sheriff_liaison, operation=operation, arresting_agency=sheriff,
                   rows=[arrest_row(washington, patron_13_15, 3)])  # fmt: skip
    assert access.visible(woodbury_liaison, Arrest).count() == 1
    record_seal(actor=administrator, obj=operation, reason="Court order 26-0416")
    assert not access.visible(woodbury_liaison, Arrest).exists()
    # The owner keeps its own arrests, and the sealed operation is not named on them.
    [own] = access.visible(sheriff_liaison, Arrest)
    assert str(own.operation) == SEALED_LABEL


def test_an_arrestee_seen_only_through_a_sealed_arrest_is_gone(
    handed_off, wash_prosecutor, administrator
):
    arrest, _case = handed_off
    assert access.visible(wash_prosecutor, Person).filter(pk=arrest.arrestee_id).exists()
    record_seal(actor=administrator, obj=arrest, reason="Court order 26-0417")
    assert not access.visible(wash_prosecutor, Person).filter(pk=arrest.arrestee_id).exists()


def test_labels_titles_and_the_trail_hold_no_names(
    client, handed_off, sheriff_liaison, wash_prosecutor
):
    arrest, case = handed_off
    case_share = Share.objects.get(object_id=arrest.pk, to_agency=case.owner_agency)
    assert CANARY not in case_share.object_label
    assert case_share.object_label == f"arrest {arrest.public_id.hex[:8]}"
    assert case.title == "" and CANARY in case.caption  # read from the person, not stored
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case WHERE title LIKE %s", [f"%{CANARY}%"])
        assert cursor.fetchone() == (0,)
    verified_login(client, wash_prosecutor)
    client.get(reverse("cases:detail", args=[case.public_id]))
    client.get(reverse("cases:arrest_detail", args=[arrest.public_id]))
    stored = AuditEvent.objects.values_list("target_label", "reason", "changes")
    assert stored and not [row for row in stored if CANARY in str(row)]
    # The shares page reads the name through the policy, for a reader who may see the arrest.
    client.logout()
    verified_login(client, sheriff_liaison)
    assert CANARY in body(client.get(reverse("shares")))


def test_expunging_rewrites_old_labels_through_the_one_redaction_path(handed_off, administrator):
    arrest, _case = handed_off
    person = arrest.arrestee
    # A row written before labels were neutral (as migration 0018 found them).
    old = audit.record(None, "person.viewed", person)
    with pytest.raises(DatabaseError), transaction.atomic():  # the trail refuses a rewrite ...
        AuditEvent.objects.filter(pk=old.pk).update(target_label=f"{CANARY}, Orrin")
    with audit._redaction():
        AuditEvent.objects.filter(pk=old.pk).update(target_label=f"{CANARY}, Orrin")

    record_expunge(actor=administrator, obj=person, reason="Expungement order 26-78")

    assert not AuditEvent.objects.filter(target_label__contains=CANARY).exists()
    redacted = AuditEvent.objects.get(action="audit.redacted")
    assert redacted.changes == {"rows": 1} and redacted.actor == administrator
    # ... and still refuses one outside the redaction path.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=old.pk).update(reason="rewritten")


def test_case_notes_and_document_names_are_encrypted_and_expunging_a_case_erases_its_files(
    handed_off, wash_prosecutor, administrator, django_capture_on_commit_callbacks
):
    _arrest, case = handed_off
    note_add(
        actor=wash_prosecutor, case=case, body=f"Met {CANARY} at the hotel", visibility="agency"
    )
    document = document_upload(
        actor=wash_prosecutor, case=case, visibility="agency", title=f"{CANARY} interview",
        upload=SimpleUploadedFile(f"{CANARY}.pdf", PDF),
    )  # fmt: skip
    stored = document.file.path
    with connection.cursor() as cursor:
        for sql in (
            "SELECT body FROM cases_casenote",
            "SELECT title || original_name FROM cases_casedocument",
            "SELECT changes::text FROM taskforce_auditevent",
        ):
            cursor.execute(sql)
            assert not [row for row in cursor.fetchall() if CANARY in str(row)], sql
    with django_capture_on_commit_callbacks(execute=True):
        record_expunge(actor=administrator, obj=case, reason="Expungement order 26-79")
    assert not case.documents.exists() and not Path(stored).exists()


def test_values_recorded_before_a_field_was_protected_are_redacted_once(handed_off):
    import importlib
    from types import SimpleNamespace

    arrest, _case = handed_off
    # A row written before booking numbers were protected kept the value.
    old = audit.record(None, "arrest.changed", arrest)
    with audit._redaction():
        AuditEvent.objects.filter(pk=old.pk).update(
            changes={"booking_number": "BK-CANARY-OLD", "custody_status": "booked"}
        )
    with pytest.raises(DatabaseError), transaction.atomic():  # no rewrite outside the path
        AuditEvent.objects.filter(pk=old.pk).update(changes={})
    migration = importlib.import_module(
        "taskforce.migrations.0020_redact_values_of_fields_protected_since"
    )
    with transaction.atomic():
        migration.redact(apps, SimpleNamespace(connection=connection))
    old.refresh_from_db()
    assert old.changes == {"booking_number": audit.REDACTED, "custody_status": "booked"}
    assert AuditEvent.objects.get(action="audit.redacted").changes == {"rows": 1}
