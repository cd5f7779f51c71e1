"""What the report sections share: their scope, days and medians in SQL, and tables of counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Func, Q, QuerySet, Sum
from django.utils import timezone

from cases.models.cases import CaseOutcome
from reports.disclosure import Tally, record_key
from reports.tables import Table

UNLIMITED = 2**62  # a LIMIT that limits nothing (`median_days`)
OUTCOMES = CaseOutcome.choices  # an arrest's outcome, as the operations tables count it


@dataclass(frozen=True)
class Scope:
    """The period and the counties and agencies a report covers. Each section function takes the
    viewer and a Scope and returns tables and headline figures, each from aggregate queries over
    the rows the policy lets the viewer count (`access.report_rows`), never a loop over records
    in Python; views.py draws them and suppresses small counts where needed."""

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
        # evaluate (with its subqueries) a second time per row. The slice (a LIMIT no table
        # reaches) keeps the rows a subquery PostgreSQL cannot pull up: pulled up, each
        # aggregate worked the expression out again, its subquery too (the victims page's
        # first contact: 180,000 lookups twice, 1 s of the coordinator's ten years, issue #22).
        result = rows[:UNLIMITED].aggregate(median=Median("_days"), n=Count("_days"))
        return result["median"], result["n"]
    # SQLite (the laptop demo) has no percentile function: the demo's few rows counted here.
    return _median_of(Counter(rows.filter(_days__isnull=False).values_list("_days", flat=True)))


def counts_by(rows: QuerySet, *fields: str, keyed: bool = False) -> dict:
    """How many rows have each value of the fields (a tuple of them for several), from one
    GROUP BY. Their sum is the rows' count: no second query for it. `keyed`: each count is a
    Tally carrying its cell key, for counts of people (reports/disclosure.py)."""
    keys = {"k": Sum(record_key(rows.model))} if keyed else {}
    grouped = rows.values(*fields).annotate(n=Count("pk"), **keys).order_by()

    def count(r: dict) -> int:
        return Tally(r["n"], r["k"]) if keyed else r["n"]

    if len(fields) == 1:
        return {r[fields[0]]: count(r) for r in grouped}
    return {tuple(r[f] for f in fields): count(r) for r in grouped}


def cross_table(counts: dict, row_labels, col_labels, **table) -> Table:
    """A table of counts by (row, column) key, every label shown, zeros kept."""
    return Table(
        columns=[label for _, label in col_labels],
        rows=[
            (label, [counts.get((key, col), 0) for col, _ in col_labels])
            for key, label in row_labels
        ],
        **table,
    )


def days_groups(rows: QuerySet, days, *fields: str) -> tuple[dict, float | None, int]:
    """Counts by `fields` and the median of `days` (whole days, or None) over the rows, from one
    GROUP BY over the fields and the days: the median of whole days comes exactly from how many
    rows have each value, so the counts and the median need one scan of the rows, not two (each
    a few hundred ms for a year's counts at state scale, bench/bench_reports.py)."""
    return fold_days(days_counts(rows, days, *fields))


def days_counts(rows: QuerySet, days, *fields: str) -> Counter:
    """How many rows have each value of the fields (a tuple) and of `days`, as `days_groups`
    reads them: counts of the same keys from elsewhere (a rollup) may be added before folding."""
    counted: Counter = Counter()
    grouped = rows.annotate(_days=days).values(*fields, "_days").annotate(n=Count("pk")).order_by()
    for group in grouped:
        counted[tuple(group[f] for f in fields), group["_days"]] += group["n"]
    return counted


def fold_days(counted: Counter, days: Counter | None = None) -> tuple[dict, float | None, int]:
    """`days_counts` as counts by the fields, the median of the days and how many had them;
    `days`, more days (and how many had each) that count towards the median only."""
    counts: dict = {}
    histogram: dict = dict(days or {})
    for (key, days), n in counted.items():
        counts[key] = counts.get(key, 0) + n
        if days is not None:
            histogram[days] = histogram.get(days, 0) + n
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
    """A one-column table of counts from one GROUP BY (`counted_table`), keyed when sensitive."""
    counts = counts_by(rows, field, keyed=table.get("sensitive", False))
    return counted_table(counts, labels, column, **table)


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


def in_name_order(model: type, names) -> list[str | None]:
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


def round_days(days: float | None) -> float | None:
    return None if days is None else round(days, 1)
