"""Reads of arrests: the filtered, searchable list, exports and one arrest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Arrest, HandOff, Operation, Person
from cases.models.arrests import RecommendedCharge, booking_key
from cases.selectors.handoffs import handoffs_seen_by
from cases.selectors.people import person_search_q
from taskforce import access, folded
from taskforce.dates import start_of_day
from taskforce.models import Agency, County, User
from taskforce.web.pagination import Page, keyset_page

ORDER = ("-arrested_at", "-id")
RELATED = ("arrestee", "county", "arresting_agency", "operation", "owner_agency")


def recommended_charges() -> Prefetch:
    """An arrest's recommended charges with their statutes, in one query (was two)."""
    return Prefetch("charges", queryset=RecommendedCharge.objects.select_related("statute"))


@dataclass(frozen=True)
class ArrestFilters:
    q: str = ""
    operation: Operation | None = None
    county: County | None = None
    arresting_agency: Agency | None = None
    arrested_from: date | None = None
    arrested_to: date | None = None
    custody_status: str = ""
    handed_off: str = ""  # "yes", "no" or "" for either


def handed_off_q(actor: User) -> Exists:
    """Arrests with a hand-off `actor` may see: "handed off" tells of no hidden referral."""
    return Exists(access.visible(actor, HandOff).filter(arrest=OuterRef("pk")))


def _filtered(queryset: QuerySet, filters: ArrestFilters, actor: User) -> QuerySet:
    if filters.q:
        people = Person.objects.filter(person_search_q(filters.q)).values("pk")
        queryset = queryset.filter(Q(arrestee__in=people) | Q(booking_key=booking_key(filters.q)))
    for name in ("operation", "county", "arresting_agency"):
        if getattr(filters, name) is not None:
            queryset = queryset.filter(**{name: getattr(filters, name)})
    if filters.arrested_from:
        queryset = queryset.filter(arrested_at__gte=start_of_day(filters.arrested_from))
    if filters.arrested_to:
        next_day = start_of_day(filters.arrested_to) + timezone.timedelta(days=1)
        queryset = queryset.filter(arrested_at__lt=next_day)
    if filters.custody_status:
        queryset = queryset.filter(custody_status=filters.custody_status)
    if filters.handed_off:
        handed = handed_off_q(actor)
        queryset = queryset.filter(handed if filters.handed_off == "yes" else ~handed)
    return queryset


def arrest_list(
    *, actor: User, filters: ArrestFilters, after: Arrest | None = None, size: int = 50
) -> Page[Arrest]:
    return keyset_page(
        [_filtered(part, filters, actor) for part in access.visible_parts(actor, Arrest)],
        order=ORDER,
        after=after,
        size=size,
        select_related=RELATED,
        prefetch_related=(recommended_charges(), handoffs_seen_by(actor)),
    )


def recent_arrests(*, actor: User, size: int = 5) -> list[Arrest]:
    """The home panel's newest arrests: the arrestee, county and hand-offs the panel shows,
    without the list's recommended charges and total (issue #22)."""
    return keyset_page(
        access.visible_parts(actor, Arrest),
        order=ORDER,
        size=size,
        select_related=("arrestee", "county"),
        prefetch_related=(handoffs_seen_by(actor),),
        with_total=False,
    ).rows


def arrest_export_rows(*, actor: User, filters: ArrestFilters) -> QuerySet[Arrest]:
    return (
        _filtered(access.visible(actor, Arrest), filters, actor)
        .select_related(*RELATED)
        .prefetch_related(recommended_charges(), handoffs_seen_by(actor))
        .order_by(*ORDER)
    )


def arrest_get(*, actor: User, public_id, action=access.Action.VIEW) -> Arrest:
    related = ("arrestee", "operation", "county", "arresting_agency", "owner_agency")
    return access.get_for(actor, Arrest, public_id, action, related=related)


# What an arrest's page shows beside it: its recommended charges.
PAGE_SECTIONS = (Prefetch("charges", queryset=RecommendedCharge.objects.select_related("statute")),)


def arrest_for_page(*, actor: User, public_id) -> Arrest:
    """An arrest for its page with its recommended charges: on PostgreSQL in the arrest's own
    query (`taskforce.folded`), elsewhere in a second."""
    arrest = access.get_for(
        actor, Arrest, public_id,
        related=("arrestee", "operation", "county", "arresting_agency", "owner_agency"),
        queryset=folded.fold(Arrest.objects.all(), *PAGE_SECTIONS, key=("arrest_page",)),
    )  # fmt: skip
    folded.unfold(arrest, *PAGE_SECTIONS)
    return arrest


def arrests_by_ids(*, actor: User, public_ids: list, action=access.Action.VIEW) -> list[Arrest]:
    """Several arrests by public id for one action; any the actor may not act on is NotFound."""
    return [arrest_get(actor=actor, public_id=public_id, action=action) for public_id in public_ids]
