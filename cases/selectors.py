"""Every read of cases for views and exports, starting from the access policy."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from cases.models import Case
from taskforce import access
from taskforce.models import User

ORDER = ("-updated_at", "-id")


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    status: str = ""
    # "" = everything I may see; "mine" = assigned to me; "agency" = my agency's; "shared" = others'
    scope: str = ""


@dataclass
class CasePage:
    cases: list[Case]
    has_next: bool
    total: int | None
    filters: CaseFilters = field(default_factory=CaseFilters)


def _filtered(queryset: QuerySet, actor: User, filters: CaseFilters) -> QuerySet:
    if filters.q:
        queryset = queryset.filter(Q(number__icontains=filters.q) | Q(title__icontains=filters.q))
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    agency_id = actor.membership.agency_id if actor.membership else None
    if filters.scope == "mine":
        queryset = queryset.filter(assigned_prosecutor=actor)
    elif filters.scope == "agency":
        queryset = queryset.filter(owner_agency_id=agency_id)
    elif filters.scope == "shared":
        queryset = queryset.exclude(owner_agency_id=agency_id)
    return queryset


def case_list(
    *,
    actor: User,
    filters: CaseFilters,
    after: Case | None = None,
    size: int = 50,
    with_total: bool = True,
) -> CasePage:
    """One page of the cases the actor may see, newest change first, continuing after `after`.

    Each access part (owned, granted) is ordered and limited on its own and the two merged: one
    query whatever the page size, one to load the rows with what the table shows, and the count.
    """
    filtered = [_filtered(part, actor, filters) for part in access.visible_parts(actor, Case)]
    parts = []
    for part in filtered:
        if after is not None:
            part = part.filter(
                Q(updated_at__lt=after.updated_at) | Q(updated_at=after.updated_at, id__lt=after.id)
            )
        parts.append(part.order_by(*ORDER).values_list("updated_at", "id")[: size + 1])
    merged = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    keys = list(merged.order_by(*ORDER)[: size + 1]) if len(parts) > 1 else list(merged)
    ids = [pk for _, pk in keys[:size]]
    rows = Case.objects.filter(pk__in=ids).select_related("owner_agency", "assigned_prosecutor")
    by_id = {case.pk: case for case in rows}
    return CasePage(
        cases=[by_id[pk] for pk in ids],
        has_next=len(keys) > size,
        # The access parts are disjoint: counting each on its own index beats one OR of all rows.
        total=sum(part.count() for part in filtered) if with_total else None,
        filters=filters,
    )


def case_count(*, actor: User, filters: CaseFilters) -> int:
    # The access parts are disjoint: counting each on its own index beats one OR over all rows.
    return sum(
        _filtered(part, actor, filters).count() for part in access.visible_parts(actor, Case)
    )


def case_export_rows(*, actor: User, filters: CaseFilters) -> QuerySet[Case]:
    return (
        _filtered(access.visible(actor, Case), actor, filters)
        .select_related("owner_agency", "assigned_prosecutor")
        .order_by(*ORDER)
    )


def case_get(*, actor: User, public_id, action: access.Action = access.Action.VIEW) -> Case:
    return access.get_for(actor, Case, public_id, action)
