"""The year-over-year report: each headline figure counted per calendar year."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear

from cases.models import Arrest, Charge, Operation
from cases.models import Case as CaseRecord
from cases.models.charges import CONVICTIONS
from referrals.models import Referral
from reports.disclosure import Tally, record_key
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
    # for either, 2.1 s for five years at state scale on a loaded machine (issue #22).
    charges = Charge.objects.filter(case_rows)
    charged_years = by_year(charges.filter(wide.dates("filed_on")), "filed_on")
    convicted_years = by_year(
        charges.filter(wide.dates("disposed_on"), disposition__in=CONVICTIONS), "disposed_on"
    )
    series = [
        ("operations", "Operations run", False,
         by_year(access.report_rows(actor, Operation)
                 .filter(wide.dates("starts_on"), scope.where(),
                         scope.in_any_county(Operation, "counties")), "starts_on")),
        ("arrests", "Arrests", False,
         by_year(access.report_rows(actor, Arrest).filter(
             wide.datetimes("arrested_at"), scope.where("county", "arresting_agency")),
             "arrested_at")),
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
