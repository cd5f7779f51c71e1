"""Issue #21 §1, the attacker who solves two nested filters' tables together (linked tables).

For a pair of filter choices where one counts a subset of the other's records (all agencies and
all but one, two days and one), one linear program holds both tables' true counts and those of
their difference (the records of the wider and not the narrower: a table of its own, each cell
0 or more, shown as a filter of its own when the form offers one); every figure each of them
publishes bounds its cell by the published meaning of the symbol (reports/disclosure.known_range);
each table's cells add up to its totals; and wider = narrower + difference, cell by cell. It then
minimises and maximises every count of 1 to 4 of the three.

Under the previous rule ("<5" for 1 to 4, "—" for 5 or more, no minimum population) it narrowed
a count of 1 to 4 to 2 values on six victims over two days; under the rule of
reports/disclosure.py (one symbol for every hidden cell, small populations' breakdowns withheld)
it never narrows one below WIDTH on the random data sets of test_disclosure.py."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings

from reports import disclosure
from reports.disclosure import BASE, INFINITY, WIDTH, known_range, ranges
from reports.tables import COMPLEMENT, PRIMARY, Cell, Table
from tests.reports.test_disclosure import (
    COLS,
    FILTERS,
    ROWS,
    _values,
    attack,
    data_sets,
    equations_of,
    grid_of,
    old_known,
    old_rule,
    records_from,
    table_of,
)

SIZE = (ROWS + 1) * (COLS + 1)  # a table's cells with its totals


@pytest.fixture(autouse=True)
def fixed_secret(settings):
    settings.REPORTS_DISCLOSURE_KEY = "issue-21-test-secret"


def joint_attack(records: list[tuple], publish, known) -> tuple[int, tuple | None]:
    """The fewest values left open for any count of 1 to 4, over every nested pair of filters
    solved together, and where (wider, narrower, difference filter or None, cell, range)."""
    tables = {chosen: publish(table_of(records, chosen)) for chosen in FILTERS}
    published = {chosen: [known(cell) for cell in grid_of(t)] for chosen, t in tables.items()}
    truth = {chosen: [int(cell.value) for cell in grid_of(t)] for chosen, t in tables.items()}
    people = {chosen: frozenset(r[0] for r in records if r[1] in chosen[0] and r[2] in chosen[1])
              for chosen in FILTERS}  # fmt: skip
    equations = [*equations_of(0), *equations_of(SIZE), *equations_of(2 * SIZE)]
    equations += [{k: 1, SIZE + k: -1, 2 * SIZE + k: -1} for k in range(SIZE)]
    narrowest, where = BIG, None
    for wider, narrower in itertools.permutations(FILTERS, 2):
        if not people[narrower] < people[wider]:
            continue
        between = next((f for f in FILTERS if people[f] == people[wider] - people[narrower]), None)
        difference = [a - b for a, b in zip(truth[wider], truth[narrower], strict=True)]
        values = [*truth[wider], *truth[narrower], *difference]
        small = [k for k, n in enumerate(values) if 1 <= n <= disclosure.BASE - 1]
        if not small:
            continue
        unknown = [(0, INFINITY)] * SIZE  # a difference no filter shows: only 0 or more
        lower, upper = zip(
            *published[wider], *published[narrower], *(published[between] if between else unknown),
            strict=True,
        )  # fmt: skip
        for k, span in zip(small, ranges(lower, upper, equations, [{k: 1} for k in small]),
                           strict=True):  # fmt: skip
            if _values(span) < narrowest:
                narrowest, where = _values(span), (wider, narrower, between, k, span)
    return narrowest, where


BIG = 10**9

# Six victims over two days: the count of the wider table (both days, every agency) in row 0,
# column 2 is 4; both days' tables show it "<5", the wider one too, and the day tables' other
# cells ("<5", exact zeros, a rounded total with its firm "5 or more") chain it to 3 or 4.
SIX_OVER_TWO_DAYS = records_from(
    [(2, 1, 0, 0), (2, 1, 0, 2), (2, 1, 1, 2), (2, 0, 0, 2), (1, 0, 0, 2), (2, 1, 0, 2)]
)


def previous_known(cell: Cell) -> tuple[float, float]:
    """The previous rule's meanings: "<5" 0 to 4, "—" 5 or more, a figure p max(5, p-4) to p+4."""
    if cell.hidden == PRIMARY:
        return 0, BASE - 1
    if cell.hidden == COMPLEMENT:
        return BASE, INFINITY
    if not cell.published:
        return 0, 0
    return max(BASE, cell.published - (BASE - 1)), cell.published + (BASE - 1)


def previous_rule(table: Table) -> Table:
    """Rounding, "<5" and the one-table audit under the previous meanings (zeros the audit hid
    shown as "<5", complements as "—"), no minimum population."""
    disclosure.perturb(table)
    audited = disclosure.known_range, disclosure._hiding
    disclosure.known_range = previous_known
    disclosure._hiding = lambda cell: PRIMARY if not cell.value else COMPLEMENT
    try:
        return disclosure.audit(table)
    finally:
        disclosure.known_range, disclosure._hiding = audited


def test_two_nested_filters_solved_together_narrowed_a_small_count_under_the_previous_rule():
    # One table at a time, and each pair's figures subtracted: protected (the one-table audit).
    assert attack(SIX_OVER_TWO_DAYS, previous_rule, previous_known) >= WIDTH
    # Both days' tables and the two days' table in one program: a count of 4 left at 3 or 4.
    narrowest, (wider, narrower, between, cell, span) = joint_attack(
        SIX_OVER_TWO_DAYS, previous_rule, previous_known
    )
    assert narrowest < WIDTH
    assert (wider[1], narrower[1], between[1]) == (
        frozenset({0, 1}),
        frozenset({0}),
        frozenset({1}),
    )
    assert cell == 2 and disclosure._whole(*span) == (3, 4)
    assert table_of(SIX_OVER_TWO_DAYS, wider).cells[0][2].value == 4


def test_the_joint_attacker_is_at_least_as_strong_as_solving_each_table_alone():
    """The old rule's examples (test_disclosure.py) fall to the joint attacker as well."""
    across = records_from([*[(0, 0, 0, 0)] * 2, *[(1, 0, 0, 0)] * 5, *[(2, 0, 1, 1)] * 6])
    column = records_from([(0, 0, 0, 0), (0, 0, 0, 1), *[(0, 0, 0, 2)] * 9])
    for records in (across, column):
        assert joint_attack(records, old_rule, old_known)[0] == 1


def test_the_same_six_victims_keep_every_small_count_open_under_the_rule():
    assert joint_attack(SIX_OVER_TWO_DAYS, disclosure.protect, known_range)[0] >= WIDTH


# The previous rule's chain at a population above MINIMUM: the narrower table's row 0 is 1, 1, 2
# (total 4, all "<5"), the difference's 4, 4, 3 ("<5" each), the wider one's 5, 5, 5 (shown as 5,
# so 5 or more): each narrower cell is at least 5 - 4 = 1 and their "<5" total leaves 1 or 2.
CHAIN = records_from(
    [*[(0, 0, 0, 0)] * 1, *[(0, 0, 0, 1)] * 1, *[(0, 0, 0, 2)] * 2,
     *[(1, 0, 0, 0)] * 4, *[(1, 0, 0, 1)] * 4, *[(1, 0, 0, 2)] * 3,
     *[(0, 0, 1, 0)] * 14, *[(0, 0, 1, 1)] * 13, *[(0, 0, 1, 2)] * 13,
     *[(1, 0, 1, 0)] * 7, *[(1, 0, 1, 1)] * 7, *[(1, 0, 1, 2)] * 7]
)  # fmt: skip


def test_a_chain_through_a_small_total_is_broken_by_one_symbol_for_every_hidden_cell():
    assert joint_attack(CHAIN, previous_rule, previous_known)[0] < WIDTH
    assert joint_attack(CHAIN, disclosure.protect, known_range)[0] >= WIDTH


# Derandomized: the property is measured, not proven (README, Reports: over sets of agencies it
# failed on about 2 data sets in 100; over the form's one-or-every filters on none of 340 that
# bench/attack_overlapping.py drew), so the suite checks the same 50 draws at every run.
@settings(max_examples=50, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow,
                                 HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data_sets)
def test_the_joint_attacker_never_narrows_a_small_count_below_the_documented_width(records):
    narrowest, where = joint_attack(records, disclosure.protect, known_range)
    assert narrowest >= WIDTH, (records, where)
