"""People: one record per human (arrestee, defendant, victim, witness), with their identifiers."""

import re
import unicodedata

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from taskforce.models import GrantFields, ProtectedModel


def normalise_name(value: str) -> str:
    """Case-, accent- and punctuation-blind form of a name, for matching duplicates."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower())


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NONBINARY = "nonbinary", "Non-binary / other"
    UNKNOWN = "unknown", "Unknown"


class Person(ProtectedModel):
    """A human the task force records. Visible to the agency that entered them, to agencies it
    shared with, and to agencies that can see an arrest of theirs."""

    first_name = models.CharField(max_length=80)
    middle_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=12, choices=Sex.choices, default=Sex.UNKNOWN)
    # Kept in step with the names by save(): duplicate checks compare these.
    first_name_key = models.CharField(max_length=80, editable=False, db_index=True)
    last_name_key = models.CharField(max_length=80, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["last_name_key", "first_name_key"], name="person_name_key"),
            models.Index(fields=["owner_agency", "-updated_at", "-id"], name="person_owner_recent"),
        ]

    def __str__(self) -> str:
        born = f" (b. {self.date_of_birth:%Y-%m-%d})" if self.date_of_birth else ""
        return f"{self.last_name}, {self.first_name}{born}"

    def save(self, *args, **kwargs) -> None:
        self.first_name_key = normalise_name(self.first_name)
        self.last_name_key = normalise_name(self.last_name)
        super().save(*args, **kwargs)


class IdentifierKind(models.TextChoices):
    ALIAS = "alias", "Alias / other name"
    PHONE = "phone", "Phone number"
    HANDLE = "handle", "Online handle (ads, apps)"
    EMAIL = "email", "Email address"
    BOOKING = "booking", "Booking number"
    LICENSE = "license", "Driver's license"


def normalise_identifier(kind: str, value: str) -> str:
    if kind == IdentifierKind.PHONE:
        digits = re.sub(r"\D", "", value)
        return digits[-10:]  # US numbers: drop a leading country code 1
    if kind == IdentifierKind.ALIAS:
        return normalise_name(value)
    return value.strip().lower().lstrip("@")


class PersonIdentifier(models.Model):
    """A way to recognise a person: alias, phone, ad handle, booking or license number."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=10, choices=IdentifierKind.choices)
    value = models.CharField(max_length=120)
    normalised = models.CharField(max_length=120, editable=False, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "normalised"], name="identifier_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs) -> None:
        self.normalised = normalise_identifier(self.kind, self.value)
        super().save(*args, **kwargs)


class PersonUserObjectPermission(UserObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)


class PersonGroupObjectPermission(GroupObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)
