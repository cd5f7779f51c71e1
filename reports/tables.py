"""A report table (counts by row and column, with totals) and small-cell suppression.

Every table of the reports pages is one of these: the page draws it, a chart draws it, the CSV
export writes it, all from the same cells, so a value hidden in one is hidden in all.

Where counts of several agencies' people are shown together, reports/disclosure.py rounds them
(`Cell.published`), hides counts of 1 to 4 (primary suppression), hides more cells until no
hidden count can be worked out from the table (its audit), and withholds the breakdown of a table
of fewer than MINIMUM people. Every hidden cell shows the same "x", whatever hid it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# One symbol for every hidden count (Statistics Canada's "x"): a reader who could tell a small
# count's "<5" from a complement's "—" would know the one is 0 to 4 and the other 5 or more, and
# two nested filters' tables solved together chain those bounds (issue #21, reports/disclosure).
HIDDEN = "x"
SMALL = HIDDEN  # a hidden count of 1 to 4 shows as any hidden cell does
PRIMARY, COMPLEMENT, WITHHELD = "primary", "complement", "withheld"


@dataclass
class Cell:
    value: int | float | str | None
    hidden: str = ""  # "", PRIMARY, COMPLEMENT or WITHHELD (why; all show as HIDDEN)
    published: int | None = None  # what is shown instead of the count (rounded), if anything

    @property
    def shown(self) -> str:
        if self.hidden:
            return HIDDEN
        value = self.value if self.published is None else self.published
        if value is None:
            return "n/a"
        if isinstance(value, Decimal):
            return f"{value:,.2f}"
        if isinstance(value, float):
            return f"{value:,.1f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    @property
    def number(self) -> int | float | None:
        """The value a chart may draw: nothing for a hidden or missing cell."""
        if self.hidden or not isinstance(self.value, int | float):
            return None
        return self.value if self.published is None else self.published


@dataclass
class Table:
    """Counts by row label and column label. `totals` adds a Total column and row."""

    key: str  # stable id: the page's anchor and the CSV export's name
    title: str
    row_header: str
    columns: list[str]
    rows: list[tuple[str, list]]  # (label, values by column)
    totals: bool = True
    sensitive: bool = False  # counts of victims or referrals
    chart: str = ""  # "stacked", "bars" or "line"; "" for none
    stack: tuple[int, ...] = ()  # the columns a stacked chart splits each bar into (all if empty)
    note: str = ""
    cells: list[list[Cell]] = field(default_factory=list, init=False)
    total_row: list[Cell] = field(default_factory=list, init=False)
    suppressed: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.cells = [[Cell(v) for v in values] for _, values in self.rows]
        if self.totals:
            for label_cells in self.cells:
                label_cells.append(Cell(sum(c.value or 0 for c in label_cells)))
            width = len(self.columns) + 1
            self.total_row = [
                Cell(sum(row[j].value or 0 for row in self.cells)) for j in range(width)
            ]

    @property
    def headers(self) -> list[str]:
        return [self.row_header, *self.columns, *(["Total"] if self.totals else [])]

    @property
    def body(self) -> list[tuple[str, list[Cell]]]:
        return [(label, cells) for (label, _), cells in zip(self.rows, self.cells, strict=True)]

    @property
    def is_empty(self) -> bool:
        return not self.rows or all(
            not (c.value or 0) for row in self.cells for c in row if isinstance(c.value, int)
        )

    def csv_rows(self) -> list[list[str]]:
        rows = [[label, *(c.shown for c in cells)] for label, cells in self.body]
        if self.totals:
            rows.append(["Total", *(c.shown for c in self.total_row)])
        return [self.headers, *rows]


@dataclass
class Figure:
    """One headline number. `basis` is how many rows a median stands on; a sensitive figure
    (victims, referrals) of 1 to 4, or a median over fewer than 5 of them, is hidden in the
    task-force-wide view."""

    label: str
    value: Cell
    sensitive: bool = False
    basis: int | None = None
    basis_unit: str = ""

    def suppress(self) -> Figure:
        if not self.sensitive:
            return self
        if self.basis is not None:
            if 1 <= self.basis <= 4:
                self.value.hidden = PRIMARY
        elif isinstance(self.value.value, int) and 1 <= self.value.value <= 4:
            self.value.hidden = PRIMARY
        return self

    @property
    def basis_shown(self) -> str:
        if self.basis is None:
            return ""
        if self.value.hidden:
            return f"fewer than 5 {self.basis_unit}"
        unit = self.basis_unit.removesuffix("s") if self.basis == 1 else self.basis_unit
        return f"{self.basis:,} {unit}"
