"""Victims' identifying fields at rest: which columns are encrypted, and re-encrypting them.

The fields are django-fernet-encrypted-fields' (Fernet: AES-128-CBC with HMAC-SHA256), keyed
from SECRET_KEY and FIELD_ENCRYPTION_KEYS (settings.SALT_KEY). Reading tries every key;
writing uses the first. Nobody looks these columns up by value, so no search index is needed.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models, transaction
from encrypted_fields import fields as encrypted


class _KeepEmpty:
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


ENCRYPTED: dict[str, tuple[str, ...]] = {
    "victims.Victim": ("address", "phone", "contact_method", "safe_times", "safety_concerns",
                       "guardian_note", "override_reason"),
    "victims.Contact": ("outcome",),
    "victims.AdvocateNote": ("body",),
    "cases.CaseVictim": ("contact_notes",),
    "cases.RunawayReport": ("notes",),
}  # fmt: skip


def reencrypt(model: type[models.Model], fields: tuple[str, ...], batch: int = 500) -> int:
    """Read each row (any key, or plaintext written before encryption) and write it back under
    the first key. Returns how many rows were rewritten."""
    rewritten = 0
    pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), batch):
        with transaction.atomic():
            for row in model.objects.filter(pk__in=pks[start : start + batch]):
                values = {name: getattr(row, name) for name in fields}
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


def migration_encrypting(label: str):
    """A RunPython that encrypts the rows written before a column was encrypted."""

    def forward(migrated_apps, schema_editor):
        model = migrated_apps.get_model(label)
        reencrypt(model, ENCRYPTED[label])

    return forward
