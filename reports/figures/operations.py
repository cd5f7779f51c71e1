"""The operations report: arrests by operation, county and agency, followed to their outcomes."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Count, ExpressionWrapper, F, Q, QuerySet, When

from cases.models import Arrest, Operation
from cases.models import Case as CaseRecord
from reports.figures.common import OUTCOMES, Scope, in_name_order
from reports.tables import Cell, Figure, Table
from taskforce import access
from taskforce.models import Agency, County, User


def _arrests_with_outcome(actor: User, scope: Scope) -> QuerySet:
    """Arrests in scope, each with whether it was handed off and the outcome of the case it
    became (`Arrest.case`, kept by cases.services.outcomes), when the viewer may count that case
    (otherwise it counts as handed off, outcome pending). One join, no subquery per arrest; the
    case's columns read from its `case_report` index. Whether the viewer may count the case is a
    test of the joined case's columns (`joined=True`): as sets of ids, the largest agency's
    two hundred thousand cases were hashed twice, once for each column below (issue #22)."""
    counted = access.report_q(actor, CaseRecord, "case", joined=True)
    return (
        access.report_rows(actor, Arrest)
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


def _outcome_groups(arrests: QuerySet) -> list[dict]:
    """Arrests counted by operation, county and arresting agency and by what became of them
    (handed, charged, outcome): one GROUP BY for the three tables and the totals."""
    return list(arrests.values(*BY_FIELDS, *PER_ARREST).annotate(n=Count("pk")).order_by())


def _fold(groups: list[dict]) -> dict[str, int]:
    """The outcome columns of the arrests in these groups of `_outcome_groups`."""
    columns = dict.fromkeys(OUTCOME_COLUMNS, 0)
    for group in groups:
        n, outcome = group["n"], group["outcome_of"]
        columns["arrests"] += n
        columns["handed"] += n if group["is_handed"] else 0
        columns["charged"] += n if group["is_charged"] else 0
        if outcome in OUTCOME_KEYS and outcome != "pending":
            columns[outcome] += n
        # Pending: handed off, and its case (if the viewer may count it) has no outcome yet.
        if group["is_handed"] and outcome in ("pending", None):
            columns["pending"] += n
    return columns


def _outcomes_by(groups: list[dict], field: str, key: str, title: str, header: str) -> Table:
    by_value: dict[str | None, list[dict]] = {}
    for group in groups:
        by_value.setdefault(group[field], []).append(group)
    rows = []
    for value in in_name_order(BY_FIELDS[field], by_value):
        columns = _fold(by_value[value])
        rows.append((value or "Not recorded", [columns[n] for n in OUTCOME_COLUMNS]))
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
    arrests = _arrests_with_outcome(actor, scope)
    groups = _outcome_groups(arrests)
    totals = _fold(groups)
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
            groups, "operation__name", "by-operation", "Arrests by operation", "Operation"
        ),
        _outcomes_by(groups, "county__name", "by-county", "Arrests by county", "County"),
        _outcomes_by(
            groups, "arresting_agency__name", "by-agency", "Arrests by arresting agency", "Agency"
        ),
    ]
    return {"figures": figures, "tables": tables}
