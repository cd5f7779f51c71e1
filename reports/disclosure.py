"""Disclosure control of the task-force-wide reports (issue #21): counts of victims, referrals and
their services and deadlines shown so that no count of 1 to 4 can be worked out, within a table
(by linear programming over its cells and totals) or across filters (by subtraction).

Four steps, in this order, wherever counts of several agencies' people are shown together (the
coordinator's pages, CSV files and headline figures, and the grant export's victim and service
rows); a supervisor's own agency's figures stay exact:

1. **Cell-key rounding** (fixed random rounding to base 5, the Stats NZ census practice, keyed as
   the ABS cell-key method keys its perturbation). Each counted record has a key (`record_key`:
   a keyed hash of its id, worked out in the same GROUP BY as the count); a cell's key is the
   sum of its records' keys modulo a prime, so a total's key is the sum of its cells'. The key
   picks an offset r in 0..4 (`offset`: HMAC-SHA256 with `REPORTS_DISCLOSURE_KEY`), and a count
   n >= 5 shows as 5 * floor((n + r) / 5): a multiple of 5 at most 4 away, rounded up with
   probability (n mod 5) / 5, so unbiased. The same records always give the same figure (asking
   again, on another page or in the CSV, never averages the rounding away), totals are rounded
   by their own key (so a total is the same wherever it appears, and a table's cells need not
   add up to it), and a difference of two figures is off by up to 8 and always a multiple of 5.
   Zero stays 0: an empty cell has nothing to protect.
2. **Primary suppression**: a count of 1 to 4 (cell or total) is hidden.
3. **Minimum population** (`withhold`): a table counting fewer than MINIMUM people (its grand
   total) shows its grand total only; every other cell is hidden.
4. **Audit** (`audit`): for every hidden count of 1 to 4, the least and greatest count a reader
   could find consistent with everything the table shows is worked out by linear programming
   (HiGHS): cells and totals add up; a cell shown as p > 0 holds max(5, p - 4) to p + 4; 0 is
   0; a hidden cell holds any count (`known_range`). A table of counts with its row and column
   totals is a network matrix, so these bounds are whole numbers and no integer program could
   narrow them further. Whenever a hidden small count's range holds fewer than `WIDTH` whole
   numbers (3), another cell of its row or column is hidden, the smallest that restores the
   range (complementary suppression), and the audit runs again.

**One symbol for every hidden cell** ("x", as Statistics Canada marks primary and complementary
suppressions alike): the reader is told that a hidden cell may be a count of 1 to 4, a zero or
a count of any size hidden to protect one, never which. With "<5" for the small counts and "—"
(5 or more) for the complements, an attacker solving two nested filters' tables and their
difference in one linear program (all agencies and all but one, two days and one: wider =
narrower + difference, cell by cell) chained those bounds: a cell shown as 5 or more in the
wider table, less a "<5" of the difference, is at least 1 in the narrower one, and a "<5" total
of its line then pins its cells (tests/reports/test_linked_disclosure.py keeps that data set).
With hidden cells unbounded, and the breakdown of small populations withheld (where nearly
every cell is small and the rounding's edges line up), that attacker leaves every count of 1 to
4 at least WIDTH values on every random data set of the tests (both tests' attackers, every
pair of filters): a measured property of the method, as the ABS says of its cell-key method,
not a theorem; chains of many filters at once are not covered. It holds over the filters the
coordinator's form offers, one agency or every one and one county or every one
(reports/views.OneOrEvery): over any set of them, an attacker solving overlapping pairs
(tests/reports/test_overlapping_disclosure.py) narrowed a count in about 2 data sets in 100.

What it costs: a published count is off by up to 4 (on average about 2), a table's cells no
longer add up to its total, a small difference between two periods or filters is lost, a hidden
cell no longer says whether it is small, and a table of fewer than MINIMUM people shows its
total only.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable, Sequence

import highspy
from django.conf import settings
from django.db.models import BigIntegerField, Expression, F, Value
from django.db.models.functions import Cast

from reports.tables import COMPLEMENT, PRIMARY, WITHHELD, Cell, Figure, Table

BASE = 5  # shown counts are multiples of 5; counts below it are hidden
WIDTH = 3  # a hidden count's range must hold at least this many whole numbers
MINIMUM = 20  # people a table counts (its grand total) for its breakdown to be shown
UNBOUNDED = 10**9  # the top of a range no published figure bounds
PRIME = 2_147_483_647  # 2**31 - 1: keys and their squares fit a 64-bit integer in SQL
INFINITY = highspy.kHighsInf


class Tally(int):
    """A count with its cell key: the sum of its records' keys modulo PRIME. Adding tallies adds
    both, so a total made by `sum` carries the key of the records it counts."""

    key: int

    def __new__(cls, n: int, key: int = 0) -> Tally:
        tally = super().__new__(cls, n)
        tally.key = int(key or 0) % PRIME
        return tally

    def __add__(self, other):
        if isinstance(other, Tally):
            return Tally(int(self) + int(other), self.key + other.key)
        if isinstance(other, int) and not other:  # sum()'s start
            return self
        return int(self) + other

    __radd__ = __add__


def _secret(purpose: str) -> bytes:
    return hmac.new(
        settings.REPORTS_DISCLOSURE_KEY.encode(), purpose.encode(), hashlib.sha256
    ).digest()


def _coefficient(purpose: str) -> int:
    return 1 + int.from_bytes(_secret(purpose)[:8], "big") % (PRIME - 1)


def _coefficients(label: str) -> tuple[int, int]:
    return _coefficient(f"a:{label}"), _coefficient(f"b:{label}")


def record_key(model: type, field: str = "pk") -> Expression:
    """A record's key, in SQL: (a * id + b) mod PRIME, squared mod PRIME, with a and b secret and
    drawn per model. Worked out in the GROUP BY that counts the records (PostgreSQL and SQLite),
    with no column to store or migrate; a cell's key is then hashed again with HMAC (`offset`),
    so what decides the rounding is a keyed hash of the set of records it counts."""
    a, b = _coefficients(model._meta.label)
    mixed = (Cast(F(field), BigIntegerField()) * Value(a) + Value(b)) % Value(PRIME)
    return (mixed * mixed) % Value(PRIME)


def key_of(label: str, pk: int) -> int:
    """`record_key` worked out in Python (tests compare the two)."""
    a, b = _coefficients(label)
    return ((a * pk + b) % PRIME) ** 2 % PRIME


def offset(key: int) -> int:
    """The rounding offset (0 to BASE - 1) a cell key gives: a lookup in a perturbation table
    of BASE columns, through a keyed hash so that neighbouring keys give unrelated offsets."""
    digest = hmac.new(_secret("offset"), str(key % PRIME).encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % BASE


def rounded(n: int, key: int) -> int:
    """What a count of BASE or more shows: 5 * floor((n + r) / 5), r the key's offset."""
    return BASE * ((n + offset(key)) // BASE)


def _cell_key(value) -> int:
    return value.key if isinstance(value, Tally) else 0


def known_range(cell: Cell) -> tuple[float, float]:
    """What a reader can tell of a sensitive cell's count from what it shows, knowing the rule:
    a hidden cell ("x") is any count (1 to 4, or a zero or a count of any size hidden to protect
    one: the reader is not told which), 0 is none, and a figure p > 0 is a count of 5 or more
    within 4 of it."""
    if cell.hidden:
        return 0, INFINITY
    if cell.published is None:  # exact
        return cell.value, cell.value
    if not cell.published:
        return 0, 0
    return max(BASE, cell.published - (BASE - 1)), cell.published + (BASE - 1)


def ranges(
    lower: Sequence[float],
    upper: Sequence[float],
    equations: Iterable[dict[int, float]],
    targets: Iterable[dict[int, float]],
) -> list[tuple[float, float]]:
    """The least and greatest value of each target (a linear form: variable → coefficient) over
    every x with lower <= x <= upper and each equation's form equal to 0 (HiGHS's simplex)."""
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    size = len(lower)
    solver.addVars(size, list(lower), list(upper))
    for equation in equations:
        solver.addRow(0, 0, len(equation), list(equation), list(equation.values()))
    found = []
    for target in targets:
        costs = [0.0] * size
        for variable, coefficient in target.items():
            costs[variable] = coefficient
        solver.changeColsCost(size, list(range(size)), costs)
        bounds = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            solver.changeObjectiveSense(sense)
            solver.run()
            status = solver.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                bounds.append(solver.getInfo().objective_function_value)
            elif status in (highspy.HighsModelStatus.kUnbounded,
                            highspy.HighsModelStatus.kUnboundedOrInfeasible):  # fmt: skip
                bounds.append(-INFINITY if sense == highspy.ObjSense.kMinimize else INFINITY)
            else:
                raise ValueError(f"the published table admits no counts ({status})")
        found.append((bounds[0], bounds[1]))
    return found


def table_grid(table: Table) -> list[list[Cell]]:
    """The table's cells, its totals row last and totals column last."""
    return [*table.cells, *([table.total_row] if table.totals else [])]


def table_equations(grid: list[list[Cell]], index: dict[int, int]) -> list[dict[int, float]]:
    """Each line's cells add up to its total (the last cell of every row and column)."""
    lines = [*grid, *(list(column) for column in zip(*grid, strict=True))]
    equations = []
    for *parts, total in lines:
        equation: dict[int, float] = {}
        for cell in parts:
            equation[index[id(cell)]] = equation.get(index[id(cell)], 0) + 1
        equation[index[id(total)]] = equation.get(index[id(total)], 0) - 1
        equations.append(equation)
    return equations


def _is_small(cell: Cell) -> bool:
    """A count the rule protects: 1 to 4 (hidden)."""
    return isinstance(cell.value, int) and 1 <= cell.value <= BASE - 1


def hidden_ranges(table: Table) -> dict[int, tuple[int, int]]:
    """Each small hidden count's range (by id of its cell) as a reader can work it out."""
    grid = table_grid(table)
    cells = [cell for row in grid for cell in row]
    index = {id(cell): n for n, cell in enumerate(cells)}
    small = [cell for cell in cells if _is_small(cell)]
    if not small:
        return {}
    known = [known_range(cell) for cell in cells]
    equations = table_equations(grid, index) if table.totals else []
    found = ranges(
        [lo for lo, _ in known], [hi for _, hi in known], equations,
        [{index[id(cell)]: 1} for cell in small],
    )  # fmt: skip
    return {id(cell): _whole(lo, hi) for cell, (lo, hi) in zip(small, found, strict=True)}


def _whole(lo: float, hi: float) -> tuple[int, int]:
    """The whole numbers in [lo, hi] (bounds are integral; this only absorbs solver tolerance);
    an unbounded top is UNBOUNDED."""
    top = math.floor(hi + 1e-6) if math.isfinite(hi) else UNBOUNDED
    return math.ceil(lo - 1e-6), top


def is_protected(span: tuple[int, int]) -> bool:
    return span[1] - span[0] + 1 >= WIDTH


def audit(table: Table) -> Table:
    """Hide more cells until every small count's range holds at least WIDTH values (module doc).
    The cheapest cell that restores the failing count's range is hidden, trying its own row and
    column first: a zero or the smallest count of 5 or more. If no single cell does, the
    cheapest is hidden and the audit runs again."""
    grid = table_grid(table)
    while True:
        spans = hidden_ranges(table)
        failing = [cell for row in grid for cell in row
                   if _is_small(cell) and not is_protected(spans[id(cell)])]  # fmt: skip
        if not failing:
            break
        target = failing[0]
        candidates = _candidates(grid, target)
        if not candidates:  # nothing left to hide (not met in tests): the whole table goes
            for row in grid:
                for cell in row:
                    cell.hidden = cell.hidden or _hiding(cell)
            break
        chosen = candidates[0]
        for candidate in candidates:
            candidate.hidden = _hiding(candidate)
            if is_protected(hidden_ranges(table)[id(target)]):
                chosen = candidate
                break
            candidate.hidden = ""
        chosen.hidden = _hiding(chosen)
    table.suppressed = any(cell.hidden for row in grid for cell in row)
    return table


def _hiding(cell: Cell) -> str:
    """Why a cell the audit hides is hidden (it shows as every hidden cell does)."""
    return COMPLEMENT


def _candidates(grid: list[list[Cell]], target: Cell) -> list[Cell]:
    """The cells that may be hidden to protect `target`: shown counts (no figure of 1 to 4 is
    shown), those in its row or column first, cheapest (smallest) first."""
    at = next((i, j) for i, row in enumerate(grid) for j, c in enumerate(row) if c is target)
    found = [
        (i != at[0] and j != at[1], cell.value, n, cell)
        for n, (i, j, cell) in enumerate(
            (i, j, cell) for i, row in enumerate(grid) for j, cell in enumerate(row)
        )
        if not cell.hidden and isinstance(cell.value, int)
    ]
    return [cell for *_, cell in sorted(found, key=lambda found: found[:3])]


def perturb(table: Table) -> Table:
    """Round every count of 5 or more by its cell key; hide those of 1 to 4 (steps 1 and 2)."""
    for row in table_grid(table):
        for cell in row:
            _round(cell)
    table.suppressed = any(cell.hidden for row in table_grid(table) for cell in row)
    return table


def withhold(table: Table) -> Table:
    """A table of fewer than MINIMUM people shows its grand total only (step 3). Tables without
    totals (a trend: one period a cell, no line adding up) are left to steps 1 and 2."""
    if not table.totals:
        return table
    grid = table_grid(table)
    everyone = grid[-1][-1]
    if isinstance(everyone.value, int) and 0 < everyone.value < MINIMUM:  # none: nothing to hide
        for row in grid:
            for cell in row:
                if cell is not everyone:
                    cell.hidden = WITHHELD
        table.suppressed = True
    return table


def _round(cell: Cell) -> None:
    if isinstance(cell.value, int) and not isinstance(cell.value, bool):
        if 1 <= cell.value <= BASE - 1:
            cell.hidden = PRIMARY
        else:
            cell.published = rounded(cell.value, _cell_key(cell.value))


def protect(table: Table) -> Table:
    """A table as counts of several agencies' people may be shown: rounded, small counts hidden,
    small populations' breakdowns withheld, audited. Tables of other counts (arrests, charges,
    days) are shown as they are."""
    if not table.sensitive:
        return table
    return audit(withhold(perturb(table)))


def protect_figure(figure: Figure) -> Figure:
    """A headline figure as the tables show it: a count rounded by the key of the records it
    counts (the same figure as its table's total), 1 to 4 hidden. A median over
    fewer than 5 people is hidden (Figure.suppress); medians are not rounded."""
    if not figure.sensitive:
        return figure
    if figure.basis is None:
        _round(figure.value)
        return figure
    return figure.suppress()
