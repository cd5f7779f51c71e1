"""Keyset pages over the access policy's parts: constant queries at any depth and page size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, models
from django.db.models import Q, QuerySet

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


def count_parts(parts: list[QuerySet]) -> int:
    """How many rows the disjoint `parts` hold, in one query.

    Each part is counted on its own index (one OR over all of them would scan every row), and the
    counts are added in SQL: a page asked PostgreSQL once per part (issue #22).
    """
    if len(parts) == 1 or connections[parts[0].db].vendor != "postgresql":
        # SQLite (the embedded demo) overflows its parser stack on the deepest of these.
        return sum(part.count() for part in parts)
    pieces, params = [], []
    for part in parts:
        try:
            sql, part_params = part.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a part that selects nothing, known before asking
            continue
        pieces.append(f"(SELECT COUNT(*) FROM ({sql}) AS part)")  # noqa: S608 - compiled by Django
        params.extend(part_params)
    if not pieces:
        return 0
    with connections[parts[0].db].cursor() as cursor:
        # Django's own compiled SQL for each part, its values passed apart as parameters.
        cursor.execute("SELECT " + " + ".join(pieces), params)
        return cursor.fetchone()[0]


def _loaded(rows: QuerySet, select_related, prefetch_related, annotate) -> QuerySet:
    if select_related:  # select_related() with no names would follow every foreign key
        rows = rows.select_related(*select_related)
    if prefetch_related:
        rows = rows.prefetch_related(*prefetch_related)
    if annotate:
        rows = rows.annotate(**annotate)
    return rows


def keyset_page(
    parts: list[QuerySet],
    *,
    order: tuple[str, str],
    after: models.Model | None = None,
    size: int = 50,
    select_related: tuple[str, ...] = (),
    prefetch_related: tuple = (),
    annotate: dict | None = None,
    with_total: bool = True,
) -> Page:
    """One page of the union of disjoint `parts`, in `order` (a field, then id, same direction).

    Each part is ordered and limited on its own index and the parts merged: one query for the
    keys, one (plus prefetches) for the rows, one for the count of every part; on PostgreSQL,
    a page without `annotate` asks for its keys and rows in one query.
    """
    model = parts[0].model
    total = count_parts(parts) if with_total else None
    if after is not None:
        parts = [_after(part, order, after) for part in parts]
    field = order[0].lstrip("-")
    postgresql = connection.vendor == "postgresql"
    if postgresql and not annotate:
        # The rows whose id is among each part's first ids (each part still ordered and limited
        # on its own index), ordered and limited again: one query where there were two (issue
        # #22). Not with `annotate`: PostgreSQL then took longer planning the one query (12 ms
        # on the caseload) than running the two.
        firsts = [part.order_by(*order).values("id")[: size + 1] for part in parts]
        chosen = firsts[0].union(*firsts[1:], all=True) if len(firsts) > 1 else firsts[0]
        rows = _loaded(model.objects.filter(pk__in=chosen), select_related, prefetch_related,
                       annotate)  # fmt: skip
        found = list(rows.order_by(*order)[: size + 1])
        return Page(rows=found[:size], has_next=len(found) > size, total=total)
    limited = [part.order_by(*order).values_list(field, "id")[: size + 1] for part in parts]
    if len(limited) > 1 and postgresql:
        keys = list(limited[0].union(*limited[1:], all=True).order_by(*order)[: size + 1])
    elif len(limited) > 1:
        # SQLite (the embedded demo) cannot limit inside a UNION: merge the parts' keys here,
        # one query per part, which is the same page.
        merged = {key for part in limited for key in part}
        # Empty values last going up, first going down, as PostgreSQL orders them.
        keys = sorted(
            merged, key=lambda key: (key[0] is None, key), reverse=order[0].startswith("-")
        )[: size + 1]
    else:
        keys = list(limited[0])
    ids = [pk for _, pk in keys[:size]]
    rows = _loaded(model.objects.filter(pk__in=ids), select_related, prefetch_related, annotate)
    by_id = {row.pk: row for row in rows}
    return Page(rows=[by_id[pk] for pk in ids], has_next=len(keys) > size, total=total)
