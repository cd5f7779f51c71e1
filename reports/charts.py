"""Charts drawn on the server as SVG: no script, no external service, no inline style (the
colours are classes in app.css). Each chart names itself for screen readers and points to the
table beside it, which holds the same numbers. Hidden (suppressed) cells are not drawn."""

from __future__ import annotations

from html import escape as _escape

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from reports.tables import Table

WIDTH, LABEL, ROW, GAP = 720, 250, 22, 8
LABEL_CHARS = 34  # what fits in LABEL at the labels' 12px; longer ones end in …
PLOT = WIDTH - LABEL - 60


def _frame(table: Table, height: int, body: str, legend: str = "") -> SafeString:
    title_id = f"chart-{table.key}-title"
    return format_html(
        '<figure class="chart"><svg class="chart__svg" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}" focusable="false"><title id="{}">{} (chart; the numbers are in '
        "the table that follows)</title>{}</svg>{}</figure>",
        WIDTH,
        height,
        title_id,
        title_id,
        table.title,
        mark_safe(body),  # noqa: S308 (built below from escaped labels and numbers)
        mark_safe(legend),  # noqa: S308
    )


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _legend(names: list[str]) -> str:
    items = "".join(
        f'<li><span class="swatch series-{i % 8}" aria-hidden="true"></span>{escape(n)}</li>'
        for i, n in enumerate(names)
    )
    return f'<ul class="chart__legend">{items}</ul>'


def stacked_bars(table: Table, columns: list[int]) -> SafeString:
    """One horizontal bar per row, split into the given columns. Written for speed: the
    operations page draws a bar per operation (5,000 in ten years), and each label, header and
    cell read once per bar kept the chart under 0.1 s of the page (issue #22)."""
    rows = table.body
    if not rows:
        return SafeString("")
    numbers = [[cells[j].number or 0 for j in columns] for _, cells in rows]
    totals = [sum(values) for values in numbers]
    scale = PLOT / max(max(totals), 1)
    headers = [(series % 8, escape(table.headers[j + 1])) for series, j in enumerate(columns)]
    parts = []
    for index, ((label, _), values, total) in enumerate(zip(rows, numbers, totals, strict=True)):
        y = GAP + index * (ROW + GAP)
        text_y = f"{y + ROW * 0.7:.1f}"
        parts.append(
            f'<text class="chart__label" x="{LABEL - 8}" y="{text_y}" '
            f'text-anchor="end">{_escape(str(_short(label)))}</text>'
        )
        named = _escape(str(label))  # django's escape, without its lazy-string wrapper
        x = float(LABEL)
        for (series, header), value in zip(headers, values, strict=True):
            if value:
                width = value * scale
                parts.append(
                    f'<rect class="series-{series}" x="{x:.1f}" y="{y}" width="{width:.1f}" '
                    f'height="{ROW}"><title>{named}: {header} {value:,}</title></rect>'
                )
                x += width
        parts.append(f'<text class="chart__value" x="{x + 6:.1f}" y="{text_y}">{total:,}</text>')
    height = GAP + len(rows) * (ROW + GAP)
    return _frame(table, height, "".join(parts), _legend([table.headers[j + 1] for j in columns]))


def bars(table: Table) -> SafeString:
    return stacked_bars(table, [0])


def line(table: Table) -> SafeString:
    """One series over the years of its columns, with each point's value written beside it."""
    [(_, cells)] = table.body
    points = [(i, c.number) for i, c in enumerate(cells)]
    shown = [v for _, v in points if v is not None]
    height, top, left, step = 180, 24, 60, (WIDTH - 120) / max(len(cells) - 1, 1)
    scale = (height - top - 40) / max(max(shown, default=1), 1)
    coords = [(left + i * step, height - 30 - v * scale, v) for i, v in points if v is not None]
    parts = [
        f'<line class="chart__axis" x1="{left}" y1="{height - 30}" x2="{WIDTH - 40}" '
        f'y2="{height - 30}"/>'
    ]
    for i, year in enumerate(table.columns):
        parts.append(
            f'<text class="chart__label" x="{left + i * step:.1f}" y="{height - 10}" '
            f'text-anchor="middle">{escape(year)}</text>'
        )
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in coords)
        parts.append(f'<polyline class="chart__line" points="{path}"/>')
    for x, y, v in coords:
        parts.append(
            f'<circle class="chart__point" cx="{x:.1f}" cy="{y:.1f}" r="4"/>'
            f'<text class="chart__value" x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle">'
            f"{v:,}</text>"
        )
    return _frame(table, height, "".join(parts))


def chart_for(table: Table) -> SafeString:
    if table.chart == "line":
        return line(table)
    if table.chart == "bars":
        return bars(table)
    if table.chart == "stacked":
        return stacked_bars(table, list(table.stack or range(len(table.columns))))
    return SafeString("")
