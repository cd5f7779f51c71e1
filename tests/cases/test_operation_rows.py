"""A sting's arrest rows, built in Python (cases/views/operations.py, ARREST_ROW) instead of the
template's loop: the same HTML as the loop wrote, for the lead agency (checkboxes) and for a
prosecutor (none), the zone beside the two 01:30s of the fall-back night, every value escaped."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse

from cases.selectors.operations import operation_summary
from cases.services.arrests import arrests_create
from cases.services.handoffs import handoff_create
from cases.views.operations import _arrest_rows
from taskforce import access
from tests.factories import verified_login
from tests.stings_fixtures import arrest_row

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=CHICAGO)
HOSTILE = "<script>alert('x')</script> & \"co\""

# The loop templates/cases/operation_detail.html had before the rows were built in Python.
LOOP = Template(
    "{% for arrest in summary.arrests %}\n"
    "          <tr>\n"
    '            <td>{% if arrest.pk in shareable %}<input type="checkbox" name="arrest" '
    'value="{{ arrest.public_id }}" id="pick-{{ forloop.counter }}" aria-label="Select '
    '{{ arrest.arrestee }}"{% if not arrest.handoffs.all %} data-not-handed-off{% endif %}>'
    "{% endif %}</td>\n"
    "            <td><a href=\"{% url 'cases:arrest_detail' arrest.public_id %}\">"
    "{{ arrest.arrestee.display_name }}</a></td>\n"
    "            <td><time datetime=\"{{ arrest.arrested_at|date:'c' }}\">"
    '{{ arrest.arrested_at|date:"M j H:i" }}</time></td>\n'
    "            <td>{{ arrest.county.name }}</td>\n"
    '            <td>{{ arrest.booking_number|default:"—" }}</td>\n'
    "            <td>{{ arrest.get_custody_status_display }}</td>\n"
    "            <td>{% for charge in arrest.charges.all %}{{ charge.statute.citation }}"
    "{% if not forloop.last %}; {% endif %}{% endfor %}</td>\n"
    "            <td>{% for handoff in arrest.handoffs.all %}{{ handoff.to_agency.label }}: "
    "{{ handoff.case.get_status_display }}{% if not forloop.last %}<br>{% endif %}{% empty %}"
    '<span class="muted">Not yet</span>{% endfor %}</td>\n'
    "          </tr>\n"
    "        {% endfor %}"
)


@pytest.fixture
def sting(operation, sheriff_liaison, sheriff, washington, ramsey, patron_13_15, wash_cao):
    """Arrests at the two 01:30s of 1 Nov 2026, one of a hostile name, one without a booking
    number, in two counties; the first two handed off."""
    with time_machine.travel(NOW, tick=False):
        rows = [
            arrest_row(washington, patron_13_15, 1, last_name=HOSTILE,
                       arrested_at=dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC)),
            arrest_row(ramsey, patron_13_15, 2,
                       arrested_at=dt.datetime(2026, 11, 1, 7, 30, tzinfo=dt.UTC)),
            arrest_row(washington, patron_13_15, 3, booking_number="", custody_status="cited"),
        ]  # fmt: skip
        arrests = arrests_create(
            actor=sheriff_liaison, operation=operation, arresting_agency=sheriff, rows=rows
        )
        handoff_create(actor=sheriff_liaison, arrests=arrests[:2], to_agency=wash_cao)
    return operation


@pytest.mark.parametrize("viewer", ["sheriff_liaison", "wash_prosecutor"])
def test_rows_are_the_html_the_template_loop_wrote(request, sting, viewer):
    actor = request.getfixturevalue(viewer)
    with time_machine.travel(NOW, tick=False):
        summary = operation_summary(actor=actor, operation=sting)
        allowed = access.allowed_actions_each(actor, summary.arrests)
        shareable = {pk for pk, actions in allowed.items() if access.Action.SHARE in actions}
        assert len(summary.arrests) == (3 if viewer == "sheriff_liaison" else 2)
        assert bool(shareable) == (viewer == "sheriff_liaison")
        old = LOOP.render(Context({"summary": summary, "shareable": shareable}))
        assert "".join(_arrest_rows(summary.arrests, shareable)) == old


def test_the_page_shows_the_zones_of_the_two_0130s_and_escapes_the_arrestee(
    client, sting, sheriff_liaison
):
    verified_login(client, sheriff_liaison)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("cases:operation_detail", args=[sting.public_id]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert" not in html
    escaped = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;co&quot;"
    assert f">{escaped}, Pat</a></td>" in html
    assert f'aria-label="Select {escaped}, Pat (b. 1980-01-02)">' in html
    assert '<time datetime="2026-11-01T01:30:00-05:00">Nov 1 01:30 CDT</time>' in html
    assert '<time datetime="2026-11-01T01:30:00-06:00">Nov 1 01:30 CST</time>' in html
    assert html.count(" data-not-handed-off>") == 1
    assert "<td>—</td>" in html and '<span class="muted">Not yet</span>' in html
