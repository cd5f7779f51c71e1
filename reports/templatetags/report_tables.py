"""A report table's body rows drawn in Python: the operations page lists up to 5,000
operations of 11 cells each, and the template's loops drew them in about 0.5 s of the
coordinator's ten-year page (bench/bench_reports.py, issue #22). The same bytes as the loop
the template held (tests/reports/test_table_html.py)."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString

from reports.tables import Cell, Table

register = template.Library()

_ROW = '\n              <tr><th scope="row">{}</th>{}</tr>\n            '


def _text(value) -> str:
    """What `{{ value }}` writes for a string: escaped unless already safe (conditional_escape)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


@register.filter
def body_rows(table: Table) -> SafeString:
    """Every body row of the table as `<tr>`s, each with the template's indentation."""
    rows = []
    for label, cells in table.body:
        tds = "".join(_td(cell) for cell in cells)
        rows.append(_ROW.format(_text(label), tds))
    return SafeString("".join(rows))


def _td(cell: Cell) -> str:
    if cell.hidden:
        return f'<td class="suppressed">{_text(cell.shown)}</td>'
    value = cell.value if cell.published is None else cell.published
    if type(value) is int:  # nearly every cell: Cell.shown's digits, nothing to escape
        return f"<td>{value:,}</td>"
    return f"<td>{_text(cell.shown)}</td>"
