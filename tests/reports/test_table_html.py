"""The report tables and their bar charts drawn in Python (issue #22: 5,000 operations in the
template's loops took about half a second) write the same bytes the template loop and the
chart code they replace wrote, for every kind of cell: counts, rounded, hidden, amounts,
days, missing, and labels that need escaping."""

from decimal import Decimal

from django.template import engines
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reports import disclosure
from reports.charts import GAP, LABEL, PLOT, ROW, _frame, _legend, _short, stacked_bars
from reports.tables import COMPLEMENT, PRIMARY, Table
from reports.templatetags.report_tables import body_rows

# The template's loop before it became the `body_rows` filter (templates/reports/report.html).
OLD_BODY = """<tbody>
            {% for label, cells in table.body %}
              <tr><th scope="row">{{ label }}</th>{% for cell in cells %}<td{% if cell.hidden %} class="suppressed"{% endif %}>{{ cell.shown }}</td>{% endfor %}</tr>
            {% endfor %}
          </tbody>"""  # noqa: E501
NEW_BODY = """{% load report_tables %}<tbody>
            {{ table|body_rows }}
          </tbody>"""


def old_stacked_bars(table: Table, columns: list[int]) -> SafeString:
    """reports/charts.py's stacked_bars before it read each cell once per bar."""
    rows = table.body
    if not rows:
        return SafeString("")
    totals = [sum(cells[j].number or 0 for j in columns) for _, cells in rows]
    scale = PLOT / max(max(totals), 1)
    parts = []
    for index, ((label, cells), total) in enumerate(zip(rows, totals, strict=True)):
        y = GAP + index * (ROW + GAP)
        parts.append(
            f'<text class="chart__label" x="{LABEL - 8}" y="{y + ROW * 0.7:.1f}" '
            f'text-anchor="end">{escape(_short(label))}</text>'
        )
        x = float(LABEL)
        for series, j in enumerate(columns):
            value = cells[j].number or 0
            if value:
                width = value * scale
                parts.append(
                    f'<rect class="series-{series % 8}" x="{x:.1f}" y="{y}" width="{width:.1f}" '
                    f'height="{ROW}"><title>{escape(label)}: {escape(table.headers[j + 1])} '
                    f"{value:,}</title></rect>"
                )
                x += width
        parts.append(
            f'<text class="chart__value" x="{x + 6:.1f}" y="{y + ROW * 0.7:.1f}">{total:,}</text>'
        )
    height = GAP + len(rows) * (ROW + GAP)
    return _frame(table, height, "".join(parts), _legend([table.headers[j + 1] for j in columns]))


def varied_table() -> Table:
    table = Table(
        key="by-operation",
        title="Arrests <by> operation",
        row_header="Operation",
        columns=["Arrests", "Handed & charged", 'Says "pending"', "Days", "Paid", "Rate"],
        rows=[
            ("Operation <Nightfall> & \"Dawn\" 'o'", [12, 0, 1234567, 3.25, Decimal("10.5"), None]),
            (mark_safe("<em>safe</em> label"), [5, 3, 2, 0.0, Decimal("0"), "n/a"]),
            ("A much longer operation name than fits beside the chart, cut short",
             [1, 1, 0, 7, Decimal("3"), 12]),
            ("Not recorded", [0, 0, 0, None, None, None]),
            ("Small", [3, 2, 1, 1, Decimal("1.005"), "text"]),
        ],
        totals=False,
        chart="stacked",
        stack=(0, 1, 2),
    )  # fmt: skip
    table.cells[0][1].hidden = PRIMARY
    table.cells[2][2].hidden = COMPLEMENT
    table.cells[1][0].published = 5
    table.cells[3][0].published = 0
    return table


def test_the_body_rows_filter_writes_the_bytes_the_template_loop_wrote():
    django = engines["django"]
    totalled = Table("t", "T", "Agency", ["A", "B"], [("One & two", [1, 2]), ("Three", [0, 4])])
    for table in (varied_table(), totalled):
        old = django.from_string(OLD_BODY).render({"table": table})
        new = django.from_string(NEW_BODY).render({"table": table})
        assert new == old
    varied = django.from_string(OLD_BODY).render({"table": varied_table()})
    assert "&lt;Nightfall&gt; &amp; &quot;Dawn&quot; &#x27;o&#x27;" in varied
    assert "<em>safe</em> label" in varied and "<td>n/a</td>" in varied
    assert '<td class="suppressed">x</td>' in varied
    assert body_rows(Table("t", "T", "R", ["A"], [], totals=False)) == ""


def test_a_protected_table_of_people_is_written_as_the_template_wrote_it():
    rows = [(f"Region {n}", [n, 2 * n, n % 5, 40 - n]) for n in range(1, 12)]
    table = disclosure.protect(
        Table("victims-by-age", "Victims by age", "Region", ["A", "B", "C", "D"], rows,
              sensitive=True)
    )  # fmt: skip
    assert any(cell.hidden for row in table.cells for cell in row)
    django = engines["django"]
    old = django.from_string(OLD_BODY).render({"table": table})
    assert django.from_string(NEW_BODY).render({"table": table}) == old


def test_the_stacked_bars_are_the_bars_the_earlier_code_drew():
    table = varied_table()
    for columns in ([0, 1, 2], [0], [2, 1], list(range(9))[:3]):
        assert stacked_bars(table, columns) == old_stacked_bars(table, columns)
    many = Table(
        "by-operation", "Arrests by operation", "Operation", ["Arrests", "Handed", "Charged"],
        [(f"Operation {n:04d} & co", [n % 97, n % 13, n % 7]) for n in range(3000)],
        totals=False,
    )  # fmt: skip
    assert stacked_bars(many, [1, 2]) == old_stacked_bars(many, [1, 2])
    empty = Table("e", "E", "R", ["A"], [], totals=False)
    assert stacked_bars(empty, [0]) == old_stacked_bars(empty, [0]) == ""
