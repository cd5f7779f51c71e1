"""The operations report: arrests by operation, county and agency, followed to their outcomes."""

from __future__ import annotations

import functools
from collections import Counter

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    When,
)

from cases.models import Arrest, ArrestGrantMonth, ArrestMonth, Operation
from cases.models import Case as CaseRecord
from cases.services import rollups
from reports.figures import months
from reports.figures.common import OUTCOMES, Scope, in_name_order
from reports.tables import Cell, Figure, Table
from taskforce import access
from taskforce.models import Agency, County, User


def _arrests_with_outcome(actor: User, scope: Scope, rows: QuerySet | None = None) -> QuerySet:
    """Arrests in scope, each with whether it was handed off and the outcome of the case it
    became (`Arrest.case`, kept by cases.services.outcomes), when the viewer may count that case
    (otherwise it counts as handed off, outcome pending). One join, no subquery per arrest; the
    case's columns read from its `case_report` index. Whether the viewer may count the case is a
    test of the joined case's columns (`joined=True`): as sets of ids, the largest agency's
    two hundred thousand cases were hashed twice, once for each column below (issue #22)."""
    counted = access.report_q(actor, CaseRecord, "case", joined=True)
    return (
        (access.report_rows(actor, Arrest) if rows is None else rows)
        .filter(scope.datetimes("arrested_at"), scope.where("county", "arresting_agency"))
        .annotate(
            is_handed=ExpressionWrapper(Q(case__isnull=False), output_field=BooleanField()),
            is_charged=ExpressionWrapper(
                counted & Q(case__charged_on__isnull=False), output_field=BooleanField()
            ),
            outcome_of=Case(When(counted, then=F("case__outcome")), default=None),
        )
    )


OUTCOME_KEYS = [key for key, _ in OUTCOMES]
OUTCOME_COLUMNS = ["arrests", "handed", "charged", *OUTCOME_KEYS]
OUTCOME_HEADERS = ["Arrests", "Handed off", "Charged", *[label for _, label in OUTCOMES]]
PER_ARREST = ["is_handed", "is_charged", "outcome_of"]


BY_FIELDS = {"operation__name": Operation, "county__name": County,
             "arresting_agency__name": Agency}  # fmt: skip
BY_IDS = ["operation_id", "county_id", "arresting_agency_id"]
GROUP = (*BY_IDS, *PER_ARREST)


def arrests_counted(actor: User, scope: Scope) -> int:
    """How many arrests of the period the viewer may count (the page's "Arrests", the grant
    export's): read as the page reads them, from the rollups where clean, so a supervisor's
    218,000 hand-offs are not counted one by one (0.5-0.8 s over ten years, issue #22)."""
    return sum(_outcome_counts(actor, scope, grouped=False).values())


def _outcome_groups(actor: User, scope: Scope) -> list[dict]:
    """`_outcome_counts` as named groups, for the tables."""
    counts = _outcome_counts(actor, scope)
    return _named([dict(zip(GROUP, key, strict=True), n=n) for key, n in counts.items() if n])


def _outcome_counts(actor: User, scope: Scope, *, grouped: bool = True) -> Counter:
    """Arrests counted by operation, county and arresting agency and by what became of them
    (handed, charged, outcome), for the three tables and the totals; not `grouped`, whose sum
    is the number of arrests alone (the rows counted, not grouped with their cases).

    On PostgreSQL the whole months of the period that the monthly rollup holds clean
    (cases.models.rollups) are read from it, and only the rest from the arrests: the partial
    months at both ends, months written since their rollup was built, and what a supervisor
    counts that the rollup cannot tell apart (`_rolled_up`). Either way the figures are those
    of the arrests themselves (tests/reports/test_rollups.py)."""
    counts: Counter = Counter()

    def add(counts: Counter, arrests: QuerySet) -> None:
        if grouped:
            _add_groups(counts, arrests)
        else:
            counts[()] += arrests.count()

    def in_scope(rows: QuerySet | None = None) -> QuerySet:
        if grouped:
            return _arrests_with_outcome(actor, scope, rows)
        return (access.report_rows(actor, Arrest) if rows is None else rows).filter(
            scope.datetimes("arrested_at"), scope.where("county", "arresting_agency")
        )

    arrests = in_scope()
    parts = access.report_parts(actor, Arrest)
    clean = months.clean_months(scope, rollups.FAMILY) if parts is not None else []
    if not clean:
        add(counts, arrests)
    else:
        rolled = months.day_spans(clean)
        rest_spans = months.rest_of(scope, rolled)
        rest = months.at_times("arrested_at", rest_spans)
        each_span = months.at_times_each("arrested_at", rest_spans)  # read from arrest_when
        granted = access.report_granted_parts(actor, Arrest)
        if parts.wide:
            for span in each_span:
                add(counts, arrests.filter(span))
        elif granted is None:  # the agency's own arrests of the clean months: the rollup's
            others = months.at_times("arrested_at", rolled) & ~Q(owner_agency_id=parts.agency_id)
            add(counts, arrests.filter(rest | others))
        else:  # and those its standing grants reach too: the rollup by grantee's
            live = Arrest.objects.filter(Arrest.live_q())
            at_rolled = months.at_times("arrested_at", rolled)
            for rows in (
                *(live.filter(granted.counted(), span) for span in each_span),
                live.filter(granted.not_rolled(), at_rolled),
            ):
                add(counts, in_scope(rows))
        _rolled_up(counts, actor, scope, clean, parts, granted, by_group=grouped)
    return counts


def _add_groups(counts: Counter, arrests: QuerySet) -> None:
    for group in arrests.values(*GROUP).annotate(n=Count("pk")).order_by():
        counts[_key(group, group["is_handed"], group["is_charged"], group["outcome_of"])] += group[
            "n"
        ]


def _key(group: dict, handed, charged, outcome) -> tuple:
    return (*(group[f] for f in BY_IDS), bool(handed), bool(charged), outcome)


def _rolled_up(
    counts: Counter,
    actor: User,
    scope: Scope,
    clean: list,
    parts,
    granted=None,
    *,
    by_group: bool = True,
) -> None:
    """The clean months' arrests from the rollup: every owner's for the coordinator, the
    agency's own for a supervisor. Whether the viewer may count the case (and so see its
    outcome) is a test of the rollup's case columns: unsealed, and (below the coordinator)
    owned by the viewer's agency. An own arrest whose case another agency owns and shares with
    the viewer's is counted by the rollup as handed off, outcome unknown; those arrests (as
    many as the cases shared in) are read from the rows and moved to their case's outcome.
    Arrests the agency's standing grants reach (`granted`: hand-offs) come from the rollup by
    grantee group in the same way."""
    cases = access.report_parts(actor, CaseRecord)
    rows = ArrestMonth.objects.filter(month__in=clean).filter(
        scope.where("county_id", "arresting_agency_id")
    )
    if not parts.wide:
        rows = rows.filter(owner_agency_id=parts.agency_id)
    tables = [rows]
    if granted is not None:
        tables.append(
            ArrestGrantMonth.objects.filter(month__in=clean, group_id=granted.group_id).filter(
                scope.where("county_id", "arresting_agency_id")
            )
        )
    if cases is None:
        counted = Q(pk__in=[])
    else:
        counted = Q(case_owner_agency_id__isnull=False, is_case_live=True)
        if not cases.wide:
            counted &= Q(case_owner_agency_id=cases.agency_id)
    if not by_group:  # the number alone: summed in SQL, not thousands of groups in Python
        counts[()] += sum(table.aggregate(n=Sum("n"))["n"] or 0 for table in tables)
        return
    for table in tables:
        grouped = (
            table.annotate(
                is_handed=ExpressionWrapper(
                    Q(case_owner_agency_id__isnull=False), output_field=BooleanField()
                ),
                is_charged=ExpressionWrapper(counted & Q(is_case_charged=True), BooleanField()),
                outcome_of=Case(When(counted, then=F("case_outcome")), default=None),
            )
            .values(*GROUP)
            .annotate(n=Sum("n"))
            .order_by()
        )
        # As tuples: the coordinator's ten years are 26,000 groups (a dict each cost ~0.1 s).
        for *ids, handed, charged, outcome, n in grouped.values_list(*GROUP, "n"):
            counts[(*ids, bool(handed), bool(charged), outcome)] += n
    if parts.wide or cases is None or cases.wide or cases.extra is None:
        return  # (the shared-in cases move arrests between groups, not their number)
    rolled = Q(owner_agency_id=parts.agency_id)
    if granted is not None:
        rolled |= ~Q(owner_agency_id=parts.agency_id) & Q(granted.standing)
    shared_in = (
        Arrest.objects.filter(
            Arrest.live_q(), CaseRecord.live_q("case__"),
            months.at_times("arrested_at", months.day_spans(clean)),
            scope.where("county", "arresting_agency"), rolled, case__in=cases.extra,
        )
        .exclude(case__owner_agency_id=cases.agency_id)
        .values(*BY_IDS, "case__charged_on", "case__outcome")
    )  # fmt: skip
    for group in shared_in.annotate(n=Count("pk")).order_by():
        counts[_key(group, True, False, None)] -= group["n"]
        charged = group["case__charged_on"] is not None
        counts[_key(group, True, charged, group["case__outcome"])] += group["n"]


def _named(groups: list[dict]) -> list[dict]:
    """The groups by id, each with the names the tables list (operations, counties and agencies
    of the same name are one line, as a GROUP BY of names made them)."""
    models = {"operation_id": Operation, "county_id": County, "arresting_agency_id": Agency}
    for (field, model), named in zip(models.items(), BY_FIELDS, strict=True):
        ids = {group[field] for group in groups} - {None}
        names = dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))
        for group in groups:
            group[named] = names.get(group[field])
    return groups


_AT = {name: index for index, name in enumerate(OUTCOME_COLUMNS)}


@functools.cache
def _columns_of(handed: bool, charged: bool, outcome: str | None) -> tuple[int, ...]:
    """The outcome columns (their indexes) an arrest so handed, charged and ended counts in."""
    columns = [0]  # arrests
    if handed:
        columns.append(1)
    if charged:
        columns.append(2)
    if outcome in OUTCOME_KEYS and outcome != "pending":
        columns.append(_AT[outcome])
    # Pending: handed off, and its case (if the viewer may count it) has no outcome yet.
    if handed and outcome in ("pending", None):
        columns.append(_AT["pending"])
    return tuple(columns)


def _adds(group: dict) -> tuple[tuple[int, ...], int]:
    """What one group of `_outcome_groups` adds to the outcome columns: its count, to each of
    the columns it counts in (a handful of kinds of group: worked out once each)."""
    return _columns_of(
        bool(group["is_handed"]), bool(group["is_charged"]), group["outcome_of"]
    ), group["n"]


def _fold(adds: list[tuple[tuple[int, ...], int]]) -> dict[str, int]:
    """The outcome columns of the arrests in groups of `_outcome_groups`, from their `_adds`."""
    columns = [0] * len(OUTCOME_COLUMNS)
    for indexes, n in adds:
        for index in indexes:
            columns[index] += n
    return dict(zip(OUTCOME_COLUMNS, columns, strict=True))


def _outcomes_by(
    groups: list[dict], adds: list[tuple[tuple[int, ...], int]], field: str, key: str, title: str,
    header: str,
) -> Table:  # fmt: skip
    """The outcome columns by one of the groups' names, each group's `adds` (`_adds`) worked
    out once for the three tables: folding a dict of columns per group per table took about
    0.3 s of the coordinator's ten-year page (5,000 operations, 26,000 groups; issue #22)."""
    by_value: dict[str | None, list[int]] = {}
    for group, (indexes, n) in zip(groups, adds, strict=True):
        columns = by_value.get(group[field])
        if columns is None:
            columns = by_value[group[field]] = [0] * len(OUTCOME_COLUMNS)
        for index in indexes:
            columns[index] += n
    rows = [
        (value or "Not recorded", by_value[value])
        for value in in_name_order(BY_FIELDS[field], by_value)
    ]
    return Table(
        key=key,
        title=title,
        row_header=header,
        columns=OUTCOME_HEADERS,
        rows=rows,
        totals=False,
        chart="stacked",
        stack=tuple(range(3, 3 + len(OUTCOMES))),
        note="The outcome columns split the arrests handed off; the chart shows them.",
    )


def operations_section(actor: User, scope: Scope) -> dict:
    operations = access.report_rows(actor, Operation).filter(
        scope.dates("starts_on"), scope.where(), scope.in_any_county(Operation, "counties")
    )
    groups = _outcome_groups(actor, scope)
    adds = [_adds(group) for group in groups]
    totals = _fold(adds)
    resolved = totals["convicted"] + totals["acquitted"] + totals["dismissed"]
    rate = round(100 * totals["convicted"] / resolved, 1) if resolved else None
    figures = [
        Figure("Operations run", Cell(operations.count())),
        Figure("Arrests", Cell(totals["arrests"])),
        Figure("Handed off to prosecution", Cell(totals["handed"])),
        Figure("Charged", Cell(totals["charged"])),
        Figure("Declined", Cell(totals["declined"])),
        Figure("Convicted", Cell(totals["convicted"])),
        Figure("Acquitted", Cell(totals["acquitted"])),
        Figure("Dismissed", Cell(totals["dismissed"])),
        Figure("Pending", Cell(totals["pending"])),
        Figure("Conviction rate of resolved cases (%)", Cell(rate)),
    ]
    tables = [
        _outcomes_by(
            groups, adds, "operation__name", "by-operation", "Arrests by operation", "Operation"
        ),
        _outcomes_by(groups, adds, "county__name", "by-county", "Arrests by county", "County"),
        _outcomes_by(groups, adds, "arresting_agency__name", "by-agency",
                     "Arrests by arresting agency", "Agency"),
    ]  # fmt: skip
    return {"figures": figures, "tables": tables}
