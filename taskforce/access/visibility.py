"""Who may see and act on a record: the id sets every selector starts from, and the decision
for one record. A record the actor may not view is `NotFound`, exactly like a missing one.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from threading import Lock

from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.db import connections, models
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from taskforce.access.memo import recall, recalled, remember
from taskforce.models import Membership, User
from taskforce.protected import RULES, Action, Rules


class NotFound(Http404):
    """The record does not exist, or the actor may not know it exists: the same answer (404)."""


class Forbidden(PermissionDenied):
    """The actor may see the record but not do this to it (403)."""


def protected_models() -> list[type[models.Model]]:
    return [apps.get_model(label) for label in RULES]


def record_by_public_id(public_id) -> models.Model | None:
    """Any protected record by its public id, with no access decision: only for administrators
    (sealing) and for filtering an audit trail already limited to what its reader may see."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        return None
    for model in protected_models():
        found = model.objects.filter(public_id=public_id).first()
        if found is not None:
            return found
    return None


def rules_for(model: type[models.Model]) -> Rules:
    try:
        return RULES[model._meta.label]
    except KeyError:
        raise LookupError(f"{model._meta.label} is not a protected model") from None


def detail_url(model: type[models.Model], public_id) -> str:
    return reverse(rules_for(model).detail_url, kwargs={"public_id": public_id})


# Stands for a record's public id in a reversed URL, where `detail_urls` puts each record's own.
_ID_SLOT = uuid.UUID("00000000-0000-4000-8000-00000000d1d1")


def detail_urls(model: type[models.Model]) -> Callable[[uuid.UUID], str]:
    """`detail_url` for many records of one model (a sweep of reminders, a page of deadlines):
    the URL reversed once, each record's public id put in its place (reverse() per row cost
    about a twentieth of the reminder sweep)."""
    template = detail_url(model, _ID_SLOT)
    before, slot, after = template.partition(str(_ID_SLOT))
    if not slot or str(_ID_SLOT) in after:
        return lambda public_id: detail_url(model, public_id)
    return lambda public_id: f"{before}{public_id}{after}"


def acting_membership(actor: User | None) -> Membership | None:
    """The membership an actor acts through, or None when they may act on nothing."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return None
    return actor.membership


def policy_key(actor: User | None) -> tuple:
    """What the policy's answers for the actor depend on besides the records themselves: who,
    through which membership, agency, group and role (the keys of its kept SQL). SQL built
    from the policy for the actor and kept must be keyed by it."""
    membership = acting_membership(actor)
    if membership is None:
        return (None,)
    return (
        actor.pk, membership.pk, membership.agency_id, membership.agency.group_id,
        membership.role,
    )  # fmt: skip


def _codename(action: Action, model: type[models.Model]) -> str:
    return f"{action.value}_{model._meta.model_name}"


def _live(now: datetime) -> Q:
    return Q(expires_at__isnull=True) | Q(expires_at__gt=now)


# The SQL of an actor's visible ids, compiled once per process and reused (issue #22: building
# and compiling these querysets was most of a page's time). It is a pure function of the key
# (who, through which membership, agency, group and role, for which model) and of the code: the
# grants, owners, seals and related records are read by the SQL when it runs, never kept. The
# only value of the moment, the time that grants lapse at, is a slot filled at each use.
_NOW_SLOT = datetime(2000, 1, 1, 0, 0, 0, 424242, tzinfo=UTC)
# The same for the local day of use (a consent is in force through its last day): a day that no
# record and no rule names.
_DAY_SLOT = date(1901, 1, 2)
SLOTS = (_NOW_SLOT, _DAY_SLOT)
_compiling: ContextVar[bool] = ContextVar("access_compiling", default=False)
_COMPILED: OrderedDict[tuple, tuple | None] = OrderedDict()
_COMPILED_MAX = 4096
_compiled_lock = Lock()


def _now() -> datetime:
    return _NOW_SLOT if _compiling.get() else timezone.now()


def today() -> date:
    """The local day, as the policy's kept SQL must ask it (a slot while compiling)."""
    return _DAY_SLOT if _compiling.get() else timezone.localdate()


@contextmanager
def compiling() -> Iterator[None]:
    """While SQL is compiled to be kept (here, `taskforce.folded`): the policy asks the moment
    as its slots, so that no time of one use is kept for the next (`fill_moment`)."""
    token = _compiling.set(True)
    try:
        yield
    finally:
        _compiling.reset(token)


def _is_slot(param) -> bool:
    return type(param) in (date, datetime) and param in SLOTS


def _moment() -> dict:
    """What each slot holds at this use. While compiling an enclosing kept SQL both stay slots:
    the day of the time slot would be a fixed day, kept by the enclosing SQL."""
    now = _now()
    day = _DAY_SLOT if now is _NOW_SLOT else timezone.localdate(now)
    return {_NOW_SLOT: now, _DAY_SLOT: day}


def fill_moment(params: tuple) -> tuple:
    """`params` with the moment's slots (compiled inside `compiling()`) filled for now."""
    if not any(_is_slot(p) for p in params):
        return params
    filled = _moment()
    return tuple(filled[p] if _is_slot(p) else p for p in params)


def _compiled_ids(key: tuple, build: Callable[[], QuerySet], pk_field) -> RawSQL | None:
    """`build()`'s SQL as an expression for `pk__in`, compiled on first use and kept by `key`;
    None when it selects nothing (a role that sees no record of the kind)."""
    kept = _kept_sql(key, lambda: build().query.sql_with_params())
    return None if kept is None else RawSQL(*kept, output_field=pk_field)  # noqa: S611


def _kept_sql(key: tuple, compile_sql: Callable[[], tuple[str, tuple]]) -> tuple | None:
    """`compile_sql()`'s SQL and parameters, compiled on first use and kept by `key`, the moment
    of use put in its slots; None when it selects nothing."""
    with _compiled_lock:
        known = key in _COMPILED
        entry = _COMPILED.get(key)
        if known:
            _COMPILED.move_to_end(key)
    if not known:
        try:
            with compiling():
                sql, params = compile_sql()
            entry = (sql, tuple(params), tuple((i, p) for i, p in enumerate(params) if _is_slot(p)))
        except EmptyResultSet:
            entry = None
        with _compiled_lock:
            _COMPILED[key] = entry
            while len(_COMPILED) > _COMPILED_MAX:
                _COMPILED.popitem(last=False)
    if entry is None:
        return None
    sql, params, slots = entry
    if slots:
        filled = _moment()
        params = list(params)
        for i, slot in slots:
            params[i] = filled[slot]
    # Django's own compiled SQL, its values still passed apart as parameters.
    return sql, tuple(params)


def kept_condition(actor: User | None, name: str, model: type[models.Model], build) -> Q | RawSQL:
    """`build()`, a condition on the model's rows that the policy decides for the actor (which
    deadlines they see, say), as SQL compiled once per process and kept like the visible ids':
    by who, through which membership, agency, group and role, and `name`. `build` must be a pure
    function of those and of the code (it reads grants, owners and consents when it runs, and
    asks the time through the policy, whose moment is a slot). Building and compiling the
    deadlines' condition over five kinds of record was a fifth of a home page's CPU (issue #22).
    """
    membership = acting_membership(actor)
    if membership is None:
        return build()
    table, pk = model._meta.db_table, model._meta.pk.column
    prefix = f'SELECT "{table}"."{pk}" AS "pk" FROM "{table}" WHERE '  # noqa: S608 - names

    def compile_sql() -> tuple[str, tuple]:
        sql, params = model.objects.filter(build()).order_by().values("pk").query.sql_with_params()
        # Only the condition is kept: the query it goes into may join other tables.
        return (sql[len(prefix) :], params) if sql.startswith(prefix) else ("", ())

    key = (
        "condition", name, actor.pk, membership.pk, membership.agency_id,
        membership.agency.group_id, membership.role, model._meta.label,
    )  # fmt: skip
    kept = _kept_sql(key, compile_sql)
    if kept is None:  # selects nothing
        return Q(pk__in=[])
    if not kept[0]:  # no condition of its own (everything), or a shape not kept
        return build()
    return _KeptCondition(*kept, table=table)


class _KeptCondition(RawSQL):
    """A kept condition's SQL: it names the model's table as it is named at the top of a query
    on it, so it holds only there. Inside a subquery Django names that table U0 and the SQL
    would test the outer query's row instead (a page of referrals chosen by a subquery read
    every row of the table, each against the outer one); that is refused here, not run."""

    def __init__(self, sql: str, params, *, table: str) -> None:
        super().__init__(sql, params, output_field=BooleanField())
        self.table = table

    def as_sql(self, compiler, connection):
        # None: compiled alone, for the top of a query on the table (`folded`'s annotations).
        if compiler.query.base_table not in (None, self.table):
            raise ValueError(
                f"the policy's kept condition on {self.table} is used where the table is "
                f"{compiler.query.base_table!r}: read it at the top of a query on the table"
            )
        return super().as_sql(compiler, connection)


def visible_condition(actor: User | None, model: type[models.Model]) -> Q | RawSQL:
    """`visible(actor, model)`'s condition on the model's own rows, for a query written in SQL on
    the model's unaliased table: unhidden and among the visible ids, kept compiled like
    `kept_condition`'s. Its shape is `visible`'s own: `pk IN (SELECT pk FROM visible(...))`
    would join the table to itself over every visible row (a supervisor's sting page at a
    million arrests: 240 ms became 700 ms and more)."""
    return kept_condition(
        actor, "visible", model, lambda: Q(model.live_q(), pk__in=_visible_ids(actor, model))
    )


def _granted_ids(actor: User, membership: Membership, model, action: Action) -> QuerySet:
    """Ids of records granted to the actor's agency or to the actor for one action, not lapsed.

    One `IN (… UNION ALL …)` subquery: PostgreSQL turns it into a join on the primary key, where
    an OR of two IN subqueries would scan the whole table (bench/bench_access.py).
    """
    now = _now()
    codename = _codename(action, model)
    by_group = (
        get_group_obj_perms_model(model)
        .objects.filter(group_id=membership.agency.group_id, permission__codename=codename)
        .filter(_live(now))
        .values_list("content_object_id", flat=True)
    )
    by_user = (
        get_user_obj_perms_model(model)
        .objects.filter(user=actor, permission__codename=codename)
        .filter(_live(now))
        .values_list("content_object_id", flat=True)
    )
    return by_group.union(by_user, all=True)


def _derived_ids(
    actor: User, model: type[models.Model], not_owned_by: int | None = None
) -> list[QuerySet]:
    """Ids visible through related records (`follows`, `seen_through`), view only.

    Only an unsealed record lends sight: what was reached only through a sealed record (the
    arrests of a sealed operation shared with a participant, the arrestee of a sealed arrest)
    is gone with it. `not_owned_by`: leave out the records of that agency that a record they
    follow gives (the caller has them already): the largest police department's own stings
    hold 74,000 of its own arrests, hashed for nothing (0.6 s of its home page).
    """
    rules = rules_for(model)
    derived = []
    for field in rules.follows:
        parent = model._meta.get_field(field).related_model
        following = model.objects.filter(
            parent.live_q(f"{field}__"), **{f"{field}__in": _visible_ids(actor, parent)}
        )
        if not_owned_by is not None:
            following = following.exclude(owner_agency_id=not_owned_by)
        derived.append(following.values_list("pk", flat=True))
    for label, field in rules.seen_through:
        other = apps.get_model(label)
        derived.append(
            other.objects.filter(other.live_q(), pk__in=_visible_ids(actor, other)).values_list(
                field, flat=True
            )
        )
    return derived


def _extra_ids(actor: User, membership: Membership, model) -> QuerySet:
    """Ids the actor may view beyond the owner agency's own: grants, then related records."""
    if _compiling.get():
        return _build_extra_ids(actor, membership, model)
    key = ("extra_ids", actor.pk, membership.pk, model._meta.label)
    return recall(key, lambda: _build_extra_ids(actor, membership, model))


def _build_extra_ids(actor: User, membership: Membership, model) -> QuerySet:
    granted = _granted_ids(actor, membership, model, Action.VIEW)
    mine = membership.agency_id
    derived = _derived_ids(actor, model, not_owned_by=mine) + [
        model.objects.filter(**{f"{field}_id": mine})
        .exclude(owner_agency_id=mine)
        .values_list("pk", flat=True)
        for field in rules_for(model).seen_by_agency_in
    ]
    return granted.union(*derived, all=True) if derived else granted


def _permission(action: Action, model) -> Subquery:
    """The permission's id, as a subquery PostgreSQL runs once per query (an InitPlan)."""
    return Subquery(
        Permission.objects.filter(
            codename=_codename(action, model),
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
        ).values("pk")[:1]
    )


def _row_probe(grants: QuerySet) -> Coalesce:
    """Whether `grants` (keyed to the row at hand by `OuterRef("pk")`) holds a row, as a scalar
    subquery: one probe of the grants' unique index per row. An EXISTS would let PostgreSQL
    hash every grant of the agency instead (218,000 hand-offs for the largest), which costs
    more than probing the few thousand rows a report reads beside its rollups. It selects the
    literal `true`, not a parameter: PostgreSQL types a parameter selected as a column as text,
    and a statement with one is never prepared (taskforce.prepared), planned at every request."""
    found = Subquery(grants.values(flag=_TRUE)[:1], output_field=BooleanField())
    return Coalesce(found, Value(False), output_field=BooleanField())


_TRUE = RawSQL("true", (), output_field=BooleanField())


def _group_grants(membership: Membership, model, action: Action, ref: str = "pk") -> QuerySet:
    return get_group_obj_perms_model(model).objects.filter(
        group_id=membership.agency.group_id,
        permission_id=_permission(action, model),
        content_object_id=models.OuterRef(ref),
    )


def _standing_group_grant(
    membership: Membership, model, action: Action, ref: str = "pk"
) -> Coalesce:
    """Whether the record at hand (its id in the outer row's `ref`) is under a grant of one
    action to the actor's agency that never lapses (a hand-off's): `_row_probe`."""
    return _row_probe(_group_grants(membership, model, action, ref).filter(expires_at__isnull=True))


def _lapsing_and_own_grants(actor: User, membership: Membership, model) -> tuple:
    """The ids of the model granted to view that a standing group grant does not cover: the
    agency's grants that lapse (still in force), and the actor's own (not lapsed)."""
    now = _now()
    lapsing = (
        get_group_obj_perms_model(model)
        .objects.filter(
            group_id=membership.agency.group_id,
            permission_id=_permission(Action.VIEW, model),
            expires_at__gt=now,
        )
        .values_list("content_object_id", flat=True)
    )
    by_user = (
        get_user_obj_perms_model(model)
        .objects.filter(user=actor, permission_id=_permission(Action.VIEW, model))
        .filter(_live(now))
        .values_list("content_object_id", flat=True)
    )
    return lapsing, by_user


def _extra_ids_beside_standing(actor: User, membership: Membership, model) -> QuerySet:
    """The ids `_extra_ids` gives but for what only a standing group grant gives: grants that
    lapse, the actor's own, related records (one set, hashed once per query)."""
    lapsing, by_user = _lapsing_and_own_grants(actor, membership, model)
    derived = _derived_ids(actor, model) + [
        model.objects.filter(**{f"{field}_id": membership.agency_id}).values_list("pk", flat=True)
        for field in rules_for(model).seen_by_agency_in
    ]
    return lapsing.union(by_user, *derived, all=True)


def _extra_row_q(actor: User, membership: Membership, model) -> Q:
    """The rows `_extra_ids` gives, as a test of each row: its grants probed by index, its
    related records' columns against their (few) visible ids. For the few rows of a period
    a report reads beside its rollups, where hashing every id the agency was granted cost more
    than the rows themselves (bench/bench_reports.py)."""
    match = _granted_row_q(actor, membership, model, Action.VIEW)
    rules = rules_for(model)
    for field in rules.follows:
        parent = model._meta.get_field(field).related_model
        shown = parent.objects.filter(parent.live_q(), pk__in=_visible_ids(actor, parent))
        match |= Q(**{f"{field}__in": shown.values("pk")})
    for label, field in rules.seen_through:
        other = apps.get_model(label)
        shown = other.objects.filter(other.live_q(), pk__in=_visible_ids(actor, other))
        match |= Q(pk__in=shown.values(field))
    for field in rules.seen_by_agency_in:
        match |= Q(**{f"{field}_id": membership.agency_id})
    return match


def _row_q(actor: User, membership: Membership, model) -> Q:
    """`visible(actor, model)` as a test of each row, nothing built as a set: unhidden, and its
    own agency's, or granted (its grants probed by index), or following or seen through a record
    the same test passes (`_seen_probe`), or naming the agency where the rules say so.

    For a query that reads a bounded set of rows chosen by something else (an agency's intake,
    its open deadlines), where `visible`'s set of every visible id is what costs: the state's
    largest prosecution agency sees 218,000 arrests and their hand-offs, and hashing them all
    took 4 to 7 s for a home panel of five (bench/bench_reports.py's data). Too slow for a
    query that looks for a few rows among millions (each row read is tested): `visible_parts`."""
    rules = rules_for(model)
    if membership.role not in rules.view:
        return Q(pk__in=[])
    # The row's own columns first: PostgreSQL tests an OR's terms in the order written and
    # stops at the first that holds, and a column costs nothing next to a probe.
    match = Q(owner_agency_id=membership.agency_id)
    for field in rules.seen_by_agency_in:
        match |= Q(**{f"{field}_id": membership.agency_id})
    match |= _granted_row_q(actor, membership, model, Action.VIEW)
    for field in rules.follows:
        parent = model._meta.get_field(field)
        if membership.role in rules_for(parent.related_model).view:
            match |= Q(_seen_probe(actor, membership, parent.related_model, parent.attname))
    for label, field in rules.seen_through:
        other = apps.get_model(label)
        if membership.role not in rules_for(other).view:
            continue
        through = other.objects.filter(**{field: models.OuterRef("pk")})
        match |= Q(_row_probe(through.filter(_row_q(actor, membership, other))))
    return Q(model.live_q()) & match


def _granted_row_q(actor: User, membership: Membership, model, action: Action) -> Q:
    """Whether the row at hand is granted `action` to the actor's agency or to the actor, not
    lapsed: `_granted_ids` as a probe of each row's grants (`_row_probe`)."""
    now = _now()
    by_group = _row_probe(_group_grants(membership, model, action).filter(_live(now)))
    by_user = _row_probe(
        get_user_obj_perms_model(model)
        .objects.filter(
            user=actor,
            permission_id=_permission(action, model),
            content_object_id=models.OuterRef("pk"),
        )
        .filter(_live(now))
    )
    return Q(by_group) | Q(by_user)


def _seen_probe(
    actor: User, membership: Membership, model, ref: str, narrow: Q | None = None
) -> Coalesce:
    """Whether the record of `model` whose id is in the outer row's `ref` passes `_row_q` (and
    `narrow`, a further condition on it), as a probe of that one record (`_row_probe`)."""
    record = model.objects.filter(pk=models.OuterRef(ref)).filter(_row_q(actor, membership, model))
    return _row_probe(record if narrow is None else record.filter(narrow))


def visible_rows_condition(actor: User | None, model: type[models.Model]) -> Q | RawSQL:
    """`visible(actor, model)`'s condition tested on each row a query reads (`_row_q`), kept
    compiled like `kept_condition`'s: for a query over a bounded set of rows (an agency's own
    queue), never for a search for a few rows among all of them."""
    membership = acting_membership(actor)
    if membership is None or membership.role not in rules_for(model).view:
        return Q(pk__in=[])
    return kept_condition(actor, "visible rows", model, lambda: _row_q(actor, membership, model))


def record_seen_probe(
    actor: User | None,
    model: type[models.Model],
    ref: str,
    *,
    through: str = "",
    narrow: Callable[[User | None, type[models.Model]], Q] | None = None,
) -> Coalesce | None:
    """Whether the record whose id is in the outer query's column `ref` is one the actor may
    view, as a boolean expression on the outer row that probes that one record (`_row_q`): a
    record of `model`, or, with `through`, the record that the `model` record's field `through`
    names (a hearing's case). `narrow(actor, guarding model)`: a further condition the viewed
    record must meet (`progress_q`). None when the actor may view no such record."""
    membership = acting_membership(actor)
    guard = model._meta.get_field(through).related_model if through else model
    if membership is None or membership.role not in rules_for(guard).view:
        return None
    extra = None if narrow is None else narrow(actor, guard)
    if not through:
        return _seen_probe(actor, membership, model, ref, extra)
    link = model._meta.get_field(through).attname
    seen = _seen_probe(actor, membership, guard, link, extra)
    return _row_probe(model.objects.filter(pk=models.OuterRef(ref)).filter(Q(seen)))


def _extra_beside_standing_q(actor: User, membership: Membership, model) -> Q:
    """The rows `_extra_ids` gives but for what only a standing group grant gives: grants that
    lapse, the actor's own, related records. Their ids (and their related records' ids) are read
    first and tested as arrays, so PostgreSQL finds the rows by index rather than reading a
    period's rows to test each (a prepared statement's plan expects a period to hold a few
    thousand rows; ten years hold a million)."""
    lapsing, by_user = _lapsing_and_own_grants(actor, membership, model)
    table = connections[model.objects.db].ops.quote_name(model._meta.db_table)

    def any_of(column: str, ids: list[int]) -> Q:
        test = RawSQL(f"{table}.{column} = ANY(%s::bigint[])", [ids], output_field=BooleanField())  # noqa: S611 - our names
        return Q(test)

    match = any_of("id", [*lapsing, *by_user])
    rules = rules_for(model)
    for field in rules.follows:
        parent = model._meta.get_field(field).related_model
        shown = parent.objects.filter(parent.live_q(), pk__in=_visible_ids(actor, parent))
        column = model._meta.get_field(field).column
        match |= any_of(column, list(shown.values_list("pk", flat=True)))
    for label, field in rules.seen_through:
        other = apps.get_model(label)
        shown = other.objects.filter(other.live_q(), pk__in=_visible_ids(actor, other))
        match |= any_of("id", [pk for pk in shown.values_list(field, flat=True) if pk])
    for field in rules.seen_by_agency_in:
        match |= Q(**{f"{field}_id": membership.agency_id})
    return match


def _visible_ids(actor: User | None, model: type[models.Model]) -> QuerySet:
    membership = acting_membership(actor)
    if membership is None or membership.role not in rules_for(model).view:
        return model.objects.none().values_list("pk", flat=True)

    def build() -> QuerySet:
        owned = model.objects.filter(model.live_q(), owner_agency_id=membership.agency_id)
        extra = _extra_ids(actor, membership, model)
        return owned.values_list("pk", flat=True).union(extra, all=True)

    key = (
        actor.pk, membership.pk, membership.agency_id, membership.agency.group_id,
        membership.role, model._meta.label,
    )  # fmt: skip
    compiled = _compiled_ids(key, build, model._meta.pk)
    if compiled is None:
        return model.objects.none().values_list("pk", flat=True)
    return compiled


def visible(actor: User | None, model: type[models.Model]) -> QuerySet:
    """Every record of the model the actor may view. Every selector starts here."""
    membership = acting_membership(actor)
    if membership is None or membership.role not in rules_for(model).view:
        return model.objects.none()
    return model.objects.filter(model.live_q(), pk__in=_visible_ids(actor, model))


def visible_parts(actor: User | None, model: type[models.Model]) -> list[QuerySet]:
    """The same records as `visible`, as disjoint parts: first the agency's own (the only part
    when the role sees no record of the kind); then those seen from elsewhere. Of a kind
    granted in bulk (`Rules.granted_in_bulk`, arrests) those are two parts: under a standing
    grant to the agency (a hand-off's) but for the children of records it follows; then the
    rest (those children, and grants that lapse or are the actor's own, but for the standing
    ones).

    A list orders and limits each part apart and merges them; a count adds them up. Each part
    stays on its own index instead of probing grants row by row (bench/bench_access.py). The
    standing grants are a part of their own, a semi-join PostgreSQL can cost from the grants'
    statistics: as one set with the others, the state's largest prosecution agency (218,000
    arrests handed off to it) hashed all of them for every page of its arrests, 1.7 to 2.4 s
    (bench/bench_state_pages.py); alone, its first page walks the arrests' date index. What the
    agency follows is left out of the standing part by a column's test (the sting of an
    arrest), not out of the rest by a probe of each followed row's grants: the 28,560 arrests
    of the stings shared with that agency were all handed off to it, 0.3 s of probes.
    """
    membership = acting_membership(actor)
    if membership is None or membership.role not in rules_for(model).view:
        return [model.objects.none()]
    unsealed = model.objects.filter(model.live_q())
    mine = membership.agency_id
    owned = unsealed.filter(owner_agency_id=mine)
    key = (
        actor.pk, membership.pk, membership.agency_id, membership.agency.group_id,
        membership.role, model._meta.label,
    )  # fmt: skip
    pk = model._meta.pk
    elsewhere = unsealed.exclude(owner_agency_id=mine)
    if not rules_for(model).granted_in_bulk:
        extra = _compiled_ids(("extra", *key), lambda: _extra_ids(actor, membership, model), pk)
        return [owned] if extra is None else [owned, elsewhere.filter(pk__in=extra)]
    standing = _compiled_ids(("standing", *key), lambda: _standing_ids(membership, model), pk)
    parts = [owned]
    if standing is not None:
        standing_part = elsewhere.filter(pk__in=standing)
        for field in rules_for(model).follows:
            parent = model._meta.get_field(field).related_model
            followed = _compiled_ids(
                ("followed", field, *key), lambda p=parent: _followed_ids(actor, p), parent._meta.pk
            )
            if followed is not None:
                standing_part = standing_part.exclude(**{f"{field}__in": followed})
        parts.append(standing_part)
    rest = _compiled_ids(("rest", *key), lambda: _rest_ids(actor, membership, model), pk)
    if rest is not None:
        parts.append(elsewhere.filter(pk__in=rest))
    return parts


def _standing_ids(membership: Membership, model) -> QuerySet:
    """The ids of the model under a grant to view to the actor's agency that never lapses.

    The group's id is written into the SQL (an integer read from the database), not passed as
    a value: PostgreSQL keeps a generic plan of a prepared statement after five executions
    (`taskforce.prepared`), and without the value it planned for an average agency. For a
    police department with no hand-off to it, that plan walked every arrest by date probing
    its grants: 4.4 s for a page of arrests, where its first five took 0.3 s."""
    grants = get_group_obj_perms_model(model)
    table = connections[grants.objects.db].ops.quote_name(grants._meta.db_table)
    group = RawSQL(f"{table}.group_id = {int(membership.agency.group_id):d}", ())  # noqa: S611 - an int
    return (
        grants.objects.filter(Q(ExpressionWrapper(group, output_field=BooleanField())))
        .filter(permission_id=_permission(Action.VIEW, model), expires_at__isnull=True)
        .values_list("content_object_id", flat=True)
    )


def _followed_ids(actor: User, parent: type[models.Model]) -> QuerySet:
    """The ids of the records of `parent` whose children the actor sees by following them
    (`Rules.follows`): unhidden and visible, as `_derived_ids` follows them."""
    return parent.objects.filter(parent.live_q(), pk__in=_visible_ids(actor, parent)).values_list(
        "pk", flat=True
    )


def _rest_ids(actor: User, membership: Membership, model) -> QuerySet:
    """The ids of `visible_parts`' last part: the records of other agencies seen through the
    records the actor follows, and those granted otherwise than by a standing grant to the
    agency (grants that lapse, the actor's own) or seen through related records, but for the
    standing part's (each of those few rows' grants probed)."""
    lapsing, by_user = _lapsing_and_own_grants(actor, membership, model)
    mine = membership.agency_id
    rules = rules_for(model)
    seen = [
        other.objects.filter(other.live_q(), pk__in=_visible_ids(actor, other)).values_list(
            field, flat=True
        )
        for other, field in ((apps.get_model(label), field) for label, field in rules.seen_through)
    ] + [
        model.objects.filter(**{f"{field}_id": mine}).values_list("pk", flat=True)
        for field in rules.seen_by_agency_in
    ]
    granted = lapsing.union(by_user, *seen, all=True)
    standing = _standing_group_grant(membership, model, Action.VIEW)
    beside = model.objects.filter(pk__in=granted).exclude(owner_agency_id=mine).filter(~Q(standing))
    # The children of the records followed (the arrests of a sting), whatever their grants:
    # the standing part leaves them out by their column.
    following = [
        model.objects.filter(**{f"{field}__in": _followed_ids(actor, parent)})
        .exclude(owner_agency_id=mine)
        .values_list("pk", flat=True)
        for field, parent in ((f, model._meta.get_field(f).related_model) for f in rules.follows)
    ]
    return beside.values_list("pk", flat=True).union(*following, all=True)


def visible_among(actor: User | None, model: type[models.Model], ids: Iterable[int]) -> list[int]:
    """The ids among `ids` the actor may view: `visible(actor, model).filter(pk__in=ids)`, for a
    page that knows the few records it shows, those rows tested as they are read
    (`_visible_among`)."""
    membership = acting_membership(actor)
    if membership is None:
        return []
    return list(_visible_among(actor, membership, model, set(ids)))


def visible_of(actor: User | None, records: Iterable[models.Model]) -> list[models.Model]:
    """The records among `records` (of one model, already read with their owner and seal) the
    actor may view, in their order: `visible_among` for rows in hand. Those of the actor's own
    agency are decided from their row, the others by `_visible_among`."""
    records = list(records)
    membership = acting_membership(actor)
    if not records or membership is None:
        return []
    model = type(records[0])
    if membership.role not in rules_for(model).view:
        return []
    live = [record for record in records if not record.is_hidden]
    elsewhere = {r.pk for r in live if r.owner_agency_id != membership.agency_id}
    seen = _visible_among(actor, membership, model, elsewhere)
    return [r for r in live if r.owner_agency_id == membership.agency_id or r.pk in seen]


def _visible_among(actor: User, membership: Membership, model, ids: set[int]) -> set[int]:
    """`_visible_ids(actor, model)` among `ids`: those few rows tested by the policy as they are
    read (`visible_rows_condition`, kept compiled), in one query. `_visible_ids` builds every id
    seen from elsewhere for PostgreSQL to hash (a person of the attorney general's office, seen
    through 218,000 arrests granted by hand-off, took 4 s at a million arrests to count a
    caseload page's victims); asked step by step, the rows' owners, the grants, then each kind
    of record that lends sight, a caseload's people took ten queries
    (bench/bench_state_pages.py)."""
    if not ids or membership.role not in rules_for(model).view:
        return set()
    seen = model.objects.filter(visible_rows_condition(actor, model), pk__in=ids)
    return set(seen.values_list("pk", flat=True))


def _elsewhere_query(actor: User, membership: Membership, model, among) -> QuerySet:
    """(pk, may change) of the records `among` picks (of other agencies, not hidden) the actor
    may view: viewing and changing in one query, which of the viewable are granted change. Each
    of those few rows tested (`_row_q`, `_granted_row_q`): the set of every record seen from
    elsewhere, built for a few, took 1.1 s for an arrestee's page of the state's largest
    prosecution agency (bench/bench_reports.py's data)."""
    these = model.objects.filter(among).filter(_row_q(actor, membership, model))
    if membership.role in rules_for(model).change:
        granted = _granted_row_q(actor, membership, model, Action.CHANGE)
        may_change = ExpressionWrapper(granted, output_field=BooleanField())
    else:
        may_change = Value(False, output_field=BooleanField())
    return these.annotate(may_change=may_change).values_list("pk", "may_change")


# Stands for the ids asked about in `_elsewhere_allowed`'s kept SQL: replaced at each use by
# the ids of that call, passed as one array parameter (`= ANY(%s)`).
_IDS_SLOT: list[int] = [-424242]


def _elsewhere_allowed(
    actor: User, membership: Membership, model, ids: list[int]
) -> list[tuple[int, bool]]:
    """`_elsewhere_query`'s rows. On PostgreSQL its SQL is compiled once per process and kept
    like the visible ids' (by who, through which membership, agency, group and role), the ids
    asked a parameter: building the query of grants and related records on every request was
    a seventh of a sting page's Python calls (issue #22). Elsewhere, built each time."""
    database = model.objects.db
    if connections[database].vendor != "postgresql":
        return list(_elsewhere_query(actor, membership, model, Q(pk__in=ids)))
    table, pk = model._meta.db_table, model._meta.pk.column
    among = RawSQL(f'"{table}"."{pk}" = ANY(%s)', (_IDS_SLOT,), output_field=BooleanField())  # noqa: S611

    def compile_sql() -> tuple[str, tuple]:
        return _elsewhere_query(actor, membership, model, among).query.sql_with_params()

    key = (
        "allowed_elsewhere", actor.pk, membership.pk, membership.agency_id,
        membership.agency.group_id, membership.role, model._meta.label,
    )  # fmt: skip
    kept = _kept_sql(key, compile_sql)
    if kept is None:  # selects nothing
        return []
    sql, params = kept
    params = tuple(list(ids) if param is _IDS_SLOT else param for param in params)
    with connections[database].cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, bool(changes)) for pk, changes in cursor.fetchall()]


def allowed_actions(actor: User | None, obj: models.Model) -> frozenset[Action]:
    """What the actor may do to this record; empty when they may not even view it."""
    return allowed_actions_each(actor, [obj])[obj.pk]


def allowed_actions_each(
    actor: User | None, objs: Iterable[models.Model]
) -> dict[int, frozenset[Action]]:
    """`allowed_actions` for each of some records of one model, by pk: the records of the actor's
    own agency are decided from their role, the others with one query for viewing and changing,
    however many there are (a sting's page asks about each of its arrests). Answers
    are kept for the rest of a read-only request (`memo`)."""
    objs = list(objs)
    membership = acting_membership(actor)
    if membership is None or not objs:
        return {obj.pk: frozenset() for obj in objs}
    model = type(objs[0])
    rules = rules_for(model)
    # What the actor's role may do to a record of their own agency: the same for each.
    own = frozenset(a for a in Action if membership.role in rules.roles_for(a))
    own = own if Action.VIEW in own else frozenset()
    answers: dict[int, frozenset[Action]] = {}
    elsewhere = []
    for obj in objs:
        key = ("allowed", actor.pk, membership.pk, model._meta.label, obj.pk)
        known = recalled(key)
        if known is not None:
            answers[obj.pk] = known
        elif obj.is_hidden:
            answers[obj.pk] = frozenset()
        elif obj.owner_agency_id == membership.agency_id:
            answers[obj.pk] = own
        else:
            elsewhere.append(obj.pk)
    if elsewhere:
        seen: set[int] = set()
        changed: set[int] = set()
        if membership.role in rules.view:
            for pk, changes in _elsewhere_allowed(actor, membership, model, elsewhere):
                seen.add(pk)
                if changes:
                    changed.add(pk)
        for pk in elsewhere:
            answers[pk] = (
                frozenset({Action.VIEW} | ({Action.CHANGE} if pk in changed else set()))
                if pk in seen
                else frozenset()
            )
    for pk, allowed in answers.items():
        remember(("allowed", actor.pk, membership.pk, model._meta.label, pk), allowed)
    return answers


def readable_records(
    actor: User | None, refs: Iterable[tuple[type[models.Model], int]]
) -> dict[tuple[type[models.Model], int], models.Model]:
    """The referenced records the actor may see now, by (model, pk), one query per kind.
    Records the actor may not see, and models the policy does not know, are absent."""
    by_model: dict[type[models.Model], set[int]] = {}
    for model, pk in refs:
        if model is not None and model._meta.label in RULES and pk is not None:
            by_model.setdefault(model, set()).add(pk)
    found = {}
    for model, ids in by_model.items():
        records = visible(actor, model).filter(pk__in=ids)
        related = getattr(model, "label_related", ())  # what the record's name reads
        if related:
            records = records.select_related(*related)
        found.update(((model, pk), record) for pk, record in records.in_bulk().items())
    return found


def readable_labels(
    actor: User | None, refs: Iterable[tuple[type[models.Model], int]]
) -> dict[tuple[type[models.Model], int], str]:
    """The names of the referenced records the actor may see now, read from the records
    themselves: stored labels are neutral, so a name shown anywhere is read here, through the
    policy. Records the actor may not see, and other models, are absent.
    """
    return {ref: str(record) for ref, record in readable_records(actor, refs).items()}


def viewable_pairs(
    pairs: list[tuple[User, models.Model]],
    narrow: Callable[[User, type[models.Model]], Q] | None = None,
) -> set[tuple[int, type, int]]:
    """(user pk, model, record pk) of the pairs whose user may view the record: the same decision as
    `allowed_actions`, made for many people and records at once (a sweep of reminders).

    The current memberships come in one query and a record of the person's own agency is
    decided from their role; only records of other agencies ask `visible`, once per person and
    kind of record, narrowed by `narrow(person, model)` when given (what of a record another
    agency sees: `consent.progress_q`, whose owning agency sees all).
    """
    memberships = {
        membership.user_id: membership
        for membership in Membership.objects.filter(
            user_id__in={user.pk for user, _ in pairs}, ended_at__isnull=True,
            agency__is_active=True, user__is_active=True,
        ).select_related("agency")
    }  # fmt: skip
    allowed: set[tuple[int, type, int]] = set()
    elsewhere: dict[tuple[int, type], set[int]] = {}
    people = {}
    for user, record in pairs:
        membership = memberships.get(user.pk)
        if membership is None or membership.role not in rules_for(type(record)).view:
            continue
        if record.is_hidden:
            continue
        if record.owner_agency_id == membership.agency_id:
            allowed.add((user.pk, type(record), record.pk))
        else:
            elsewhere.setdefault((user.pk, type(record)), set()).add(record.pk)
            user.__dict__["membership"] = membership  # what User.membership would load
            people[user.pk] = user
    for (user_pk, model), ids in elsewhere.items():
        seen = visible(people[user_pk], model).filter(pk__in=ids)
        if narrow is not None:
            seen = seen.filter(narrow(people[user_pk], model))
        seen = seen.values_list("pk", flat=True)
        allowed.update((user_pk, model, pk) for pk in seen)
    return allowed


def may_create(actor: User | None, model: type[models.Model]) -> bool:
    """Whether the actor may create a record of this model for their own agency: a role that may
    change such records, in a kind of agency that makes them."""
    membership = acting_membership(actor)
    if membership is None:
        return False
    rules = rules_for(model)
    return membership.role in rules.change and membership.agency.kind in rules.created_by_kinds


def may_be_assigned(person: User | None, model: type[models.Model], owner_agency_id: int) -> bool:
    """Whether a person may be made responsible for a record of the model owned by that agency
    (its assigned prosecutor or advocate): an active member of it in a role that may change it."""
    membership = acting_membership(person)
    return (
        membership is not None
        and membership.agency_id == owner_agency_id
        and membership.role in rules_for(model).change
    )


def can(actor: User | None, action: Action, obj: models.Model) -> bool:
    return action in allowed_actions(actor, obj)


def require(actor: User | None, action: Action, obj: models.Model) -> models.Model:
    """Return the record if the actor may take the action; NotFound if they may not see it."""
    allowed = allowed_actions(actor, obj)
    if Action.VIEW not in allowed:
        raise NotFound
    if action not in allowed:
        raise Forbidden
    return obj


def get_for(
    actor: User | None,
    model,
    public_id,
    action: Action = Action.VIEW,
    *,
    related=(),
    queryset: QuerySet | None = None,
) -> models.Model:
    """Load a record by its public id for an action; a foreign or missing id is NotFound.
    `related`: foreign keys to load with it (`select_related`), for a page that shows them;
    `queryset`: the model's rows with what else the page reads in the same query (annotations:
    `taskforce.folded`), never narrower or wider than the model's own."""
    try:
        # By its unique id first, then the same decision as `visible` for this one record: cheaper
        # than filtering the id out of everything the actor may see.
        if queryset is not None and queryset.model is not model:
            raise TypeError(f"get_for({model._meta.label}) was given rows of another model")
        records = model.objects if queryset is None else queryset
        records = records.select_related(*related) if related else records
        obj = records.get(public_id=public_id)
    except (model.DoesNotExist, ValidationError, ValueError):
        raise NotFound from None
    return require(actor, action, obj)
