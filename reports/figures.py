"""The numbers of the reports pages, each an aggregate query over the rows the policy lets the
viewer count (`access.report_rows`): nothing here loops over records in Python.

Each section function takes the viewer and a `Scope` (dates, counties, agencies) and returns
tables and headline figures; views.py draws them and suppresses small counts where needed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.utils import timezone

from cases.models import Arrest, Charge, Disposition, Operation, Sentence
from cases.models import Case as CaseRecord
from cases.models.cases import CONVICTIONS, CaseKind, CaseOutcome, CaseStatus
from cases.models.court import ASSESSMENT_SHARES
from cases.models.people import AgeGroup, Sex
from cases.models.statutes import OffenceLevel
from deadlines.records import DEADLINE_RECORDS, guard_model
from deadlines.rules import RULES
from referrals.models import ClosureReason, Referral, ReferralStatus, SourceKind
from reports.tables import Cell, Figure, Table
from taskforce import access
from taskforce.models import Agency, County, Deadline, DeadlineStatus, User
from victims.models import Consent, Contact, Service, ServiceKind, ServiceStatus, Victim

OUTCOMES = CaseOutcome.choices  # an arrest's outcome, as the operations tables count it
DELIVERED = [ServiceStatus.DELIVERING, ServiceStatus.COMPLETED]


@dataclass(frozen=True)
class Scope:
    start: dt.date
    end: dt.date  # inclusive
    counties: tuple[int, ...] = ()  # county ids; empty: every county the viewer may see
    agencies: tuple[int, ...] = ()  # agency ids; empty: every agency the viewer may see

    @property
    def since(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def until(self) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min)
        )

    def datetimes(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.since, f"{field}__lt": self.until})

    def dates(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start, f"{field}__lte": self.end})

    def where(self, county: str | None = None, agency: str | None = "owner_agency") -> Q:
        match = Q()
        if county and self.counties:
            match &= Q(**{f"{county}__in": self.counties})
        if agency and self.agencies:
            match &= Q(**{f"{agency}__in": self.agencies})
        return match

    def in_any_county(self, model: type, path: str) -> Q:
        """Rows of `model` whose `path`, a relation to several counties (an operation's, a
        referral's region's), reaches a chosen county: tested by subquery, so a row reaching
        two chosen counties stays one row. A join repeats it, and a GROUP BY counts it twice."""
        if not self.counties:
            return Q()
        return Q(pk__in=model.objects.filter(**{f"{path}__in": self.counties}).values("pk"))


class Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class DaysBetween(Func):
    """Days (with fractions) from `earlier` to `later`, dates or times."""

    output_field = FloatField()

    def __init__(self, later, earlier):
        super().__init__(later, earlier)

    def as_sql(self, compiler, connection):  # PostgreSQL
        later, earlier = (compiler.compile(e) for e in self.get_source_expressions())
        sql = (
            f"(EXTRACT(EPOCH FROM ({later[0]})::timestamptz - ({earlier[0]})::timestamptz)"
            " / 86400.0)"
        )
        return sql, (*later[1], *earlier[1])

    def as_sqlite(self, compiler, connection):
        later, earlier = (compiler.compile(e) for e in self.get_source_expressions())
        return f"(julianday({later[0]}) - julianday({earlier[0]}))", (*later[1], *earlier[1])


def median_days(rows: QuerySet, days) -> tuple[float | None, int]:
    """The median of an expression in days over the rows, and how many rows had it."""
    rows = rows.annotate(_days=days)
    if connection.vendor == "postgresql":
        # Both aggregates skip NULLs: no WHERE on the expression, which PostgreSQL would
        # evaluate (with its subqueries) a second time per row.
        result = rows.aggregate(median=Median("_days"), n=Count("_days"))
        return result["median"], result["n"]
    # SQLite (the laptop demo) has no percentile function: the demo's few rows counted here.
    return _median_of(Counter(rows.filter(_days__isnull=False).values_list("_days", flat=True)))


def counts_by(rows: QuerySet, *fields: str) -> dict:
    """How many rows have each value of the fields (a tuple of them for several), from one
    GROUP BY. Their sum is the rows' count: no second query for it."""
    grouped = rows.values(*fields).annotate(n=Count("pk")).order_by()
    if len(fields) == 1:
        return {r[fields[0]]: r["n"] for r in grouped}
    return {tuple(r[f] for f in fields): r["n"] for r in grouped}


def _cross(rows: QuerySet, row_field: str, col_field: str, row_labels, col_labels, **table):
    """A table of counts from one GROUP BY over two fields, every label shown, zeros kept."""
    return _cross_table(counts_by(rows, row_field, col_field), row_labels, col_labels, **table)


def _cross_table(counts: dict, row_labels, col_labels, **table) -> Table:
    """A table of counts by (row, column) key, every label shown, zeros kept."""
    return Table(
        columns=[label for _, label in col_labels],
        rows=[
            (label, [counts.get((key, col), 0) for col, _ in col_labels])
            for key, label in row_labels
        ],
        **table,
    )


def _days_groups(rows: QuerySet, days, *fields: str) -> tuple[dict, float | None, int]:
    """Counts by `fields` and the median of `days` (whole days, or None) over the rows, from one
    GROUP BY over the fields and the days: the median of whole days comes exactly from how many
    rows have each value, so the counts and the median need one scan of the rows, not two (each
    a few hundred ms for a year's counts at state scale, bench/bench_reports.py)."""
    counts: dict = {}
    histogram: dict = {}
    grouped = rows.annotate(_days=days).values(*fields, "_days").annotate(n=Count("pk")).order_by()
    for group in grouped:
        key = tuple(group[f] for f in fields)
        counts[key] = counts.get(key, 0) + group["n"]
        if group["_days"] is not None:
            histogram[group["_days"]] = histogram.get(group["_days"], 0) + group["n"]
    median, n = _median_of(histogram)
    return counts, median, n


def _median_of(histogram: dict) -> tuple[float | None, int]:
    """The median (percentile_cont(0.5): the mean of the two middle values when their number is
    even) of values given with how many times each occurs, and how many there are."""
    n = sum(histogram.values())
    if not n:
        return None, 0
    wanted = [(n - 1) // 2, n // 2]  # 0-based positions of the middle value(s)
    found = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
    return (found[0] + found[1]) / 2, n


def counts_table(rows: QuerySet, field: str, labels, column: str, **table) -> Table:
    """A one-column table of counts from one GROUP BY (`counted_table`)."""
    return counted_table(counts_by(rows, field), labels, column, **table)


def counted_table(counts: dict, labels, column: str, **table) -> Table:
    """A one-column table of counts by value (`counts_by`): every label shown, zeros kept, and
    any other value found after them (an empty one as "Not recorded")."""
    known = list(labels)
    keys = {key for key, _ in known}
    extra = [
        (key, "Not recorded" if key is None else str(key)) for key in counts if key not in keys
    ]
    return Table(
        columns=[column],
        rows=[(label, [counts.get(key, 0)]) for key, label in [*known, *extra]],
        **table,
    )


def _in_name_order(model: type, names) -> list[str | None]:
    """These names of `model` rows in the database's order of names (its collation, which
    Python's sort does not follow), none last as ORDER BY puts it."""
    known = [name for name in names if name is not None]
    ordered: list[str | None] = list(
        model.objects.filter(name__in=known).order_by("name")
        .values_list("name", flat=True).distinct()
    )  # fmt: skip
    if None in names:
        ordered.append(None)
    return ordered


# --- Operations -----------------------------------------------------------------------------


def _arrests_with_outcome(actor: User, scope: Scope) -> QuerySet:
    """Arrests in scope, each with whether it was handed off and the outcome of the case it
    became (`Arrest.case`, kept by cases.services.outcomes), when the viewer may count that case
    (otherwise it counts as handed off, outcome pending). One join, no subquery per arrest."""
    counted = access.report_q(actor, CaseRecord, "case")
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
    for value in _in_name_order(BY_FIELDS[field], by_value):
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


# --- Prosecution ----------------------------------------------------------------------------


def prosecution_section(actor: User, scope: Scope) -> dict:
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

    opened = counts_by(cases, "kind", "status")
    by_kind = _cross_table(
        opened, CaseKind.choices, CaseStatus.choices,
        key="cases", title="Cases opened, by kind and status", row_header="Kind", chart="stacked",
    )  # fmt: skip
    # From the day (local) of the case's first arrest: days to a charge count whole days.
    filed_counts, to_charge, charged_n = _days_groups(
        filed, DaysBetween(F("filed_on"), F("case_arrested_on")),
        "statute__citation", "level",
    )  # fmt: skip
    statutes = sorted({(citation, citation) for citation, _ in filed_counts})
    by_statute = _cross_table(
        filed_counts, statutes, OffenceLevel.choices,
        key="charges", title="Counts filed, by statute and level", row_header="Statute",
    )  # fmt: skip
    disposed_counts, to_disposition, disposed_n = _days_groups(
        disposed, DaysBetween(F("disposed_on"), F("defendant_charged_on")), "disposition", "level"
    )
    by_disposition = _cross_table(
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
    )  # fmt: skip
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
            Cell(_round(to_charge)),
            basis=charged_n,
            basis_unit="counts",
        ),
        Figure(
            "Median days, charge to disposition",
            Cell(_round(to_disposition)),
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


def _round(days: float | None) -> float | None:
    return None if days is None else round(days, 1)


def _summed(groups: list[dict], key: str) -> list[tuple[str | None, Decimal, Decimal]]:
    """Assessments ordered and collected by one agency column of the sentence groups, in the
    database's order of agency names (its collation), none last."""
    sums: dict = {}
    for group in groups:
        ordered, collected = sums.get(group[key], (Decimal(0), Decimal(0)))
        sums[group[key]] = (
            ordered + (group["ordered"] or 0), collected + (group["collected"] or 0)
        )  # fmt: skip
    return [(name, *sums[name]) for name in _in_name_order(Agency, sums)]


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
    rows.append(("Victim services (40%)", share("victims", ordered, collected)))
    return Table(
        key="assessments",
        title="609.3241 penalty assessments: each agency's share",
        row_header="Agency",
        columns=["Share of ordered ($)", "Owed of collected ($)"],
        rows=[(label, [v.quantize(Decimal("0.01")) for v in values]) for label, values in rows],
        note=f"Ordered ${ordered:,.2f}; collected ${collected:,.2f}.",
    )


# --- Victims and referrals ------------------------------------------------------------------

AGE_GROUPS = [(g.value, g.label) for g in AgeGroup]
GENDERS = [(s.value, s.label) for s in Sex]


def _being_delivered(scope: Scope) -> Q:
    """A service being delivered at some time in the period."""
    return Q(status__in=DELIVERED, started_on__lte=scope.end) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=scope.start)
    )


def served_victims(actor: User, scope: Scope) -> QuerySet:
    """Victims with a service being delivered at some time in the period."""
    services = Service.objects.filter(_being_delivered(scope), victim=OuterRef("pk"))
    return access.report_rows(actor, Victim).filter(scope.where()).filter(Exists(services))


def delivered_services(actor: User, scope: Scope) -> QuerySet:
    """The services being delivered in the period to victims the viewer may count."""
    return Service.objects.filter(
        access.report_q(actor, Victim, "victim"),
        scope.where(None, "victim__owner_agency"),
        _being_delivered(scope),
    )


def _status_shown(actor: User) -> F | Case:
    """A referral's status as the viewer may see it (referrals.selectors.status_shown, in SQL):
    in the task-force-wide view the real one (counted, never shown); otherwise the real one for
    a referral its agency received, or sent with the victim's consent to it in force; else no
    further than "received"."""
    membership = access.acting_membership(actor)
    if access.reports_task_force_wide(actor) or membership is None:
        return F("status")
    consented = Consent.objects.filter(
        victim=OuterRef("victim_id"),
        to_agency_id=membership.agency_id,
        revoked_on__isnull=True,
        expires_on__gte=timezone.localdate(),  # Consent.is_active: to the end of that day
    )
    return Case(
        When(Q(owner_agency_id=membership.agency_id) | Q(Exists(consented)), then=F("status")),
        When(status=ReferralStatus.SENT, then=Value(ReferralStatus.SENT)),
        default=Value(ReferralStatus.RECEIVED),
        output_field=CharField(),
    )


def _received(actor: User, referrals: QuerySet) -> QuerySet:
    """The referrals the viewer's agency received (all of them task-force-wide): their contact
    logs are the receiving agency's own."""
    membership = access.acting_membership(actor)
    if access.reports_task_force_wide(actor) or membership is None:
        return referrals
    return referrals.filter(owner_agency_id=membership.agency_id)


def victims_section(actor: User, scope: Scope) -> dict:
    victims = access.report_rows(actor, Victim).filter(scope.where())
    identified = victims.filter(scope.dates("identified_on"))
    served = served_victims(actor, scope)
    referrals = access.report_rows(actor, Referral).filter(
        scope.datetimes("created_at"), scope.where(),
        scope.in_any_county(Referral, "region__counties"),
    )  # fmt: skip
    services = delivered_services(actor, scope)
    first_contact = Subquery(
        Contact.objects.filter(victim=OuterRef("victim_id"), at__gte=OuterRef("created_at"))
        .order_by("at")
        .values("at")[:1]
    )
    to_contact, contacted = median_days(
        _received(actor, referrals).filter(victim__isnull=False),
        DaysBetween(first_contact, F("created_at")),
    )
    shown = referrals.annotate(shown_status=_status_shown(actor))
    # Each headline is the sum of its table's counts: no second query for it.
    by_identified = counts_by(identified, "age_group", "person__sex")
    by_served = counts_by(served, "age_group", "person__sex")
    by_source = counts_by(referrals, "source")
    by_service = counts_by(services, "kind")
    sensitive = {"sensitive": True}
    tables = [
        _cross_table(by_identified, AGE_GROUPS, GENDERS, key="identified",
               title="Victims identified, by age group and gender", row_header="Age group",
               chart="stacked", **sensitive),
        _cross_table(by_served, AGE_GROUPS, GENDERS, key="served",
               title="Victims served, by age group and gender", row_header="Age group",
               chart="stacked", **sensitive),
        counted_table(by_source, SourceKind.choices, "Referrals", key="referral-source",
                title="Safe Harbor referrals, by source", row_header="Source", chart="bars",
                **sensitive),
        counts_table(referrals, "region__name", [], "Referrals", key="referral-region",
                title="Safe Harbor referrals, by region", row_header="Region", chart="bars",
                **sensitive),
        counts_table(shown, "shown_status", ReferralStatus.choices, "Referrals",
                key="referral-status", title="Safe Harbor referrals, by status",
                row_header="Status", **sensitive),
        counts_table(shown.filter(shown_status=ReferralStatus.CLOSED), "closure_reason",
                ClosureReason.choices, "Referrals", key="referral-outcome",
                title="Closed referrals, by outcome", row_header="Outcome", **sensitive),
        counted_table(by_service, ServiceKind.choices, "Services", key="services",
                title="Services delivered, by type", row_header="Service", chart="bars",
                **sensitive),
    ]  # fmt: skip
    figures = [
        Figure("Victims identified", Cell(sum(by_identified.values())), sensitive=True),
        Figure("Victims served", Cell(sum(by_served.values())), sensitive=True),
        Figure("Safe Harbor referrals", Cell(sum(by_source.values())), sensitive=True),
        Figure("Services delivered", Cell(sum(by_service.values())), sensitive=True),
        Figure(
            "Median days, referral to first contact",
            Cell(_round(to_contact)),
            sensitive=True,
            basis=contacted,
            basis_unit="referrals",
        ),
    ]
    return {"figures": figures, "tables": tables}


# --- Deadlines ------------------------------------------------------------------------------

DEADLINE_OUTCOMES = [
    ("on_time", "Met on time"),
    ("late", "Met late"),
    ("missed", "Missed"),
    ("waived", "Waived"),
    ("open", "Not yet due"),
]
# Deadlines about victims' and referrals' records count those people: suppressed like them.
PEOPLE_RECORDS = {"referrals.Referral", "victims.Consent"}


def report_deadlines(actor: User) -> QuerySet:
    """Deadlines counted exactly when their record may be (see access.report_rows)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    # Sets of ids, each hashed once per query (access.report_ids_q): a lookup of each
    # deadline's record took 13 s at 3M deadlines (bench/bench_reports.py).
    match = Q(pk__in=[])
    for label, path in DEADLINE_RECORDS.items():
        model = apps.get_model(label)
        if path:  # a consent's deadline counts when its victim may be counted
            records = model.objects.filter(
                **{f"{path}__in": access.report_rows(actor, guard_model(label))}
            )
            found = Q(object_id__in=records.values("pk"))
        else:
            found = access.report_ids_q(actor, model, "object_id")
        match |= found & Q(content_type=ContentType.objects.get_for_model(model))
    return Deadline.objects.filter(match)


def _deadline_columns(now: dt.datetime) -> dict:
    met = Q(status=DeadlineStatus.MET)
    return {
        "on_time": Count("pk", filter=met & Q(closed_at__lte=F("due_at"))),
        "late": Count("pk", filter=met & Q(closed_at__gt=F("due_at"))),
        # A missed deadline stays open, escalated, past its time (deadlines).
        "missed": Count(
            "pk",
            filter=Q(status=DeadlineStatus.MISSED) | Q(status=DeadlineStatus.OPEN, due_at__lt=now),
        ),
        "waived": Count("pk", filter=Q(status=DeadlineStatus.WAIVED)),
        "open": Count("pk", filter=Q(status=DeadlineStatus.OPEN, due_at__gte=now)),
    }


def deadlines_section(actor: User, scope: Scope) -> dict:
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    now = timezone.now()
    deadlines = report_deadlines(actor).filter(
        scope.datetimes("due_at"), scope.where(None, "responsible_agency")
    )
    columns = _deadline_columns(now)
    # The deadline's own record (a consent, not the victim it guards): rows carry its type.
    people_types = {
        ContentType.objects.get_for_model(apps.get_model(label)).pk for label in PEOPLE_RECORDS
    }
    # One GROUP BY for the three tables: each scan of a year's deadlines takes about half a
    # second at state scale (bench/bench_reports.py); the groups are folded here.
    groups = list(
        deadlines.values("rule", "content_type", "responsible_agency__name").annotate(**columns)
        .order_by()
    )  # fmt: skip
    names = [key for key, _ in DEADLINE_OUTCOMES]
    headers = [label for _, label in DEADLINE_OUTCOMES]

    def fold(key: str, of_people: bool) -> dict:
        folded: dict = {}
        for group in groups:
            if (group["content_type"] in people_types) == of_people:
                sums = folded.setdefault(group[key], dict.fromkeys(names, 0))
                for name in names:
                    sums[name] += group[name]
        return folded

    def rule_label(rule: str) -> str:
        return RULES[rule].title if rule in RULES else rule

    case_rules, people_rules = fold("rule", False), fold("rule", True)
    by_agency = fold("responsible_agency__name", False)
    tables = [
        Table(key="deadlines-cases", title="Court and case deadlines, by rule", row_header="Rule",
              columns=headers, chart="stacked",
              rows=[(rule_label(r), [case_rules[r][n] for n in names])
                    for r in sorted(case_rules)]),
        Table(key="deadlines-people", title="Victims' and referrals' deadlines, by rule",
              row_header="Rule", columns=headers, sensitive=True,
              rows=[(rule_label(r), [people_rules[r][n] for n in names])
                    for r in sorted(people_rules)]),
        Table(key="deadlines-agency", title="Court and case deadlines, by responsible agency",
              row_header="Agency", columns=headers, chart="stacked",
              rows=[(agency or "No agency", [by_agency[agency][n] for n in names])
                    for agency in _in_name_order(Agency, by_agency)]),
    ]  # fmt: skip
    return {"figures": [], "tables": tables}


# --- Year over year -------------------------------------------------------------------------


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

    def by_year(rows: QuerySet, field: str) -> dict[int, int]:
        return dict(
            rows.annotate(year=ExtractYear(field)).values("year")
            .annotate(n=Count("pk")).order_by().values_list("year", "n")
        )  # fmt: skip

    # Counts filed and convictions from one scan of the charges (each scan of five years of
    # counts took a quarter of a second at state scale, bench/bench_reports.py).
    filed = wide.dates("filed_on")
    convicted = Q(disposition__in=CONVICTIONS) & wide.dates("disposed_on")
    charged_years: dict[int, int] = {}
    convicted_years: dict[int, int] = {}
    for group in (
        Charge.objects.filter(case_rows).filter(filed | convicted)
        .values(filed_year=Case(When(filed, then=ExtractYear("filed_on"))),
                convicted_year=Case(When(convicted, then=ExtractYear("disposed_on"))))
        .annotate(n=Count("pk")).order_by()
    ):  # fmt: skip
        for year, years in ((group["filed_year"], charged_years),
                            (group["convicted_year"], convicted_years)):  # fmt: skip
            if year is not None:
                years[year] = years.get(year, 0) + group["n"]
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
                                                          scope.where()), "identified_on")),
        ("referrals", "Safe Harbor referrals", True,
         by_year(access.report_rows(actor, Referral).filter(
             wide.datetimes("created_at"), scope.where(),
             scope.in_any_county(Referral, "region__counties")), "created_at")),
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
