"""Writes to people and their identifiers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import IdentifierKind, Person, PersonIdentifier, Sex
from cases.models.people import identifier_key
from taskforce import records
from taskforce.models import User


@dataclass(frozen=True)
class PersonData:
    first_name: str
    last_name: str
    middle_name: str = ""
    date_of_birth: date | None = None
    sex: str = Sex.UNKNOWN
    identifiers: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def check_birth_date(date_of_birth: date | None, field_name: str = "date_of_birth") -> None:
    if date_of_birth is not None and date_of_birth > timezone.localdate():
        raise ValidationError({field_name: "A date of birth cannot be in the future."})


@transaction.atomic
def person_create(*, actor: User, data: PersonData) -> Person:
    check_birth_date(data.date_of_birth)
    person = records.record_create(
        actor=actor,
        model=Person,
        first_name=data.first_name.strip(),
        middle_name=data.middle_name.strip(),
        last_name=data.last_name.strip(),
        date_of_birth=data.date_of_birth,
        sex=data.sex,
    )
    for kind, value in data.identifiers:
        person_identifier_add(person=person, kind=kind, value=value)
    return person


def person_identifier_add(*, person: Person, kind: str, value: str) -> PersonIdentifier | None:
    """Record an identifier once; an empty value or one already recorded adds nothing."""
    value = value.strip()
    if not value:
        return None
    if kind not in IdentifierKind.values:
        raise ValidationError({"identifiers": f"Unknown kind of identifier: {kind}."})
    identifier, _ = PersonIdentifier.objects.get_or_create(
        person=person,
        kind=kind,
        normalised=identifier_key(kind, value),
        defaults={"value": value},
    )
    return identifier
