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
from dataclasses import dataclass
from decimal import Decimal
from threading import Lock

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import F, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, JSONObject
from django.db.models.query import ModelIterable, get_related_populators
from django.utils import timezone

from taskforce.access.visibility import compiling, fill_moment

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


# The SQL of each folded list (and of each kept annotation) by the caller's key, compiled once
# per process (building and compiling the JSON objects cost more than the queries they
# replace): like the access policy's id sets (`access.visibility._compiled_ids`), a pure
# function of the key and of the code; rows are read when the SQL runs, never kept. A value that
# differs between people (the viewer's agency, the moment) is not part of the key: the SQL is
# compiled with a stand-in in its place and the person's value put in at each use, so one entry
# serves every agency. Keying by agency had each of four web workers compile the case page's
# 20 kB of SQL again for each of 50 agencies: 13% of a worker's CPU in the load test (#22).
_COMPILED: OrderedDict[tuple, list[tuple]] = OrderedDict()
_COMPILED_MAX = 1024
_compiled_lock = Lock()
# Stand-ins for the values put in at use. Integers: ids are positive, so no real value of a
# query is one of these; within a 4-byte integer's range, since Django drops a lookup whose value
# its column cannot hold. Times: instants no record and no rule names. UUIDs (a public id): of
# no version uuid4 makes (the version nibble is 0).
_STAND_INS = {
    int: tuple(-1_999_730_001 - n for n in range(8)),
    dt.datetime: tuple(dt.datetime(1901, 1, 3, 0, 0, 0, 730_001 + n, tzinfo=dt.UTC)
                       for n in range(8)),
    uuid.UUID: tuple(uuid.UUID(f"7a5cf001-0000-0000-8000-00000000000{n}") for n in range(8)),
}  # fmt: skip


class _Ids(list):
    """The stand-in for a list of ids (one array parameter: `= ANY(%s)`): known by identity."""

    __hash__ = object.__hash__

    def __eq__(self, other) -> bool:
        return self is other


_STAND_INS[list] = tuple(_Ids() for _ in range(8))
_IN_PARAMETERS = frozenset({int, dt.datetime, uuid.UUID, _Ids})


def _arrays(queryset, prefetches) -> dict:
    """Each prefetch's rows as an array of JSON objects, by annotation name."""
    connection = connections[queryset.db]
    arrays = {}
    for prefetch in prefetches:
        rows = _linked(queryset.model, prefetch)
        row = JSONObject(**_columns(rows.model, _related_tree(rows), connection))
        arrays[_PREFIX + prefetch.prefetch_to] = ArraySubquery(
            rows.select_related(None).values(folded_row=row)
        )
    return arrays


def _slots(params, stand_ins: dict, placed: set) -> tuple:
    """(position, value name) of each stand-in among the parameters; the names found are added
    to `placed`."""
    names = {stand_in: name for name, stand_in in stand_ins.items()}
    slots = tuple(
        (i, names[p]) for i, p in enumerate(params) if type(p) in _IN_PARAMETERS and p in names
    )
    placed.update(name for _, name in slots)
    return slots


def _placed_all(placed: set, stand_ins: dict) -> None:
    if placed != set(stand_ins):
        # A value the SQL was built without: its value would go nowhere.
        raise ValueError(f"kept SQL: no parameter holds {sorted(set(stand_ins) - placed)}")


def _compiled(model, db: str, expressions: dict, stand_ins: dict) -> list[tuple]:
    """(annotation name, SQL, parameters, slots, output field) of each expression, for a query
    whose base table is the model's own (an outer reference names it)."""
    query = model._default_manager.using(db).annotate(**expressions).query
    compiler = query.get_compiler(db)
    compiled, placed = [], set()
    for name in expressions:
        annotation = query.annotations[name]
        sql, params = compiler.compile(annotation)
        slots = _slots(params, stand_ins, placed)
        compiled.append((name, sql, tuple(params), slots, annotation.output_field))
    _placed_all(placed, stand_ins)
    return compiled


def _compiled_query(built, stand_ins: dict) -> list[tuple]:
    """The SQL of a queryset (or a (SQL, parameters) pair built from Django's compiled SQL) as
    one entry, like `_compiled`'s; none when it selects nothing (or `built` is None)."""
    if built is None:
        return []
    try:
        sql, params = built if isinstance(built, tuple) else built.query.sql_with_params()
    except EmptyResultSet:
        return []
    placed: set = set()
    slots = _slots(params, stand_ins, placed)
    _placed_all(placed, stand_ins)
    return [("", sql, tuple(params), slots, None)]


def _entries(db: str, key: tuple, compile_entries: Callable[..., list], values: dict) -> list:
    """`compile_entries(**values)`'s entries, compiled once per `key` and shape of values, each
    as (name, SQL, parameters, output field) with this use's values and moment put in."""
    given = {name: value for name, value in values.items() if value is not None}
    if any(type(value) not in _STAND_INS for value in given.values()) or len(given) > 8:
        raise TypeError("kept SQL takes integers, aware times, UUIDs, lists of ids or None")
    if any(type(v) is list and any(type(i) is not int for i in v) for v in given.values()):
        raise TypeError("kept SQL takes lists of integer ids only")
    if any(type(v) is dt.datetime and timezone.is_naive(v) for v in given.values()):
        raise TypeError("kept SQL takes aware times only")
    absent = tuple(sorted(name for name, value in values.items() if value is None))
    key = (db, *key, tuple(sorted(given)), absent)
    with _compiled_lock:
        compiled = _COMPILED.get(key)
        if compiled is not None:
            _COMPILED.move_to_end(key)
    if compiled is None:
        stand_ins = {name: _STAND_INS[type(given[name])][n] for n, name in enumerate(sorted(given))}
        # The policy's pieces, if any, ask the moment as slots (filled at each use below).
        with compiling():
            compiled = compile_entries(stand_ins, **stand_ins, **dict.fromkeys(absent))
        with _compiled_lock:
            _COMPILED[key] = compiled
            while len(_COMPILED) > _COMPILED_MAX:
                _COMPILED.popitem(last=False)
    entries = []
    for name, sql, params, slots, output_field in compiled:
        if slots:
            params = list(params)
            for i, value_name in slots:
                params[i] = given[value_name]
        entries.append((name, sql, fill_moment(tuple(params)), output_field))
    return entries


def _kept(model, db: str, key: tuple, build: Callable[..., dict], values: dict) -> dict:
    """`build(**values)`'s annotations as RawSQL, compiled once per `key` and shape of values."""

    def compile_entries(stand_ins, **built_with):
        return _compiled(model, db, build(**built_with), stand_ins)

    return {
        # Django's own compiled SQL, its values still passed apart as parameters.
        name: RawSQL(sql, params, output_field=output_field)  # noqa: S611
        for name, sql, params, output_field in _entries(
            db, (model._meta.label, *key), compile_entries, values
        )
    }


def kept_sql(build: Callable[..., object], *, key: tuple, using: str = "default",
             **values) -> tuple[str, tuple] | None:  # fmt: skip
    """The SQL and parameters of the queryset `build(**values)` (or of the (SQL, parameters) it
    returns), compiled once per process for every set of values (the promises of
    `kept_annotations`); None when it selects nothing.
    For a query whose rows the caller reads with a cursor, or uses as a subquery (`RawSQL`).
    Only on PostgreSQL."""

    def compile_entries(stand_ins, **built_with):
        return _compiled_query(build(**built_with), stand_ins)

    entries = _entries(using, ("sql", *key), compile_entries, values)
    return (entries[0][1], entries[0][2]) if entries else None


def ids_in(field: str, ids: list[int], using: str = "default") -> Q:
    """`field__in=ids` as one array parameter on PostgreSQL (`= ANY`): the same SQL for any
    number of ids, so it can be kept compiled with the ids a value (a list of them)."""
    if connections[using].vendor != "postgresql":
        return Q(**{f"{field}__in": ids})
    # The ids passed apart as one parameter.
    return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", (ids,))})


def fold(queryset, *prefetches: Prefetch, key: tuple):
    """`queryset` with each prefetch's rows as an annotation (PostgreSQL; else unchanged).

    `key` names the prefetches' SQL for reuse: the caller promises that equal keys give equal
    prefetches (the same filters, values included). A value that differs from person to person
    belongs in `fold_built`'s values, not in the key. The SQL names the model's table as the
    outer query's: read the queryset as it is (`get`, a filter, `select_related`), never inside
    a union or a subquery."""
    return fold_built(queryset, lambda: prefetches, key=key)


def fold_built(queryset, build: Callable[..., tuple[Prefetch, ...]], *, key: tuple, **values):
    """`fold(queryset, *build(**values), key=key)`, compiled once for every set of values.

    `values` are integers (an agency's id), aware times, UUIDs or None; `build` must use each
    only as a query value (a filter's operand), never to choose the query's shape. On a miss the
    prefetches are built with a stand-in for each value, compiled, and the stand-ins' positions
    among the parameters kept; at each use the caller's values take their places. A None is
    passed to `build` as it is and is part of the key. The caller passes `build(**values)` to
    `unfold`."""
    if not _folds(queryset.db):
        return queryset
    return queryset.annotate(
        **_kept(queryset.model, queryset.db, ("fold", *key),
                lambda **v: _arrays(queryset, build(**v)), values)
    )  # fmt: skip


def kept_annotations(model, build: Callable[..., dict], *, key: tuple, using: str = "default",
                     **values) -> dict:  # fmt: skip
    """`build(**values)`, annotations of the model's rows (subqueries beside each row), as SQL
    compiled once per process for every set of values, as `fold_built` keeps its lists: the same
    promises of `key` and `values`. A `build` that asks the access policy gets one person's SQL:
    its key must name the person (the policy's own keys say what); the moment the policy asks
    is filled at each use, never kept. Off PostgreSQL, `build(**values)` as it is."""
    if connections[using].vendor != "postgresql":
        return build(**values)
    return _kept(model, using, ("annotations", *key), build, values)


@dataclass(frozen=True)
class _RowPlan:
    """How Django's ModelIterable makes instances of a query's rows, worked out once with the
    query's SQL (the compiler's columns, relations and converters depend on its shape only)."""

    model: type[models.Model]
    fields: slice
    init_list: tuple[str, ...]
    related: tuple  # RelatedPopulator: reads a row, keeps nothing of it
    annotations: tuple[tuple[str, int], ...]
    converters: tuple

    @classmethod
    def of(cls, queryset) -> _RowPlan:
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise TypeError("kept rows: a plain queryset of instances, without prefetches")
        if queryset._known_related_objects:
            raise TypeError("kept rows: a related manager's queryset is one record's")
        compiler = queryset.query.get_compiler(queryset.db)
        compiler.setup_query()
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        fields = [column[0] for column in select[: compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise TypeError("kept rows: no composite fields")
        return cls(
            model=klass_info["model"],
            fields=slice(start, end),
            init_list=tuple(column[0].target.attname for column in select[start:end]),
            related=tuple(get_related_populators(klass_info, select, queryset.db)),
            annotations=tuple(compiler.annotation_col_map.items()),
            converters=tuple(compiler.get_converters(fields).items()),
        )

    def instances(self, rows, db: str) -> list:
        connection = connections[db]
        found = []
        for row in rows:
            if self.converters:
                row = list(row)
                for pos, (converters, expression) in self.converters:
                    value = row[pos]
                    for converter in converters:
                        value = converter(value, expression, connection)
                    row[pos] = value
            obj = self.model.from_db(db, self.init_list, row[self.fields])
            for populator in self.related:
                populator.populate(row, obj)
            for name, pos in self.annotations:
                setattr(obj, name, row[pos])
            found.append(obj)
        return found


def kept_rows(build: Callable[..., models.QuerySet], *, key: tuple, using: str = "default",
              **values) -> list:  # fmt: skip
    """The instances `list(build(**values))` gives (its `select_related` and annotations too),
    from SQL compiled once per process for every set of values, as `kept_sql` keeps it (the same
    promises of `key` and `values`; the policy's moment filled at each use), and the way Django
    makes instances of its rows worked out with it. For small reads on every page (a person's
    membership, a record's latest audit rows): building and compiling their querysets cost more
    than PostgreSQL answering them (issue #22). `build` returns a plain queryset (no prefetch, no
    related manager's). A list of ids is a value too, used through `ids_in`. Off PostgreSQL,
    `list(build(**values))`."""
    if connections[using].vendor != "postgresql":
        return list(build(**values))

    def compile_entries(stand_ins, **built_with):
        queryset = build(**built_with).using(using)
        return [
            (name, sql, params, slots, _RowPlan.of(queryset))
            for name, sql, params, slots, _ in _compiled_query(queryset, stand_ins)
        ]

    entries = _entries(using, ("rows", *key), compile_entries, values)
    if not entries:
        return []
    _, sql, params, plan = entries[0]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return plan.instances(rows, using)


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
