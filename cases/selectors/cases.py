"""Every read of cases for views and exports, starting from the access policy."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from cases.models import Case
from taskforce import access
from taskforce.models import User
from taskforce.pagination import Page, keyset_page

ORDER = ("-updated_at", "-id")


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    status: str = ""
    # "" = everything I may see; "mine" = assigned to me; "agency" = my agency's; "shared" = others'
    scope: str = ""


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
) -> Page[Case]:
    """One page of the cases the actor may see, newest change first, continuing after `after`."""
    return keyset_page(
        [_filtered(part, actor, filters) for part in access.visible_parts(actor, Case)],
        order=ORDER,
        after=after,
        size=size,
        select_related=("owner_agency", "assigned_prosecutor"),
        with_total=with_total,
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
