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
    opened_rows = [cases]  # the whole period; with clean months, the rest span by span
    any_charges = Charge.objects.filter(scope.where("case__county", "case__owner_agency"))
    charges = any_charges.filter(access.report_q(actor, CaseRecord, "case"))
    filed = charges.filter(scope.dates("filed_on"))
    disposed = charges.filter(scope.dates("disposed_on"), disposition__isnull=False)
    any_sentences = Sentence.objects.filter(
        scope.where("case__county", "case__owner_agency"), scope.dates("sentenced_on")
    )
    sentences = any_sentences.filter(access.report_q(actor, CaseRecord, "case", joined=True))
    parts = access.report_parts(actor, CaseRecord)
    # Chosen counties: the rows (the rollups keep the median's days by owner only).
    rolls = parts is not None and not scope.counties
    clean = months.clean_months(scope, rollups.PROSECUTION) if rolls else []
    # With clean months: the rows of the rest of the period, plus (separate queries: in one,
    # PostgreSQL probed the agency's own ids once per row) those of the clean months a
    # supervisor's agency counts without owning them.
    shared_cases = shared_filed = shared_disposed = shared_sentences = None
    if clean:
        rolled = months.day_spans(clean)
        rest = months.rest_of(scope, rolled)
        opened_rows = _span_by_span(cases, rest)
        # The rest is a few weeks: a supervisor's counts are tested on their case's columns (a
        # join), never against the agency's own ids, which PostgreSQL, expecting few counts,
        # scanned once per count (minutes for the largest agency, bench/bench_reports.py); and
        # only their own agency's (an index on the case's owner), the cases shared in being
        # read apart below over the whole period: testing `owned OR id IN extras` on the join
        # made PostgreSQL read all million cases to hash-join a few weeks' counts and
        # sentences (0.4 s a query). The coordinator's test (not one of the few sealed cases)
        # needs no join.
        if parts.wide:
            charges = any_charges.filter(access.report_q(actor, CaseRecord, "case"))
        else:
            charges = any_charges.filter(access.report_own_q(actor, CaseRecord, "case"))
            sentences = any_sentences.filter(access.report_own_q(actor, CaseRecord, "case"))
        filed = charges.filter(scope.dates("filed_on"), months.on_each_day("filed_on", rest))
        disposed = charges.filter(
            scope.dates("disposed_on"), months.on_each_day("disposed_on", rest),
            disposition__isnull=False,
        )  # fmt: skip
        sentences = sentences.filter(months.on_each_day("sentenced_on", rest))
        if not parts.wide:
            shared_cases = _shared_in_cases(actor, scope, rolled)
            # Over the whole period: the rest's rows above are the agency's own.
            shared = access.report_shared_in_q(actor, CaseRecord, "case")
            shared_filed = any_charges.filter(shared, scope.dates("filed_on"))
            shared_disposed = any_charges.filter(
                shared, scope.dates("disposed_on"), disposition__isnull=False
            )
            shared_sentences = any_sentences.filter(
                access.report_shared_in_q(actor, CaseRecord, "case", joined=True)
            )
    rollup = _Rollup(scope, clean, None if parts is None or parts.wide else parts.agency_id)

    opened = _opened(rollup, opened_rows, shared_cases)
    by_kind = cross_table(
        opened, CaseKind.choices, CaseStatus.choices,
        key="cases", title="Cases opened, by kind and status", row_header="Kind", chart="stacked",
    )  # fmt: skip
    # From the day (local) of the case's first arrest: days to a charge count whole days.
    to_charge_days = DaysBetween(F("filed_on"), F("case_arrested_on"))
    filed_counts, to_charge, charged_n = fold_days(*rollup.charges("filed", sum(
        (days_counts(rows, to_charge_days, "statute__citation", "level")
         for rows in (filed, shared_filed) if rows is not None), Counter(),
    )))  # fmt: skip
    statutes = sorted({(citation, citation) for citation, _ in filed_counts})
    by_statute = cross_table(
        filed_counts, statutes, OffenceLevel.choices,
        key="charges", title="Counts filed, by statute and level", row_header="Statute",
    )  # fmt: skip
    to_disposition_days = DaysBetween(F("disposed_on"), F("defendant_charged_on"))
    disposed_counts, to_disposition, disposed_n = fold_days(*rollup.charges("disposed", sum(
        (days_counts(rows, to_disposition_days, "disposition", "level")
         for rows in (disposed, shared_disposed) if rows is not None), Counter(),
    )))  # fmt: skip
    by_disposition = cross_table(
        disposed_counts, Disposition.choices, OffenceLevel.choices,
        key="dispositions", title="Counts disposed, by disposition and level",
        row_header="Disposition", chart="stacked",
    )  # fmt: skip
    sentence_groups = [
        *_sentence_groups(sentences),
        *_sentence_groups(shared_sentences),
        *rollup.sentences(),
    ]
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


def _shared_in_cases(actor: User, scope: Scope, rolled: list) -> QuerySet:
    """The cases opened in the clean months (`rolled`) that a supervisor's agency counts
    without owning them: the owner's rollup does not hold them for it."""
    return CaseRecord.objects.filter(
        scope.where("county"), scope.datetimes("created_at"),
        months.at_times("created_at", rolled), access.report_shared_in_q(actor, CaseRecord),
    )  # fmt: skip


def _span_by_span(cases: QuerySet, spans: list) -> list[QuerySet]:
    """The cases opened in the spans of days (the rest of a period beside its clean months),
    one query each, read from the covering case_opened (`months.at_times_each`)."""
    return [cases.filter(span) for span in months.at_times_each("created_at", spans)]


def _opened(rollup: _Rollup, cases: list[QuerySet], shared_cases: QuerySet | None) -> dict:
    """Cases opened by kind and status: the rest of the period's rows (a query for the whole
    period, or one per span beside the clean months), the shared-in cases of its clean months
    and the rollup's."""
    opened: dict = {}
    for rows in cases:
        for key, n in counts_by(rows, "kind", "status").items():
            opened[key] = opened.get(key, 0) + n
    opened = rollup.opened(opened)
    if shared_cases is not None:
        for key, n in counts_by(shared_cases, "kind", "status").items():
            opened[key] = opened.get(key, 0) + n
    return opened


def cases_opened(actor: User, scope: Scope) -> dict:
    """Cases opened in the period by kind and status, as `prosecution_section` counts them
    (for the grant export: ten years of a million cases read from the rows took 0.2-0.3 s,
    issue #22). The case rollup keeps counties, so chosen counties read it too."""
    cases = access.report_rows(actor, CaseRecord).filter(
        scope.where("county"), scope.datetimes("created_at")
    )
    opened_rows = [cases]
    parts = access.report_parts(actor, CaseRecord)
    clean = months.clean_months(scope, rollups.PROSECUTION) if parts is not None else []
    shared_cases = None
    if clean:
        rolled = months.day_spans(clean)
        opened_rows = _span_by_span(cases, months.rest_of(scope, rolled))
        if not parts.wide:
            shared_cases = _shared_in_cases(actor, scope, rolled)
    agency_id = None if parts is None or parts.wide else parts.agency_id
    return _opened(_Rollup(scope, clean, agency_id), opened_rows, shared_cases)


def _sentence_groups(sentences: QuerySet | None) -> list[dict]:
    """Sentences by prosecuting and arresting agency: how many, with custody served or stayed,
    with probation, and the assessments ordered and collected."""
    if sentences is None:
        return []
    return list(
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
    )  # fmt: skip


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

    def charges(self, event: str, counted: Counter) -> tuple[Counter, Counter]:
        """Counts filed (by statute citation) or disposed (by disposition) and level, added to
        `counted` (by key and days, from the rows), and the whole days of the clean months'
        counts (for the median)."""
        days: Counter = Counter()
        if not self.clean:
            return counted, days
        rows = self._rows(ChargeMonth, "case_owner_agency_id", "case_county_id", event=event)
        by = "statute_id" if event == "filed" else "disposition"
        grouped = list(rows.values(by, "level").annotate(n=Sum("n")).order_by())
        citations = dict(
            Statute.objects.filter(pk__in={g[by] for g in grouped} if by == "statute_id" else [])
            .values_list("pk", "citation")
        )  # fmt: skip
        for group in grouped:
            value = citations.get(group[by]) if by == "statute_id" else group[by]
            counted[(value, group["level"]), None] += group["n"]
        if self.agency_id is None and not self.scope.agencies:
            by_days = ChargeMonth.objects.filter(event=f"{event}_days_all", month__in=self.clean)
        else:
            by_days = self._rows(ChargeMonth, "case_owner_agency_id", "case_county_id",
                                 event=f"{event}_days")  # fmt: skip
        for group in by_days.values("days").annotate(n=Sum("n")).order_by():
            if group["days"] is not None:
                days[float(group["days"])] += group["n"]
        return counted, days

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
