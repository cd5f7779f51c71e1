"""Keyset pages over the access policy's parts: constant queries at any depth and page size."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, models, router
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from taskforce import folded

Row = TypeVar("Row", bound=models.Model)


@dataclass
class Page(Generic[Row]):
    rows: list[Row]
    has_next: bool
    total: int | None


def _after(queryset: QuerySet, order: tuple[str, str], after: models.Model) -> QuerySet:
    """Rows strictly after `after` in a (field, id) order, both descending or both ascending."""
    field = order[0].lstrip("-")
    beyond = "lt" if order[0].startswith("-") else "gt"
    value = getattr(after, field)
    return queryset.filter(
        Q(**{f"{field}__{beyond}": value}) | Q(**{field: value, f"id__{beyond}": after.id})
    )


def _count_sql(parts: list[QuerySet]) -> tuple[str, list] | None:
    """One SELECT adding up each part's COUNT(*); None when every part selects nothing."""
    pieces, params = [], []
    for part in parts:
        try:
            sql, part_params = part.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a part that selects nothing, known before asking
            continue
        pieces.append(f"(SELECT COUNT(*) FROM ({sql}) AS part)")  # noqa: S608 - compiled by Django
        params.extend(part_params)
    return ("SELECT " + " + ".join(pieces), params) if pieces else None


def _fetch(db: str, sql_params: tuple | None, one: bool = False):
    if sql_params is None:
        return 0 if one else []
    with connections[db].cursor() as cursor:
        # Django's own compiled SQL, its values passed apart as parameters.
        cursor.execute(*sql_params)
        return cursor.fetchone()[0] if one else cursor.fetchall()


def count_parts(parts: list[QuerySet]) -> int:
    """How many rows the disjoint `parts` hold, in one query.

    Each part is counted on its own index (one OR over all of them would scan every row), and the
    counts are added in SQL: a page asked PostgreSQL once per part (issue #22).
    """
    if len(parts) == 1 or connections[parts[0].db].vendor != "postgresql":
        # SQLite (the embedded demo) overflows its parser stack on the deepest of these.
        return sum(part.count() for part in parts)
    return _fetch(parts[0].db, _count_sql(parts), one=True)


def _loaded(rows: QuerySet, select_related, prefetch_related, annotate) -> QuerySet:
    if select_related:  # select_related() with no names would follow every foreign key
        rows = rows.select_related(*select_related)
    if prefetch_related:
        rows = rows.prefetch_related(*prefetch_related)
    if annotate:
        rows = rows.annotate(**annotate)
    return rows


def _firsts(parts: list[QuerySet], order: tuple[str, str], size: int) -> QuerySet:
    """The ids of each part's first rows, each part ordered and limited on its own index."""
    firsts = [part.order_by(*order).values("id")[: size + 1] for part in parts]
    return firsts[0].union(*firsts[1:], all=True) if len(firsts) > 1 else firsts[0]


def _keys(parts: list[QuerySet], order: tuple[str, str], size: int) -> QuerySet:
    """The (order field, id) keys of the parts' first rows, merged, ordered and limited."""
    field = order[0].lstrip("-")
    limited = [part.order_by(*order).values_list(field, "id")[: size + 1] for part in parts]
    if len(limited) == 1:
        return limited[0]
    return limited[0].union(*limited[1:], all=True).order_by(*order)[: size + 1]


def _page_of_firsts(model, chosen, order, size, select_related, prefetch_related, total):
    """The page of the rows whose id is among `chosen` (each part's first ids), ordered and
    limited again; `total(has_next, shown)` counts it."""
    rows = _loaded(model.objects.filter(pk__in=chosen), select_related, prefetch_related, None)
    found = list(rows.order_by(*order)[: size + 1])
    has_next = len(found) > size
    return Page(rows=found[:size], has_next=has_next, total=total(has_next, len(found)))


def _page_of_keys(model, keys, size, select_related, prefetch_related, annotate, total):
    """The page of the rows of these merged (order field, id) keys, in their order."""
    ids = [pk for _, pk in keys[:size]]
    rows = _loaded(model.objects.filter(pk__in=ids), select_related, prefetch_related, annotate)
    by_id = {row.pk: row for row in rows}
    has_next = len(keys) > size
    return Page(rows=[by_id[pk] for pk in ids], has_next=has_next, total=total(has_next, len(ids)))


def _counted(with_total: bool, first_page: bool, count: Callable[[], int]):
    """A page's total: none asked for; the rows shown when the first page has no next one
    (a search's few matches, issue #22: no count to ask); otherwise `count()`."""

    def total(has_next: bool, shown: int) -> int | None:
        if not with_total:
            return None
        return shown if first_page and not has_next else count()

    return total


def _kept_first_page(build_parts, model, kept: tuple, order, size, select_related,
                     prefetch_related, annotate, with_total) -> Page:  # fmt: skip
    """`keyset_page`'s first page on PostgreSQL with its count and keys compiled once per
    process (`folded.kept_sql`): the parts are built only on the first use of `kept`."""
    db = router.db_for_read(model)
    total = _counted(with_total, True, lambda: _fetch(db, folded.kept_sql(
        lambda: _count_sql(build_parts()), key=("keyset count", *kept), using=db
    ), one=True))  # fmt: skip
    if not annotate:
        chosen = folded.kept_sql(lambda: _firsts(build_parts(), order, size),
                                 key=("keyset firsts", *kept, order, size), using=db)  # fmt: skip
        if chosen is None:
            return Page(rows=[], has_next=False, total=total(False, 0))
        # The kept SQL of Django's own compiled query, its values passed apart.
        ids = RawSQL(*chosen, output_field=model._meta.pk)  # noqa: S611
        return _page_of_firsts(model, ids, order, size, select_related, prefetch_related, total)
    keyed = folded.kept_sql(
        lambda: _keys(build_parts(), order, size), key=("keyset keys", *kept, order, size), using=db
    )
    return _page_of_keys(model, _fetch(db, keyed), size, select_related, prefetch_related,
                         annotate, total)  # fmt: skip


def kept_firsts(
    build_parts: Callable[[], list[QuerySet]],
    *,
    model: type[models.Model],
    kept: tuple,
    order: tuple[str, str],
    size: int,
    select_related: tuple[str, ...] = (),
) -> list:
    """A panel's first `size` rows of the parts (`keyset_page`'s first page without a total):
    on PostgreSQL the parts' first ids and the rows with their `select_related` as one SQL kept
    compiled (`folded.kept_rows`) by `kept`, which names the person when the parts are the
    policy's (`access.policy_key`); the parts are built only on its first use."""
    db = router.db_for_read(model)
    if connections[db].vendor != "postgresql":
        return keyset_page(build_parts(), order=order, size=size, select_related=select_related,
                           with_total=False).rows  # fmt: skip

    def build() -> QuerySet:
        try:
            sql, params = _firsts(build_parts(), order, size).query.sql_with_params()
        except EmptyResultSet:  # no part selects anything
            return model.objects.none()
        # Django's own compiled SQL of the parts, its values passed apart.
        chosen = RawSQL(sql, params, output_field=model._meta.pk)  # noqa: S611
        rows = _loaded(model.objects.filter(pk__in=chosen), select_related, (), None)
        return rows.order_by(*order)[:size]

    return folded.kept_rows(build, key=("kept firsts", *kept, order, size), using=db)


def keyset_page(
    parts: list[QuerySet] | Callable[[], list[QuerySet]],
    *,
    order: tuple[str, str],
    after: models.Model | None = None,
    size: int = 50,
    select_related: tuple[str, ...] = (),
    prefetch_related: tuple = (),
    annotate: dict | None = None,
    with_total: bool = True,
    model: type[models.Model] | None = None,
    kept: tuple | None = None,
) -> Page:
    """One page of the union of disjoint `parts`, in `order` (a field, then id, same direction).

    Each part is ordered and limited on its own index and the parts merged: one query for the
    keys, one (plus prefetches) for the rows, one for the count of every part; on PostgreSQL,
    a page without `annotate` asks for its keys and rows in one query.

    `parts` may be a function building them, with `model` given. With `kept`, a key the parts
    are a pure function of (the policy's key of the person, the filters: no value outside it;
    `folded.kept_sql`'s promises), the first page's count and keys are compiled once per
    process on PostgreSQL, and the parts built only then (issue #22: building and compiling
    them was a fifth of the caseload's CPU)."""
    if kept is not None and after is None and connection.vendor == "postgresql":
        build_parts = parts if callable(parts) else lambda: parts
        return _kept_first_page(build_parts, model or parts[0].model, kept, order, size,
                                select_related, prefetch_related, annotate, with_total)  # fmt: skip
    if callable(parts):
        parts = parts()
    model = parts[0].model
    every = parts
    total = _counted(with_total, after is None, lambda: count_parts(every))
    if after is not None:
        parts = [_after(part, order, after) for part in parts]
    if connection.vendor == "postgresql":
        if not annotate:
            # The rows whose id is among each part's first ids (each part still ordered and
            # limited on its own index), ordered and limited again: one query where there were
            # two (issue #22). Not with `annotate`: PostgreSQL then took longer planning the one
            # query (12 ms on the caseload) than running the two.
            return _page_of_firsts(model, _firsts(parts, order, size), order, size,
                                   select_related, prefetch_related, total)  # fmt: skip
        keys = list(_keys(parts, order, size))
    else:
        field = order[0].lstrip("-")
        limited = [part.order_by(*order).values_list(field, "id")[: size + 1] for part in parts]
        if len(limited) == 1:
            keys = list(limited[0])
        else:
            # SQLite (the embedded demo) cannot limit inside a UNION: merge the parts' keys
            # here, one query per part, which is the same page.
            merged = {key for part in limited for key in part}
            # Empty values last going up, first going down, as PostgreSQL orders them.
            keys = sorted(
                merged, key=lambda key: (key[0] is None, key), reverse=order[0].startswith("-")
            )[: size + 1]
    return _page_of_keys(model, keys, size, select_related, prefetch_related, annotate, total)
