"""Writes to people and their identifiers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases.models import (
    IdentifierKind,
    Person,
    PersonGroupObjectPermission,
    PersonIdentifier,
    PersonMerge,
    PersonUserObjectPermission,
    Sex,
)
from cases.models.people import identifier_key, person_references
from taskforce import access, audit, records
from taskforce.models import ProtectedModel, Share, StaleVersion, User


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


@transaction.atomic
def person_create_many(*, actor: User, data: list[PersonData]) -> list[Person]:
    """person_create for a file's new people at once: the same checks, one INSERT per batch of
    people and of identifiers, one audit row each."""
    for item in data:
        check_birth_date(item.date_of_birth)
        for kind, _ in item.identifiers:
            if kind not in IdentifierKind.values:
                raise ValidationError({"identifiers": f"Unknown kind of identifier: {kind}."})
    people = records.record_create_many(actor=actor, model=Person, rows=[
        {"first_name": item.first_name.strip(), "middle_name": item.middle_name.strip(),
         "last_name": item.last_name.strip(), "date_of_birth": item.date_of_birth,
         "sex": item.sex}
        for item in data
    ])  # fmt: skip
    identifiers = {}
    for person, item in zip(people, data, strict=True):
        for kind, value in item.identifiers:
            value = value.strip()
            if value:
                key = identifier_key(kind, value)
                identifiers.setdefault((person.pk, kind, key), PersonIdentifier(
                    person=person, kind=kind, value=value, normalised=key,
                ))  # fmt: skip
    PersonIdentifier.objects.bulk_create(identifiers.values(), batch_size=500)
    return people


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


# --- Merging a duplicate ------------------------------------------------------------------------


def merge_require(actor: User, *people: Person) -> int:
    """A supervisor of the agency that owns every one of these people; NotFound otherwise (a
    sealed or already merged person included: nobody but an administrator sees those)."""
    agency_id = access.supervised_agency(actor)
    for person in people:
        if person.owner_agency_id != agency_id or person.is_hidden:
            raise access.NotFound
    return agency_id


def _refuse_clashes(keep: Person, merge: Person) -> None:
    """A row unique per (something, person) that both people have (defendants of one case, say)
    cannot be moved; the user takes one off first rather than the merge deleting it."""
    for model, name in person_references():
        for constraint in model._meta.constraints:
            fields = getattr(constraint, "fields", ())
            if name not in fields or getattr(constraint, "condition", None) is not None:
                continue
            others = [f for f in fields if f != name]
            kept = set(model.objects.filter(**{name: keep}).values_list(*others))
            merged = set(model.objects.filter(**{name: merge}).values_list(*others))
            if kept & merged:
                raise ValidationError(
                    f"Both people appear on the same {model._meta.verbose_name} record. Take "
                    "the duplicate off it first, then merge."
                )


def _repoint(actor: User, model, name: str, pks: list[int], old: Person, new: Person) -> None:
    """Point these rows from `old` to `new`; a protected record's version moves on (a form
    opened before the merge is stale) and its change is audited."""
    rows = model.objects.filter(pk__in=pks, **{name: old})
    if issubclass(model, ProtectedModel):
        now = timezone.now()
        rows.update(**{name: new}, version=F("version") + 1, updated_at=now, updated_by=actor)
        for row in model.objects.filter(pk__in=pks):
            audit.record(actor, f"{model._meta.model_name}.person_merged", row,
                         changes={name: [audit.label_for(old), audit.label_for(new)]})  # fmt: skip
    else:
        rows.update(**{name: new})


def _move_grants(model, old: Person, new: Person, holder: str) -> list[int]:
    """Grant rows (shares, personal grants) the kept person lacks move to it; the rest stay."""
    held = set(model.objects.filter(content_object=new).values_list(holder, "permission_id"))
    moving = [
        pk
        for pk, who, permission in model.objects.filter(content_object=old).values_list(
            "pk", holder, "permission_id"
        )
        if (who, permission) not in held
    ]
    model.objects.filter(pk__in=moving).update(content_object=new)
    return moving


def _bump(person: Person, actor: User, **fields) -> None:
    Person.objects.filter(pk=person.pk).update(
        version=F("version") + 1, updated_at=timezone.now(), updated_by=actor, **fields
    )


@transaction.atomic
def person_merge(
    *, actor: User, keep: Person, merge: Person, keep_version: int, merge_version: int
) -> PersonMerge:
    """Merge the duplicate `merge` into `keep`: every reference moves in this one transaction,
    `merge` becomes a tombstone pointing at `keep`, and the PersonMerge row lists what moved."""
    if keep.pk == merge.pk:
        raise ValidationError("Choose another person: a person cannot be merged into themselves.")
    locked = Person.objects.select_for_update().in_bulk([keep.pk, merge.pk])
    keep, merge = locked[keep.pk], locked[merge.pk]
    agency_id = merge_require(actor, keep, merge)
    if keep.version != keep_version or merge.version != merge_version:
        raise StaleVersion
    _refuse_clashes(keep, merge)
    moved = []
    for model, name in person_references():
        pks = list(model.objects.filter(**{name: merge}).values_list("pk", flat=True))
        _repoint(actor, model, name, pks, merge, keep)
        moved += [{"model": model._meta.label, "pk": pk, "field": name} for pk in pks]
    kept_keys = set(keep.identifiers.values_list("kind", "normalised"))
    identifiers = list(merge.identifiers.values_list("pk", "kind", "normalised"))
    moving = [pk for pk, kind, key in identifiers if (kind, key) not in kept_keys]
    PersonIdentifier.objects.filter(pk__in=moving).update(person=keep)
    # Shares: the kept person's own active share to an agency wins; the duplicate's stays behind.
    person_type = ContentType.objects.get_for_model(Person)
    shared_to = Share.objects.filter(
        content_type=person_type, object_id=keep.pk, revoked_at__isnull=True
    ).values_list("to_agency_id", flat=True)
    shares = list(
        Share.objects.filter(content_type=person_type, object_id=merge.pk)
        .exclude(revoked_at__isnull=True, to_agency_id__in=list(shared_to))
        .values_list("pk", flat=True)
    )
    Share.objects.filter(pk__in=shares).update(
        object_id=keep.pk, object_public_id=keep.public_id, object_label=audit.label_for(keep)
    )
    now = timezone.now()
    merge_record = PersonMerge.objects.create(
        owner_agency_id=agency_id, kept=keep, merged=merge, merged_by=actor, merged_at=now,
        moved=moved, identifiers_moved=moving,
        identifiers_kept_apart=[pk for pk, *_ in identifiers if pk not in moving],
        user_grants_moved=_move_grants(PersonUserObjectPermission, merge, keep, "user_id"),
        group_grants_moved=_move_grants(PersonGroupObjectPermission, merge, keep, "group_id"),
        shares_moved=shares,
    )  # fmt: skip
    _bump(keep, actor)
    _bump(merge, actor, merged_into=keep, merged_at=now)
    summary = {"merge": str(merge_record.public_id), "rows_moved": len(moved),
               "identifiers_moved": len(moving), "shares_moved": len(shares)}  # fmt: skip
    audit.record(actor, "person.merged", keep,
                 changes={"merged_from": audit.label_for(merge), **summary})  # fmt: skip
    audit.record(actor, "person.merged_into", merge,
                 changes={"merged_into": audit.label_for(keep), **summary})  # fmt: skip
    return merge_record


def may_merge(actor: User, person: Person) -> bool:
    try:
        merge_require(actor, person)
    except access.NotFound:
        return False
    return True


def merges_undoable(*, actor: User, person: Person) -> list[PersonMerge]:
    """The merges into this person a supervisor of its agency may still undo (else none)."""
    if not may_merge(actor, person):
        return []
    since = timezone.now() - timedelta(days=PersonMerge.UNDO_DAYS)
    return list(
        person.merges_in.filter(undone_at__isnull=True, merged_at__gt=since).select_related(
            "merged"
        )
    )


def merge_get(*, actor: User, public_id) -> PersonMerge:
    """A merge by its public id, for a supervisor of the agency that made it; else NotFound."""
    agency_id = access.supervised_agency(actor)
    found = PersonMerge.objects.filter(public_id=public_id).select_related("kept", "merged")
    try:
        merge_record = found.get()
    except (PersonMerge.DoesNotExist, ValidationError, ValueError):
        raise access.NotFound from None
    if merge_record.owner_agency_id != agency_id:
        raise access.NotFound
    return merge_record


@transaction.atomic
def person_merge_undo(*, actor: User, merge_record: PersonMerge) -> Person:
    """Put back exactly what the merge moved, in one transaction; the duplicate is a person
    again. Refused after PersonMerge.UNDO_DAYS, or when the kept person was merged on since."""
    merge_record = PersonMerge.objects.select_for_update().get(pk=merge_record.pk)
    locked = Person.objects.select_for_update().in_bulk(
        [merge_record.kept_id, merge_record.merged_id]
    )
    keep, merge = locked[merge_record.kept_id], locked[merge_record.merged_id]
    agency_id = access.supervised_agency(actor)
    if merge_record.owner_agency_id != agency_id or keep.owner_agency_id != agency_id:
        raise access.NotFound
    if merge_record.undone_at is not None:
        raise ValidationError("This merge has already been undone.")
    if not merge_record.may_be_undone():
        raise ValidationError(
            f"A merge can be undone for {PersonMerge.UNDO_DAYS} days. This one was made on "
            f"{timezone.localtime(merge_record.merged_at):%b %-d, %Y}; it can no longer be "
            "undone."
        )
    if keep.is_hidden:
        raise ValidationError(
            "The person kept has since been merged into someone else or sealed: undo that first."
        )
    by_ref: dict[tuple[str, str], list[int]] = {}
    for row in merge_record.moved:
        by_ref.setdefault((row["model"], row["field"]), []).append(row["pk"])
    for (label, name), pks in by_ref.items():
        # Only rows still pointing at the kept person go back: one changed since stays as it is.
        _repoint(actor, apps.get_model(label), name, pks, keep, merge)
    PersonIdentifier.objects.filter(pk__in=merge_record.identifiers_moved, person=keep).update(
        person=merge
    )
    for model, pks in ((PersonUserObjectPermission, merge_record.user_grants_moved),
                       (PersonGroupObjectPermission, merge_record.group_grants_moved)):  # fmt: skip
        model.objects.filter(pk__in=pks, content_object=keep).update(content_object=merge)
    Share.objects.filter(pk__in=merge_record.shares_moved, object_id=keep.pk).update(
        object_id=merge.pk, object_public_id=merge.public_id, object_label=audit.label_for(merge)
    )
    merge_record.undone_at = timezone.now()
    merge_record.undone_by = actor
    merge_record.save(update_fields=["undone_at", "undone_by"])
    _bump(keep, actor)
    _bump(merge, actor, merged_into=None, merged_at=None)
    summary = {"merge": str(merge_record.public_id), "rows_moved_back": len(merge_record.moved)}
    audit.record(actor, "person.merge_undone", keep,
                 changes={"merged_from": audit.label_for(merge), **summary})  # fmt: skip
    audit.record(actor, "person.unmerged", merge,
                 changes={"merged_into": audit.label_for(keep), **summary})  # fmt: skip
    merge.refresh_from_db()
    return merge
