"""The records deadlines hang on, and the protected record each is seen through."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from taskforce import access
from taskforce.access import DEADLINE_RECORDS
from taskforce.models import Deadline, User


def guard_model(label: str) -> type[models.Model]:
    model = apps.get_model(label)
    path = DEADLINE_RECORDS[label]
    return model._meta.get_field(path).related_model if path else model


def visible_record_ids(actor: User | None, label: str) -> QuerySet:
    """Ids of the records of one kind whose deadlines the actor may see: those whose guarding
    record they may view and whose progress they see (a referral's sender, only under the
    victim's consent: `access.progress_q`)."""
    model = apps.get_model(label)
    path = DEADLINE_RECORDS[label]
    visible = access.visible_with_progress(actor, guard_model(label)).values("pk")
    if not path:
        return visible
    return model.objects.filter(**{f"{path}__in": visible}).values("pk")


def deadlines_visible(
    actor: User | None, *, of: dict[type[models.Model], QuerySet] | None = None
) -> QuerySet[Deadline]:
    """Deadlines protected like their records: visible exactly when the record and its progress
    are. Every channel of deadlines (pages, calendar feed, digest, API) starts here; reminders
    ask `may_hear_of` and reports `reports.figures.deadlines.report_deadlines` the same.

    `of` narrows to the deadlines of some records ({model: their ids}): the same decision, built
    and run for those kinds and records only (a case page asks for one case and its hearings,
    not for every kind of record the actor sees)."""
    if of is None:
        # Every kind of record: the same condition for the same person on every page, kept
        # compiled by the policy (`access.kept_condition`).
        return Deadline.objects.filter(
            access.kept_condition(actor, "deadlines", Deadline, lambda: _seen_q(actor))
        )
    return Deadline.objects.filter(_seen_q(actor, of))


def _seen_q(actor: User | None, of: dict[type[models.Model], QuerySet] | None = None) -> Q:
    match = Q(pk__in=[])
    for label in DEADLINE_RECORDS:
        model = apps.get_model(label)
        if of is not None and model not in of:
            continue
        ids = visible_record_ids(actor, label)
        if of is not None:
            ids = ids.filter(pk__in=of[model])
        match |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return match


def deadlines_seen_rows(actor: User | None) -> Q | RawSQL:
    """`deadlines_visible`'s decision tested on each deadline a query reads: its record (or the
    record it is seen through) probed by the policy (`access.record_seen_probe`), the progress
    condition included, kept compiled (`access.kept_condition`). For a query over a bounded set
    chosen by something else (the agency's open deadlines, oldest due first), where building the
    ids of every record the actor sees is what costs: 1.3 to 1.4 s for the home panel of the
    state's largest prosecution agency (bench/bench_reports.py's data)."""
    return access.kept_condition(actor, "deadline rows", Deadline, lambda: _seen_rows_q(actor))


def _seen_rows_q(actor: User | None) -> Q:
    match = Q(pk__in=[])
    for label, path in DEADLINE_RECORDS.items():
        model = apps.get_model(label)
        seen = access.record_seen_probe(
            actor, model, "object_id", through=path, narrow=access.progress_q
        )
        if seen is not None:
            match |= Q(content_type=ContentType.objects.get_for_model(model)) & Q(seen)
    return match


def deadlines_of_record(
    actor: User | None, record: models.Model, seen_through: Iterable[models.Model] = ()
) -> QuerySet[Deadline]:
    """`deadlines_visible(actor, of=…)` for one record a page has loaded and the records in hand
    whose deadlines are seen through it (a case and its hearings): the same rows, decided for
    that record (`access.can` and `access.progress_shown`, kept for the request) instead of
    through the policy's id sets."""
    if not deadlines_seen_of(actor, record):
        return Deadline.objects.none()
    ids: dict[type[models.Model], list[int]] = {type(record): [record.pk]}
    for other in seen_through:
        path = DEADLINE_RECORDS[other._meta.label]
        # Seen through this very record, one step away (a hearing's case): anything else is not
        # decided here.
        if guard_model(other._meta.label) is not type(record) or "__" in path:
            raise ValueError(f"{other._meta.label} is not seen through {record._meta.label}")
        if getattr(other, f"{path}_id") == record.pk:
            ids.setdefault(type(other), []).append(other.pk)
    match = Q(pk__in=[])
    for model, pks in ids.items():
        match |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=pks)
    return Deadline.objects.filter(match)


def deadlines_seen_of(actor: User | None, record: models.Model) -> bool:
    """Whether the actor sees the deadlines of a record a page has loaded, and of the records
    seen through it (`deadlines_of_record`)."""
    return access.can(actor, access.Action.VIEW, record) and access.progress_shown(actor, record)


def deadlines_through(record_model: type[models.Model], through: type[models.Model]):
    """`deadlines_of_record(actor, record, <every one of its `through` records>)` once
    `deadlines_seen_of` said yes, as a pure function of ids for SQL kept compiled: the record's
    deadlines and those of every `through` record one step away (a case's hearings)."""
    path = DEADLINE_RECORDS[through._meta.label]
    if guard_model(through._meta.label) is not record_model or "__" in path:
        raise ValueError(f"{through._meta.label} is not seen through {record_model._meta.label}")

    def build(record_id: int, type_id: int, through_type_id: int) -> QuerySet:
        return Deadline.objects.filter(
            Q(content_type_id=type_id, object_id=record_id)
            | Q(
                content_type_id=through_type_id,
                object_id__in=through.objects.filter(**{f"{path}_id": record_id}).values("pk"),
            )
        )

    return build


def guard_records(deadlines: list[Deadline], *, lean: bool = False) -> dict[int, models.Model]:
    """Deadline pk → the protected record it is seen through: one query per kind of record.

    `lean`: each record with only what the policy decides on and a link needs (its owner, its
    seal, its public id), for a sweep that loads thousands; another field read costs a query."""
    by_type: dict[int, list[Deadline]] = defaultdict(list)
    for deadline in deadlines:
        by_type[deadline.content_type_id].append(deadline)
    found: dict[int, models.Model] = {}
    for content_type_id, group in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        path = DEADLINE_RECORDS[model._meta.label]
        records = model.objects.filter(pk__in=[d.object_id for d in group])
        if path:
            records = records.select_related(path)
        if lean:
            guard = guard_model(model._meta.label)
            fields = ("public_id", "owner_agency", *guard.hidden_when_set)
            records = records.only(*([path, *(f"{path}__{f}" for f in fields)] if path else fields))
        by_pk = {r.pk: (getattr(r, path) if path else r) for r in records}
        for deadline in group:
            if deadline.object_id in by_pk:
                found[deadline.pk] = by_pk[deadline.object_id]
    return found


def may_hear_of(pairs: list[tuple[User, models.Model]]) -> set[tuple[int, type, int]]:
    """(user pk, model, record pk) of the (person, guarding record) pairs whose person may still
    hear of the record's deadlines: the same decision as `deadlines_visible`, for a sweep."""
    return access.viewable_with_progress(pairs)
