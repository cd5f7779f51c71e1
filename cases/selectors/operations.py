"""Reads of operations: lists, one operation with its arrests and counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from cases.models import AdResponse, Arrest, Operation, OperationParticipant, RecommendedCharge
from cases.selectors.handoffs import handoffs_seen_by
from taskforce import access, folded
from taskforce.models import County, User
from taskforce.web.pagination import Page, keyset_page

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
    return keyset_page(
        access.visible_parts(actor, Operation), order=ORDER, size=size, with_total=False
    ).rows


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


@dataclass
class OperationSummary:
    arrests: list[Arrest]
    by_statute: list[dict]
    by_county: list[dict]
    handed_off: int


def operation_summary(*, actor: User, operation: Operation) -> OperationSummary:
    """The operation's arrests the actor may see, with counts by charge and county."""
    arrests = (
        access.visible(actor, Arrest)
        .filter(operation=operation)
        .select_related("arrestee", "county", "arresting_agency", "owner_agency")
        .prefetch_related(
            Prefetch("charges", queryset=RecommendedCharge.objects.select_related("statute")),
            handoffs_seen_by(actor),
        )
        .order_by("arrested_at", "id")
    )
    arrests = list(arrests)
    # Counted from the rows just read (their charges and the hand-offs the actor sees are
    # prefetched): the same figures as a GROUP BY over these arrests, three queries fewer.
    statutes: dict[tuple, int] = {}
    counties: dict[str | None, int] = {}
    for arrest in arrests:
        for statute in {charge.statute for charge in arrest.charges.all()}:
            key = (statute.citation, statute.title, statute.level)
            statutes[key] = statutes.get(key, 0) + 1
        county = arrest.county.name if arrest.county_id else None
        counties[county] = counties.get(county, 0) + 1
    by_statute = [
        {"statute__citation": c, "statute__title": t, "statute__level": lv, "arrests": n}
        for (c, t, lv), n in sorted(statutes.items())
    ]
    by_county = [
        {"county__name": name, "arrests": n}
        for name, n in sorted(counties.items(), key=lambda i: (-i[1], i[0] is None, i[0] or ""))
    ]
    handed_off = sum(1 for arrest in arrests if arrest.handoffs.all())
    return OperationSummary(
        arrests=arrests, by_statute=by_statute, by_county=by_county, handed_off=handed_off
    )


def ad_responses_of(operation: Operation) -> list[AdResponse]:
    """An operation's ad responses, newest day first, then by value (sorted in Python: SQL sees
    only ciphertext). The caller has checked the actor may view the operation."""
    return sorted(
        operation.ad_responses.all(),
        key=lambda response: (-response.seen_on.toordinal(), response.value),
    )
