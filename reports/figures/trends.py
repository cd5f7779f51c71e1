"""The year-over-year report: each headline figure counted per calendar year."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from cases.models import Arrest, ArrestGrantMonth, ArrestMonth, Charge, ChargeMonth, Operation
from cases.models import Case as CaseRecord
from cases.models.charges import CONVICTIONS
from cases.services import rollups
from referrals.models import Referral
from reports.disclosure import Tally, record_key
from reports.figures import months
from reports.figures.common import Scope
from reports.tables import Table
from taskforce import access
from taskforce.models import User
from victims.models import Victim


def trends_section(actor: User, scope: Scope) -> dict:
    return {"figures": [], "tables": headline_series(actor, scope)}


def headline_series(actor: User, scope: Scope, years: int = 5) -> list[Table]:
    """Each headline figure per calendar year, the last `years` up to the end of the range."""
    last = scope.end.year
    span = list(range(last - years + 1, last + 1))
    first_day = dt.date(span[0], 1, 1)
    wide = Scope(first_day, dt.date(last, 12, 31), scope.counties, scope.agencies)
    case_rows = access.report_q(actor, CaseRecord, "case") & scope.where(
        "case__county", "case__owner_agency"
    )

    def by_year(rows: QuerySet, field: str, keyed: bool = False) -> dict[int, int]:
        """Counts by year; `keyed` (people): each a Tally with its cell key (disclosure.py)."""
        keys = {"k": Sum(record_key(rows.model))} if keyed else {}
        return {
            group["year"]: Tally(group["n"], group["k"]) if keyed else group["n"]
            for group in rows.annotate(year=ExtractYear(field)).values("year")
            .annotate(n=Count("pk"), **keys).order_by()
        }  # fmt: skip

    # Counts filed and convictions in two queries, each read from its own covering index alone
    # (charge_filed, charge_disposed): one query over both conditions read the table's pages
    # for either, 2.1 s for five years at state scale on a loaded machine (issue #22). The
    # clean months of arrests and counts come from the monthly rollups (`_rolled_years`).
    charges = Charge.objects.filter(case_rows)
    # The partial months beside the rollups: few counts, each case's owner probed by its key.
    few_charges = Charge.objects.filter(
        access.report_ids_probed_q(actor, CaseRecord, "case")
        & scope.where("case__county", "case__owner_agency")
    )
    cases = access.report_parts(actor, CaseRecord)
    any_charges = Charge.objects.filter(scope.where("case__county", "case__owner_agency"))
    shared = access.report_shared_in_q(actor, CaseRecord, "case")
    charge_rollup = ChargeMonth.objects.filter(
        scope.where("case_county_id", "case_owner_agency_id")
    )
    charged_years = _rolled_years(
        wide, rollups.PROSECUTION, cases, "filed_on", by_year,
        charges.filter(wide.dates("filed_on")), any_charges.filter(shared, wide.dates("filed_on")),
        charge_rollup.filter(event="filed"), "case_owner_agency_id",
        rest_rows=few_charges.filter(wide.dates("filed_on")),
    )  # fmt: skip
    convicted = Q(disposition__in=CONVICTIONS)
    convicted_years = _rolled_years(
        wide, rollups.PROSECUTION, cases, "disposed_on", by_year,
        charges.filter(convicted, wide.dates("disposed_on")),
        any_charges.filter(convicted, shared, wide.dates("disposed_on")),
        charge_rollup.filter(convicted, event="disposed"), "case_owner_agency_id",
        rest_rows=few_charges.filter(convicted, wide.dates("disposed_on")),
    )  # fmt: skip
    arrests = access.report_parts(actor, Arrest)
    granted = access.report_granted_parts(actor, Arrest)
    arrest_rows = access.report_rows(actor, Arrest)
    arrests_where = scope.where("county", "arresting_agency")
    beside = None if arrests is None or arrests.wide else ~Q(owner_agency_id=arrests.agency_id)
    by_grantee = rest_rows = None
    if granted is not None:  # hand-offs: the rollup by grantee, the rest tested row by row
        live = Arrest.objects.filter(Arrest.live_q())
        rest_rows = live.filter(granted.counted(), wide.datetimes("arrested_at"), arrests_where)
        # Apart: in the same query each row of the clean months would be sought in the array.
        beside = live.filter(granted.not_rolled(), wide.datetimes("arrested_at"), arrests_where)
        by_grantee = ArrestGrantMonth.objects.filter(
            scope.where("county_id", "arresting_agency_id"), group_id=granted.group_id
        )
    arrest_years = _rolled_years(
        wide, rollups.FAMILY, arrests, "arrested_at", by_year,
        arrest_rows.filter(wide.datetimes("arrested_at"), arrests_where),
        # In the same query: what the agency counts from elsewhere is tested once per row.
        beside, ArrestMonth.objects.filter(scope.where("county_id", "arresting_agency_id")),
        "owner_agency_id", by_grantee, rest_rows,
    )  # fmt: skip
    series = [
        ("operations", "Operations run", False,
         by_year(access.report_rows(actor, Operation)
                 .filter(wide.dates("starts_on"), scope.where(),
                         scope.in_any_county(Operation, "counties")), "starts_on")),
        ("arrests", "Arrests", False, arrest_years),
        ("charged", "Counts filed", False, charged_years),
        ("convictions", "Convictions (counts)", False, convicted_years),
        ("victims", "Victims identified", True,
         by_year(access.report_rows(actor, Victim).filter(wide.dates("identified_on"),
                                                          scope.where()), "identified_on",
                 keyed=True)),
        ("referrals", "Safe Harbor referrals", True,
         by_year(access.report_rows(actor, Referral).filter(
             wide.datetimes("created_at"), scope.where(),
             scope.in_any_county(Referral, "region__counties")), "created_at", keyed=True)),
    ]  # fmt: skip
    tables = []
    for key, title, sensitive, counts in series:
        tables.append(
            Table(
                key=f"trend-{key}",
                title=title,
                row_header="Headline",
                columns=[str(y) for y in span],
                rows=[(title, [counts.get(y, 0) for y in span])],
                totals=False,
                sensitive=sensitive,
                chart="line",
            )
        )
    return tables


def _rolled_years(
    wide: Scope, family: str, parts, field: str, by_year, rows: QuerySet,
    shared_in: QuerySet | Q | None, rollup: QuerySet, owner: str,
    by_grantee: QuerySet | None = None, rest_rows: QuerySet | None = None,
) -> dict[int, int]:  # fmt: skip
    """Counts by year of `rows` (the viewer's, over the five years), their clean months of the
    family read from its `rollup` (every owner's for the coordinator, the agency's own for a
    supervisor, `parts` as access.report_parts gives them) and the rest from the rows: the
    months not clean, and in the clean ones what a supervisor counts without owning it
    (`shared_in`: the same rows in those months, read apart, or a condition on `rows` read in
    the same query). Either way the rows' counts
    (tests/reports/test_rollups.py). `by_grantee`: a second rollup of the clean months, of
    what the supervisor counts by standing grants (`shared_in` then leaves those out), and
    `rest_rows` the same rows as `rows` tested so that a few months' rows are cheap to read."""
    clean = months.clean_months(wide, family) if parts is not None else []
    if not clean:
        return by_year(rows, field)
    spans = months.day_spans(clean)
    on = (
        months.at_times
        if rows.model._meta.get_field(field).get_internal_type() == ("DateTimeField")
        else months.on_days
    )
    rest = on(field, months.rest_of(wide, spans))
    if isinstance(shared_in, Q):
        counts = Counter(by_year(rows.filter(rest | (on(field, spans) & shared_in)), field))
    else:
        counts = Counter(by_year((rows if rest_rows is None else rest_rows).filter(rest), field))
        if shared_in is not None:
            counts.update(by_year(shared_in.filter(on(field, spans)), field))
    rollup = rollup.filter(month__in=clean)
    if not parts.wide:
        rollup = rollup.filter(**{owner: parts.agency_id})
    for table in [rollup] if by_grantee is None else [rollup, by_grantee.filter(month__in=clean)]:
        for group in table.values("month").annotate(n=Sum("n")).order_by():
            counts[group["month"].year] += group["n"]
    return dict(counts)
