"""Reads of people: lookups, likely duplicates, all through the access policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Value, prefetch_related_objects
from django.db.models.query import EmptyQuerySet

from cases.models import Arrest, IdentifierKind, Person, PersonIdentifier
from cases.models.people import birth_key, identifier_key, name_key, person_references
from taskforce import access
from taskforce.models import ProtectedModel, User

# How the merge page names each kind of record that points at a person.
REFERENCE_NAMES = {
    "cases.Arrest": "arrests",
    "cases.CaseDefendant": "cases as a defendant",
    "cases.Charge": "charges",
    "cases.CaseVictim": "cases as a victim",
    "cases.RunawayReport": "runaway reports",
    "victims.Victim": "victim records",
    "referrals.Referral": "referrals",
}


def _seen_rows(actor: User, model, name: str, person: Person) -> QuerySet:
    """The rows of `model` pointing at the person that the actor may see: a protected record
    through the policy, a row of one (a case's defendant, a charge) through its record."""
    rows = model.objects.filter(**{name: person})
    if issubclass(model, ProtectedModel):
        return rows.filter(pk__in=access.visible(actor, model).values("pk"))
    for parent in model._meta.concrete_fields:
        related = parent.related_model
        if parent.many_to_one and related is not Person and related in access.protected_models():
            return rows.filter(**{f"{parent.name}__in": access.visible(actor, related)})
    return rows.none()


def merge_preview(*, actor: User, person: Person) -> dict[str, int]:
    """What of a person the actor may see would move with a merge, by kind, with its count.
    Records of other agencies the actor cannot see move too but are neither named nor counted
    (a victim-service agency's records are privileged)."""
    counts = {}
    for model, name in person_references():
        count = _seen_rows(actor, model, name, person).count()
        if count:
            counts[REFERENCE_NAMES.get(model._meta.label, model._meta.verbose_name_plural)] = count
    counts["identifiers"] = person.identifiers.count()
    return counts


def person_get(*, actor: User, public_id, action=access.Action.VIEW) -> Person:
    return access.get_for(actor, Person, public_id, action, related=("owner_agency",))


def person_merged_into(*, actor: User, public_id) -> Person:
    """The person a merged duplicate (a tombstone) now lives on, when the actor may see them;
    NotFound for anything else, exactly like a missing person. Follows merges made in turn."""
    try:
        person = Person.objects.filter(public_id=public_id, merged_into__isnull=False).first()
    except (ValidationError, ValueError):
        person = None
    for _ in range(10):  # a chain of merges is short; a cycle cannot be made, but stop anyway
        if person is None or person.merged_into_id is None:
            break
        person = person.merged_into
    if person is None or person.is_hidden:
        raise access.NotFound
    return access.require(actor, access.Action.VIEW, person)


@dataclass(frozen=True)
class Lookup:
    """Who a row of an entry table or a file says someone is, to find them on record."""

    first_name: str
    last_name: str
    date_of_birth: date | None = None
    identifiers: tuple[tuple[str, str], ...] = ()

    def name_keys(self) -> tuple[str, str]:
        return name_key(self.first_name), name_key(self.last_name)

    def identifier_keys(self) -> set[tuple[str, str]]:
        keys = {
            (kind, identifier_key(kind, value))
            for kind, value in self.identifiers
            if value and kind != IdentifierKind.ALIAS
        }
        return {(kind, key) for kind, key in keys if key}


# Keys per query when many rows are looked up at once (a parameter list PostgreSQL plans fast).
LOOKUP_CHUNK = 1000


def likely_duplicates_many(
    *, actor: User, lookups: list[Lookup], limit: int = 5
) -> list[list[Person]]:
    """For each lookup, the people the actor may see who are probably that person: the same
    name and date of birth (or a birth date missing on either side), or a shared phone, handle,
    email or booking number. Names and birth dates are compared through their keyed hashes
    (they are encrypted).

    One policy query for the whole list, then a few queries per thousand rows: a 5,000-row file
    is checked without building the policy's querysets 5,000 times (bench/bench_imports.py)."""
    if not lookups:
        return []
    visible = access.visible(actor, Person)
    last_keys = sorted({lookup.name_keys()[1] for lookup in lookups})
    by_name: dict[tuple[str, str], list[int]] = {}
    for start in range(0, len(last_keys), LOOKUP_CHUNK):
        chunk = last_keys[start : start + LOOKUP_CHUNK]
        # The name index first, then the policy on those few: planned together, PostgreSQL
        # probes the policy's union for every row of the index scan instead.
        named = list(
            Person.objects.filter(last_name_key__in=chunk).values_list(
                "pk", "first_name_key", "last_name_key"
            )
        )
        seen = set(visible.filter(pk__in=[pk for pk, _, _ in named]).values_list("pk", flat=True))
        for pk, first_key, last_key in named:
            if pk in seen:
                by_name.setdefault((first_key, last_key), []).append(pk)
    wanted = sorted({key for lookup in lookups for key in lookup.identifier_keys()})
    by_identifier: dict[tuple[str, str], set[int]] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        rows = list(
            PersonIdentifier.objects.filter(normalised__in={key for _, key in chunk}).values_list(
                "kind", "normalised", "person_id"
            )
        )
        seen = set(visible.filter(pk__in={pk for _, _, pk in rows}).values_list("pk", flat=True))
        for kind, key, person_id in rows:
            if person_id in seen:
                by_identifier.setdefault((kind, key), set()).add(person_id)
    candidates = {pk for pks in by_name.values() for pk in pks}
    candidates |= set().union(*by_identifier.values()) if by_identifier else set()
    known = Person.objects.in_bulk(list(candidates)) if candidates else {}
    found: list[list[Person]] = []
    for lookup in lookups:
        born = birth_key(lookup.date_of_birth) if lookup.date_of_birth else None
        ids = {
            pk
            for pk in by_name.get(lookup.name_keys(), [])
            if born is None or known[pk].birth_key in (born, "")
        }
        for key in lookup.identifier_keys():
            ids |= by_identifier.get(key, set())
        found.append([known[pk] for pk in sorted(ids)[:limit]])
    shown = {p.pk: p for people in found for p in people}
    if shown:
        prefetch_related_objects(list(shown.values()), "identifiers")
    return found


def likely_duplicates(
    *,
    actor: User,
    first_name: str,
    last_name: str,
    date_of_birth: date | None = None,
    identifiers: tuple[tuple[str, str], ...] = (),
    limit: int = 5,
) -> list[Person]:
    """likely_duplicates_many for one person."""
    lookup = Lookup(first_name, last_name, date_of_birth, tuple(identifiers))
    return likely_duplicates_many(actor=actor, lookups=[lookup], limit=limit)[0]


def name_words_q(text: str) -> Q | None:
    """Each word typed is a whole first or last name (any order): 'harlan dale' finds Dale
    Harlan. Names are encrypted, so a word matches whole names only, case- and accent-blind;
    the whole text also matches a name of several words ('de la cruz')."""
    keys = [key for key in (name_key(word) for word in text.split()) if key]
    if not keys:
        return None
    match = Q()
    for key in keys:
        match &= Q(first_name_key=key) | Q(last_name_key=key)
    if len(keys) > 1:
        whole = name_key(text)
        match |= Q(first_name_key=whole) | Q(last_name_key=whole)
    return match


def identifier_search_q(text: str) -> Q | None:
    """Identifiers whose whole value is the text typed, in its normal form: a whole phone number
    (its last 10 digits), handle, alias, email, booking or license number. Identifiers are
    encrypted, so part of one finds nothing."""
    keys = {
        kind: identifier_key(kind, text)
        for kind in IdentifierKind.values
        if kind != IdentifierKind.PHONE or any(ch.isdigit() for ch in text)
    }
    match = Q()
    for kind, key in keys.items():
        if key:
            match |= Q(kind=kind, normalised=key)
    return match or None


def person_search_q(text: str) -> Q:
    """Matches a person by whole name, or by whole alias, phone, handle or booking number (for
    arrest search)."""
    by_name = name_words_q(text)
    by_identifier = identifier_search_q(text)
    match = by_name if by_name is not None else Q(pk__in=[])
    if by_identifier is not None:
        identified = PersonIdentifier.objects.filter(by_identifier).values("person_id")
        match |= Q(pk__in=identified)
    return match


def people_matching(*, actor: User, text: str) -> QuerySet[Person]:
    return access.visible(actor, Person).filter(person_search_q(text))


def people_named(text: str) -> QuerySet[Person]:
    """People named by the words typed (see name_words_q).

    Not filtered by access: callers use it inside a query of records the actor may see.
    """
    match = name_words_q(text)
    return Person.objects.none() if match is None else Person.objects.filter(match)


# Kinds of identifier that tell one human from another exactly (issue #19 §3); an alias or an
# email address may be shared or mistyped, and a licence number is entered too rarely to count.
MATCHING_KINDS = (IdentifierKind.PHONE, IdentifierKind.HANDLE, IdentifierKind.BOOKING)


def _exact_match_q(subject: Person) -> Q | None:
    """Other people exactly like the subject: the same name and date of birth (both known), or
    the same phone number, handle or booking number (on an identifier or on an arrest)."""
    match = Q()
    if subject.birth_key:
        match |= Q(
            first_name_key=subject.first_name_key,
            last_name_key=subject.last_name_key,
            birth_key=subject.birth_key,
        )
    # From the subject's identifiers as read (a person's page prefetches them).
    keys = {(i.kind, i.normalised) for i in subject.identifiers.all() if i.kind in MATCHING_KINDS}
    # A booking number is on the arrest and may be an identifier too: one hash serves both.
    booked = {key for kind, key in keys if kind == IdentifierKind.BOOKING} | {
        arrest.booking_key for arrest in subject.arrests.all() if arrest.booking_key
    }
    keys |= {(IdentifierKind.BOOKING, key) for key in booked}
    if keys:
        by_identifier = Q()
        for kind, key in keys:
            by_identifier |= Q(kind=kind, normalised=key)
        match |= Q(pk__in=PersonIdentifier.objects.filter(by_identifier).values("person_id"))
    if booked:
        match |= Q(pk__in=Arrest.objects.filter(booking_key__in=booked).values("arrestee_id"))
    return match or None


def _exact_matches(subject: Person) -> QuerySet[Person]:
    """People at other agencies who exactly match the subject, seen or not by anyone."""
    match = _exact_match_q(subject)
    if match is None:
        return Person.objects.none()
    return (
        Person.objects.filter(match, Person.live_q())
        .exclude(pk=subject.pk)
        .exclude(owner_agency_id=subject.owner_agency_id)
    )


def matches_elsewhere(*, actor: User, subject: Person) -> QuerySet[Person]:
    """People at other agencies who exactly match the subject and whom the actor may not see.

    For the owning side's decision only: the actor is told no more than whether this is empty.
    Sealed people and merged duplicates never match (they are gone from every channel)."""
    return _exact_matches(subject).exclude(pk__in=access.visible(actor, Person).values("pk"))


def people_with_matches_elsewhere(*, actor: User, subjects: list[Person]) -> set[int]:
    """The subjects (by pk) for whom `matches_elsewhere` is not empty, in four queries however
    many there are (the arrestees of a sting's arrests, saved together): their identifiers and
    arrests, every subject's exact matches at once, then which of those the actor cannot see."""
    subjects = list(subjects)
    prefetch_related_objects(subjects, "identifiers", "arrests")
    parts = [
        _exact_matches(subject).annotate(subject=Value(subject.pk)).values_list("subject", "pk")
        for subject in subjects
    ]
    parts = [part for part in parts if not isinstance(part, EmptyQuerySet)]
    if not parts:
        return set()
    pairs = list(parts[0].union(*parts[1:], all=True))
    unseen = set(
        Person.objects.filter(pk__in={pk for _, pk in pairs})
        .exclude(pk__in=access.visible(actor, Person).values("pk"))
        .values_list("pk", flat=True)
    )
    return {subject for subject, pk in pairs if pk in unseen}


def has_match_elsewhere(*, actor: User, subject: Person) -> bool:
    return matches_elsewhere(actor=actor, subject=subject).exists()
