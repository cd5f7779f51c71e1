"""Reads of arrests: the filtered, searchable list, exports and one arrest."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import date

from django.db import connections
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Arrest, HandOff, Operation, Person, Statute
from cases.models.arrests import RecommendedCharge, booking_key
from cases.selectors.handoffs import from_row, handoffs_seen_by, handoffs_shown, readers
from cases.selectors.people import person_search_q
from taskforce import access
from taskforce.dates import start_of_day
from taskforce.models import Agency, County, User
from taskforce.web.pagination import Page, kept_firsts, keyset_page

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
    """The home panel's newest arrests: the arrestee, county and hand-offs the panel shows
    (`handoffs_seen`), without the list's recommended charges and total (issue #22), the
    arrests read by SQL kept compiled for the person."""
    arrests = kept_firsts(
        lambda: access.visible_parts(actor, Arrest),
        model=Arrest,
        kept=("recent arrests", access.policy_key(actor)),
        order=ORDER,
        size=size,
        select_related=("arrestee", "county"),
    )
    handoffs = handoffs_shown(actor=actor, arrest_ids=[arrest.pk for arrest in arrests])
    for arrest in arrests:
        arrest.handoffs_seen = handoffs[arrest.pk]
    return arrests


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


# The arrest's page reads the arrest with these (relation, table alias, join), every column,
# and then its charges with their statutes, in plain SQL written once per process: building the
# queryset's select_related and folded list on every request was a quarter of the page's Python
# calls (issue #22).
_PAGE_RELATED = (
    ("arrestee", "cases_person", "INNER"),
    ("operation", "cases_operation", "LEFT OUTER"),
    ("county", "taskforce_county", "INNER"),
    ("arresting_agency", "arresting_agency", "INNER"),
    ("owner_agency", "owner_agency", "INNER"),
)


def _columns(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


@functools.cache
def _page_sql() -> tuple[str, str, tuple]:
    """(the arrest's SQL, its charges', the parts: model, columns, relation field or None)."""
    table = Arrest._meta.db_table
    parts = [(Arrest, _columns(Arrest), None, table)]
    joins = []
    for name, alias, join in _PAGE_RELATED:
        field = Arrest._meta.get_field(name)
        model = field.related_model
        parts.append((model, _columns(model), field, alias))
        joins.append(
            f'{join} JOIN "{model._meta.db_table}" "{alias}" '
            f'ON ("{table}"."{field.column}" = "{alias}"."{model._meta.pk.column}")'
        )
    select = ", ".join(f'"{alias}"."{field.column}"' for model, _, _, alias in parts
                       for field in model._meta.concrete_fields)  # fmt: skip
    arrest_sql = (
        f'SELECT {select} FROM "{table}" {" ".join(joins)} WHERE "{table}"."public_id" = %s'  # noqa: S608 - names
    )
    charge, statute = RecommendedCharge._meta, RecommendedCharge.statute.field.related_model._meta
    charges_sql = (
        "SELECT "  # noqa: S608 - names
        + ", ".join(
            [f'"{charge.db_table}"."{f.column}"' for f in charge.concrete_fields]
            + [f'"{statute.db_table}"."{f.column}"' for f in statute.concrete_fields]
        )
        + f' FROM "{charge.db_table}" INNER JOIN "{statute.db_table}" ON ("{charge.db_table}".'
        f'"statute_id" = "{statute.db_table}"."id") WHERE "{charge.db_table}"."arrest_id" = %s '
        f'ORDER BY "{charge.db_table}"."id" ASC'
    )
    return arrest_sql, charges_sql, tuple((model, names, field) for model, names, field, _ in parts)


def _split(row, parts, connection) -> list:
    records, start = [], 0
    for model, names, _ in parts:
        values = row[start : start + len(names)]
        start += len(names)
        pk = values[0]
        records.append(
            None
            if pk is None
            else from_row(model, names, values, readers(model, names, connection), connection)
        )
    return records


def arrest_for_page(*, actor: User, public_id) -> Arrest:
    """An arrest for its page with its arrestee, sting, county, agencies and recommended
    charges (with their statutes): the same records a queryset with `select_related` and
    `prefetch_related("charges__statute")` makes, read in two plain queries; NotFound for an
    arrest the actor may not view, exactly like a missing one (`access.require`)."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise access.NotFound from None
    arrest_sql, charges_sql, parts = _page_sql()
    connection = connections[Arrest.objects.db]
    public_id = Arrest._meta.get_field("public_id").get_db_prep_value(public_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(arrest_sql, (public_id,))
        row = cursor.fetchone()
        if row is None:
            raise access.NotFound
        arrest, *related = _split(row, parts, connection)
        for (_, _, field), record in zip(parts[1:], related, strict=True):
            field.set_cached_value(arrest, record)
        access.require(actor, access.Action.VIEW, arrest)
        cursor.execute(charges_sql, (arrest.pk,))
        charge_rows = cursor.fetchall()
    charge_parts = (
        (RecommendedCharge, _columns(RecommendedCharge), None),
        (Statute, _columns(Statute), None),
    )
    charges = []
    for charge_row in charge_rows:
        charge, statute = _split(charge_row, charge_parts, connection)
        RecommendedCharge.statute.field.set_cached_value(charge, statute)
        RecommendedCharge.arrest.field.set_cached_value(charge, arrest)
        charges.append(charge)
    # Where prefetch_related puts them: `arrest.charges.all()` runs no query.
    cached = arrest.charges.get_queryset()
    cached._result_cache = charges
    cached._prefetch_done = True
    arrest.__dict__.setdefault("_prefetched_objects_cache", {})["charges"] = cached
    return arrest


def arrests_by_ids(*, actor: User, public_ids: list, action=access.Action.VIEW) -> list[Arrest]:
    """Several arrests by public id for one action; any the actor may not act on is NotFound."""
    return [arrest_get(actor=actor, public_id=public_id, action=action) for public_id in public_ids]
