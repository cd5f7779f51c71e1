"""A sting's arrest rows, built in Python (cases/views/operations.py, ARREST_ROW) instead of the
template's loop, from rows read in plain SQL under the policy's kept conditions instead of
querysets (cases/selectors/operations.py): the same HTML as the loop wrote over the arrests the
queryset read, the same arrests, figures and permissions, for the lead agency (checkboxes), a
prosecutor (none), an agency the sting is shared with (the arrests, not the hand-offs to a case
it cannot open) and one that sees nothing; a sealed arrest shown to nobody; the zone beside the
two 01:30s of the fall-back night, every value escaped."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Prefetch
from django.template import Context, Template
from django.urls import reverse

from cases.models import Arrest, RecommendedCharge
from cases.selectors.handoffs import handoffs_seen_by
from cases.selectors.operations import operation_summary
from cases.services.arrests import arrests_create
from cases.services.handoffs import handoff_create
from cases.views.operations import _arrest_rows
from taskforce import access
from taskforce.sealing import record_seal
from tests.factories import UserFactory, verified_login
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
def sting(operation, sheriff_liaison, sheriff, washington, ramsey, patron_13_15, wash_cao,
          woodbury_pd):  # fmt: skip
    """Arrests at the two 01:30s of 1 Nov 2026, one of a hostile name, one without a booking
    number, in two counties, a fourth sealed; the first two handed off; the sting shared with
    Woodbury."""
    with time_machine.travel(NOW, tick=False):
        rows = [
            arrest_row(washington, patron_13_15, 1, last_name=HOSTILE,
                       arrested_at=dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC)),
            arrest_row(ramsey, patron_13_15, 2,
                       arrested_at=dt.datetime(2026, 11, 1, 7, 30, tzinfo=dt.UTC)),
            arrest_row(washington, patron_13_15, 3, booking_number="", custody_status="cited"),
            arrest_row(washington, patron_13_15, 4),
        ]  # fmt: skip
        arrests = arrests_create(
            actor=sheriff_liaison, operation=operation, arresting_agency=sheriff, rows=rows
        )
        handoff_create(actor=sheriff_liaison, arrests=arrests[:2], to_agency=wash_cao)
        access.share(actor=sheriff_liaison, obj=operation, to_agency=woodbury_pd,
                     reason="Woodbury investigates")  # fmt: skip
        administrator = UserFactory(username="administrator", is_staff=True, is_superuser=True)
        record_seal(actor=administrator, obj=arrests[3], reason="Court order")
    return operation


def _read_as_before(actor, operation) -> list[Arrest]:
    """The sting's arrests as the page's queryset read them before (issue #22)."""
    return list(
        access.visible(actor, Arrest)
        .filter(operation=operation)
        .select_related("arrestee", "county", "arresting_agency", "owner_agency")
        .prefetch_related(
            Prefetch("charges", queryset=RecommendedCharge.objects.select_related("statute")),
            handoffs_seen_by(actor),
        )
        .order_by("arrested_at", "id")
    )


def _figures_as_before(arrests: list[Arrest]) -> tuple[list, list, int]:
    """By statute, by county and handed off, as the page counted them from those arrests."""
    statutes: dict[tuple, int] = {}
    counties: dict[str | None, int] = {}
    for arrest in arrests:
        for statute in {charge.statute for charge in arrest.charges.all()}:
            key = (statute.citation, statute.title, statute.level)
            statutes[key] = statutes.get(key, 0) + 1
        county = arrest.county.name if arrest.county_id else None
        counties[county] = counties.get(county, 0) + 1
    by_statute = [
        {"statute__citation": c, "statute__title": t, "statute__level": lv, "arrests": n}
        for (c, t, lv), n in sorted(statutes.items())
    ]
    by_county = [
        {"county__name": name, "arrests": n}
        for name, n in sorted(counties.items(), key=lambda i: (-i[1], i[0] is None, i[0] or ""))
    ]
    return by_statute, by_county, sum(1 for arrest in arrests if arrest.handoffs.all())


@pytest.mark.parametrize(
    ("viewer", "seen", "handed_off"),
    [("sheriff_liaison", 3, 2), ("wash_prosecutor", 2, 2), ("woodbury_liaison", 3, 0),
     ("ramsey_prosecutor", 0, 0)],
)  # fmt: skip
def test_rows_are_the_html_the_template_loop_wrote(request, sting, viewer, seen, handed_off):
    actor = request.getfixturevalue(viewer)
    with time_machine.travel(NOW, tick=False):
        before = _read_as_before(actor, sting)
        summary = operation_summary(actor=actor, operation=sting)
        assert [a.pk for a in summary.arrests] == [a.pk for a in before]
        assert [row.arrest.pk for row in summary.rows] == [a.pk for a in before]
        assert len(summary.arrests) == seen
        assert (summary.by_statute, summary.by_county, summary.handed_off) == (
            _figures_as_before(before)
        )
        assert summary.handed_off == handed_off
        allowed = access.allowed_actions_each(actor, summary.arrests)
        assert allowed == access.allowed_actions_each(actor, before)
        shareable = {pk for pk, actions in allowed.items() if access.Action.SHARE in actions}
        assert bool(shareable) == (viewer == "sheriff_liaison")
        old = LOOP.render(Context({"summary": {"arrests": before}, "shareable": shareable}))
        assert "".join(_arrest_rows(summary.rows, shareable)) == old


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
    assert "Buyer04" not in html  # sealed
    assert "<td>—</td>" in html and '<span class="muted">Not yet</span>' in html


def test_a_lapsed_share_empties_the_rows_though_their_sql_was_compiled_before(
    sting, sheriff_liaison, ramsey_cao, ramsey_prosecutor
):
    """The rows' conditions are kept compiled per person; the moment a grant lapses at is
    filled in at each read."""
    ends = NOW + dt.timedelta(days=30)
    with time_machine.travel(NOW, tick=False):
        access.share(
            actor=sheriff_liaison, obj=sting, to_agency=ramsey_cao, reason="For 30 days",
            expires_at=ends,
        )  # fmt: skip
    with time_machine.travel(ends - dt.timedelta(minutes=1), tick=False):
        assert len(operation_summary(actor=ramsey_prosecutor, operation=sting).rows) == 3
    with time_machine.travel(ends + dt.timedelta(seconds=1), tick=False):
        assert operation_summary(actor=ramsey_prosecutor, operation=sting).rows == []
