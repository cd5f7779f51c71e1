"""Writes every protected record shares: create owned by an agency, versioned update, delete.

Each runs in the caller's transaction and writes its audit event with the change.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.db.models import F
from django.utils import timezone

from taskforce import access, audit
from taskforce.models import ProtectedModel, StaleVersion, User


def _display(value: Any) -> Any:
    if isinstance(value, models.Model):
        return audit.label_for(value)  # a person by short id, never by name
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def record_create(*, actor: User, model: type[ProtectedModel], **fields: Any) -> ProtectedModel:
    """Create a record owned by the actor's agency (the policy decides who may act on it)."""
    if not access.may_create(actor, model):
        raise access.Forbidden
    return record_create_for(
        actor=actor, model=model, owner_agency=access.acting_membership(actor).agency, **fields
    )


def record_create_for(
    *, actor: User, model: type[ProtectedModel], owner_agency, **fields: Any
) -> ProtectedModel:
    """Create a record owned by `owner_agency`, which may not be the actor's.

    Only for hand-offs, where a police agency opens a case in a prosecutor's intake; the calling
    service has checked the actor's right to hand the record on.
    """
    obj = model(owner_agency=owner_agency, created_by=actor, updated_by=actor, **fields)
    obj.full_clean()
    obj.save()
    audit.record(
        actor,
        f"{model._meta.model_name}.created",
        obj,
        changes={name: [None, _display(value)] for name, value in fields.items()},
    )
    return obj


def _constraint_fields(constraint) -> set[str]:
    fields = set(getattr(constraint, "fields", ()) or ())
    condition = getattr(constraint, "condition", None)
    if condition is not None:
        fields |= condition.referenced_base_fields
    return fields


def _unaffected(model: type[ProtectedModel], changed: set[str]) -> list[str]:
    """Fields an update leaves alone and no constraint ties to a changed one: their checks
    passed when they were saved, so validating again only costs queries (a unique field's or a
    constraint's each). Any constraint touching a changed field is checked whole."""
    checked = set(changed)
    for constraint in model._meta.constraints:
        fields = _constraint_fields(constraint)
        if fields & changed:
            checked |= fields
    for together in model._meta.unique_together:
        if set(together) & changed:
            checked |= set(together)
    return [field.name for field in model._meta.fields if field.name not in checked]


def record_create_many(
    *, actor: User, model: type[ProtectedModel], rows: list[dict[str, Any]]
) -> list[ProtectedModel]:
    """`record_create` for many records of one model in one go (a file imported): the same
    checks on each, then one INSERT per batch and one audit row each.

    Each record's fields are validated and its constraints checked as `record_create` does,
    except what cannot fail and would cost a query per record: its fresh public id (a new UUID)
    and foreign keys given as records already read (a constraint on such a key is left to the
    database). save() is not called: what a model's save() derives (lookup keys of encrypted
    fields, an age band) its `prepare_for_save` does."""
    if not access.may_create(actor, model):
        raise access.Forbidden
    owner = access.acting_membership(actor).agency
    objs = [model(owner_agency=owner, created_by=actor, updated_by=actor, **fields)
            for fields in rows]  # fmt: skip
    keys = [field for field in model._meta.fields if field.many_to_one]
    for obj in objs:
        read = [field.name for field in keys if field.is_cached(obj)]
        obj.full_clean(exclude=read, validate_unique=False)
        prepare = getattr(obj, "prepare_for_save", None)
        if prepare is not None:
            prepare()
    model.objects.bulk_create(objs, batch_size=500)
    audit.record_many(
        actor, f"{model._meta.model_name}.created", objs,
        [{name: [None, _display(value)] for name, value in fields.items()} for fields in rows],
    )  # fmt: skip
    return objs


def analyze(*models: type[models.Model]) -> None:
    """Refresh the planner's statistics of these tables after a bulk load (ANALYZE samples a
    table; PostgreSQL and SQLite both take the statement)."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def record_update(
    *, actor: User, obj: ProtectedModel, expected_version: int, data: dict[str, Any]
) -> ProtectedModel:
    """Apply changed fields if nobody saved since `expected_version`; else raise StaleVersion."""
    access.require(actor, access.Action.CHANGE, obj)
    return _record_apply(actor=actor, obj=obj, expected_version=expected_version, data=data)


def record_investigator_hand_over(
    *, actor: User, obj: ProtectedModel, expected_version: int, investigator: User
) -> ProtectedModel:
    """Give a record a new lead investigator, for a police supervisor who may only view it: the
    policy's `may_hand_over_investigation` instead of change rights, that one field only."""
    access.require(actor, access.Action.VIEW, obj)
    if not access.may_hand_over_investigation(actor, obj):
        raise access.Forbidden
    return _record_apply(
        actor=actor,
        obj=obj,
        expected_version=expected_version,
        data={access.INVESTIGATOR_FIELD: investigator},
    )


def _record_apply(
    *, actor: User, obj: ProtectedModel, expected_version: int, data: dict[str, Any]
) -> ProtectedModel:
    model = type(obj)
    current = model.objects.select_for_update().get(pk=obj.pk)
    if current.version != expected_version:
        raise StaleVersion
    changes = {
        name: [_display(getattr(current, name)), _display(value)]
        for name, value in data.items()
        if getattr(current, name) != value
    }
    if not changes:
        return current
    for name, value in data.items():
        setattr(current, name, value)
    current.full_clean(exclude=_unaffected(model, set(changes)))
    # Lookup keys of encrypted fields (taskforce.encryption) follow the values they hash.
    keys = current.lookup_keys() if hasattr(current, "lookup_keys") else {}
    now = timezone.now()
    model.objects.filter(pk=obj.pk, version=expected_version).update(
        **data, **keys, version=F("version") + 1, updated_at=now, updated_by=actor
    )
    current.refresh_from_db()
    audit.record(actor, f"{model._meta.model_name}.changed", current, changes=changes)
    return current


def record_delete(*, actor: User, obj: ProtectedModel, reason: str) -> None:
    access.require(actor, access.Action.DELETE, obj)
    audit.record(actor, f"{type(obj)._meta.model_name}.deleted", obj, reason=reason)
    obj.delete()


def record_viewed(*, actor: User, obj: ProtectedModel) -> None:
    """Reads of protected records are audited too (who looked at what, when, from where)."""
    audit.record(actor, f"{type(obj)._meta.model_name}.viewed", obj)


def record_exported(*, actor: User, model: type[ProtectedModel], count: int, query) -> None:
    """An export is a read of every row in it: one audit event with the filter and the count.
    Search words (often a name) are noted as used, not recorded, like protected values."""
    filters = {k: v for k, v in query.items() if v and k != "s"}
    if filters.get("q"):
        filters["q"] = "(search words not recorded)"
    audit.record(
        actor, f"{model._meta.model_name}.exported", changes={"rows": count, "filters": filters}
    )
