"""Reads of operations: lists, one operation with its arrests and counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from cases.models import AdResponse, Arrest, HandOff, Operation, RecommendedCharge
from cases.selectors.handoffs import handoffs_seen_by
from taskforce import access
from taskforce.models import User
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


def operation_export_rows(*, actor: User, filters: OperationFilters) -> QuerySet[Operation]:
    return (
        _filtered(access.visible(actor, Operation), filters)
        .select_related("owner_agency")
        .prefetch_related("counties")
        .annotate(arrest_count=Count("arrests"))
        .order_by(*ORDER)
    )


def operation_get(*, actor: User, public_id, action=access.Action.VIEW) -> Operation:
    return access.get_for(actor, Operation, public_id, action)


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
        .prefetch_related("charges__statute", handoffs_seen_by(actor))
        .order_by("arrested_at", "id")
    )
    ids = [arrest.pk for arrest in arrests]
    by_statute = list(
        RecommendedCharge.objects.filter(arrest_id__in=ids)
        .values("statute__citation", "statute__title", "statute__level")
        .annotate(arrests=Count("arrest", distinct=True))
        .order_by("statute__citation")
    )
    by_county = list(
        Arrest.objects.filter(pk__in=ids)
        .values("county__name")
        .annotate(arrests=Count("id"))
        .order_by("-arrests", "county__name")
    )
    handed_off = (
        access.visible(actor, HandOff).filter(arrest_id__in=ids).values("arrest").distinct().count()
    )
    return OperationSummary(
        arrests=list(arrests), by_statute=by_statute, by_county=by_county, handed_off=handed_off
    )


def ad_responses_of(operation: Operation) -> list[AdResponse]:
    """An operation's ad responses, newest day first, then by value (sorted in Python: SQL sees
    only ciphertext). The caller has checked the actor may view the operation."""
    return sorted(
        operation.ad_responses.order_by("-seen_on"),
        key=lambda response: (-response.seen_on.toordinal(), response.value),
    )
