"""Victims' identifying fields are ciphertext in the database, readable through the app, and
survive a key rotation."""

import pytest
from django.db import connection

from referrals.services import referral_open_victim, referral_transition
from taskforce.encryption import forget_derived_keys, rotate_field_keys
from victims.models import Victim
from victims.services import advocate_note_add

pytestmark = pytest.mark.django_db
SECRETS = {"address": "1427 Larkspur Lane", "phone": "651-555-0199",
           "safety_concerns": "Uncle drives a blue van",
           "screening_score": "MYTEI 31: high"}  # fmt: skip


@pytest.fixture
def victim(referral, advocate):
    for status in ("received", "accepted"):
        referral_transition(actor=advocate, referral=referral, to_status=status)
    victim = referral_open_victim(
        actor=advocate, referral=referral, identified_how="sting", guardian_note="Aunt Wilma",
        **SECRETS,
    )  # fmt: skip
    advocate_note_add(actor=advocate, victim=victim, body="Disclosed a second trafficker")
    return victim


def raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [str(value) for row in cursor.fetchall() for value in row]


def test_plain_sql_sees_ciphertext_and_the_app_sees_the_text(victim):
    columns = raw(
        "SELECT address, phone, safety_concerns, guardian_note, screening_score FROM victims_victim"
        " WHERE id = %s",
        victim.pk,
    )
    notes = raw("SELECT body FROM victims_advocatenote WHERE victim_id = %s", victim.pk)
    for stored in columns + notes:
        assert stored.startswith("gAAAA")  # a Fernet token
    text = " ".join(columns + notes)
    for secret in [*SECRETS.values(), "Aunt Wilma", "second trafficker"]:
        assert secret not in text
    fresh = Victim.objects.get(pk=victim.pk)
    assert (fresh.address, fresh.phone) == (SECRETS["address"], SECRETS["phone"])
    assert fresh.screening_score == SECRETS["screening_score"]
    assert fresh.notes.get().body == "Disclosed a second trafficker"


def test_a_key_rotation_keeps_every_value_readable(victim, settings):
    before = raw("SELECT address FROM victims_victim WHERE id = %s", victim.pk)[0]
    settings.SALT_KEY = ["a-new-field-key", *settings.SALT_KEY]  # the new key first
    counts = rotate_field_keys()
    assert counts["victims.Victim"] == 1 and counts["victims.AdvocateNote"] == 1
    after = raw("SELECT address FROM victims_victim WHERE id = %s", victim.pk)[0]
    assert after != before
    settings.SALT_KEY = ["a-new-field-key"]  # the old key is gone
    forget_derived_keys()
    fresh = Victim.objects.get(pk=victim.pk)
    assert fresh.address == SECRETS["address"] and fresh.guardian_note == "Aunt Wilma"
    assert fresh.notes.get().body == "Disclosed a second trafficker"
    forget_derived_keys()  # leave no keys of this test behind


def test_a_victims_age_band_is_stored_and_follows_a_corrected_birth_date(victim):
    assert victim.age_group == "minor"  # the youth fixture is 16
    person = victim.person
    person.date_of_birth = victim.identified_on.replace(year=victim.identified_on.year - 30)
    person.save()
    victim.refresh_from_db()
    assert victim.age_group == "25+"
    person.date_of_birth = None
    person.save()
    victim.refresh_from_db()
    assert victim.age_group == "unknown"


def test_a_secret_key_rotation_through_the_fallbacks_keeps_every_value_readable(victim, settings):
    """docs/operations.md: the new SECRET_KEY first, the old one in SECRET_KEY_FALLBACKS,
    rotate_field_keys, then the fallback dropped."""
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key-" + "x" * 40, [old]
    forget_derived_keys()
    assert Victim.objects.get(pk=victim.pk).address == SECRETS["address"]  # the fallback opens it
    rotate_field_keys()
    settings.SECRET_KEY_FALLBACKS = []
    forget_derived_keys()
    fresh = Victim.objects.get(pk=victim.pk)
    assert fresh.address == SECRETS["address"] and fresh.notes.get().body.startswith("Disclosed")
    forget_derived_keys()
