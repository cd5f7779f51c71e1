"""Passwords are stored with Argon2id at the cost the README states (accounts/hashers.py, issue
#22); a PBKDF2 hash from before signs in and is rehashed then. Through the real sign-in page,
with the project's hashers (the rest of the suite hashes with MD5 for speed)."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.urls import reverse

from taskforce import settings as project_settings
from taskforce.models import AuditEvent
from tests.factories import TEST_PASSWORD, verified_login

pytestmark = pytest.mark.django_db

# The documented cost (README: Security): Argon2id, 46 MiB, 2 passes, 1 lane.
ARGON2ID = "argon2$argon2id$v=19$m=47104,t=2,p=1$"
PBKDF2 = "pbkdf2_sha256$1000000$"  # Django 5.2's default, every hash made before issue #22


@pytest.fixture(autouse=True)
def project_hashers(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def stored_with(user, hasher: str) -> str:
    """Give the user TEST_PASSWORD as hashed by `hasher` (an algorithm name, or "default")."""
    user.password = make_password(TEST_PASSWORD, hasher=hasher)
    user.save(update_fields=["password"])
    return user.password


def sign_in(client, user, password=TEST_PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def stored_hash(user) -> str:
    user.refresh_from_db(fields=["password"])
    return user.password


def test_a_new_password_is_stored_as_argon2id_at_the_documented_cost(client, wash_prosecutor):
    stored_with(wash_prosecutor, "default")
    verified_login(client, wash_prosecutor)
    changed = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert changed["Location"] == reverse("password_change_done")
    assert stored_hash(wash_prosecutor).startswith(ARGON2ID)

    client.post(reverse("logout"))
    response = sign_in(client, wash_prosecutor, "a-new-long-passphrase")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(wash_prosecutor.pk)


def test_a_pbkdf2_hash_signs_in_and_is_stored_as_argon2id_after(client, wash_prosecutor):
    assert stored_with(wash_prosecutor, "pbkdf2_sha256").startswith(PBKDF2)
    response = sign_in(client, wash_prosecutor)
    assert response.status_code == 302
    # On to the second step.
    assert client.get(response["Location"])["Location"].startswith(reverse("mfa_enrol"))
    assert client.session["_auth_user_id"] == str(wash_prosecutor.pk)
    assert stored_hash(wash_prosecutor).startswith(ARGON2ID)
    assert AuditEvent.objects.filter(action="auth.signed_in", actor=wash_prosecutor).count() == 1


def test_the_upgraded_hash_signs_in_again_and_is_kept(client, wash_prosecutor):
    stored_with(wash_prosecutor, "pbkdf2_sha256")
    sign_in(client, wash_prosecutor)
    upgraded = stored_hash(wash_prosecutor)
    assert upgraded.startswith(ARGON2ID)

    again = client.__class__()
    assert sign_in(again, wash_prosecutor).status_code == 302
    assert again.session["_auth_user_id"] == str(wash_prosecutor.pk)
    assert stored_hash(wash_prosecutor) == upgraded  # at the current cost: not rehashed
    assert sign_in(client.__class__(), wash_prosecutor, "not-the-password").status_code == 200


@pytest.mark.parametrize("hasher", ["pbkdf2_sha256", "default"], ids=["pbkdf2", "argon2id"])
def test_a_wrong_password_fails_counts_toward_the_lockout_and_keeps_the_hash(
    client, wash_prosecutor, hasher
):
    before = stored_with(wash_prosecutor, hasher)
    for _ in range(4):
        refused = sign_in(client, wash_prosecutor, "not-the-password")
        assert refused.status_code == 200
        assert "_auth_user_id" not in client.session
    assert stored_hash(wash_prosecutor) == before  # a wrong password upgrades nothing
    assert sign_in(client, wash_prosecutor, "not-the-password").status_code == 429
    assert sign_in(client, wash_prosecutor).status_code == 429  # locked: even the right one
    assert "_auth_user_id" not in client.session
    assert stored_hash(wash_prosecutor) == before
    # Five wrong, and the right one refused by the lock.
    assert AuditEvent.objects.filter(action="auth.sign_in_failed").count() == 6
    assert AuditEvent.objects.filter(action="auth.locked_out").count() == 1


def test_a_hash_at_djangos_own_argon2_cost_is_rehashed_at_ours(client, wash_prosecutor):
    # Django's Argon2 hasher (100 MiB, 8 lanes) is no longer listed; its hashes still verify.
    django_default = Argon2PasswordHasher()
    wash_prosecutor.password = django_default.encode(TEST_PASSWORD, django_default.salt())
    wash_prosecutor.save(update_fields=["password"])
    assert wash_prosecutor.password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")
    assert sign_in(client, wash_prosecutor).status_code == 302
    assert stored_hash(wash_prosecutor).startswith(ARGON2ID)
