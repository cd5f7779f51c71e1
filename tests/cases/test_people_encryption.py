"""People's names and birth dates are ciphertext in the database, matched through keyed hashes,
re-keyed by a rotation, and a wrong key stops the app loudly instead of showing ciphertext."""

import base64
import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from cases.models import Person
from cases.selectors.people import likely_duplicates, people_matching
from cases.services.people import PersonData, person_create
from taskforce.encryption import UnreadableCiphertext, forget_derived_keys, rotate_field_keys

pytestmark = pytest.mark.django_db
BORN = dt.date(1990, 4, 17)


@pytest.fixture
def person(sheriff_liaison):
    return person_create(
        actor=sheriff_liaison,
        data=PersonData(
            first_name="José", middle_name="Luis", last_name="Ibáñez-Ortega", date_of_birth=BORN
        ),
    )


@pytest.fixture
def fresh_keys():
    """Fields cache the keys they derive: start and leave each test with the configured ones."""
    forget_derived_keys()
    yield
    forget_derived_keys()


def stored(person):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT first_name, middle_name, last_name, date_of_birth, first_name_key,"
            " last_name_key, birth_key FROM cases_person WHERE id = %s",
            [person.pk],
        )
        return dict(zip([c.name for c in cursor.description], cursor.fetchone(), strict=True))


def test_plain_sql_sees_tokens_and_hashes_and_the_app_sees_the_person(person):
    row = stored(person)
    for column in ("first_name", "middle_name", "last_name", "date_of_birth"):
        # A Fernet token: version byte 0x80, timestamp, IV, ciphertext, HMAC. (Looking for bits
        # of the name in the token's text instead failed now and then: "jos" turned up by
        # chance in random base64.)
        token = base64.urlsafe_b64decode(row[column])
        assert token[0] == 0x80 and len(token) >= 57 + 16, column
        assert row[column] not in {"José", "Luis", "Ibáñez-Ortega", BORN.isoformat()}
    for column in ("first_name_key", "last_name_key", "birth_key"):
        assert re.fullmatch(r"[0-9a-f]{64}", row[column]), column  # HMAC-SHA256, hex
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.first_name, fresh.last_name, fresh.date_of_birth) == (
        "José",
        "Ibáñez-Ortega",
        BORN,
    )


def test_duplicates_match_whole_names_blind_to_case_and_accents_and_compare_birth_dates(
    person, sheriff_liaison
):
    def found(**kwargs):
        return likely_duplicates(actor=sheriff_liaison, **kwargs)

    assert found(first_name="jose", last_name="IBANEZ ORTEGA", date_of_birth=BORN) == [person]
    assert found(first_name="Jose", last_name="Ibanez-Ortega") == [person]  # no birth date given
    assert (
        found(first_name="Jose", last_name="Ibanez-Ortega", date_of_birth=BORN.replace(day=18))
        == []
    )
    assert found(first_name="Jos", last_name="Ibanez-Ortega", date_of_birth=BORN) == []


def test_search_finds_a_person_by_whole_names_in_any_order(person, sheriff_liaison):
    assert list(people_matching(actor=sheriff_liaison, text="ibanez-ortega JOSE")) == [person]
    assert list(people_matching(actor=sheriff_liaison, text="Ibáñez Ortega")) == [person]
    assert list(people_matching(actor=sheriff_liaison, text="Maria")) == []


def test_a_rotation_re_encrypts_and_re_keys_so_lookups_still_work(
    person, sheriff_liaison, settings, fresh_keys
):
    before = stored(person)
    settings.SALT_KEY = ["a-new-field-key", *settings.SALT_KEY]
    counts = rotate_field_keys()
    assert counts["cases.Person"] == 1
    after = stored(person)
    assert after["last_name"] != before["last_name"]
    assert after["last_name_key"] != before["last_name_key"]  # keyed by the new first key
    settings.SALT_KEY = ["a-new-field-key"]  # the old key is gone
    forget_derived_keys()
    assert Person.objects.get(pk=person.pk).last_name == "Ibáñez-Ortega"
    assert likely_duplicates(
        actor=sheriff_liaison, first_name="José", last_name="Ibáñez-Ortega", date_of_birth=BORN
    ) == [person]


# The health checks run in threads with connections of their own: the rows must be committed.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_wrong_key_stops_reads_and_fails_the_health_check_naming_columns_only(
    person, client, settings, fresh_keys
):
    settings.SALT_KEY = ["not-the-key-the-data-was-written-with"]
    forget_derived_keys()
    with pytest.raises(UnreadableCiphertext, match=r"cases\.Person\.first_name"):
        Person.objects.get(pk=person.pk)
    answer = client.get(reverse("health"), HTTP_ACCEPT="application/json")
    assert answer.status_code == 500
    keys = next(value for name, value in answer.json().items() if "FieldKeys" in name)
    assert "cases.Person.last_name" in keys and "cases.Person.date_of_birth" in keys
    assert "gAAAA" not in answer.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_health_check_passes_with_the_right_keys(person, client):
    assert Person.objects.exists()
    answer = client.get(reverse("health"), HTTP_ACCEPT="application/json")
    assert answer.status_code == 200
    assert any("FieldKeys" in name for name in answer.json())


def test_the_migration_encrypts_people_written_in_plain_text(person):
    with connection.cursor() as cursor:  # as rows stood before names were encrypted
        cursor.execute(
            "UPDATE cases_person SET first_name = 'Ada', middle_name = '', last_name = 'Okafor',"
            " date_of_birth = '1985-02-03', first_name_key = 'ada', last_name_key = 'okafor',"
            " birth_key = '' WHERE id = %s",
            [person.pk],
        )
    migration = importlib.import_module(
        "cases.migrations.0016_encrypt_people_names_and_birth_dates"
    )
    migration.encrypt_people(apps, None)
    row = stored(person)
    assert row["last_name"].startswith("gAAAA") and row["date_of_birth"].startswith("gAAAA")
    assert "okafor" not in row["last_name_key"]
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.first_name, fresh.last_name, fresh.date_of_birth) == (
        "Ada",
        "Okafor",
        dt.date(1985, 2, 3),
    )
    assert fresh.last_name_key == Person(last_name="okafor").lookup_keys()["last_name_key"]
