"""People: one record per human (arrestee, defendant, victim, witness), with their identifiers."""

import datetime as dt
import re
import unicodedata
import uuid

from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from taskforce.encryption import (
    EncryptedCharField,
    EncryptedDateField,
    lookup_key,
    save_with_keys,
)
from taskforce.models import SEALED_LABEL, GrantFields, ProtectedModel, User


def normalise_name(value: str) -> str:
    """Case-, accent- and punctuation-blind form of a name, for matching duplicates."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower())


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NONBINARY = "nonbinary", "Non-binary / other"
    UNKNOWN = "unknown", "Unknown"


def name_key(value: str) -> str:
    """The lookup key of a name: the keyed hash of its normalised form."""
    return lookup_key(normalise_name(value))


def birth_key(value: dt.date | None) -> str:
    return lookup_key(value.isoformat()) if value else ""


class AgeGroup(models.TextChoices):
    """The reporting bands of victims served (issue #11), fixed when a victim is identified."""

    MINOR = "minor", "Under 18"
    YOUNG_ADULT = "18-24", "18 to 24"
    ADULT = "25+", "25 and over"
    UNKNOWN = "unknown", "Age unknown"


def age_group_on(born: dt.date | None, day: dt.date) -> str:
    if born is None:
        return AgeGroup.UNKNOWN
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if age < 18:
        return AgeGroup.MINOR
    return AgeGroup.YOUNG_ADULT if age < 25 else AgeGroup.ADULT


class Person(ProtectedModel):
    """A human the task force records. Visible to the agency that entered them, to agencies it
    shared with, and to agencies that can see an arrest of theirs.

    Names and the birth date are encrypted at rest; they are matched by exact value through
    the keyed hashes below and never filtered or sorted on in SQL."""

    first_name = EncryptedCharField(max_length=80)
    middle_name = EncryptedCharField(max_length=80, blank=True)
    last_name = EncryptedCharField(max_length=80)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    sex = models.CharField(max_length=12, choices=Sex.choices, default=Sex.UNKNOWN)
    # Kept in step by save() (and by rotate_field_keys): duplicate checks and searches match these.
    first_name_key = models.CharField(max_length=64, editable=False, db_index=True)
    last_name_key = models.CharField(max_length=64, editable=False)
    birth_key = models.CharField(max_length=64, editable=False, blank=True)
    # A duplicate merged into another person (PersonMerge) stays as a tombstone pointing at the
    # kept record: hidden from every list, search and duplicate check, its page redirects.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, editable=False,
        related_name="merged_people",
    )  # fmt: skip
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)

    # What hides the record from everyone but administrators (taskforce.access.visibility).
    hidden_when_set = ("sealed_at", "merged_into")

    class Meta:
        indexes = [
            models.Index(fields=["last_name_key", "first_name_key"], name="person_name_key"),
            models.Index(fields=["owner_agency", "-updated_at", "-id"], name="person_owner_recent"),
            # The reports count victims by their person's sex: read from this index alone, not
            # from the wide rows of every person (the victims page and grant export, issue #22).
            models.Index(fields=["id"], include=["sex"], name="person_sex"),
        ]

    def __str__(self) -> str:
        if self.is_sealed:
            return SEALED_LABEL
        born = f" (b. {self.date_of_birth:%Y-%m-%d})" if self.date_of_birth else ""
        return f"{self.last_name}, {self.first_name}{born}"

    @property
    def display_name(self) -> str:
        """The person as "Surname, Given" wherever named; a sealed person is named nowhere."""
        return SEALED_LABEL if self.is_sealed else f"{self.last_name}, {self.first_name}"

    def lookup_keys(self) -> dict[str, str]:
        return {
            "first_name_key": name_key(self.first_name),
            "last_name_key": name_key(self.last_name),
            "birth_key": birth_key(self.date_of_birth),
        }

    def prepare_for_save(self) -> None:
        """What save() derives before writing, for a bulk insert (records.record_create_many)."""
        for name, key in self.lookup_keys().items():
            setattr(self, name, key)

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding
        save_with_keys(self, super().save, *args, **kwargs)
        if adding:
            return
        # Victims' age bands follow a corrected birth date (they are what reports count).
        for victim in self.victim_records.only("pk", "identified_on"):
            band = age_group_on(self.date_of_birth, victim.identified_on)
            self.victim_records.filter(pk=victim.pk).exclude(age_group=band).update(age_group=band)


def by_name(people) -> list["Person"]:
    """People in the order of their names (sorted in Python: SQL sees only ciphertext)."""
    return sorted(people, key=lambda p: (normalise_name(p.last_name), normalise_name(p.first_name)))


class ContactMethod(models.TextChoices):
    """How someone reached a person: a victim told of their rights, a youth an advocate met."""

    PHONE = "phone", "Phone"
    TEXT = "text", "Text message"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    IN_PERSON = "in_person", "In person"
    ADVOCATE = "advocate", "Through their advocate"
    THROUGH_OTHER = "through_other", "Through someone else"


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


def identifier_key(kind: str, value: str) -> str:
    """The lookup key of an identifier: the keyed hash of its normal form."""
    return lookup_key(normalise_identifier(kind, value))


class PersonIdentifier(models.Model):
    """A way to recognise a person: alias, phone, ad handle, booking or license number.

    The value is encrypted at rest; it is matched by exact normal form through `normalised`,
    the keyed hash of that form (identifier_key), never by its text in SQL."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=10, choices=IdentifierKind.choices)
    value = EncryptedCharField(max_length=120)
    normalised = models.CharField(max_length=64, editable=False, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "normalised"], name="identifier_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs) -> None:
        self.normalised = identifier_key(self.kind, self.value)
        super().save(*args, **kwargs)

    def lookup_keys(self) -> dict[str, str]:
        """The keyed hash, derived again after a change of keys (rotate_field_keys)."""
        return {"normalised": identifier_key(self.kind, self.value)}


class PersonUserObjectPermission(UserObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)


class PersonGroupObjectPermission(GroupObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)


class PersonMerge(models.Model):
    """One merge of a duplicate into the person kept, listing exactly what moved so an undo
    (within UNDO_DAYS) puts back that and nothing else.

    `moved` holds {"model": label, "pk": pk, "field": name} of each referencing row re-pointed;
    identifiers, grants and shares are listed by pk. What would have clashed with the kept
    person's own (the same identifier, grant or active share) stays with the tombstone."""

    UNDO_DAYS = 30

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner_agency = models.ForeignKey("taskforce.Agency", on_delete=models.PROTECT, related_name="+")
    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_in")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_out")
    merged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)
    moved = models.JSONField(default=list)
    identifiers_moved = models.JSONField(default=list)
    identifiers_kept_apart = models.JSONField(default=list)
    user_grants_moved = models.JSONField(default=list)
    group_grants_moved = models.JSONField(default=list)
    shares_moved = models.JSONField(default=list)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"], condition=models.Q(undone_at__isnull=True),
                name="person_merged_once",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"merge {self.public_id.hex[:8]}"

    @property
    def undo_until(self) -> dt.datetime:
        return self.merged_at + dt.timedelta(days=self.UNDO_DAYS)

    def may_be_undone(self, now: dt.datetime | None = None) -> bool:
        return self.undone_at is None and (now or timezone.now()) < self.undo_until


def person_references() -> list[tuple[type[models.Model], str]]:
    """Every (model, foreign key) that points at a person and moves with a merge: read from the
    models, so a reference added later moves too. Identifiers, grants, merges and history are
    not references (they are handled apart, or stay with the record they describe)."""
    apart = (Person, PersonIdentifier, PersonMerge, PersonUserObjectPermission,
             PersonGroupObjectPermission)  # fmt: skip
    found = []
    for relation in Person._meta.related_objects:
        if relation.many_to_many or relation.related_model in apart:
            continue  # Case.defendants is moved through its CaseDefendant rows
        if relation.field.name == "pgh_obj":  # history rows belong to the record they describe
            continue
        found.append((relation.related_model, relation.field.name))
    return found
