"""The prosecution report: cases opened, counts filed and disposed, sentences, assessment shares."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from cases.models import Case as CaseRecord
from cases.models import (
    CaseMonth,
    Charge,
    ChargeMonth,
    Disposition,
    Sentence,
    SentenceMonth,
    Statute,
)
from cases.models.cases import CaseKind, CaseStatus
from cases.models.court import ASSESSMENT_SHARES, SAFE_HARBOR_ACCOUNT
from cases.models.statutes import OffenceLevel
from cases.services import rollups
from reports.figures import months
from reports.figures.common import (
    DaysBetween,
    Scope,
    counts_by,
    cross_table,
    days_counts,
    fold_days,
    in_name_order,
    round_days,
)
from reports.tables import Cell, Figure, Table
from taskforce import access
from taskforce.models import Agency, User


def prosecution_section(actor: User, scope: Scope) -> dict:
    """The section's figures. On PostgreSQL the whole months of the period the monthly rollups
    hold clean (cases.models.rollups) are read from them, with the rows themselves read for
    the rest of the period and, in those months, for the cases a supervisor's agency counts
    without owning them (shared in: `access.report_shared_in_q`); the medians stay exact, from
    whole days kept as a rollup column. The figures are those of the rows either way
    (tests/reports/test_rollups.py)."""
    all_cases = access.report_rows(actor, CaseRecord).filter(scope.where("county"))
    cases = all_cases.filter(scope.datetimes("created_at"))
    charges = Charge.objects.filter(
        access.report_q(actor, CaseRecord, "case"),
        scope.where("case__county", "case__owner_agency"),
    )
    filed = charges.filter(scope.dates("filed_on"))
    disposed = charges.filter(scope.dates("disposed_on"), disposition__isnull=False)
    sentences = Sentence.objects.filter(
        access.report_q(actor, CaseRecord, "case", joined=True),
        scope.where("case__county", "case__owner_agency"),
        scope.dates("sentenced_on"),
    )
    parts = access.report_parts(actor, CaseRecord)
    clean = months.clean_months(scope, rollups.PROSECUTION) if parts is not None else []
    rolled = months.day_spans(clean)
    if clean:  # the rows of the rest of the period, and those shared in in the clean months
        rest = months.rest_of(scope, rolled)
        shared = access.report_shared_in_q(actor, CaseRecord)
        cases = cases.filter(
            months.at_times("created_at", rest) | (months.at_times("created_at", rolled) & shared)
        )
        shared = access.report_shared_in_q(actor, CaseRecord, "case")
        filed = filed.filter(
            months.on_days("filed_on", rest) | (months.on_days("filed_on", rolled) & shared)
        )
        disposed = disposed.filter(
            months.on_days("disposed_on", rest) | (months.on_days("disposed_on", rolled) & shared)
        )
        shared = access.report_shared_in_q(actor, CaseRecord, "case", joined=True)
        sentences = sentences.filter(
            months.on_days("sentenced_on", rest) | (months.on_days("sentenced_on", rolled) & shared)
        )
    rollup = _Rollup(scope, clean, None if parts is None or parts.wide else parts.agency_id)

    opened = rollup.opened(counts_by(cases, "kind", "status"))
    by_kind = cross_table(
        opened, CaseKind.choices, CaseStatus.choices,
        key="cases", title="Cases opened, by kind and status", row_header="Kind", chart="stacked",
    )  # fmt: skip
    # From the day (local) of the case's first arrest: days to a charge count whole days.
    filed_counts, to_charge, charged_n = fold_days(rollup.charges("filed", days_counts(
        filed, DaysBetween(F("filed_on"), F("case_arrested_on")),
        "statute__citation", "level",
    )))  # fmt: skip
    statutes = sorted({(citation, citation) for citation, _ in filed_counts})
    by_statute = cross_table(
        filed_counts, statutes, OffenceLevel.choices,
        key="charges", title="Counts filed, by statute and level", row_header="Statute",
    )  # fmt: skip
    disposed_counts, to_disposition, disposed_n = fold_days(rollup.charges("disposed", days_counts(
        disposed, DaysBetween(F("disposed_on"), F("defendant_charged_on")), "disposition", "level"
    )))  # fmt: skip
    by_disposition = cross_table(
        disposed_counts, Disposition.choices, OffenceLevel.choices,
        key="dispositions", title="Counts disposed, by disposition and level",
        row_header="Disposition", chart="stacked",
    )  # fmt: skip
    sentence_groups = list(
        sentences.values(
            prosecuting=F("case__owner_agency__name"),
            arresting=F("case__first_arresting_agency__name"),
        ).annotate(
            n=Count("pk"),
            executed=Count("pk", filter=Q(custody_days__gt=0, custody_stayed=False)),
            stayed=Count("pk", filter=Q(custody_days__gt=0, custody_stayed=True)),
            probation=Count("pk", filter=Q(probation_months__gt=0)),
            ordered=Sum("assessment"),
            collected=Sum("assessment_paid"),
        ).order_by()
    ) + rollup.sentences()  # fmt: skip
    sentenced = {
        name: sum(g[name] or 0 for g in sentence_groups)
        for name in ("n", "executed", "stayed", "probation", "ordered", "collected")
    }
    figures = [
        Figure("Cases opened", Cell(sum(opened.values()))),
        Figure("Counts filed", Cell(sum(filed_counts.values()))),
        Figure("Counts disposed", Cell(sum(disposed_counts.values()))),
        Figure("Sentences", Cell(sentenced["n"])),
        Figure("… with custody served", Cell(sentenced["executed"])),
        Figure("… with custody stayed", Cell(sentenced["stayed"])),
        Figure("… with probation", Cell(sentenced["probation"])),
        Figure(
            "Median days, arrest to charge",
            Cell(round_days(to_charge)),
            basis=charged_n,
            basis_unit="counts",
        ),
        Figure(
            "Median days, charge to disposition",
            Cell(round_days(to_disposition)),
            basis=disposed_n,
            basis_unit="counts",
        ),
    ]
    return {
        "figures": figures,
        "tables": [
            by_kind, by_statute, by_disposition, assessments_table(sentence_groups, sentenced),
        ],
    }  # fmt: skip


class _Rollup:
    """The clean months' figures from the rollups, added to the rows' (`prosecution_section`):
    every owner's for the coordinator (`agency_id` None), the agency's own for a supervisor;
    nothing without clean months."""

    def __init__(self, scope: Scope, clean: list, agency_id: int | None):
        self.scope, self.clean, self.agency_id = scope, clean, agency_id

    def _rows(self, model, owner: str, county: str, **match) -> QuerySet:
        rows = model.objects.filter(self.scope.where(county, owner), month__in=self.clean, **match)
        return rows if self.agency_id is None else rows.filter(**{owner: self.agency_id})

    def opened(self, counts: dict) -> dict:
        if not self.clean:
            return counts
        rows = self._rows(CaseMonth, "owner_agency_id", "county_id")
        for group in rows.values("kind", "status").annotate(n=Sum("n")).order_by():
            key = (group["kind"], group["status"])
            counts[key] = counts.get(key, 0) + group["n"]
        return counts

    def charges(self, event: str, counted: Counter) -> Counter:
        """Counts filed (by statute citation) or disposed (by disposition) and level, by days."""
        if not self.clean:
            return counted
        rows = self._rows(ChargeMonth, "case_owner_agency_id", "case_county_id", event=event)
        by = "statute_id" if event == "filed" else "disposition"
        grouped = list(rows.values(by, "level", "days").annotate(n=Sum("n")).order_by())
        citations = dict(
            Statute.objects.filter(pk__in={g[by] for g in grouped} if by == "statute_id" else [])
            .values_list("pk", "citation")
        )  # fmt: skip
        for group in grouped:
            value = citations.get(group[by]) if by == "statute_id" else group[by]
            days = None if group["days"] is None else float(group["days"])
            counted[(value, group["level"]), days] += group["n"]
        return counted

    def sentences(self) -> list[dict]:
        """Sentence groups as the rows give them, by prosecuting and arresting agency name."""
        if not self.clean:
            return []
        rows = self._rows(SentenceMonth, "case_owner_agency_id", "case_county_id")
        grouped = list(
            rows.values("case_owner_agency_id", "first_arresting_agency_id").annotate(
                n=Sum("n"), executed=Sum("executed"), stayed=Sum("stayed"),
                probation=Sum("probation"), ordered=Sum("ordered"), collected=Sum("collected"),
            ).order_by()
        )  # fmt: skip
        ids = {g["case_owner_agency_id"] for g in grouped} | {
            g["first_arresting_agency_id"] for g in grouped
        }
        names = dict(Agency.objects.filter(pk__in=ids - {None}).values_list("pk", "name"))
        for group in grouped:
            group["prosecuting"] = names.get(group.pop("case_owner_agency_id"))
            group["arresting"] = names.get(group.pop("first_arresting_agency_id"))
        return grouped


def _summed(groups: list[dict], key: str) -> list[tuple[str | None, Decimal, Decimal]]:
    """Assessments ordered and collected by one agency column of the sentence groups, in the
    database's order of agency names (its collation), none last."""
    sums: dict = {}
    for group in groups:
        ordered, collected = sums.get(group[key], (Decimal(0), Decimal(0)))
        sums[group[key]] = (
            ordered + (group["ordered"] or 0), collected + (group["collected"] or 0)
        )  # fmt: skip
    return [(name, *sums[name]) for name in in_name_order(Agency, sums)]


def assessments_table(groups: list[dict], sentenced: dict) -> Table:
    """609.3241 assessments ordered and collected, and what each agency is owed of what was
    collected: 40% to the arresting agency, 20% to the prosecuting agency, 40% to victim
    services (the state's victim-services share is one line)."""

    def share(who: str, ordered: Decimal, collected: Decimal) -> list[Decimal]:
        return [ordered * ASSESSMENT_SHARES[who], collected * ASSESSMENT_SHARES[who]]

    rows = [
        (f"{agency or 'No arrest recorded'} (arresting, 40%)",
         share("arresting", ordered, collected))
        for agency, ordered, collected in _summed(groups, "arresting")
    ] + [
        (f"{agency} (prosecuting, 20%)", share("prosecuting", ordered, collected))
        for agency, ordered, collected in _summed(groups, "prosecuting")
    ]  # fmt: skip
    ordered, collected = Decimal(sentenced["ordered"]), Decimal(sentenced["collected"])
    rows.append((f"{SAFE_HARBOR_ACCOUNT} (40%)", share("victims", ordered, collected)))
    return Table(
        key="assessments",
        title="609.3241 penalty assessments: each agency's share",
        row_header="Agency",
        columns=["Share of ordered ($)", "Owed of collected ($)"],
        rows=[(label, [v.quantize(Decimal("0.01")) for v in values]) for label, values in rows],
        note=f"Ordered ${ordered:,.2f}; collected ${collected:,.2f}.",
    )
