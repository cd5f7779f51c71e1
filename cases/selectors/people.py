"""Reads of people: lookups, likely duplicates, all through the access policy."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from cases.models import IdentifierKind, Person, PersonIdentifier
from cases.models.people import normalise_identifier, normalise_name
from taskforce import access
from taskforce.models import User


def person_get(*, actor: User, public_id, action=access.Action.VIEW) -> Person:
    return access.get_for(actor, Person, public_id, action)


def likely_duplicates(
    *,
    actor: User,
    first_name: str,
    last_name: str,
    date_of_birth: date | None = None,
    identifiers: tuple[tuple[str, str], ...] = (),
    limit: int = 5,
) -> list[Person]:
    """People the actor may see who are probably this person: the same name and date of birth
    (or a birth date missing on either side), or a shared phone, handle, email or booking number.
    """
    same_name = Q(
        first_name_key=normalise_name(first_name), last_name_key=normalise_name(last_name)
    )
    if date_of_birth is not None:
        same_name &= Q(date_of_birth=date_of_birth) | Q(date_of_birth__isnull=True)
    matches = same_name
    keys = [
        (kind, normalise_identifier(kind, value))
        for kind, value in identifiers
        if value and kind != IdentifierKind.ALIAS
    ]
    if keys:
        by_identifier = Q()
        for kind, key in keys:
            by_identifier |= Q(kind=kind, normalised=key)
        matches |= Q(pk__in=PersonIdentifier.objects.filter(by_identifier).values("person_id"))
    return list(
        access.visible(actor, Person).filter(matches).prefetch_related("identifiers")[:limit]
    )


def person_search_q(text: str) -> Q:
    """Matches a person by name, alias, phone, handle or booking number (for arrest search)."""
    words = text.split()
    by_name = Q()
    for word in words:
        key = normalise_name(word)
        if key:
            by_name &= Q(first_name_key__startswith=key) | Q(last_name_key__startswith=key)
    by_identifier = Q(normalised__icontains=text.strip().lower().lstrip("@"))
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 4:
        by_identifier |= Q(kind=IdentifierKind.PHONE, normalised__contains=digits[-10:])
    alias = normalise_name(text)
    if alias:
        by_identifier |= Q(kind=IdentifierKind.ALIAS, normalised__contains=alias)
    identified = PersonIdentifier.objects.filter(by_identifier).values("person_id")
    return (by_name if words else Q(pk__in=[])) | Q(pk__in=identified)


def people_matching(*, actor: User, text: str) -> QuerySet[Person]:
    return access.visible(actor, Person).filter(person_search_q(text))


def people_named(text: str) -> QuerySet[Person]:
    """People whose names start with each word typed (any order): 'harl dal' finds Dale Harlan.

    Not filtered by access: callers use it inside a query of records the actor may see.
    """
    words = [normalise_name(word) for word in text.split()]
    words = [word for word in words if word]
    if not words:
        return Person.objects.none()
    match = Q()
    for word in words:
        match &= Q(first_name_key__startswith=word) | Q(last_name_key__startswith=word)
    return Person.objects.filter(match)
