"""Disclosure control (issue #21) against an attacker who knows every figure published under
every filter choice and the rule: solving each table by linear programming and subtracting the
figures of every pair of nested filter choices, it never narrows a count of 1 to 4 to fewer than
WIDTH values. With the old rule (issue #11), or without the audit, it does.

Random data sets: victims of three agencies on two days, by a 2 x 3 breakdown. The agency choices
(every agency or one, as the coordinator's form offers them; counties alike) and the days (both
or one)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import disclosure
from reports.disclosure import BASE, INFINITY, WIDTH, Tally, key_of, known_range, ranges
from reports.tables import COMPLEMENT, PRIMARY, Cell, Table

ROWS, COLS, AGENCIES, DAYS = 2, 3, 3, 2
LABEL = "victims.Victim"


@pytest.fixture(autouse=True)
def fixed_secret(settings):
    """The rounding's secret pinned, so a run's tables are the same every time."""
    settings.REPORTS_DISCLOSURE_KEY = "issue-21-test-secret"


def _filters() -> list[tuple[frozenset, frozenset]]:
    """What the coordinator's form offers (reports/views.OneOrEvery): every agency or one."""
    everyone = frozenset(range(AGENCIES))
    agencies = [everyone, *(frozenset({a}) for a in everyone)]
    days = [frozenset(range(DAYS)), *(frozenset({d}) for d in range(DAYS))]
    return list(itertools.product(agencies, days))


FILTERS = _filters()


def table_of(records: list[tuple], chosen: tuple[frozenset, frozenset]) -> Table:
    """The filter's table of counts, each a Tally of its records' keys, as the reports build
    them (reports/figures: counts_by(..., keyed=True), then cross_table)."""
    agencies, days = chosen
    counts = [[Tally(0) for _ in range(COLS)] for _ in range(ROWS)]
    for pk, agency, day, row, col in records:
        if agency in agencies and day in days:
            counts[row][col] += Tally(1, key_of(LABEL, pk))
    return Table(key="t", title="T", row_header="Row", columns=[f"c{j}" for j in range(COLS)],
                 rows=[(f"r{i}", counts[i]) for i in range(ROWS)], sensitive=True)  # fmt: skip


def grid_of(table: Table) -> list[Cell]:
    return [cell for row in disclosure.table_grid(table) for cell in row]


def old_rule(table: Table) -> Table:
    """The rule before issue #21 (issue #11): exact counts, 1 to 4 shown as "<5", and a cell
    hidden as "—" wherever a line with a shown total had exactly one hidden cell."""
    grid = disclosure.table_grid(table)
    for cell in grid_of(table):
        if 1 <= cell.value <= 4:
            cell.hidden = PRIMARY
    lines = [*grid, *(list(column) for column in zip(*grid, strict=True))]
    changed = True
    while changed:
        changed = False
        for *parts, total in lines:
            if total.hidden or sum(1 for c in parts if c.hidden) != 1:
                continue
            candidates = [c for c in parts if not c.hidden and c.value >= BASE]
            (min(candidates, key=lambda c: c.value) if candidates else total).hidden = COMPLEMENT
            changed = True
    return table


def old_known(cell: Cell) -> tuple[float, float]:
    """What the old rule's tables told: exact counts, "<5" 1 to 4, "—" 5 or more."""
    if cell.hidden == PRIMARY:
        return 1, BASE - 1
    if cell.hidden == COMPLEMENT:
        return BASE, INFINITY
    return cell.value, cell.value


def equations_of(offset: int) -> list[dict[int, float]]:
    """A (ROWS + 1) x (COLS + 1) grid's lines add up to their totals, from variable `offset`."""
    width = COLS + 1
    lines = [[offset + i * width + j for j in range(width)] for i in range(ROWS + 1)]
    lines += [[offset + i * width + j for i in range(ROWS + 1)] for j in range(width)]
    return [{**{v: 1 for v in parts}, total: -1} for *parts, total in lines]


def attack(records: list[tuple], publish, known) -> int:
    """The fewest values the attacker leaves open for any count of 1 to 4. It solves by linear
    programming each table a filter publishes (its cells and totals adding up), and subtracts
    each figure of one filter from the same figure of every filter counting fewer records (all
    agencies less one, two days less one): the records of the one and not the other lie
    between the one's lowest less the other's highest and the one's highest less the other's
    lowest, 0 or more, and within what the filter for exactly those records shows, if any."""
    tables = {chosen: publish(table_of(records, chosen)) for chosen in FILTERS}
    published = {chosen: [known(cell) for cell in grid_of(t)] for chosen, t in tables.items()}
    truth = {chosen: [int(cell.value) for cell in grid_of(t)] for chosen, t in tables.items()}
    people = {chosen: frozenset(r[0] for r in records if r[1] in chosen[0] and r[2] in chosen[1])
              for chosen in FILTERS}  # fmt: skip
    narrowest = BASE
    for chosen in FILTERS:
        small = [k for k, n in enumerate(truth[chosen]) if 1 <= n <= BASE - 1]
        if small:
            lower, upper = zip(*published[chosen], strict=True)
            found = ranges(lower, upper, equations_of(0), [{k: 1} for k in small])
            narrowest = min(narrowest, *(_values(span) for span in found))
    for wider, narrower in itertools.permutations(FILTERS, 2):
        if not people[narrower] < people[wider]:
            continue
        between = next((f for f in FILTERS if people[f] == people[wider] - people[narrower]), None)
        for k, ((lo1, hi1), (lo2, hi2)) in enumerate(
            zip(published[wider], published[narrower], strict=True)
        ):
            if not 1 <= truth[wider][k] - truth[narrower][k] <= BASE - 1:
                continue
            lo, hi = max(0, lo1 - hi2), hi1 - lo2
            if between:
                lo, hi = max(lo, published[between][k][0]), min(hi, published[between][k][1])
            narrowest = min(narrowest, _values((lo, hi)))
    return narrowest


def _values(span: tuple[float, float]) -> int:
    lo, hi = disclosure._whole(*span)
    return hi - lo + 1


def records_from(cells: list[tuple[int, int, int, int]]) -> list[tuple]:
    return [(pk, *cell) for pk, cell in enumerate(cells, start=1)]


data_sets = st.lists(
    st.tuples(
        st.integers(0, AGENCIES - 1), st.integers(0, DAYS - 1),
        st.integers(0, ROWS - 1), st.integers(0, COLS - 1),
    ),
    max_size=70,
).map(records_from)  # fmt: skip


# Derandomized like test_linked_disclosure's property (measured, not proven): the same draws.
@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data_sets)
def test_the_attacker_never_narrows_a_small_count_below_the_documented_width(records):
    assert attack(records, disclosure.protect, known_range) >= WIDTH, records


def test_with_the_old_rule_the_attacker_finds_small_counts_within_a_table_and_across_filters():
    # Within one table: two hidden cells in a line whose total is shown (a + b = 11 - 9 = 2).
    column = records_from([(0, 0, 0, 0), (0, 0, 0, 1), *[(0, 0, 0, 2)] * 9])
    within = table_of(column, (frozenset({0}), frozenset({0})))
    old_rule(within)
    lo, hi = zip(*(old_known(cell) for cell in grid_of(within)), strict=True)
    [(a_lo, a_hi)] = ranges(lo, hi, equations_of(0), [{0: 1}])
    assert (a_lo, a_hi) == (1, 1)
    # Across filters: all agencies less all but one (7 - 5 = 2 where the one showed "<5").
    across = records_from([*[(0, 0, 0, 0)] * 2, *[(1, 0, 0, 0)] * 5, *[(2, 0, 1, 1)] * 6])
    assert attack(across, old_rule, old_known) == 1
    assert attack(column, old_rule, old_known) == 1
    # The same data sets under the new rule.
    assert attack(across, disclosure.protect, known_range) >= WIDTH
    assert attack(column, disclosure.protect, known_range) >= WIDTH


def without_audit(table: Table) -> Table:
    return disclosure.perturb(table)


def listed(counts: list[int], first: int = 1) -> Table:
    """A one-column list (referrals by source, services by type) of Tally counts, records
    numbered in order from `first`."""
    rows, pk = [], first - 1
    for n, count in enumerate(counts):
        tally = Tally(0)
        for _ in range(count):
            pk += 1
            tally += Tally(1, key_of(LABEL, pk))
        rows.append((f"r{n}", [tally]))
    return Table(key="l", title="L", row_header="Source", columns=["n"], rows=rows,
                 sensitive=True)  # fmt: skip


def test_without_the_audit_rounding_alone_lets_some_table_give_a_count_away():
    """Rounded lists whose hidden cell the audit did not check: a count of 1 among three of 6
    (total 19) is 0 or 1 when each 6 was rounded up to 10 (so 6 or more) and the total down to
    15 (so at most 19), as the records' keys make it in about one list in 625: those counted
    from record 31,826, 52,004 or 53,239 under the pinned secret (found by trying every 19th).
    The audit hides more in each."""
    counts = [1, 6, 6, 6]
    for first in (31_826, 52_004, 53_239):
        spans = disclosure.hidden_ranges(without_audit(listed(counts, first)))
        assert any(not disclosure.is_protected(span) for span in spans.values()), first
        spans = disclosure.hidden_ranges(disclosure.audit(without_audit(listed(counts, first))))
        assert all(disclosure.is_protected(span) for span in spans.values()), first
    assert all(  # most lists need nothing more
        disclosure.is_protected(span)
        for first in range(1, 400, 19)
        for span in disclosure.hidden_ranges(without_audit(listed(counts, first))).values()
    )


def test_a_cell_shows_the_same_rounded_figure_wherever_its_records_are_counted():
    records = records_from([(a, 0, 0, 0) for a in (0, 1, 2) for _ in range(4)])
    one = disclosure.protect(table_of(records, FILTERS[0]))
    again = disclosure.protect(table_of(list(reversed(records)), FILTERS[0]))
    assert [c.shown for c in grid_of(one)] == [c.shown for c in grid_of(again)]
    # The cell and its row total count the same 12 records: the same figure.
    assert one.cells[0][0].shown == one.cells[0][-1].shown
    assert one.cells[0][0].published in (10, 15) and one.cells[0][0].published % BASE == 0


@settings(max_examples=100, deadline=None)
@given(st.integers(BASE, 10_000), st.integers(0, disclosure.PRIME - 1))
def test_a_rounded_count_is_a_multiple_of_five_within_four_and_never_below_five(n, key):
    shown = disclosure.rounded(n, key)
    assert shown % BASE == 0 and abs(shown - n) <= BASE - 1 and shown >= BASE
    lo, hi = known_range(Cell(n, published=shown))
    assert lo <= n <= hi
