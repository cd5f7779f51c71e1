"""The grant-report export: counts shaped like the federal performance measures victim-service
and task-force grants ask for (OVC TIMS, BJA PMT). One row per measure and category; the README's
"Grant export" section maps each measure to its source.

Victims served are counted once per federal fiscal year (unduplicated; `served_in_fiscal_year`):
a victim is "served" in a period when a service of theirs is being delivered in it (status
delivering or completed, `started_on` to `ended_on` overlapping the period); they are "new" in the
first period of a fiscal year in which they are served, and "continuing" in every later period of
that fiscal year. Service in an earlier fiscal year does not make them continuing: each fiscal
year counts them new once (OVC TIMS, BJA PMT). Breakdowns of victims and services are rounded and
suppressed like the report tables in the task-force-wide view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.lookups import IsNull

from cases.models import Case as CaseRecord
from cases.models import CaseVictim, Charge, ChargeMonth
from cases.models.cases import CaseKind
from cases.models.charges import CONVICTIONS
from cases.services import rollups
from reports.disclosure import Tally, protect, record_key
from reports.figures import (
    AGE_GROUPS,
    GENDERS,
    Scope,
    counted_table,
    counts_table,
    delivered_services,
    months,
    served_between,
)
from reports.figures.operations import arrests_counted
from reports.figures.prosecution import cases_opened
from reports.periods import describe, fiscal_year_start
from reports.tables import Table
from taskforce import access
from taskforce.models import User
from victims.models import ServiceKind, Victim

HEADER = ["section", "measure", "category", "value"]
TRAFFICKING_TYPES = [("sex", "Sex trafficking"), ("labor", "Labor trafficking"),
                     ("both", "Sex and labor trafficking")]  # fmt: skip


@dataclass
class GrantRow:
    section: str
    measure: str
    category: str
    value: str

    def as_list(self) -> list[str]:
        return [self.section, self.measure, self.category, self.value]


def trafficking_type(cases: Q) -> Case:
    """A victim's type of trafficking from the cases they are a victim in: labor when a labor
    trafficking case names them, sex when any other case does or when none does (Safe Harbor
    serves sexually exploited youth), both when both kinds do."""
    named = CaseVictim.objects.filter(cases, person=OuterRef("person_id"))
    # The labor cases (a few in a hundred) by their index, not a read of every case's kind.
    labor_cases = CaseRecord.objects.filter(kind=CaseKind.LABOR_TRAFFICKING).values("pk")
    labor = Exists(named.filter(case__in=labor_cases))
    # The set of people in labor cases is read once and `labor` tested once per victim; a
    # labor victim's other cases are then looked up by person (a scalar subquery, which
    # PostgreSQL never hashes): hashing every other victim's cases (93,000) took longer than
    # looking up the few labor victims' (issue #22, bench/bench_reports.py).
    other = IsNull(
        Subquery(named.exclude(case__kind=CaseKind.LABOR_TRAFFICKING).values("pk")[:1]), False
    )
    return Case(
        When(
            labor,
            then=Case(When(other, then=Value("both")), default=Value("labor")),
        ),
        default=Value("sex"),
        output_field=CharField(),
    )


def served_in_fiscal_year(victims: QuerySet, scope: Scope) -> QuerySet:
    """The victims served in the period, each with `continuing`: served already in the same
    federal fiscal year before the period began (the fiscal year the period starts in, for a
    custom range that spans several). Each victim served is one row, new or continuing, so a
    fiscal year's new victims are the sum of its quarters' (and all of them new in the year's
    own report)."""
    served = victims.filter(served_between(scope.start, scope.end))
    year_began = fiscal_year_start(scope.start)
    if year_began == scope.start:
        return served.annotate(continuing=Value(False))
    earlier = served_between(year_began, scope.start - dt.timedelta(days=1))
    return served.annotate(continuing=earlier)


def _breakdowns(served: QuerySet, cases: Q, wide: bool) -> list[GrantRow]:
    """The victims served, new then continuing, by type of trafficking, by age group and by
    gender, from one GROUP BY over the four: the victims and their services are read once for
    both measures, and the type of trafficking (a lookup per victim) is worked out once (two
    queries, one per measure, cost the grant export about half its time, issue #22)."""
    groups = list(
        served.annotate(trafficking=trafficking_type(cases))
        .values("continuing", "trafficking", "age_group", "person__sex")
        .annotate(n=Count("pk"), k=Sum(record_key(Victim))).order_by()
    )  # fmt: skip
    rows = []
    for continuing, measure in ((False, "Victims served, new"),
                                (True, "Victims served, continuing")):  # fmt: skip
        for field, labels, category in (
            ("trafficking", TRAFFICKING_TYPES, "type of trafficking"),
            ("age_group", AGE_GROUPS, "age group"),
            ("person__sex", GENDERS, "gender"),
        ):
            counts: dict = {}
            for group in groups:
                if bool(group["continuing"]) == continuing:
                    tally = Tally(group["n"], group["k"])
                    counts[group[field]] = counts.get(group[field], 0) + tally
            table = counted_table(
                counts, labels, "n", key=field, title=measure, row_header=category,
                sensitive=True,
            )  # fmt: skip
            rows += _shown_rows("Victims", table, wide, prefix=f"{category}: ")
    return rows


def _shown_rows(section: str, table: Table, wide: bool, prefix: str = "") -> list[GrantRow]:
    """A one-column table's rows and total as the export shows them: rounded and suppressed
    like the pages in the task-force-wide view (reports/disclosure.py)."""
    if wide:
        protect(table)
    rows = [
        GrantRow(section, table.title, f"{prefix}{label}", cells[0].shown)
        for label, cells in table.body
    ]
    return [*rows, GrantRow(section, table.title, f"{prefix}total", table.total_row[0].shown)]


def grant_rows(actor: User, scope: Scope) -> list[GrantRow]:
    wide = access.reports_task_force_wide(actor)
    victims = access.report_rows(actor, Victim).filter(scope.where())
    served = served_in_fiscal_year(victims, scope)
    named_in = access.report_q(actor, CaseRecord, "case")  # a victim's cases, and the counts
    rows = [GrantRow("Period", "Reporting period", describe(scope.start, scope.end),
                     f"{scope.start.isoformat()} to {scope.end.isoformat()}")]  # fmt: skip
    rows += _breakdowns(served, named_in, wide)

    table = counts_table(
        delivered_services(actor, scope), "kind", ServiceKind.choices, "n", key="services",
        title="Services delivered", row_header="service", sensitive=True,
    )  # fmt: skip
    rows += _shown_rows("Services", table, wide)

    by_kind: dict = {}
    for (kind, _), n in cases_opened(actor, scope).items():
        by_kind[kind] = by_kind.get(kind, 0) + n
    rows += [GrantRow("Cases", "Cases opened", label, f"{by_kind.get(k, 0):,}")
             for k, label in CaseKind.choices]  # fmt: skip
    [defendants] = counted_once(actor, scope, DEFENDANTS)
    convicted_cases, convicted_counts = counted_once(actor, scope, CONVICTED_CASES,
                                                     CONVICTED_COUNTS)  # fmt: skip
    rows += [
        GrantRow("Cases", "Arrests", "total", f"{arrests_counted(actor, scope):,}"),
        GrantRow("Cases", "Defendants charged", "total", f"{defendants:,}"),
        GrantRow("Cases", "Cases with a conviction", "total", f"{convicted_cases:,}"),
        GrantRow("Cases", "Counts convicted", "total", f"{convicted_counts:,}"),
    ]  # fmt: skip
    return rows


def _distinct(charges: QuerySet, fields: tuple[str, ...]) -> int:
    """How many distinct values of the fields these counts have; the (case, defendant) pairs are
    read in the order of charge_case_defendant (a Unique over the index, not a hash of a million
    pairs spilling to disk: 1.3 s of ten years, issue #22). No fields: how many counts."""
    if not fields:
        return charges.count()
    return charges.values(*fields).distinct().count()


@dataclass(frozen=True)
class _Once:
    """What `counted_once` counts: counts (`only`) dated by `day` in the period, by distinct
    `fields` (none: the counts themselves), each counted in the month of its `first` day (a
    column kept by cases.services.outcomes) in the prosecution rollup's `event` rows."""

    day: str
    first: str | None
    fields: tuple[str, ...]
    event: str
    only: Q | None = None


DEFENDANTS = _Once("filed_on", "defendant_charged_on", ("case", "defendant"), "first_charged")
CONVICTED_CASES = _Once(
    "disposed_on", "case_convicted_on", ("case",), "first_convicted",
    Q(disposition__in=CONVICTIONS),
)  # fmt: skip
CONVICTED_COUNTS = _Once("disposed_on", None, (), "disposed", Q(disposition__in=CONVICTIONS))


def counted_once(actor: User, scope: Scope, *measures: _Once) -> list[int]:
    """Defendants charged (distinct case and defendant pairs with a count filed in the period),
    cases with a conviction (distinct cases with a count convicted in it) or counts convicted,
    of cases the viewer may count. A defendant or a case counts once however many months its
    counts span, so on PostgreSQL each is counted in the month of its first charging or
    conviction (`Charge.defendant_charged_on`, `case_convicted_on`): from the prosecution rollup
    for the clean whole months; from the rows for those first counted in the rest of the
    period (a supervisor's: of the agency's own cases), those first counted before it (with a
    count in it: the partial indexes charge_later_count and charge_later_conviction hold those
    counts) and, over the whole period, those of cases a supervisor's agency counts without
    owning them. The sets are apart, so
    their counts add up; the figure is the rows' (tests/reports/test_rollups.py). Ten years of
    rows took 0.9 s (867,000 pairs) and 0.5-0.9 s (convictions, bench/bench_reports.py).
    Several measures of the same counts (cases with a conviction and counts convicted) are
    read from the same rows in one aggregate each time."""
    day, only = measures[0].day, measures[0].only or Q()
    assert all(m.day == day and m.only == measures[0].only for m in measures)  # noqa: S101
    any_charges = Charge.objects.filter(only, scope.where("case__county", "case__owner_agency"))
    parts = access.report_parts(actor, CaseRecord)
    clean = months.clean_months(scope, rollups.PROSECUTION) if parts is not None else []
    if not clean:
        charges = any_charges.filter(access.report_q(actor, CaseRecord, "case"))
        return _tallies(charges.filter(scope.dates(day)), measures, first=False)
    rolled = months.day_spans(clean)
    rest = months.rest_of(scope, rolled)
    charges = any_charges.filter(access.report_q(actor, CaseRecord, "case", joined=not parts.wide))
    # A supervisor's rest: the agency's own counts, tested on the case's columns as the
    # prosecution page does (`owned OR id IN extras` on the join read all million cases to
    # hash-join a few weeks' counts: 160-200 ms of the largest supervisor's 12-month export,
    # bench/bench_reports.py); what is shared in is read below over the whole period.
    own = charges if parts.wide else any_charges.filter(
        access.report_own_q(actor, CaseRecord, "case")
    )  # fmt: skip
    totals = _tallies(own.filter(months.on_each_day(day, rest)), measures)
    for i, measure in enumerate(measures):
        if measure.first:  # (their test repeats the partial index's condition)
            earlier = Q(**{f"{day}__gt": F(measure.first), f"{measure.first}__lt": scope.start})
            unknown = Q(**{f"{measure.first}__isnull": True})
            earlier_rows = charges.filter(earlier | unknown, scope.dates(day))
            totals[i] += _distinct(earlier_rows, measure.fields)
        rollup = ChargeMonth.objects.filter(
            scope.where("case_county_id", "case_owner_agency_id"),
            event=measure.event, month__in=clean,
        )  # fmt: skip
        if measure.event == "disposed":
            rollup = rollup.filter(disposition__in=CONVICTIONS)
        if not parts.wide:
            rollup = rollup.filter(case_owner_agency_id=parts.agency_id)
        totals[i] += rollup.aggregate(n=Sum("n"))["n"] or 0
    if not parts.wide:  # the cases shared in, over the whole period (not the owner's rollup)
        shared = access.report_shared_in_q(actor, CaseRecord, "case")
        shared_in = any_charges.filter(shared, scope.dates(day))
        totals = [t + n for t, n in zip(totals, _tallies(shared_in, measures), strict=True)]
    return totals


def _first(measure: _Once) -> Q:
    """The counts of a measure's first day (its rollup's), or every count."""
    return Q(**{measure.day: F(measure.first)}) if measure.first else Q()


def _tallies(charges: QuerySet, measures: tuple[_Once, ...], first: bool = True) -> list[int]:
    """The measures of these counts (`first`: of their first days only): one query each for a
    measure alone, else one aggregate for all (of at most one distinct field each)."""
    if len(measures) == 1:
        rows = charges.filter(_first(measures[0])) if first else charges
        return [_distinct(rows, measures[0].fields)]
    found = charges.aggregate(**{
        f"m{i}": Count(m.fields[0] if m.fields else "pk", distinct=bool(m.fields),
                       filter=(_first(m) if first else Q()) or None)
        for i, m in enumerate(measures)
    })  # fmt: skip
    return [found[f"m{i}"] for i in range(len(measures))]
