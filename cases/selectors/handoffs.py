"""Reads of hand-offs: a prosecution agency's intake queue, an arrest's referrals.

The hand-offs a sting's or an arrest's page lists are read in plain SQL under the policy's
kept condition (`access.visible_condition`, compiled once per person and process) rather than
through a queryset: building the queryset, its joins and its prefetch on every request was a
sixth of the arrest page's Python calls (issue #22). `seen_sql` and `from_row` are the two
pieces such a read needs; the operation page's arrests use them too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, models
from django.db.models import Count, Prefetch, Q, QuerySet, Window
from django.db.models.expressions import RawSQL

from cases.models import Arrest, Case, HandOff
from taskforce import access, folded
from taskforce.models import Agency, User
from taskforce.web.pagination import Page


def seen_sql(actor: User, model: type[models.Model]) -> tuple[str, tuple] | None:
    """The policy's condition that a row of `model` is one the actor may view, tested on each
    row read (`access.visible_rows_condition`, kept compiled), as SQL on the model's unaliased
    table and its parameters; None when they may view none. For the bounded reads here (the
    hand-offs of a few arrests, one sting's arrests): the set of every hand-off the state's
    largest prosecution agency may see took 1.7 s to build for one arrest's page."""
    condition = access.visible_rows_condition(actor, model)
    if isinstance(condition, RawSQL):
        return condition.sql, tuple(condition.params)
    try:
        sql, params = model.objects.filter(condition).values("pk").query.sql_with_params()
    except EmptyResultSet:
        return None
    return f'"{model._meta.db_table}"."{model._meta.pk.column}" IN ({sql})', tuple(params)


# Per (model, columns): where each column goes in the model's field order (`Model.from_db`
# takes the values of the fields it is given in that order, whatever order they are named in).
_ORDERS: dict[tuple, tuple[tuple[str, ...], tuple[int, ...]]] = {}


def _order(model: type[models.Model], names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple]:
    key = (model, names)
    if key not in _ORDERS:
        rank = {f.attname: i for i, f in enumerate(model._meta.concrete_fields)}
        order = tuple(sorted(range(len(names)), key=lambda i: rank[names[i]]))
        _ORDERS[key] = (tuple(names[i] for i in order), order)
    return _ORDERS[key]


# Per (model, columns, database alias): the connection the converters below were taken from and
# the converters. Functions of the code and of that connection only, never of a row.
_READERS: dict[tuple, tuple] = {}


def readers(model: type[models.Model], names: Sequence[str], connection) -> list:
    """For each column, (its converters, its column): what turns the driver's value into the
    field's as a query would (the backend's converters, then the field's own: decryption)."""
    key = (model, tuple(names), connection.alias)
    kept = _READERS.get(key)
    if kept is not None and kept[0] is connection:
        return kept[1]
    found = []
    for name in names:
        column = model._meta.get_field(name).get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        found.append((converters, column))
    _READERS[key] = (connection, found)
    return found


def converted(value, read: tuple, connection):
    """One column's value from the driver made the field's (`read`: one of `readers`)."""
    converters, column = read
    for converter in converters:
        value = converter(value, column, connection)
    return value


def from_row(model, names: tuple[str, ...], values: Sequence, read: list, connection):
    """An instance of `model` with the columns `names` (read with `readers(model, names, …)`)
    loaded from `values` and the others deferred, as a queryset would make it."""
    values = [converted(value, one, connection) for value, one in zip(values, read, strict=True)]
    ordered, order = _order(model, names)
    return model.from_db(connection.alias, ordered, [values[i] for i in order])


_HANDOFFS_SQL = (
    'SELECT "cases_handoff"."id", "cases_handoff"."public_id", "cases_handoff"."owner_agency_id", '
    '"cases_handoff"."created_by_id", "cases_handoff"."created_at", "cases_handoff"."sealed_at", '
    '"cases_handoff"."arrest_id", "cases_handoff"."to_agency_id", "cases_handoff"."case_id", '
    '"taskforce_agency"."id", "taskforce_agency"."name", "taskforce_agency"."short_name", '
    '"cases_case"."id", "cases_case"."public_id", "cases_case"."owner_agency_id", '
    '"cases_case"."sealed_at", "cases_case"."number", "cases_case"."status", '
    '"taskforce_user"."id", "taskforce_user"."username", "taskforce_user"."first_name", '
    '"taskforce_user"."last_name" '
    'FROM "cases_handoff" '
    'INNER JOIN "taskforce_agency" ON ("cases_handoff"."to_agency_id" = "taskforce_agency"."id") '
    'INNER JOIN "cases_case" ON ("cases_handoff"."case_id" = "cases_case"."id") '
    'INNER JOIN "taskforce_user" ON ("cases_handoff"."created_by_id" = "taskforce_user"."id") '
    'WHERE "cases_handoff"."arrest_id" IN ({ids}) AND ({seen}) '
    'ORDER BY "cases_handoff"."created_at" ASC, "cases_handoff"."id" ASC'
)
_HANDOFF = ("id", "public_id", "owner_agency_id", "created_by_id", "created_at", "sealed_at",
            "arrest_id", "to_agency_id", "case_id")  # fmt: skip
_AGENCY = ("id", "name", "short_name")
_CASE = ("id", "public_id", "owner_agency_id", "sealed_at", "number", "status")
_USER = ("id", "username", "first_name", "last_name")
_PARTS = (
    (HandOff, _HANDOFF, None),
    (Agency, _AGENCY, HandOff.to_agency.field),
    (Case, _CASE, HandOff.case.field),
    (User, _USER, HandOff.created_by.field),
)


def handoffs_shown(*, actor: User, arrest_ids: Iterable[int]) -> dict[int, list[HandOff]]:
    """The hand-offs of these arrests that `actor` may see (a hand-off follows its case: a
    viewer of the arrest does not learn of a referral to a case they cannot open), oldest
    first, by arrest: each with its agency (name, label), case (number, status) and sender
    (name) loaded, the other columns deferred. The caller has checked the arrests."""
    arrest_ids = list(arrest_ids)
    shown: dict[int, list[HandOff]] = {pk: [] for pk in arrest_ids}
    seen = seen_sql(actor, HandOff) if arrest_ids else None
    if seen is None:
        return shown
    connection = connections[HandOff.objects.db]
    marks = ", ".join(["%s"] * len(arrest_ids))
    with connection.cursor() as cursor:
        cursor.execute(_HANDOFFS_SQL.format(ids=marks, seen=seen[0]), (*arrest_ids, *seen[1]))
        found = cursor.fetchall()
    parts = [(model, names, readers(model, names, connection), via) for model, names, via
             in _PARTS]  # fmt: skip
    for row in found:
        start, handoff = 0, None
        for model, names, read, via in parts:
            record = from_row(model, names, row[start : start + len(names)], read, connection)
            start += len(names)
            if via is None:
                handoff = record
            else:
                via.set_cached_value(handoff, record)
        shown[handoff.arrest_id].append(handoff)
    return shown


# The protected columns of an arrest and its arrestee the queue does not show: not read, not
# decrypted (nine of them a row, 11 ms of a page of 50).
_INTAKE_UNSHOWN = (
    "arrest__address",
    "arrest__meeting_place",
    "arrest__vehicle",
    "arrest__narrative",
    "arrest__booking_number",
    "arrest__arrestee__middle_name",
    "arrest__arrestee__date_of_birth",
)
# Hand-offs a page of intake shows: the state's largest prosecution agency has received 218,000,
# and the page showed the newest 200 with no way to the others.
INTAKE_PAGE_SIZE = 50


def intake_queue(
    *, actor: User, pending: bool = False, after: HandOff | None = None,
    size: int = INTAKE_PAGE_SIZE,
) -> Page[HandOff]:  # fmt: skip
    """A page of the arrests handed to the actor's agency, newest first, with their cases
    (`pending`: those whose case is still in intake, counted; every one is too many to count
    at each page, 218,000 for the largest agency), after the hand-off `after` (a keyset page:
    the same cost at any depth).

    Each hand-off is tested by the policy as it is read (`access.visible_rows_condition`): the
    queue reads the agency's own hand-offs, and building the set of every hand-off it may see
    took 1.7 s for the state's largest prosecution agency (bench/bench_reports.py's data). The
    ids first, then their rows: with the rows' seven joins in the same query PostgreSQL no
    longer weighs every join order and tested every hand-off (6 s)."""
    membership = access.acting_membership(actor)
    if membership is None:
        return Page(rows=[], has_next=False, total=0)
    agency = membership.agency_id
    if pending:
        chosen = HandOff.objects.filter(pk__in=_intake_candidates(agency).values("pk"))
    else:
        chosen = HandOff.objects.filter(to_agency_id=agency)
    chosen = chosen.filter(access.visible_rows_condition(actor, HandOff))
    counted = pending and after is None
    if counted:
        # How many wait, on the first page, in the same query (a window over every row).
        chosen = chosen.annotate(waiting=Window(Count("pk")))
    if after is not None:
        chosen = chosen.filter(
            Q(created_at__lt=after.created_at) | Q(created_at=after.created_at, pk__lt=after.pk)
        )
    found = list(
        chosen.order_by(*_PANEL_ORDER).values_list("pk", "waiting" if counted else "pk")[: size + 1]
    )
    ids = [pk for pk, _ in found[:size]]
    rows = list(
        HandOff.objects.filter(pk__in=ids)
        .select_related(
            "arrest__arrestee",
            "arrest__operation",
            "arrest__county",
            "case",
            "owner_agency",
            "created_by",
        )
        .defer(*_INTAKE_UNSHOWN)
        .prefetch_related("arrest__charges__statute")
        .order_by(*_PANEL_ORDER)
    )
    total = (found[0][1] if found else 0) if counted else None
    return Page(rows=rows, has_next=len(found) > size, total=total)


def _intake_candidates(agency_id: int) -> QuerySet[HandOff]:
    """The hand-offs to the agency whose case is still in intake. A hand-off opens its case for
    the agency it is handed to (`handoff_create`), so these are the hand-offs of the agency's own
    cases in intake: named so, PostgreSQL starts from those cases (`case_owner_status`), a few
    of a million, rather than from every hand-off the agency ever received (218,000)."""
    return HandOff.objects.filter(
        to_agency_id=agency_id, case__owner_agency_id=agency_id, case__status="intake"
    )


def intake_waiting(*, actor: User, size: int = 5) -> tuple[list[HandOff], int]:
    """The home panel: the newest hand-offs whose case is still in intake (with what the panel
    shows of them, not the queue's recommended charges), and how many there are."""
    membership = access.acting_membership(actor)
    if membership is None:
        return [], 0
    if connection.vendor != "postgresql":
        chosen = access.visible(actor, HandOff).filter(
            pk__in=_intake_candidates(membership.agency_id).values("pk")
        )
        rows = list(_panel_rows(chosen.annotate(waiting=Window(Count("pk"))))[:size])
        return rows, rows[0].waiting if rows else 0

    def first_ids() -> QuerySet:
        # Each candidate tested by the policy as it is read (`access.visible_rows_condition`):
        # the set of every hand-off the agency may see, built for the test, took 4 to 7 s for
        # the state's largest prosecution agency (bench/bench_reports.py's data). How many, in
        # the same query as the first few (a window over every row).
        chosen = HandOff.objects.filter(
            access.visible_rows_condition(actor, HandOff),
            pk__in=_intake_candidates(membership.agency_id).values("pk"),
        )
        return (
            chosen.annotate(waiting=Window(Count("pk")))
            .order_by(*_PANEL_ORDER)
            .values_list("pk", "waiting")[:size]
        )

    # Compiled once per process for the person (it is the policy's): building and compiling it
    # on every home page was most of its time (issue #22).
    kept = folded.kept_sql(first_ids, key=("intake waiting", access.policy_key(actor), size))
    if kept is None:
        return [], 0
    with connection.cursor() as cursor:
        cursor.execute(*kept)
        found = cursor.fetchall()
    if not found:
        return [], 0
    # Then what the panel shows of those few, by id: the rows after the decision, so that the
    # joins are read for five rows instead of every one waiting.
    rows = folded.kept_rows(
        lambda ids: _panel_rows(HandOff.objects.filter(HandOff.live_q(), folded.ids_in("pk", ids))),
        key=("intake waiting rows",),
        ids=[pk for pk, _ in found],
    )
    return rows, found[0][1]


_PANEL_ORDER = ("-created_at", "-id")


def _panel_rows(chosen: QuerySet) -> QuerySet:
    return chosen.select_related("arrest__arrestee", "case", "owner_agency").order_by(*_PANEL_ORDER)


def handoffs_of(*, actor: User, arrest: Arrest) -> list[HandOff]:
    """An arrest's hand-offs the actor may see, for its page (`handoffs_shown`)."""
    return handoffs_shown(actor=actor, arrest_ids=[arrest.pk])[arrest.pk]


def handoffs_seen_by(actor: User, to: str = "handoffs", to_attr: str | None = None) -> Prefetch:
    """Prefetch of an arrest's hand-offs (`to`: the path to them; `to_attr`: where to put them
    instead) limited to those `actor` may see: a hand-off follows its case, so a viewer who sees
    the arrest (a sting's participant, an agency it is shared with) does not learn of a referral
    to a case they cannot open."""
    # Each hand-off of the listed arrests tested as it is read (`access.visible_rows_condition`):
    # the set of every hand-off the state's largest prosecution agency may see (218,000) took
    # 1.2 s to build for fifty arrests (bench/bench_reports.py's data).
    return Prefetch(
        to,
        queryset=HandOff.objects.filter(access.visible_rows_condition(actor, HandOff))
        .select_related("to_agency", "case")
        .order_by("created_at", "id"),
        to_attr=to_attr,
    )
