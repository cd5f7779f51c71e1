"""The shared-records table's rows, built in Python (taskforce/web/shown.py `share_rows`) instead
of the include's loop: the same HTML as the loop wrote, both directions, every value escaped."""

import datetime as dt
import uuid

import time_machine
from django.template import Context, Template

from taskforce.models import Agency, Share, ShareLevel
from taskforce.web.shown import share_rows

# The loop templates/taskforce/_share_table.html had before the rows were built in Python.
LOOP = Template(
    "{% for share in rows %}\n"
    "      <tr>\n"
    '        <td><a href="{{ share.url }}">{{ share.label }}</a></td>\n'
    '        <td>{% if direction == "in" %}{{ share.from_agency.name }}{% else %}'
    "{{ share.to_agency.name }}{% endif %}</td>\n"
    "        <td>{{ share.get_level_display }}</td>\n"
    "        <td>{{ share.reason }}</td>\n"
    '        <td>{{ share.created_at|date:"M j, Y" }}</td>\n'
    '        <td>{{ share.expires_at|date:"M j, Y H:i"|default:"Until revoked" }}</td>\n'
    '        {% if direction == "out" %}<td>{% if share.can_revoke %}'
    '<a href="{% url \'share_revoke\' share.public_id %}">Revoke<span class="visually-hidden">'
    " access for {{ share.to_agency.name }} to {{ share.label }}</span></a>{% endif %}</td>"
    "{% endif %}\n"
    "      </tr>\n"
    "    {% endfor %}"
)
HOSTILE = "<script>alert('x')</script> & \"co\""


def shares() -> list[Share]:
    """Shares made and lapsing across the fall-back night (01:00-01:59 happens twice)."""
    utc = dt.UTC
    ours = Agency(name="Washington County Attorney's Office")
    hostile = Agency(name=HOSTILE)
    made = [
        Share(public_id=uuid.UUID(int=1), from_agency=ours, to_agency=hostile,
              level=ShareLevel.VIEW, reason=HOSTILE,
              created_at=dt.datetime(2026, 11, 1, 5, 59, tzinfo=utc),
              expires_at=dt.datetime(2026, 11, 1, 6, 30, tzinfo=utc)),
        Share(public_id=uuid.UUID(int=2), from_agency=hostile, to_agency=ours,
              level=ShareLevel.CHANGE, reason="Venue",
              created_at=dt.datetime(2026, 11, 1, 7, 30, tzinfo=utc), expires_at=None),
    ]  # fmt: skip
    for share, (label, can_revoke) in zip(
        made, ((HOSTILE, True), ("27-CR-26-1", False)), strict=True
    ):
        share.label, share.url, share.can_revoke = (
            label,
            f"/cases/{share.public_id}/?a=1&b=2",
            can_revoke,
        )
    return made


@time_machine.travel(dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC), tick=False)
def test_rows_are_the_html_the_include_loop_wrote_both_ways():
    rows = shares()
    for direction in ("in", "out"):
        expected = LOOP.render(Context({"rows": rows, "direction": direction}))
        assert share_rows(rows, direction) == expected


@time_machine.travel(dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC), tick=False)
def test_hostile_values_are_escaped_and_only_a_revocable_row_offers_revoke():
    html = share_rows(shares(), "out")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("Revoke<span") == 1 and "?a=1&amp;b=2" in html
    assert "Until revoked" in html and "Nov 1, 2026 01:30 CDT" in html
