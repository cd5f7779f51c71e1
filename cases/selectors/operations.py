"""Reads of operations: lists, one operation with its arrests and counts."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import connections
from django.db.models import Count, Prefetch, QuerySet

from cases.models import AdResponse, Arrest, HandOff, Operation, OperationParticipant, Person
from cases.selectors.handoffs import converted, from_row, handoffs_shown, readers, seen_sql
from taskforce import access, folded
from taskforce.models import County, User
from taskforce.web.pagination import Page, kept_firsts, keyset_page

ORDER = ("-updated_at", "-id")


@dataclass(frozen=True)
class OperationFilters:
    q: str = ""
    kind: str = ""


def _filtered(queryset: QuerySet, filters: OperationFilters) -> QuerySet:
    if filters.q:
        queryset = queryset.filter(name__icontains=filters.q)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return queryset


def operation_list(
    *, actor: User, filters: OperationFilters, after: Operation | None = None, size: int = 50
) -> Page[Operation]:
    return keyset_page(
        [_filtered(part, filters) for part in access.visible_parts(actor, Operation)],
        order=ORDER,
        after=after,
        size=size,
        select_related=("owner_agency",),
        prefetch_related=("counties",),
    )


def recent_operations(*, actor: User, size: int = 5) -> list[Operation]:
    """The home panel's newest operations: their names and dates, without the list's counties
    and total, which the panel does not show (issue #22)."""
    return kept_firsts(
        lambda: access.visible_parts(actor, Operation),
        model=Operation,
        kept=("recent operations", access.policy_key(actor)),
        order=ORDER,
        size=size,
    )


def operation_export_rows(*, actor: User, filters: OperationFilters) -> QuerySet[Operation]:
    return (
        _filtered(access.visible(actor, Operation), filters)
        .select_related("owner_agency")
        .prefetch_related("counties")
        .annotate(arrest_count=Count("arrests"))
        .order_by(*ORDER)
    )


def operation_get(*, actor: User, public_id, action=access.Action.VIEW) -> Operation:
    return access.get_for(actor, Operation, public_id, action, related=("owner_agency",))


# The lists an operation's page shows beside it: none depends on who asks.
PAGE_SECTIONS = (
    Prefetch("counties", queryset=County.objects.all()),
    Prefetch("participants", queryset=OperationParticipant.objects.select_related("agency")),
    Prefetch("ad_responses", queryset=AdResponse.objects.all()),
)


def operation_for_page(*, actor: User, public_id) -> Operation:
    """An operation for its page with its counties, participants and ad responses: on
    PostgreSQL in the operation's own query (`taskforce.folded`), elsewhere one query each."""
    operation = access.get_for(
        actor, Operation, public_id, related=("owner_agency",),
        queryset=folded.fold(Operation.objects.all(), *PAGE_SECTIONS, key=("operation_page",)),
    )  # fmt: skip
    folded.unfold(operation, *PAGE_SECTIONS)
    return operation


@dataclass(slots=True)
class ArrestShown:
    """One arrest of a sting's table as its page shows it: the arrest and its arrestee with the
    columns the row reads (the rest deferred), its county's name, its recommended charges'
    citations and the hand-offs the viewer may see (`handoffs_shown`)."""

    arrest: Arrest
    arrestee: Person
    county: str
    citations: list[str]
    handoffs: list[HandOff]
    born: Callable[[], date | None]

    def arrestee_in_full(self) -> str:
        """The arrestee as `str()` names them, with their birth date: decrypted only for the rows
        that name them so (a checkbox's label), not for every row (issue #22)."""
        if "date_of_birth" not in self.arrestee.__dict__:  # deferred: not read yet
            self.arrestee.date_of_birth = self.born()
        return str(self.arrestee)


@dataclass
class OperationSummary:
    arrests: list[Arrest]
    by_statute: list[dict]
    by_county: list[dict]
    handed_off: int
    rows: list[ArrestShown] = field(default_factory=list)


# The sting's arrests the viewer may see, their arrestees and counties, then their charges: the
# columns the page shows, in plain SQL under the policy's kept condition (`seen_sql`). Building
# the querysets, their joins and prefetches on every request was half of the page's Python
# calls (issue #22).
_ARRESTS_SQL = (
    'SELECT "cases_arrest"."id", "cases_arrest"."public_id", "cases_arrest"."owner_agency_id", '
    '"cases_arrest"."sealed_at", "cases_arrest"."arrested_at", "cases_arrest"."booking_number", '
    '"cases_arrest"."custody_status", "cases_person"."id", "cases_person"."sealed_at", '
    '"cases_person"."first_name", "cases_person"."last_name", "cases_person"."date_of_birth", '
    '"taskforce_county"."name" '
    'FROM "cases_arrest" '
    'INNER JOIN "cases_person" ON ("cases_arrest"."arrestee_id" = "cases_person"."id") '
    'INNER JOIN "taskforce_county" ON ("cases_arrest"."county_id" = "taskforce_county"."id") '
    'WHERE "cases_arrest"."operation_id" = %s AND ({seen}) '
    'ORDER BY "cases_arrest"."arrested_at" ASC, "cases_arrest"."id" ASC'
)
_CHARGES_SQL = (
    'SELECT "cases_recommendedcharge"."arrest_id", "cases_statute"."id", '
    '"cases_statute"."citation", "cases_statute"."title", "cases_statute"."level" '
    'FROM "cases_recommendedcharge" '
    'INNER JOIN "cases_statute" ON ("cases_recommendedcharge"."statute_id" = "cases_statute"."id") '
    'WHERE "cases_recommendedcharge"."arrest_id" IN ({ids}) '
    'ORDER BY "cases_recommendedcharge"."id" ASC'
)
_ARREST = ("id", "public_id", "owner_agency_id", "sealed_at", "arrested_at", "booking_number",
           "custody_status")  # fmt: skip
_ARRESTEE = ("id", "sealed_at", "first_name", "last_name")


def operation_summary(*, actor: User, operation: Operation) -> OperationSummary:
    """The operation's arrests the actor may see, with counts by charge and county: `arrests`
    (each with its owner and seal, for the policy's questions) and `rows` (what the table
    shows) in the same order."""
    empty = OperationSummary(arrests=[], by_statute=[], by_county=[], handed_off=0)
    seen = seen_sql(actor, Arrest)
    if seen is None:
        return empty
    connection = connections[Arrest.objects.db]
    with connection.cursor() as cursor:
        cursor.execute(_ARRESTS_SQL.format(seen=seen[0]), (operation.pk, *seen[1]))
        found = cursor.fetchall()
        if not found:
            return empty
        ids = [row[0] for row in found]
        cursor.execute(_CHARGES_SQL.format(ids=", ".join(["%s"] * len(ids))), ids)
        charges = cursor.fetchall()
    handoffs = handoffs_shown(actor=actor, arrest_ids=ids)
    citations: dict[int, list[str]] = {pk: [] for pk in ids}
    statutes_of: dict[int, dict[int, tuple]] = {pk: {} for pk in ids}
    for arrest_id, statute_id, citation, title, level in charges:
        citations[arrest_id].append(citation)
        statutes_of[arrest_id][statute_id] = (citation, title, level)
    read_arrest = readers(Arrest, _ARREST, connection)
    read_arrestee = readers(Person, _ARRESTEE, connection)
    [read_born] = readers(Person, ("date_of_birth",), connection)
    arrests, rows = [], []
    for row in found:
        arrest = from_row(Arrest, _ARREST, row[:7], read_arrest, connection)
        arrestee = from_row(Person, _ARRESTEE, row[7:11], read_arrestee, connection)
        born = functools.partial(converted, row[11], read_born, connection)
        arrests.append(arrest)
        rows.append(ArrestShown(arrest, arrestee, row[12], citations[arrest.pk],
                                handoffs[arrest.pk], born))  # fmt: skip
    # Counted from the rows just read: the same figures as a GROUP BY over these arrests.
    statutes: dict[tuple, int] = {}
    counties: dict[str | None, int] = {}
    for shown in rows:
        for key in statutes_of[shown.arrest.pk].values():
            statutes[key] = statutes.get(key, 0) + 1
        counties[shown.county] = counties.get(shown.county, 0) + 1
    by_statute = [
        {"statute__citation": c, "statute__title": t, "statute__level": lv, "arrests": n}
        for (c, t, lv), n in sorted(statutes.items())
    ]
    by_county = [
        {"county__name": name, "arrests": n}
        for name, n in sorted(counties.items(), key=lambda i: (-i[1], i[0] is None, i[0] or ""))
    ]
    handed_off = sum(1 for shown in rows if shown.handoffs)
    return OperationSummary(arrests=arrests, by_statute=by_statute, by_county=by_county,
                            handed_off=handed_off, rows=rows)  # fmt: skip


def ad_responses_of(operation: Operation) -> list[AdResponse]:
    """An operation's ad responses, newest day first, then by value (sorted in Python: SQL sees
    only ciphertext). The caller has checked the actor may view the operation."""
    return sorted(
        operation.ad_responses.all(),
        key=lambda response: (-response.seen_on.toordinal(), response.value),
    )
