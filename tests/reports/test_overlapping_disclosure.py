"""Issue #21 §1, the attacker who solves two *overlapping* filters' tables together.

The coordinator's report pages filter by one county or every one, one agency or every one, and a
period (reports/views.py: ReportForm with OneOrEvery). Two such filters F1, F2 need not be
nested: county X and agency A, two periods that overlap. For every pair whose records can meet,
one linear program holds the true tables of the three disjoint parts F1∩F2, F1\\F2 and F2\\F1
(each cell 0 or more) and those of F1 and F2, with F1 = (F1∩F2) + (F1\\F2) and
F2 = (F1∩F2) + (F2\\F1) cell by cell and every table's cells adding up to its totals. Every
figure F1 and F2 publish bounds its cell by the published meaning of the rule
(reports/disclosure.known_range: "x" any count, 0 none, p a count of 5 or more within 4 of p;
a table of fewer than MINIMUM people shows its total only); so does every figure of a part that
is itself a filter the form offers (F1∩F2 always is; F1\\F2 when the two differ in one choice
only and the rest is a choice of its own). A part the filters' definitions leave empty (F1\\F2
when every choice of F1 is within F2's) is 0. The attacker then minimises and maximises every
count of 1 to 4 of F1, F2 and of each part that is published.

The form used to offer any set of agencies and of counties. Over those filters (ANY_SETS) this
attacker narrows a count of 1 to 4 to 2 values on about 2 random data sets in 100
(bench/attack_overlapping.py --any-sets; KNOWN_GAP below): a set such as "every agency but one"
publishes the small difference between two other filters. Over the filters the form offers now
it has narrowed none (340 random data sets of up to 200 victims, README: Reports), which the
property test below checks on fixed draws: a measured property of the method, not a theorem.

The data (the bench's random data sets alike): victims of three agencies in two counties on
three days, by a 2 x 3 breakdown (the victims page's age group by gender)."""

from __future__ import annotations

import itertools

import highspy
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import disclosure
from reports.disclosure import BASE, INFINITY, WIDTH, Tally, key_of, known_range
from reports.tables import Table
from tests.reports.test_disclosure import COLS, LABEL, ROWS, _values, equations_of, grid_of
from tests.reports.test_linked_disclosure import previous_known, previous_rule

AGENCIES, COUNTIES, DAYS = 3, 2, 3
SIZE = (ROWS + 1) * (COLS + 1)  # a table's cells with its totals
F1, F2, BOTH, ONLY1, ONLY2 = (n * SIZE for n in range(5))  # the program's five tables
EQUATIONS = [*(e for table in range(5) for e in equations_of(table * SIZE)),
             *({F1 + k: 1, BOTH + k: -1, ONLY1 + k: -1} for k in range(SIZE)),
             *({F2 + k: 1, BOTH + k: -1, ONLY2 + k: -1} for k in range(SIZE))]  # fmt: skip
UNKNOWN = [(0, INFINITY)] * SIZE  # a part no filter shows: each cell 0 or more
EMPTY = [(0, 0)] * SIZE  # a part the filters' definitions leave empty


@pytest.fixture(autouse=True)
def fixed_secret(settings):
    settings.REPORTS_DISCLOSURE_KEY = "issue-21-test-secret"


def _subsets(n: int) -> list[frozenset]:
    """The choices of a multiple select of n items: none chosen (every one) is the whole set."""
    items = range(n)
    return [frozenset(c) for size in range(1, n + 1) for c in itertools.combinations(items, size)]


def _periods(n: int) -> list[frozenset]:
    """Every From-To range of n days."""
    return [frozenset(range(a, b + 1)) for a in range(n) for b in range(a, n)]


def _one_or_every(n: int) -> list[frozenset]:
    """The choices of reports/views.OneOrEvery: every one (none chosen), or one."""
    return [frozenset(range(n)), *(frozenset({i}) for i in range(n))]


CHOICES = (_one_or_every(AGENCIES), _one_or_every(COUNTIES), _periods(DAYS))  # the form's
ANY_SETS = (_subsets(AGENCIES), _subsets(COUNTIES), _periods(DAYS))  # what it used to offer
FILTERS = list(itertools.product(*CHOICES))


def _contains(record: tuple, chosen: tuple) -> bool:
    _, agency, county, day, _, _ = record
    return agency in chosen[0] and county in chosen[1] and day in chosen[2]


def table_of(records: list[tuple], chosen: tuple) -> Table:
    """The filter's table of counts, each a Tally of its records' keys, as the reports build
    them (reports/figures: counts_by(..., keyed=True), then cross_table)."""
    counts = [[Tally(0) for _ in range(COLS)] for _ in range(ROWS)]
    for record in records:
        if _contains(record, chosen):
            pk, *_, row, col = record
            counts[row][col] += Tally(1, key_of(LABEL, pk))
    return Table(key="t", title="T", row_header="Row", columns=[f"c{j}" for j in range(COLS)],
                 rows=[(f"r{i}", counts[i]) for i in range(ROWS)], sensitive=True)  # fmt: skip


def meet(one: tuple, other: tuple) -> tuple | None:
    """The filter choosing the records both choose (None if their definitions never meet)."""
    both = tuple(a & b for a, b in zip(one, other, strict=True))
    return both if all(both) else None


def less(one: tuple, other: tuple, choices=CHOICES) -> tuple | bool | None:
    """The records `one` chooses and `other` does not: False if the definitions leave none, the
    filter choosing exactly them if the form (`choices`) offers one, else None."""
    outside = [dim for dim, (a, b) in enumerate(zip(one, other, strict=True)) if not a <= b]
    if not outside:
        return False
    if len(outside) > 1:
        return None
    dim = outside[0]
    rest = one[dim] - other[dim]
    return (*one[:dim], rest, *one[dim + 1 :]) if rest in choices[dim] else None


def overlapping_attack(
    records: list[tuple],
    publish=disclosure.protect,
    known=known_range,
    choices=CHOICES,
    kinds: dict | None = None,
) -> tuple[int, tuple | None, int]:
    """The fewest values left open for any count of 1 to 4 over every pair of filters (of
    `choices`) whose definitions meet, where (F1, F2, which table, cell, range), and how many
    programs ran. `kinds`, if given, gets the fewest values for nested pairs and for overlapping
    ones apart."""
    filters = list(itertools.product(*choices))
    tables, published, truth = {}, {}, {}
    for chosen in filters:
        table = publish(table_of(records, chosen))
        tables[chosen] = table
        published[chosen] = [known(cell) for cell in grid_of(table)]
        truth[chosen] = [int(cell.value) for cell in grid_of(table)]
    program = Program()
    narrowest, where, seen = BIG, None, set()
    for one, other in itertools.combinations(filters, 2):
        both = meet(one, other)
        if both is None:
            continue
        only1, only2 = less(one, other, choices), less(other, one, choices)
        parts = [one, other, both, only1, only2]
        bounds = [published[p] if p else (EMPTY if p is False else UNKNOWN) for p in parts]
        true_both = truth[both]
        values = [*truth[one], *truth[other], *true_both,
                  *(a - b for a, b in zip(truth[one], true_both, strict=True)),
                  *(a - b for a, b in zip(truth[other], true_both, strict=True))]  # fmt: skip
        lower, upper = zip(*(span for table in bounds for span in table), strict=True)
        key = (lower, upper, tuple(values))
        if key in seen:  # the same figures and counts as a pair already solved
            continue
        seen.add(key)
        small = [k for k, n in enumerate(values)
                 if 1 <= n <= BASE - 1 and parts[k // SIZE]]  # fmt: skip
        if not small:
            continue
        for k, span in program.spans(lower, upper, {k: values[k] for k in small}):
            if _values(span) < narrowest:
                narrowest, where = _values(span), (one, other, k // SIZE, k % SIZE, span)
            if kinds is not None:
                kind = "nested" if only1 is False or only2 is False else "overlapping"
                kinds[kind] = min(kinds.get(kind, BIG), _values(span))
    return narrowest, where, len(seen)


class Program:
    """The pair's linear program, built once (EQUATIONS) and solved again with each pair's
    bounds: HiGHS starts each solve from the last basis. The same least and greatest values
    as reports.disclosure.ranges, which builds the program anew for every table."""

    def __init__(self) -> None:
        self.solver = highspy.Highs()
        self.solver.setOptionValue("output_flag", False)
        self.solver.setOptionValue("presolve", "off")  # small programs, solved from the last basis
        self.solver.addVars(5 * SIZE, [0.0] * 5 * SIZE, [INFINITY] * 5 * SIZE)
        for equation in EQUATIONS:
            self.solver.addRow(0, 0, len(equation), list(equation), list(equation.values()))
        self.columns = list(range(5 * SIZE))

    def _bound(self, variable: int, sense) -> float:
        self.solver.changeColCost(variable, 1.0)
        self.solver.changeObjectiveSense(sense)
        self.solver.run()
        status = self.solver.getModelStatus()
        found = self.solver.getInfo().objective_function_value
        self.solver.changeColCost(variable, 0.0)
        if status == highspy.HighsModelStatus.kOptimal:
            return found
        if status in (highspy.HighsModelStatus.kUnbounded,
                      highspy.HighsModelStatus.kUnboundedOrInfeasible):  # fmt: skip
            return INFINITY
        raise ValueError(f"the published tables admit no counts ({status})")

    def spans(self, lower, upper, targets: dict[int, int]):
        """Each target's range, or (value, value + WIDTH - 1) for those shown to hold WIDTH
        values at once: with each target capped at its count + WIDTH - 1, the program maximises
        their sum; a target reaching its cap has a solution WIDTH - 1 above its count (and its
        count is one), so it holds WIDTH values. Those that do not are solved one by one."""
        self.solver.changeColsBounds(len(self.columns), self.columns, list(lower), list(upper))
        left = dict(targets)
        while left:
            caps = [min(upper[k], value + WIDTH - 1) for k, value in left.items()]
            self.solver.changeColsBounds(len(left), list(left), [lower[k] for k in left], caps)
            self.solver.changeColsCost(len(left), list(left), [1.0] * len(left))
            self.solver.changeObjectiveSense(highspy.ObjSense.kMaximize)
            self.solver.run()
            optimal = self.solver.getModelStatus() == highspy.HighsModelStatus.kOptimal
            solution = self.solver.getSolution().col_value
            self.solver.changeColsCost(len(left), list(left), [0.0] * len(left))
            reached = [k for k, value in left.items()
                       if optimal and solution[k] >= value + WIDTH - 1 - 1e-6]  # fmt: skip
            self.solver.changeColsBounds(
                len(left), list(left), [lower[k] for k in left], [upper[k] for k in left]
            )
            for k in reached:
                yield k, (left.pop(k), targets[k] + WIDTH - 1)
            if not reached:
                break
        for variable, value in left.items():
            top = self._bound(variable, highspy.ObjSense.kMaximize)
            if top >= value + WIDTH - 1 - 1e-6:
                yield variable, (value, top)
                continue
            yield variable, (self._bound(variable, highspy.ObjSense.kMinimize), top)


BIG = 10**9


def records_from(cells: list[tuple]) -> list[tuple]:
    return [(pk, *cell) for pk, cell in enumerate(cells, start=1)]


# Eight victims: agencies 0 and 1 over the three days (F1) and every agency over the last two
# (F2) overlap; under the previous rule ("<5" 0 to 4, "—" 5 or more, no minimum population) their
# tables and parts solved together leave F1's count in row 0, column 1 (4) at 3 or 4.
EIGHT = records_from(
    [(0, 1, 1, 0, 2), (2, 0, 2, 0, 2), (1, 0, 1, 0, 2), (0, 1, 0, 0, 1), (1, 0, 1, 0, 1),
     (2, 1, 2, 1, 2), (0, 1, 0, 0, 1), (0, 0, 2, 0, 1)]
)  # fmt: skip


def test_two_overlapping_filters_narrowed_a_small_count_under_the_previous_rule():
    """The attacker is strong enough to break the rule issue #21 replaced."""
    narrowest, (one, other, table, cell, span), _ = overlapping_attack(
        EIGHT, previous_rule, previous_known, choices=ANY_SETS
    )
    assert narrowest < WIDTH
    assert less(one, other, ANY_SETS) is not False  # not nested
    assert less(other, one, ANY_SETS) is not False
    assert (table, cell, disclosure._whole(*span)) == (0, 1, (3, 4))
    assert table_of(EIGHT, one).cells[0][1].value == 4
    assert overlapping_attack(EIGHT, choices=ANY_SETS)[0] >= WIDTH
    assert overlapping_attack(EIGHT)[0] >= WIDTH


# The smallest random data set found narrowed over ANY_SETS under the current rule
# (bench/attack_overlapping.py --any-sets, seed 1, shrunk): 22 victims as (id, agency, county,
# day, row, column). Agency 0 has two, both in row 0, column 2; agencies 1 and 2 have 20.
# Solving every agency, agency 0 and agencies 1 and 2 together leaves agency 0's count of 2 at
# 2 or 3: why the form offers one agency or every one, not a set.
KNOWN_GAP = [
    (1, 1, 1, 1, 1, 2), (2, 0, 1, 2, 0, 2), (3, 2, 1, 1, 1, 2), (4, 2, 0, 1, 1, 2),
    (6, 2, 0, 1, 0, 0), (8, 1, 1, 0, 0, 2), (10, 2, 1, 2, 1, 0), (11, 2, 0, 2, 0, 1),
    (12, 2, 0, 1, 1, 0), (13, 2, 1, 2, 0, 2), (14, 1, 0, 0, 1, 2), (15, 2, 1, 0, 1, 2),
    (16, 1, 0, 0, 0, 0), (17, 2, 0, 0, 0, 2), (18, 2, 1, 0, 0, 2), (19, 0, 0, 0, 0, 2),
    (20, 1, 1, 1, 0, 1), (21, 2, 0, 0, 1, 0), (23, 1, 1, 0, 0, 0), (24, 2, 0, 2, 1, 1),
    (25, 1, 1, 2, 0, 0), (27, 1, 1, 0, 0, 1),
]  # fmt: skip


def test_sets_of_agencies_let_the_attacker_narrow_a_count_and_one_or_every_does_not():
    narrowest, (one, other, *_), _ = overlapping_attack(KNOWN_GAP, choices=ANY_SETS)
    assert narrowest == 2
    # Agency 0 and every agency: their difference, agencies 1 and 2, is a filter of its own.
    assert (one[0], other[0]) == (frozenset({0}), frozenset({0, 1, 2}))
    assert less(other, one, ANY_SETS)[0] == frozenset({1, 2})
    assert less(other, one) is None  # the form no longer offers it
    assert overlapping_attack(KNOWN_GAP)[0] >= WIDTH


data_sets = st.lists(
    st.tuples(
        st.integers(0, AGENCIES - 1), st.integers(0, COUNTIES - 1), st.integers(0, DAYS - 1),
        st.integers(0, ROWS - 1), st.integers(0, COLS - 1),
    ),
    max_size=70,
).map(records_from)  # fmt: skip


# Fixed draws (derandomized): the same data sets at every run, so the suite checks a measured
# property the same way each time; bench/attack_overlapping.py draws many more at random.
@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow,
                                 HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data_sets)
def test_over_the_forms_filters_no_pair_narrows_a_small_count_below_the_documented_width(records):
    narrowest, where, _ = overlapping_attack(records)
    assert narrowest >= WIDTH, (records, where)
