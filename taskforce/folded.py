"""A record's small related lists read inside the record's own query: `prefetch_related` in one
round trip on PostgreSQL (issue #22: a case page asked a dozen queries of a few rows each).

`fold(queryset, *prefetches, key=…)` takes `Prefetch` objects as `prefetch_related` would (a
reverse foreign key or a many-to-many field of the queryset's model; a queryset with its filter,
order and `select_related`; optionally `to_attr`) and, on PostgreSQL, adds each as an annotation
`ARRAY(SELECT JSONB_BUILD_OBJECT(…) … ORDER BY …)` of the rows, each selected relation nested as
the one row its key reads. `unfold(record, *prefetches)` turns the arrays back into model
instances and puts them where `prefetch_related` would (`record.charges.all()` then runs no
query), with the same related objects cached. On another database (SQLite, the demo), or inside
`separately()`, `fold` changes nothing and `unfold` calls `prefetch_related_objects`: one query
per list, the same instances.

Values come back as PostgreSQL writes them in JSON, made into what the driver would have given
(`_FROM_JSON`, by the column's type) and then passed through the field's own `from_db_value`
(decryption included); numeric columns travel as text, so no decimal passes through a float. A
column type not listed fails loudly rather than arriving as a string.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from threading import Lock

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import connections, models
from django.db.models import F, OuterRef, Prefetch, Subquery, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, JSONObject

_PREFIX = "_folded_"


def _same(value):
    return value


# What psycopg2 hands back for a column, from the JSON PostgreSQL writes for it.
_FROM_JSON: dict[str, Callable] = {
    "bigint": _same, "integer": _same, "smallint": _same, "boolean": _same, "serial": _same,
    "bigserial": _same, "varchar": _same, "text": _same, "double precision": _same,
    "timestamp with time zone": dt.datetime.fromisoformat, "date": dt.date.fromisoformat,
    "time": dt.time.fromisoformat, "uuid": uuid.UUID, "numeric": Decimal, "jsonb": json.dumps,
}  # fmt: skip


def _column_type(field, connection) -> str:
    return (field.db_type(connection) or "").split("(")[0].strip()


# Inside `separately()`, every list is read in its own query, as off PostgreSQL.
_separately: ContextVar[bool] = ContextVar("folded_separately", default=False)


@contextmanager
def separately() -> Iterator[None]:
    """Read each list in its own query even on PostgreSQL: the path the demo (SQLite) takes,
    for a test that compares both."""
    token = _separately.set(True)
    try:
        yield
    finally:
        _separately.reset(token)


def _folds(alias: str) -> bool:
    return connections[alias].vendor == "postgresql" and not _separately.get()


def _related_tree(queryset) -> dict:
    selected = queryset.query.select_related
    if selected is True:
        raise ValueError("fold needs select_related with named relations")
    return selected or {}


def _columns(model, tree: dict, connection) -> dict:
    """The JSON object of one row: every concrete column by attname, each selected relation
    nested under "~name" as a correlated subquery on its primary or unique key (joins of every
    relation at once left PostgreSQL many join orders to weigh, and a poor one to pick)."""
    pairs = {}
    for field in model._meta.concrete_fields:
        expression = F(field.attname)
        if _column_type(field, connection) == "numeric":
            expression = Cast(expression, models.TextField())
        pairs[field.attname] = expression
    for name, subtree in tree.items():
        field = model._meta.get_field(name)
        related = field.related_model
        if field.auto_created:  # the other side of a one-to-one: a charge's sentence
            link = {field.field.name: OuterRef("pk")}
        else:
            link = {"pk": OuterRef(field.attname)}
        row = JSONObject(**_columns(related, subtree, connection))
        pairs[f"~{name}"] = Subquery(related._base_manager.filter(**link).values(folded_row=row))
    return pairs


def _linked(model, prefetch: Prefetch):
    """The prefetch's queryset narrowed to the rows of the outer query's record."""
    queryset = prefetch.queryset
    relation = model._meta.get_field(prefetch.prefetch_through)
    if relation.one_to_many:  # a reverse foreign key: charges of a case
        return queryset.filter(**{relation.field.name: OuterRef("pk")})
    if relation.many_to_many and not relation.auto_created:  # a many-to-many field of the model
        through = relation.remote_field.through
        return queryset.filter(
            pk__in=through.objects.filter(
                **{relation.m2m_field_name(): OuterRef(OuterRef("pk"))}
            ).values(relation.m2m_reverse_field_name())
        )
    raise ValueError(f"fold cannot read {model._meta.label}.{prefetch.prefetch_through}")


# The SQL of each folded list by the caller's key, compiled once per process (building and
# compiling the JSON objects cost more than the queries they replace): like the access policy's
# id sets (`access.visibility._compiled_ids`), a pure function of the key and of the code; rows
# are read when the SQL runs, never kept. The case page's is about 20 kB for each agency whose
# people open cases on this process: at most 256 kept, the least recently used dropped.
_COMPILED: OrderedDict[tuple, list[tuple[str, str, tuple]]] = OrderedDict()
_COMPILED_MAX = 256
_compiled_lock = Lock()


def _compiled(queryset, prefetches: tuple[Prefetch, ...]) -> list[tuple[str, str, tuple]]:
    """(annotation name, SQL, parameters) of each prefetch's array, for a query whose base
    table is the queryset model's own (the outer reference names it)."""
    connection = connections[queryset.db]
    arrays = {}
    for prefetch in prefetches:
        rows = _linked(queryset.model, prefetch)
        row = JSONObject(**_columns(rows.model, _related_tree(rows), connection))
        arrays[_PREFIX + prefetch.prefetch_to] = ArraySubquery(
            rows.select_related(None).values(folded_row=row)
        )
    query = queryset.model._default_manager.using(queryset.db).annotate(**arrays).query
    compiler = query.get_compiler(queryset.db)
    compiled = []
    for name in arrays:
        sql, params = compiler.compile(query.annotations[name])
        compiled.append((name, sql, tuple(params)))
    return compiled


def fold(queryset, *prefetches: Prefetch, key: tuple):
    """`queryset` with each prefetch's rows as an annotation (PostgreSQL; else unchanged).

    `key` names the prefetches' SQL for reuse: the caller promises that equal keys give equal
    prefetches (the same filters, values included), e.g. a page's name and the actor's agency
    when a filter names the agency. The SQL names the model's table as the outer query's: read
    the queryset as it is (`get`, a filter, `select_related`), never inside a union or a
    subquery."""
    if not _folds(queryset.db):
        return queryset
    key = (queryset.db, queryset.model._meta.label, *key)
    with _compiled_lock:
        compiled = _COMPILED.get(key)
        if compiled is not None:
            _COMPILED.move_to_end(key)
    if compiled is None:
        compiled = _compiled(queryset, prefetches)
        with _compiled_lock:
            _COMPILED[key] = compiled
            while len(_COMPILED) > _COMPILED_MAX:
                _COMPILED.popitem(last=False)
    rows = ArrayField(models.JSONField())
    # Django's own compiled SQL, its values still passed apart as parameters.
    return queryset.annotate(
        **{name: RawSQL(sql, params, output_field=rows) for name, sql, params in compiled}  # noqa: S611
    )


# Per (model, relations): how to build instances from a row's JSON object.
_PLANS: dict[tuple, tuple] = {}


def _plan(model, tree: dict, connection) -> tuple:
    key = (model, json.dumps(tree, sort_keys=True), connection.alias)
    plan = _PLANS.get(key)
    if plan is None:
        columns = []
        for field in model._meta.concrete_fields:
            kind = _column_type(field, connection)
            if kind not in _FROM_JSON:
                raise NotImplementedError(f"fold cannot read a {kind} column ({field})")
            columns.append((field.attname, _FROM_JSON[kind], field.get_db_converters(connection),
                            field.get_col(model._meta.db_table)))  # fmt: skip
        relations = []
        for name, subtree in tree.items():
            field = model._meta.get_field(name)
            back = None
            if field.one_to_one:  # Django's select_related caches a one-to-one's other side too
                back = field.field if field.auto_created else field.remote_field
            relations.append((name, field, back, _plan(field.related_model, subtree, connection)))
        attnames = [attname for attname, *_ in columns]
        plan = (model, attnames, columns, relations)
        _PLANS[key] = plan
    return plan


def _built(data: dict, plan: tuple, connection):
    model, attnames, columns, relations = plan
    values = []
    for attname, from_json, converters, column in columns:
        value = data[attname]
        if value is not None:
            value = from_json(value)
        for converter in converters:
            value = converter(value, column, connection)
        values.append(value)
    record = model.from_db(connection.alias, attnames, values)
    for name, field, back, subplan in relations:
        nested = data[f"~{name}"]
        related = None
        if nested is not None and nested.get(subplan[0]._meta.pk.attname) is not None:
            related = _built(nested, subplan, connection)
            if back is not None:
                back.set_cached_value(related, record)
        field.set_cached_value(record, related)
    return record


def unfold(record, *prefetches: Prefetch) -> None:
    """Put the folded rows where `prefetch_related` puts them (or prefetch them, off
    PostgreSQL). `prefetches` are the same objects given to `fold`."""
    if not _folds(record._state.db):
        prefetch_related_objects([record], *prefetches)
        return
    connection = connections[record._state.db]
    model = type(record)
    for prefetch in prefetches:
        rows = prefetch.queryset
        plan = _plan(rows.model, _related_tree(rows), connection)
        found = [
            _built(data, plan, connection)
            for data in record.__dict__.pop(_PREFIX + prefetch.prefetch_to)
        ]
        relation = model._meta.get_field(prefetch.prefetch_through)
        if relation.one_to_many:
            for row in found:
                relation.field.set_cached_value(row, record)
        if prefetch.to_attr:
            setattr(record, prefetch.to_attr, found)
            continue
        manager = getattr(record, prefetch.prefetch_through)
        cached = manager.get_queryset()
        cached._result_cache = found
        cached._prefetch_done = True
        record.__dict__.setdefault("_prefetched_objects_cache", {})[prefetch.prefetch_through] = (
            cached
        )
