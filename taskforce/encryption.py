"""Identifying fields at rest: which columns are encrypted, their lookup keys, re-encrypting.

The fields are django-fernet-encrypted-fields' (Fernet: AES-128-CBC with HMAC-SHA256), keyed
from SECRET_KEY and FIELD_ENCRYPTION_KEYS (settings.SALT_KEY). Reading tries every key;
writing uses the first. A value stored encrypted that no configured key opens stops the request
with UnreadableCiphertext instead of showing the ciphertext as if it were the text.

People's names and birth dates are found by exact value through keyed hashes (`lookup_key`:
HMAC-SHA256 under a key derived from the first FIELD_ENCRYPTION_KEYS entry), so equal names
can be matched in SQL without the database ever holding the name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from encrypted_fields import fields as encrypted

FERNET_PREFIX = "gAAAAA"  # version byte 0x80 and the high bytes of a timestamp, base64url


class UnreadableCiphertext(ImproperlyConfigured):
    """A stored value is encrypted under no key in FIELD_ENCRYPTION_KEYS: the keys are wrong."""


def looks_encrypted(value: str) -> bool:
    return value.startswith(FERNET_PREFIX) and len(value) >= 100


def _unreadable(field) -> UnreadableCiphertext:
    return UnreadableCiphertext(
        f"{field.model._meta.label}.{field.name} holds a value that none of "
        "FIELD_ENCRYPTION_KEYS decrypts: check the keys and SECRET_KEY."
    )


class _Strict:
    """The library hands back the stored token when no key opens it; refuse instead."""

    def to_python(self, value):
        result = super().to_python(value)
        opened = not (isinstance(result, str) and result == value and looks_encrypted(value))
        if not opened and not hasattr(self, "_already_decrypted"):
            raise _unreadable(self)
        return result


class _KeepEmpty(_Strict):
    """An empty value is stored as an empty string, as Django stores blank text (the library
    would store NULL, which the NOT NULL text columns refuse); it reveals nothing."""

    def get_prep_value(self, value):
        if value == "":
            return ""
        return super().get_prep_value(value)


class EncryptedCharField(_KeepEmpty, encrypted.EncryptedCharField):
    pass


class EncryptedTextField(_KeepEmpty, encrypted.EncryptedTextField):
    pass


class EncryptedDateField(_Strict, encrypted.EncryptedDateField):
    """A date kept as a Fernet token (NULL when there is none). Never filter or sort on it."""

    def to_python(self, value):
        if isinstance(value, str) and looks_encrypted(value):
            try:
                value = self.f.decrypt(value.encode()).decode()
            except InvalidToken:
                raise _unreadable(self) from None
            return models.DateField.to_python(self, value)
        return super().to_python(value)


def token_cipher(purpose: str) -> MultiFernet:
    """A cipher for tokens the app hands out and reads back unchanged (an API page's cursor):
    Fernet (AES-128-CBC with HMAC-SHA256), so a token reads as random bytes and a changed one
    does not open (InvalidToken). Keyed from SECRET_KEY, then SECRET_KEY_FALLBACKS (a token made
    before a rotation still opens), and the purpose: a token of one purpose never opens as
    another's."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    label = f"taskforce {purpose} v1".encode()
    keys = [hmac.new(secret.encode(), label, hashlib.sha256).digest() for secret in secrets]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(key)) for key in keys])


def _lookup_secret() -> bytes:
    first = settings.SALT_KEY[0] if isinstance(settings.SALT_KEY, list) else settings.SALT_KEY
    return hmac.new(first.encode(), b"taskforce person lookup v1", hashlib.sha256).digest()


def lookup_key(value: str) -> str:
    """The keyed hash of an already normalised value; empty stays empty (nothing to match)."""
    if not value:
        return ""
    return hmac.new(_lookup_secret(), value.encode(), hashlib.sha256).hexdigest()


def save_with_keys(obj: models.Model, save: Callable, *args, **kwargs) -> None:
    """Call `save` (a model's super().save) with `obj.lookup_keys()` derived afresh, also when
    only some fields are saved."""
    keys = obj.lookup_keys()
    for name, key in keys.items():
        setattr(obj, name, key)
    update_fields = kwargs.get("update_fields")
    if update_fields is not None:
        kwargs["update_fields"] = {*update_fields, *keys}
    save(*args, **kwargs)


ENCRYPTED: dict[str, tuple[str, ...]] = {
    "cases.Person": ("first_name", "middle_name", "last_name", "date_of_birth"),
    "victims.Victim": ("address", "phone", "contact_method", "safe_times", "safety_concerns",
                       "guardian_note", "override_reason", "screening_score"),
    "victims.Contact": ("outcome",),
    "victims.AdvocateNote": ("body",),
    "cases.CaseVictim": ("contact_notes",),
    "cases.RunawayReport": ("notes", "address", "returned_from", "review_note"),
    "cases.CaseNote": ("body",),
    "cases.CaseDocument": ("title", "original_name"),
    "victims.Consent": ("guardian_name",),
    "cases.PersonIdentifier": ("value",),
    "cases.AccessRequest": ("reason",),
    "cases.AccessRequestMatch": ("note",),
    "cases.AdResponse": ("value",),
    "cases.Arrest": ("address", "meeting_place", "vehicle", "narrative", "booking_number"),
    "cases.ArrestImport": ("file_name", "content"),
    "cases.RunawayImport": ("file_name", "content"),
}  # fmt: skip


def reencrypt(
    model: type[models.Model],
    fields: tuple[str, ...],
    batch: int = 500,
    derived: Callable[[models.Model], dict] | None = None,
) -> int:
    """Read each row (any key, or plaintext written before encryption) and write it back under
    the first key, with its lookup keys derived again (they are keyed by the first key too).
    Returns how many rows were rewritten.

    `derived` gives a row's lookup keys; by default the model's own `lookup_keys` (a migration's
    historical model has no methods, so its migration passes them)."""
    rewritten = 0
    derived = derived or getattr(model, "lookup_keys", None)  # e.g. people's name keys
    pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), batch):
        with transaction.atomic():
            for row in model.objects.filter(pk__in=pks[start : start + batch]):
                values = {name: getattr(row, name) for name in fields}
                if derived is not None:
                    values.update(derived(row))
                model.objects.filter(pk=row.pk).update(**values)
                rewritten += 1
    return rewritten


def forget_derived_keys() -> None:
    """Fields cache the keys they derived; after a change of keys they must derive them again."""
    for label, fields in ENCRYPTED.items():
        model = apps.get_model(label)
        for name in fields:
            field = model._meta.get_field(name)
            field.__dict__.pop("keys", None)
            field.__dict__.pop("f", None)


def rotate_field_keys() -> dict[str, int]:
    """Re-encrypt every encrypted column under the first key (run after prepending a new key)."""
    forget_derived_keys()
    return {label: reencrypt(apps.get_model(label), fields) for label, fields in ENCRYPTED.items()}


def unreadable_columns(using: str = "default") -> list[str]:
    """Encrypted columns holding a value the configured keys cannot open (one row read each)."""
    unreadable = []
    for label, fields in ENCRYPTED.items():
        model = apps.get_model(label)
        for name in fields:
            rows = model.objects.using(using).exclude(**{f"{name}__isnull": True})
            if not isinstance(model._meta.get_field(name), EncryptedDateField):
                rows = rows.exclude(**{name: ""})
            sample = rows.order_by("-pk").values_list(name, flat=True)[:1]
            try:
                list(sample)
            except UnreadableCiphertext:
                unreadable.append(f"{label}.{name}")
    return unreadable


def migration_encrypting(label: str, fields: tuple[str, ...] | None = None, derived=None):
    """A RunPython that encrypts the rows written before a column was encrypted (`fields`, by
    default all of the label's in ENCRYPTED) and fills their lookup keys (`derived(row)`)."""

    def forward(migrated_apps, schema_editor):
        model = migrated_apps.get_model(label)
        reencrypt(model, fields or ENCRYPTED[label], derived=derived)

    return forward
