"""The deadlines tables' rows, built in Python (taskforce/web/shown.py `deadline_rows`) instead
of the include's loop: the same HTML as the loop wrote, overdue rows marked, values escaped."""

import datetime as dt
import uuid

import time_machine
from django.template import Context, Template

from taskforce.models import Deadline, DeadlineStatus
from taskforce.web.shown import deadline_rows

# The loop templates/taskforce/_deadline_table.html had before the rows were built in Python.
LOOP = Template(
    "{% for deadline in rows %}\n"
    '        <tr{% if deadline.is_overdue %} class="entry-row--invalid"{% endif %}>\n'
    "          <td><time datetime=\"{{ deadline.due_at|date:'c' }}\">"
    '{{ deadline.due_at|date:"D M j, Y H:i" }}</time></td>\n'
    "          <td>{{ deadline.title }}</td>\n"
    '          <td class="muted">{{ deadline.source }}</td>\n'
    '          <td><a href="{{ deadline.url }}">Open<span class="visually-hidden"> the record of'
    " “{{ deadline.title }}”</span></a></td>\n"
    "          <td><a href=\"{% url 'deadline_waive' deadline.public_id %}\">Waive"
    '<span class="visually-hidden"> “{{ deadline.title }}”</span></a></td>\n'
    "        </tr>{% endfor %}"
)
HOSTILE = "<script>alert('x')</script> & \"co\""


def deadlines() -> list[Deadline]:
    """Due across the fall-back night (01:00-01:59 happens twice on 1 Nov 2026), one overdue."""
    utc = dt.UTC
    made = [
        Deadline(public_id=uuid.UUID(int=1), title=HOSTILE, source="Minn. R. Crim. P. 4.01",
                 status=DeadlineStatus.OPEN, due_at=dt.datetime(2026, 11, 1, 6, 30, tzinfo=utc)),
        Deadline(public_id=uuid.UUID(int=2), title="Charging decision", source=HOSTILE,
                 status=DeadlineStatus.OPEN, due_at=dt.datetime(2026, 11, 1, 7, 30, tzinfo=utc)),
        Deadline(public_id=uuid.UUID(int=3), title="First appearance", source="Rule 3.02",
                 status=DeadlineStatus.OPEN, due_at=dt.datetime(2026, 11, 3, 15, 0, tzinfo=utc)),
    ]  # fmt: skip
    for n, deadline in enumerate(made):
        deadline.url = f"/cases/{uuid.UUID(int=10 + n)}/?a=1&b={n}"
    return made


@time_machine.travel(dt.datetime(2026, 11, 1, 7, 0, tzinfo=dt.UTC), tick=False)
def test_rows_are_the_html_the_include_loop_wrote():
    rows = deadlines()
    assert deadline_rows(rows) == LOOP.render(Context({"rows": rows}))


@time_machine.travel(dt.datetime(2026, 11, 1, 7, 0, tzinfo=dt.UTC), tick=False)
def test_only_the_overdue_row_is_marked_and_hostile_values_are_escaped():
    html = deadline_rows(deadlines())
    assert html.count("entry-row--invalid") == 1
    assert "<script>" not in html and "&lt;script&gt;" in html and "?a=1&amp;b=0" in html
    assert "Sun Nov 1, 2026 01:30 CDT" in html and "Sun Nov 1, 2026 01:30 CST" in html
