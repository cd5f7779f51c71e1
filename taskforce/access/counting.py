"""What aggregate reports may count: never a row the viewer could not open, except that the
coordinator counts every unsealed row (aggregates only, small counts suppressed by the reports).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, models
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from taskforce.access.consent import progress_q
from taskforce.access.memo import recall
from taskforce.access.visibility import (
    NotFound,
    _extra_beside_standing_q,
    _extra_ids,
    _extra_ids_beside_standing,
    _extra_row_q,
    _row_probe,
    _standing_group_grant,
    acting_membership,
    rules_for,
)
from taskforce.models import Role, User
from taskforce.protected import BY_LABEL, Action


def may_view_reports(actor: User | None) -> bool:
    """Supervisors report on what their agency may open; the coordinator on the task force."""
    membership = acting_membership(actor)
    return membership is not None and membership.role in {Role.SUPERVISOR, Role.COORDINATOR}


def reports_task_force_wide(actor: User | None) -> bool:
    """The coordinator's figures count every agency's records (never showing one), so small
    counts of victims and referrals are suppressed (reports/tables.py)."""
    membership = acting_membership(actor)
    return membership is not None and membership.role == Role.COORDINATOR


@dataclass(frozen=True)
class _Counted:
    """What a report may count of one model, for one viewer (`_counted`)."""

    wide: bool = False  # every unsealed row (the coordinator)
    agency_id: int | None = None  # else the agency's own unsealed rows,
    extra: QuerySet | None = None  # and the ids it may open from elsewhere


def _counted(actor: User | None, model: type[models.Model]) -> _Counted | None:
    """Who counts what, decided once for the three forms below; None: nothing."""
    if not may_view_reports(actor):
        return None
    if reports_task_force_wide(actor):
        return _Counted(wide=True)
    membership = acting_membership(actor)
    if membership.role not in rules_for(model).view:
        return None
    if BY_LABEL[model._meta.label].counted_by_owner_only:
        # A victim shared under consent shows another agency only what the consent's scope
        # names; counting their age, gender or services would tell more. Their owner counts them.
        return _Counted(agency_id=membership.agency_id)
    return _Counted(agency_id=membership.agency_id, extra=_extra_ids(actor, membership, model))


def report_parts(actor: User | None, model: type[models.Model]) -> _Counted | None:
    """What `report_rows` counts of the model, in parts, for readers of rollups kept by owner
    agency (cases.models.rollups): None, nothing; `wide`, every unsealed row; else the unsealed
    rows owned by `agency_id` and those whose ids are in `extra` (None: no others)."""
    return _counted(actor, model)


@dataclass(frozen=True)
class GrantedParts:
    """What a supervisor counts of a model beside their agency's own rows, split for readers of
    rollups kept by grantee group (cases.models.rollups.ArrestGrantMonth)."""

    agency_id: int
    group_id: int  # the agency's group: the rollup's rows of it are the standing grants'
    standing: Coalesce  # a row is under a standing (never lapsing) view grant to that group
    extra_row: Q  # a row is one the agency may open from elsewhere, tested on the row
    beside: Callable[[], Q]  # the others it may open (lapsing, own, related), read as arrays

    def counted(self) -> Q:
        """The rows `report_rows` counts (the live test is the caller's), as one test of each
        row: owned, or granted (an index probe), or seen through a related record. The same
        rows as `pk IN extras`, which hashed the largest agency's 218,000 hand-offs in every
        query (bench/bench_reports.py): for the few rows beside the rollups, probes cost less."""
        return Q(owner_agency_id=self.agency_id) | self.extra_row

    def not_rolled(self) -> Q:
        """Of the rows counted, those neither rollup holds (by owner, by grantee group): found
        through the few others' ids, each then probed for a standing grant. Runs the queries
        that read those ids."""
        return self.beside() & ~Q(owner_agency_id=self.agency_id) & ~Q(self.standing)


def report_granted_parts(actor: User | None, model: type[models.Model]) -> GrantedParts | None:
    """For a supervisor who may open rows of `model` from elsewhere, those rows split as
    `GrantedParts` says (the live test, `model.live_q()`, is the caller's); None otherwise."""
    counted = _counted(actor, model)
    if counted is None or counted.wide or counted.extra is None:
        return None
    membership = acting_membership(actor)
    return GrantedParts(
        agency_id=membership.agency_id,
        group_id=membership.agency.group_id,
        standing=_standing_group_grant(membership, model, Action.VIEW),
        extra_row=_extra_row_q(actor, membership, model),
        beside=lambda: _extra_beside_standing_q(actor, membership, model),
    )


def _report_match(actor: User | None, model: type[models.Model], path: str = "") -> Q:
    """The rows a report may count, as a condition on the model's columns (see `report_rows`),
    reached through `path` when the rows queried are related ones.

    A supervisor's condition is `unsealed AND (owned OR id IN extras)`: the same rows as
    `visible`, whose `id IN (owned UNION extras)` made PostgreSQL hash every owned id and probe
    the case table once per id for each aggregate (13 s for the largest agency's prosecution
    page, bench/bench_reports.py). Here ownership is a column test on the row at hand and only
    the ids visible from elsewhere are hashed, once per query.
    """
    return _report_columns_q(actor, model, path, own_only=False)


def _report_columns_q(
    actor: User | None, model: type[models.Model], path: str, *, own_only: bool
) -> Q:
    """`_report_match` (`own_only`: of it, the viewer's own agency's rows, `report_own_q`)."""
    counted = _counted(actor, model)
    if counted is None:
        return Q(pk__in=[])
    prefix = f"{path}__" if path else ""
    unsealed = model.live_q(prefix)
    if counted.wide:
        return unsealed
    owned = Q(**{f"{prefix}owner_agency_id": counted.agency_id})
    if own_only or counted.extra is None:
        return unsealed & owned
    return unsealed & (owned | Q(**{f"{prefix}pk__in": counted.extra}))


def report_ids_q(actor: User | None, model: type[models.Model], field: str) -> Q:
    """`field` holds the id of a row of `model` a report may count (see `report_rows`): a
    foreign key (a count's case) or a bare id (a deadline's record). Three id sets, each read
    from an index: the agency's own unsealed rows, the ids visible from elsewhere, the sealed
    ids (a handful). Testing each id against the model's table instead read every arrest for a
    supervisor's deadlines (bench/bench_reports.py)."""
    return _report_ids(actor, model, field, lambda owned: Q(**{f"{field}__in": owned.values("pk")}))


def _report_ids(
    actor: User | None, model: type[models.Model], field: str, own: Callable[[QuerySet], Q]
) -> Q:
    """`report_ids_q`, the agency's own records tested by `own` (given the query of them)."""
    counted = _counted(actor, model)
    if counted is None:
        return Q(pk__in=[])
    sealed = Q(**{f"{field}__in": model.objects.exclude(model.live_q()).values("pk")})
    if counted.wide:
        return ~sealed
    match = own(model.objects.filter(model.live_q(), owner_agency_id=counted.agency_id))
    if counted.extra is None:
        return match
    return match | (Q(**{f"{field}__in": counted.extra}) & ~sealed)


def report_ids_probed_q(actor: User | None, model: type[models.Model], field: str) -> Q:
    """The same rows as `report_ids_q`, for a query that reads few of them (the partial month
    of a period beside its rollups): whether the agency owns the record is a probe of the
    model's primary key per row, and only the few ids visible from elsewhere and the sealed
    ones are read as sets. Hashing the largest agency's 218,000 own cases for the 52 counts
    filed in this month's first days took 236 ms of the supervisor's trends page, twice
    (bench/bench_reports.py)."""
    return _report_ids(
        actor, model, field, lambda owned: Q(_row_probe(owned.filter(pk=OuterRef(field))))
    )


def report_rows(actor: User | None, model: type[models.Model]) -> QuerySet:
    """The rows a report may count: for a supervisor exactly those they may open; for the
    coordinator every unsealed row (aggregates only: no page, list or export ever shows them,
    and `visible` still gives the coordinator nothing). Nobody else counts anything."""
    if not may_view_reports(actor):
        return model.objects.none()
    return model.objects.filter(_report_match(actor, model))


def report_q(
    actor: User | None, model: type[models.Model], path: str, *, joined: bool = False
) -> Q:
    """The same rows as `report_rows`, as a condition on a query of related rows: `path` is the
    foreign key leading from them to the model (the charges of the cases one may count are
    `report_q(actor, Case, "case")`).

    By default it tests the key against sets of ids (`report_ids_q`), so the model's table is
    not joined: joining a million cases to a year's charges took longer than the rest of the
    query (bench/bench_reports.py). A query that joins the model's table anyway (for its
    columns) passes `joined=True` and tests those columns instead.
    """
    if joined:
        return _report_match(actor, model, path)
    return report_ids_q(actor, model, path)


def report_own_q(actor: User | None, model: type[models.Model], path: str = "") -> Q:
    """Of the rows `report_q(..., joined=True)` counts, those of the viewer's own agency, on the
    joined model's columns: every unsealed row for the coordinator. With `report_shared_in_q`
    (what the agency counts without owning it), the rows `report_q` counts, in two parts: the
    part of a supervisor's own rows tests a column PostgreSQL can read by index, where the
    whole `owned OR id IN extras` made it read every case (a million) to hash-join the few
    weeks of counts beside the rollups (bench/bench_reports.py)."""
    return _report_columns_q(actor, model, path, own_only=True)


def report_shared_in_q(
    actor: User | None, model: type[models.Model], path: str = "", *, joined: bool = False
) -> Q:
    """Of the rows `report_q` (or, without `path`, `report_rows`) counts, those the viewer's
    agency does not own: what a rollup kept by owner agency cannot tell apart (only the ids
    visible from elsewhere decide). Nothing for the coordinator, who counts every owner's rows
    from the rollup, nor for a viewer with no such ids."""
    counted = _counted(actor, model)
    if counted is None or counted.wide or counted.extra is None:
        return Q(pk__in=[])
    if joined or not path:
        prefix = f"{path}__" if path else ""
        return (
            model.live_q(prefix)
            & Q(**{f"{prefix}pk__in": counted.extra})
            & ~Q(**{f"{prefix}owner_agency_id": counted.agency_id})
        )
    # The ids from elsewhere are few; the agency's own rows many (hashing them is what costs).
    shared_in = model.objects.filter(model.live_q(), pk__in=counted.extra).exclude(
        owner_agency_id=counted.agency_id
    )
    return Q(**{f"{path}__in": shared_in.values("pk")})


class _AnyOf(Func):
    """`field = ANY(ids)`: one array value, which PostgreSQL hashes (a constant) or reads an
    index with, however many ids."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s::bigint[]))"
    output_field = BooleanField()


def _array(ids: QuerySet) -> str:
    """The ids of a query of one column, as one PostgreSQL array literal, built by PostgreSQL:
    iterating 28,560 ids through the ORM took as long as the query (bench/bench_reports.py)."""
    sql, params = ids.query.sql_with_params()
    aggregate = "SELECT coalesce(array_agg(DISTINCT found.id ORDER BY found.id)::text, '{}')"
    with connections[ids.db].cursor() as cursor:
        cursor.execute(f"{aggregate} FROM ({sql}) AS found(id)", params)  # the ORM's SQL
        return cursor.fetchone()[0]


def _beside_standing_ids(actor: User, membership, model: type[models.Model]) -> Value:
    """`_extra_ids_beside_standing`'s ids, read once per request: a report reads the
    deadlines beside its rollups in several queries (the ends of its period, its clean
    months), and each read the set again (the largest agency's 28,560 arrests seen through
    its operations: about 55 ms a query, bench/bench_reports.py)."""
    key = ("report_beside_standing_ids", actor.pk, membership.pk, model._meta.label)
    # One array literal: psycopg2 sends a list as ARRAY[...] of one term per id, which
    # PostgreSQL parses and folds in every query (tens of ms for 28,560 ids).
    ids = recall(key, lambda: _array(_extra_ids_beside_standing(actor, membership, model)))
    return Value(ids)


def _beside_rollup(
    actor: User | None,
    model: type[models.Model],
    field: str,
    *,
    records: type[models.Model] | None,
    path: str,
    by_grantee: bool,
) -> tuple[Q | None, Q | None, Q]:
    """What `report_ids_beside_rollup_q` counts, in three parts: the rows' test that holds
    wherever they are counted (None: no such test), the test where the rollup's months hold
    (None: nothing there), the test elsewhere."""
    counted = _counted(actor, model)
    if counted is None:
        return None, None, Q(pk__in=[])

    def ids(rows: QuerySet) -> Q:
        if records is not None:
            rows = records.objects.filter(**{f"{path}__in": rows})
        return Q(**{f"{field}__in": rows.values("pk")})

    live = model.objects.filter(model.live_q())
    unsealed = ~Q(**{f"{field}__in": model.objects.exclude(model.live_q()).values("pk")})
    if counted.wide:
        return None, None, unsealed if records is None else ids(live)
    own = ids(live.filter(owner_agency_id=counted.agency_id))
    if counted.extra is None:
        return None, None, own
    if records is None:
        # Each record's owner probed by its primary key where the rows are few (the months
        # read from the rows) or already picked out (the ids from elsewhere), instead of
        # hashing the largest agency's 218,000 ids and looking up every deadline of ten years
        # in them (3.7 s, bench/bench_reports.py); the time is tested first.
        owned = Q(_row_probe(live.filter(pk=OuterRef(field), owner_agency_id=counted.agency_id)))
        if by_grantee:
            membership = acting_membership(actor)
            standing = Q(_standing_group_grant(membership, model, Action.VIEW, ref=field))
            beside = Q(_AnyOf(F(field), _beside_standing_ids(actor, membership, model)))
            in_rolled, in_rest = beside & ~standing, beside | standing
        else:
            in_rolled = in_rest = Q(**{f"{field}__in": counted.extra})
        return unsealed, in_rolled & ~owned, owned | in_rest
    # A record (a hearing) belongs to one case: of the others' ids, those not the agency's own.
    others = live.filter(pk__in=counted.extra)
    return None, ids(others.exclude(owner_agency_id=counted.agency_id)), own | ids(others)


def report_ids_beside_rollup_q(
    actor: User | None,
    model: type[models.Model],
    field: str,
    rolled: Q,
    *,
    records: type[models.Model] | None = None,
    path: str = "",
    by_grantee: bool = False,
) -> Q:
    """What `report_ids_q` counts (`field` holds an id of `model`, or of a `records` row whose
    `path` leads to one: a hearing's case), less what a rollup kept by owner agency counts
    where `rolled` holds (a row's condition: its clean months): every unsealed record's for the
    coordinator, the agency's own for anyone else. What remains is read from the rows.

    Each id set appears once in the SQL (a CASE: the rollup's months, then the others), so
    PostgreSQL hashes it once per query; testing "not owned" apart from "counted" hashed the
    largest agency's ids twice and read 218,000 arrests one by one (bench/bench_reports.py).

    `by_grantee` (records None): a rollup kept by grantee group also counts, where `rolled`
    holds, the records under a standing grant to the viewer's agency (hand-offs); those are
    probed by index record by record, and only the few other ids are hashed."""
    always, in_rolled, in_rest = _beside_rollup(
        actor, model, field, records=records, path=path, by_grantee=by_grantee
    )
    if in_rolled is None:
        match = ~rolled & in_rest
    else:
        match = Q(
            Case(
                When(rolled, then=ExpressionWrapper(in_rolled, BooleanField())),
                default=ExpressionWrapper(in_rest, BooleanField()),
                output_field=BooleanField(),
            )
        )
    return match if always is None else always & match


def report_ids_in_rollup_months_q(
    actor: User | None,
    model: type[models.Model],
    field: str,
    *,
    records: type[models.Model] | None = None,
    path: str = "",
    by_grantee: bool = False,
) -> Q | None:
    """`report_ids_beside_rollup_q` within the rollup's months alone, as a plain test of the
    row (no CASE), so PostgreSQL can find the few rows from their records' ids instead of
    reading every row of those months: None where it counts nothing there (the coordinator,
    or an agency that sees nothing from elsewhere: the rollup holds it all)."""
    always, in_rolled, _ = _beside_rollup(
        actor, model, field, records=records, path=path, by_grantee=by_grantee
    )
    if in_rolled is None:
        return None
    return in_rolled if always is None else always & in_rolled


def report_progress_q(actor: User | None, model: type[models.Model], path: str = "") -> Q:
    """Of the rows a report may count, those whose progress it may count (a referral's status,
    its deadlines): task-force-wide every one (counted, never shown); otherwise those whose
    progress the viewer sees (`progress_q`). Q() when the model's progress is not narrowed."""
    if reports_task_force_wide(actor):
        return Q()
    return progress_q(actor, model, path)


def may_export_own_rows(actor: User | None, model: type[models.Model]) -> bool:
    """Whether the actor may list their own agency's records of `model` row by row for a funder
    reconciliation (the grant report's client-level export): those who may change them."""
    membership = acting_membership(actor)
    return membership is not None and membership.role in rules_for(model).change


def own_rows_for_export(actor: User | None, model: type[models.Model]) -> QuerySet:
    """The unsealed records of `model` the actor's own agency owns, for `may_export_own_rows`;
    never one shared from elsewhere (its owner reports it), never the coordinator's. Anyone
    else gets NotFound, as for a page that does not exist."""
    if not may_export_own_rows(actor, model):
        raise NotFound
    return model.objects.filter(model.live_q(), owner_agency_id=acting_membership(actor).agency_id)
