"""Identity lives only in encrypted fields (issue #18): identifiers, ad responses, arrests' and
runaway reports' places are ciphertext in the tables and their history, matched through keyed
hashes of their normal forms, re-keyed by a rotation, and wiped by an expungement."""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from cases.models import Arrest, PersonIdentifier, RunawayReport
from cases.selectors.people import people_matching
from cases.selectors.runaways import match_reasons, runaway_queue_rows
from cases.services.arrests import arrest_update, arrests_create
from cases.services.operations import ad_responses_add
from cases.services.people import PersonData, person_create
from taskforce import access, records
from taskforce.encryption import forget_derived_keys, migration_encrypting, rotate_field_keys
from taskforce.models import AuditEvent
from taskforce.sealing import record_expunge
from tests.factories import UserFactory
from tests.stings_fixtures import arrest_row

pytestmark = pytest.mark.django_db

# Canaries: each value, and each normal form the matching derives from it, must never be
# found in clear in a table.
YOUTH_PHONE, YOUTH_HANDLE, YOUTH_ALIAS = "(651) 555-0142", "@Canary_Kayla", "Canary Kay"
MOTEL = "2200 Canaryhill Rd., #114"
BUYER_PHONE, BUYER_HANDLE = "651-555-0187", "@canary_buyer"
VEHICLE, NARRATIVE = "Blue canaryvan", "Met the decoy at the canarymotel"
RETURNED_FROM = "Canarywood Inn, Oakdale"
CANARIES = ("canary", "5550142", "5550187", "oakdale")  # long enough not to turn up by chance
TABLES = (
    "cases_personidentifier",
    "cases_adresponse",
    "cases_arrest",
    "cases_arresthistory",
    "cases_runawayreport",
    "cases_runawayreporthistory",
    AuditEvent._meta.db_table,
)


def raw_text(table: str) -> str:
    """Every column of every row of a table, as plain SQL sees it, lower-cased."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed table names)
        return " ".join(str(value) for row in cursor.fetchall() for value in row).lower()


def columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} LIMIT 0")  # noqa: S608 (fixed table names)
        return {column.name for column in cursor.description}


@pytest.fixture
def fresh_keys():
    """Fields cache the keys they derive: start and leave each test with the configured ones."""
    forget_derived_keys()
    yield
    forget_derived_keys()


@pytest.fixture
def youth(wash_prosecutor):
    identifiers = (("phone", YOUTH_PHONE), ("handle", YOUTH_HANDLE), ("alias", YOUTH_ALIAS))
    data = PersonData(first_name="Kayla", last_name="Lindgren", identifiers=identifiers)
    return person_create(actor=wash_prosecutor, data=data)


@pytest.fixture
def report(wash_prosecutor, youth):
    return records.record_create(
        actor=wash_prosecutor, model=RunawayReport, youth=youth,
        reported_at=timezone.now() - dt.timedelta(days=400),
        returned_at=timezone.now() - dt.timedelta(days=390),
        reported_by="Group home", address=MOTEL, returned_from=RETURNED_FROM,
    )  # fmt: skip


@pytest.fixture
def sting(wash_cao, sheriff_liaison, operation, washington, patron_13_15):
    """A sting the prosecutor may see: a buyer arrested at another place first, then corrected
    to the motel (an update, so history holds two rows), and ad responses."""
    row = arrest_row(
        washington, patron_13_15, 1, phone=BUYER_PHONE, handle=BUYER_HANDLE,
        address="1 Elm St", meeting_place="1 Elm St", vehicle=VEHICLE, narrative=NARRATIVE,
    )  # fmt: skip
    arrest = arrests_create(
        actor=sheriff_liaison, operation=operation, arresting_agency=operation.owner_agency,
        rows=[row],
    )[0]  # fmt: skip
    arrest = arrest_update(
        actor=sheriff_liaison, arrest=arrest, expected_version=arrest.version,
        data={"meeting_place": "2200 CANARYHILL RD 114"},
    )  # fmt: skip
    ad_responses_add(
        actor=sheriff_liaison, operation=operation, text=f"{YOUTH_HANDLE.upper()}\n{BUYER_PHONE}",
        seen_on=timezone.localdate(),
    )  # fmt: skip
    access.share(actor=sheriff_liaison, obj=operation, to_agency=wash_cao, reason="Task force")
    return arrest


def reasons_for(actor, report) -> list[str]:
    queued = list(runaway_queue_rows(actor=actor).filter(pk=report.pk))
    if not queued:
        return []
    return [f"{r.what} | {r.where}" for r in match_reasons(actor=actor, reports=queued)[report.pk]]


def test_plain_sql_finds_no_identifier_place_or_narrative_in_clear(report, sting):
    for table in TABLES:
        text = raw_text(table)
        for canary in CANARIES:
            assert canary not in text, (table, canary)
    # The keys are keyed hashes, and the history keeps neither the places nor their keys.
    for identifier in PersonIdentifier.objects.all():
        assert re.fullmatch(r"[0-9a-f]{64}", identifier.normalised)
    stored = Arrest.objects.values("address_key", "meeting_place_key").get(pk=sting.pk)
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in stored.values())
    for table in ("cases_arresthistory", "cases_runawayreporthistory"):
        kept = columns(table)
        assert not kept & {"address", "meeting_place", "vehicle", "narrative", "returned_from",
                           "address_key", "meeting_place_key"}, table  # fmt: skip
    # The app reads them all back.
    arrest = Arrest.objects.get(pk=sting.pk)
    assert (arrest.address, arrest.meeting_place, arrest.vehicle, arrest.narrative) == (
        "1 Elm St", "2200 CANARYHILL RD 114", VEHICLE, NARRATIVE,
    )  # fmt: skip
    fresh = RunawayReport.objects.get(pk=report.pk)
    assert (fresh.address, fresh.returned_from) == (MOTEL, RETURNED_FROM)
    assert {i.value for i in report.youth.identifiers.all()} == {
        YOUTH_PHONE, YOUTH_HANDLE, YOUTH_ALIAS,
    }  # fmt: skip


def test_the_review_still_matches_phone_handle_and_address(
    wash_prosecutor, report, sting, operation, sheriff_liaison, washington, patron_13_15
):
    # The youth's phone turns up among a sting arrestee's identifiers, in another format.
    arrests_create(
        actor=sheriff_liaison, operation=operation, arresting_agency=operation.owner_agency,
        rows=[arrest_row(washington, patron_13_15, 2, phone="+1 651.555.0142")],
    )  # fmt: skip
    found = reasons_for(wash_prosecutor, report)
    assert f"Phone number {YOUTH_PHONE} | also recorded for someone arrested in {operation}" in (
        found
    )
    assert any(r.startswith(f"Online handle (ads, apps) {YOUTH_HANDLE} | seen in") for r in found)
    assert f"Address {MOTEL} | the meeting place of an arrest in {operation}" in found
    assert not any("the arrest address" in r for r in found)
    # A corrected address moves its key with it (records.record_update).
    arrest_update(
        actor=sheriff_liaison, arrest=sting, expected_version=sting.version,
        data={"address": "2200 canaryhill rd #114", "meeting_place": ""},
    )  # fmt: skip
    found = reasons_for(wash_prosecutor, report)
    assert f"Address {MOTEL} | the arrest address of an arrest in {operation}" in found
    assert not any("the meeting place" in r for r in found)


def test_the_review_finds_no_address_match_on_another_address(wash_prosecutor, youth, sting):
    elsewhere = records.record_create(
        actor=wash_prosecutor, model=RunawayReport, youth=person_create(
            actor=wash_prosecutor, data=PersonData(first_name="Ashley", last_name="Moua")),
        reported_at=timezone.now() - dt.timedelta(days=300), reported_by="School",
        address="2201 Canaryhill Rd",
    )  # fmt: skip
    assert reasons_for(wash_prosecutor, elsewhere) == []


def test_search_finds_a_person_by_whole_phone_handle_or_alias_only(youth, wash_prosecutor):
    def found(text):
        return list(people_matching(actor=wash_prosecutor, text=text))

    for text in ("651-555-0142", "+1 (651) 555 0142", "6515550142", "canary_kayla",
                 "@CANARY_KAYLA", "canary kay", "Canary-Kay"):  # fmt: skip
        assert found(text) == [youth], text
    # Part of one finds nothing: only whole values are kept (as keyed hashes).
    for text in ("0142", "555-0142", "canary", "kayla_x"):
        assert found(text) == [], text


def test_after_a_rotation_values_read_and_still_match(
    wash_prosecutor, report, sting, settings, fresh_keys
):
    before = raw_text("cases_personidentifier")
    settings.SALT_KEY = ["a-new-field-key", *settings.SALT_KEY]  # the new key first
    counts = rotate_field_keys()
    # The youth's three; the buyer's phone, handle and booking number.
    assert counts["cases.PersonIdentifier"] == 6
    assert counts["cases.Arrest"] == 1 and counts["cases.RunawayReport"] == 1
    assert counts["cases.AdResponse"] == 2
    assert raw_text("cases_personidentifier") != before
    settings.SALT_KEY = ["a-new-field-key"]  # the old key is gone
    forget_derived_keys()
    assert RunawayReport.objects.get(pk=report.pk).address == MOTEL
    assert Arrest.objects.get(pk=sting.pk).narrative == NARRATIVE
    assert {i.value for i in report.youth.identifiers.all()} >= {YOUTH_PHONE, YOUTH_HANDLE}
    assert list(people_matching(actor=wash_prosecutor, text="6515550142")) == [report.youth]
    found = reasons_for(wash_prosecutor, report)
    assert any(r.startswith(f"Address {MOTEL} | the meeting place") for r in found)
    assert any(r.startswith(f"Online handle (ads, apps) {YOUTH_HANDLE} | seen in") for r in found)


def test_expunging_an_arrest_and_a_report_clears_their_place_keys(report, sting):
    administrator = UserFactory(username="administrator", is_staff=True, is_superuser=True)
    record_expunge(actor=administrator, obj=sting, reason="Expungement order 26-78")
    record_expunge(actor=administrator, obj=report, reason="Expungement order 26-79")
    assert Arrest.objects.values("address_key", "meeting_place_key").get(pk=sting.pk) == {
        "address_key": "", "meeting_place_key": "",
    }  # fmt: skip
    assert RunawayReport.objects.values_list("address_key", flat=True).get(pk=report.pk) == ""


def test_the_migrations_encrypt_rows_written_in_plain_text(youth, report, sting):
    with connection.cursor() as cursor:  # as rows stood before
        cursor.execute(
            "UPDATE cases_personidentifier SET value = '651 555 0142', normalised = '6515550142'"
            " WHERE kind = 'phone' AND person_id = %s",
            [youth.pk],
        )
        cursor.execute(
            "UPDATE cases_arrest SET address = '9 Quillwort St.', meeting_place = '',"
            " vehicle = 'Zephyrvan', narrative = 'Plaintextnarrative', address_key = '',"
            " meeting_place_key = '' WHERE id = %s",
            [sting.pk],
        )
        cursor.execute(
            "UPDATE cases_runawayreport SET address = '9 quillwort st',"
            " returned_from = 'Homestead', address_key = '' WHERE id = %s",
            [report.pk],
        )
    identifiers = importlib.import_module(
        "cases.migrations.0028_identifiers_and_ad_responses_encrypted"
    )
    places = importlib.import_module("cases.migrations.0029_arrest_and_runaway_places_encrypted")
    migration_encrypting("cases.PersonIdentifier", ("value",), identifiers.keys)(apps, None)
    migration_encrypting(
        "cases.Arrest", ("address", "meeting_place", "vehicle", "narrative"), places.arrest_keys
    )(apps, None)
    migration_encrypting("cases.RunawayReport", ("address", "returned_from"), places.report_keys)(
        apps, None
    )
    for table in ("cases_personidentifier", "cases_arrest", "cases_runawayreport"):
        text = raw_text(table)
        for canary in ("5550142", "quillwort", "zephyr", "plaintext", "homestead"):
            assert canary not in text, (table, canary)
    phone = PersonIdentifier.objects.get(person=youth, kind="phone")
    assert phone.value == "651 555 0142"
    assert (
        phone.normalised
        == PersonIdentifier(kind="phone", value="6515550142").lookup_keys()["normalised"]
    )
    arrest, fresh = Arrest.objects.get(pk=sting.pk), RunawayReport.objects.get(pk=report.pk)
    assert (arrest.address, arrest.vehicle, fresh.returned_from) == (
        "9 Quillwort St.", "Zephyrvan", "Homestead",
    )  # fmt: skip
    assert arrest.address_key == fresh.address_key != ""
    assert arrest.meeting_place_key == ""


def test_booking_numbers_are_encrypted_and_still_found_and_unique(
    client, sheriff, sheriff_liaison, operation, washington, patron_13_15
):
    from django.core.exceptions import ValidationError
    from django.urls import reverse

    from tests.factories import verified_login

    row = arrest_row(washington, patron_13_15, 9, booking_number="WC26-CANARY-9")
    [arrest] = arrests_create(
        actor=sheriff_liaison, operation=operation, arresting_agency=sheriff, rows=[row]
    )
    for table in ("cases_arrest", "cases_arresthistory", "cases_personidentifier"):
        assert "canary-9" not in raw_text(table), table
    assert "booking_number" not in columns("cases_arresthistory")
    verified_login(client, sheriff_liaison)
    # Found by the whole number in any case, from the page's search and the API's filter.
    client.post(reverse("cases:arrest_list"), {"_filters": "1", "q": "wc26-canary-9"}, follow=True)
    page = client.get(
        reverse("cases:arrest_list"), {"s": list(client.session["private_searches"])[-1]}
    )
    assert str(arrest.public_id) in page.content.decode()
    api = client.get("/api/arrests/", {"booking_number": "wc26-canary-9"}).json()
    assert [found["public_id"] for found in api["results"]] == [str(arrest.public_id)]
    # Still one number per arresting agency.
    again = arrest_row(washington, patron_13_15, 10, booking_number="wc26-canary-9 ")
    with pytest.raises(ValidationError):
        arrests_create(
            actor=sheriff_liaison, operation=operation, arresting_agency=sheriff, rows=[again]
        )
    assert Arrest.objects.count() == 1
