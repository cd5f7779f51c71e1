"""The access-history panel's rows, built in Python (taskforce/web/shown.py) instead of the
include's loop: the same HTML as the loop wrote, the zone beside a time of the hour that happens
twice, every value escaped."""

import datetime as dt

import time_machine
from django.template import Context, Template

from taskforce.models import AuditEvent
from taskforce.web.shown import access_history_rows

# The loop templates/includes/access_history.html had before the rows were built in Python.
LOOP = Template(
    "{% for event in access_history %}<tr>\n"
    '        <td><time datetime="{{ event.at|date:\'c\' }}">{{ event.at|date:"M j, Y H:i" }}'
    "</time></td>\n"
    '        <td>{{ event.actor_username|default:"(system)" }}{% if event.actor_agency_name %} '
    '<span class="muted">({{ event.actor_agency_name }})</span>{% endif %}</td>\n'
    "        <td>{{ event.action }}{% if event.changed_fields %} "
    '({{ event.changed_fields|join:", " }}){% endif %}{% if event.reason %}: {{ event.reason }}'
    "{% endif %}</td>\n"
    '        <td>{{ event.ip_address|default:"—" }}</td>\n'
    "      </tr>{% endfor %}"
)
HOSTILE = "<script>alert('x')</script> & \"co\""


def events() -> list[AuditEvent]:
    """Events across the fall-back night (01:00-01:59 happens twice on 1 Nov 2026)."""
    utc = dt.UTC
    return [
        AuditEvent(at=dt.datetime(2026, 11, 1, 5, 59, tzinfo=utc), actor_username="wash_prosecutor",
                   actor_agency_name="Washington County Attorney", action="case.viewed",
                   ip_address="127.0.0.1"),
        AuditEvent(at=dt.datetime(2026, 11, 1, 6, 30, tzinfo=utc), actor_username=HOSTILE,
                   actor_agency_name=HOSTILE, action="case.changed", reason=HOSTILE,
                   changes={"title": ["a", "b"], "<b>notes</b>": [1, 2]}),
        AuditEvent(at=dt.datetime(2026, 11, 1, 7, 30, tzinfo=utc), action="case.shared",
                   reason="Venue"),
        AuditEvent(at=dt.datetime(2026, 11, 1, 9, 0, tzinfo=utc), actor_username="ramsey_cao",
                   action="case.changed", changes={}, ip_address="2001:db8::1"),
    ]  # fmt: skip


@time_machine.travel(dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC), tick=False)
def test_rows_are_the_html_the_include_loop_wrote_across_the_fall_back_night():
    shown = events()
    assert "".join(access_history_rows(shown)) == LOOP.render(Context({"access_history": shown}))


@time_machine.travel(dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC), tick=False)
def test_the_two_0130s_carry_their_zones_and_hostile_values_are_escaped():
    first, second, third, fourth = access_history_rows(events())
    assert ">Nov 1, 2026 00:59</time>" in first
    assert '<time datetime="2026-11-01T01:30:00-05:00">Nov 1, 2026 01:30 CDT</time>' in second
    assert '<time datetime="2026-11-01T01:30:00-06:00">Nov 1, 2026 01:30 CST</time>' in third
    assert ">Nov 1, 2026 03:00</time>" in fourth
    assert "<script>" not in second and "<b>notes" not in second
    escaped = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;co&quot;"
    assert f'<td>{escaped} <span class="muted">({escaped})</span></td>' in second
    assert f"<td>case.changed (&lt;b&gt;notes&lt;/b&gt;, title): {escaped}</td>" in second
    assert "<td>(system)</td>" in third and "<td>—</td>" in third
    assert "<td>case.changed</td>" in fourth and "<td>2001:db8::1</td>" in fourth
