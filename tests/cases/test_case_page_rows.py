"""The case page's lists, built once per row in Python (cases/views/case_page.py) instead of
the template's loops (issue #22): the same HTML as the loops wrote, for the owner's prosecutor
and supervisor (every action link) and for the agency the case is shared with (none), with
every value escaped; the form that moves a case on is the include it was; and `shown.date_text`
is the `date` filter, zone of the hour that happens twice included."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases.forms import TransitionForm
from cases.services.court import court_event_record, court_event_schedule
from cases.services.notes import document_upload, note_add
from cases.views import case_page
from taskforce.web import shown
from tests.cases import test_case_page_folded as folded_page
from tests.factories import verified_login

pytestmark = pytest.mark.django_db
HOSTILE = "<script>alert('x')</script> & \"co\""
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;co&quot;"

# The case with a row in every list, and its clock.
clock, full_case = folded_page.clock, folded_page.full_case

# The loops templates/cases/case_detail.html had before its rows were built in Python, by the
# name the page now shows their rows under.
LOOPS = {
    "defendant_rows": (
        "{% for person in defendants %}<li><a href=\"{% url 'cases:person_detail' "
        'person.public_id %}">{{ person }}</a></li>{% endfor %}'
    ),
    "arrest_rows": (
        "{% for arrest in arrests %}<li><a href=\"{% url 'cases:arrest_detail' "
        'arrest.public_id %}">{{ arrest.arrested_at|date:"M j, Y H:i" }}</a>, {{ '
        "arrest.county.name }}, by {{ arrest.arresting_agency.label }}{% if "
        'arrest.operation %} <span class="muted">({{ arrest.operation.name }})</span>{% '
        "endif %}</li>{% endfor %}"
    ),
    "charge_rows": (
        "{% for charge in charges %}\n"
        '          <tr{% if charge.status != "active" %} class="muted"{% endif %}>\n'
        "            <td>{{ charge.defendant.display_name }}</td>\n"
        "            <td>{{ charge.count_number }}</td>\n"
        "            <td>{{ charge.statute }}</td>\n"
        "            <td>{{ charge.get_level_display }}</td>\n"
        '            <td>{{ charge.filed_on|date:"M j, Y" }}</td>\n'
        '            <td>{% if charge.status == "amended" %}Amended to {{ '
        'charge.amended_to.statute.citation }}{% elif charge.status == "disposed" %}{{ '
        'charge.get_disposition_display }}, {{ charge.disposed_on|date:"M j, Y" }}{% '
        "else %}Active{% endif %}</td>\n"
        "            <td>\n"
        '              {% if can_change and charge.status == "active" %}<a href="{% url '
        "'cases:charge_amend' case.public_id charge.public_id %}\">Amend<span "
        'class="visually-hidden"> count {{ charge.count_number }}</span></a> · <a '
        "href=\"{% url 'cases:charge_dispose' case.public_id charge.public_id %}"
        '">Disposition<span class="visually-hidden"> of count {{ charge.count_number }}'
        "</span></a>{% endif %}\n"
        "              {% if charge.sentence %}<details><summary>Sentence</summary><p>{{ "
        "charge.sentence.custody_days }} days{% if charge.sentence.custody_stayed %} "
        "(stayed){% endif %}, {{ charge.sentence.probation_months }} months' probation, "
        "fine ${{ charge.sentence.fine }}. Assessment ${{ charge.sentence.assessment }}"
        "{% if charge.sentence.assessment_reduced_for_indigence %} (reduced for "
        "indigence){% endif %}, ${{ charge.sentence.assessment_paid }} paid: {% for who, "
        "amount in charge.sentence.split %}{{ who }} ${{ amount }}{% if not forloop.last "
        "%}, {% endif %}{% endfor %}.</p></details>\n"
        '              {% elif can_change and charge.is_conviction %}<a href="{% url '
        "'cases:sentence_new' case.public_id charge.public_id %}\">Record the "
        'sentence<span class="visually-hidden"> on count {{ charge.count_number }}'
        "</span></a>{% endif %}\n"
        "            </td>\n"
        "          </tr>\n"
        "        {% endfor %}"
    ),
    "hearing_rows": (
        "{% for event in hearings %}<li>\n"
        '        <strong>{{ event.get_kind_display }}</strong> <time datetime="{{ '
        'event.starts_at|date:\'c\' }}">{{ event.starts_at|date:"D M j, Y H:i" }}</time>{% '
        "if event.courtroom %}, {{ event.courtroom }}{% endif %}{% if event.judge %}, "
        "Judge {{ event.judge }}{% endif %} · {{ event.get_status_display }}\n"
        '        {% if event.continued_to %}<span class="muted">to {{ '
        'event.continued_to.starts_at|date:"M j" }} at the request of {{ '
        "event.get_continued_by_display|lower }}</span>{% endif %}\n"
        "        {% if event.outcome %}<br>{{ event.outcome }}{% endif %}\n"
        '        {% if can_change and event.status == "scheduled" %}<br><a href="{% url '
        "'cases:hearing_continue' case.public_id event.public_id %}\">Continue<span "
        'class="visually-hidden"> the {{ event }}</span></a> · <a href="{% url '
        "'cases:hearing_record' case.public_id event.public_id %}\">Record outcome<span "
        'class="visually-hidden"> of the {{ event }}</span></a>{% endif %}\n'
        "      </li>{% endfor %}"
    ),
    "deadline_rows": (
        "{% for deadline in deadlines %}<tr>\n"
        '          <td>{{ deadline.title }}<br><span class="muted">{{ deadline.source }}'
        "</span></td>\n"
        "          <td><time datetime=\"{{ deadline.due_at|date:'c' }}\">{{ "
        'deadline.due_at|date:"D M j, Y H:i" }}</time></td>\n'
        "          <td>{{ deadline.get_status_display }}{% if deadline.waiver_reason %}: "
        '{{ deadline.waiver_reason }}{% endif %}{% if deadline.status == "open" and '
        "can_change %} · <a href=\"{% url 'deadline_waive' deadline.public_id %}"
        '">Waive<span class="visually-hidden"> {{ deadline.title }}</span></a>{% endif %}'
        "</td>\n"
        "        </tr>{% endfor %}"
    ),
    "victim_rows": (
        "{% for victim in victims %}<li>{{ victim.person }} · {{ victim.get_role_display "
        "}}</li>{% endfor %}"
    ),
    "notice_due_rows": (
        "{% for kind, why in notices_due %}<li>{{ kind.label }}: {{ why }}</li>{% endfor %}"
    ),
    "notice_rows": (
        "{% for notice in notices %}<li>{{ notice.get_kind_display }} to {{ "
        'notice.victim.person.display_name }}, {{ notice.given_on|date:"M j, Y" }} — {{ '
        "notice.get_method_display|lower }}, recorded by {{ notice.given_by.display_name "
        "}}</li>{% endfor %}"
    ),
    "note_rows": (
        "{% for note in notes %}<li>{{ note.body|linebreaksbr }}<br><span "
        'class="muted">{{ note.author.display_name }}, {{ note.created_at|date:"M j, Y '
        'H:i" }}{% if note.visibility == "shared" %} · shared{% endif %}</span></li>{% '
        "endfor %}"
    ),
    "document_rows": (
        "{% for document in documents %}<li><a href=\"{% url 'cases:document_download' "
        'case.public_id document.public_id %}">{{ document.title }}</a> <span '
        'class="muted">{{ document.original_name }}, {{ document.size|filesizeformat }}, '
        "{{ document.uploaded_by.display_name }}</span></li>{% endfor %}"
    ),
    "timeline_rows": (
        "{% for entry in timeline %}\n"
        '      <li><time datetime="{{ entry.at|date:\'c\' }}">{{ entry.at|date:"M j, Y '
        'H:i" }}</time> <strong>{{ entry.what }}</strong>{% if entry.who %} <span '
        'class="muted">by {{ entry.who }}</span>{% endif %}{% if entry.detail %}'
        "<br><span>{{ entry.detail }}</span>{% endif %}</li>\n"
        '    {% empty %}<li class="empty-state">Nothing yet.</li>{% endfor %}'
    ),
}

NOT_SHARED = {"arrest_rows", "victim_rows", "notice_rows", "notice_due_rows"}


@pytest.fixture
def hostile_case(full_case, wash_prosecutor):
    """The full case, with a note, a document and a hearing held whose words are markup."""
    note_add(actor=wash_prosecutor, case=full_case, body=f"{HOSTILE}\nsecond line",
             visibility="shared")  # fmt: skip
    document_upload(actor=wash_prosecutor, case=full_case, title=HOSTILE, visibility="shared",
                    upload=SimpleUploadedFile("a&b.txt", b"memo"))  # fmt: skip
    hearing = court_event_schedule(
        actor=wash_prosecutor, case=full_case, kind="first_appearance", courtroom=HOSTILE,
        judge=HOSTILE, starts_at=timezone.now() - dt.timedelta(hours=1),
    )  # fmt: skip
    court_event_record(actor=wash_prosecutor, event=hearing, status="held", outcome=HOSTILE)
    full_case.refresh_from_db()
    return full_case


@pytest.mark.parametrize("viewer", ["wash_prosecutor", "wash_supervisor", "ramsey_prosecutor"])
def test_rows_are_the_html_the_template_loops_wrote(request, client, hostile_case, viewer):
    verified_login(client, request.getfixturevalue(viewer))
    page = client.get(reverse("cases:detail", args=[hostile_case.public_id]))
    assert page.status_code == 200
    context = {name: page.context[name] for name in (
        "case", "can_change", "defendants", "arrests", "charges", "hearings", "deadlines",
        "victims", "notices_due", "notices", "notes", "documents", "timeline",
    )}  # fmt: skip
    owner = viewer != "ramsey_prosecutor"
    assert context["can_change"] == owner
    for name, loop in LOOPS.items():
        rows = page.context[name]
        assert rows == Template(loop).render(Context(context)), name
        # Every list has rows for the owner's people; the agency the case is shared with sees
        # neither the arrests nor the victims (nor their notices), which were not shared.
        assert bool(rows) == (owner or name not in NOT_SHARED), name


def test_the_page_escapes_what_its_rows_show(client, hostile_case, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    html = folded_page._page(client, hostile_case)
    assert "<script>" not in html
    assert f'<li>{ESCAPED}<br>second line<br><span class="muted">' in html  # the note
    assert f'">{ESCAPED}</a> <span class="muted">a&amp;b.txt, 4\xa0bytes, ' in html  # document
    assert f", {ESCAPED}, Judge {ESCAPED} · Held\n        \n        <br>{ESCAPED}\n" in html
    assert f"<br><span>{ESCAPED}</span></li>" in html  # the hearing held, on the timeline


def test_an_empty_timeline_still_says_so(client, full_case, wash_prosecutor):
    """What the `{% empty %}` of the timeline's loop wrote, for a page with nothing on it."""
    verified_login(client, wash_prosecutor)
    page = client.get(reverse("cases:detail", args=[full_case.public_id]))
    names = page.context.keys()  # a ContextList iterates its contexts, not their names
    context = {name: page.context[name] for name in names}
    assert context["timeline_rows"]
    html = render_to_string("cases/case_detail.html", {**context, "timeline_rows": ""})
    old = Template(LOOPS["timeline_rows"]).render(Context({"timeline": []}))
    assert f'<ol class="timeline">\n    {old}\n  </ol>' in html


CHICAGO = ZoneInfo("America/Chicago")


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC),  # 01:30 CDT, the first of two
        dt.datetime(2026, 11, 1, 7, 30, tzinfo=dt.UTC),  # 01:30 CST, the second
        dt.datetime(2026, 3, 8, 8, 30, 15, 123456, tzinfo=dt.UTC),  # the morning of spring
        dt.datetime(2026, 7, 4, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo")),  # another zone
        None,
        "",
    ],
)
@pytest.mark.parametrize("fmt", ["M j, Y H:i", "D M j, Y H:i", "M j", "M j, Y", "c", "Y-m-d"])
def test_date_text_is_the_date_filter(value, fmt):
    with timezone.override(CHICAGO):
        filtered = Template("{{ value|date:fmt }}").render(Context({"value": value, "fmt": fmt}))
        assert shown.date_text(value, fmt) == filtered
        assert shown.date_text(value, fmt, zone=CHICAGO) == filtered


@pytest.mark.parametrize("fmt", ["M j", "M j, Y", "c", "Y-m-d"])
def test_date_text_is_the_date_filter_for_a_day(fmt):
    day = dt.date(2026, 12, 25)
    assert shown.date_text(day, fmt) == Template("{{ day|date:fmt }}").render(
        Context({"day": day, "fmt": fmt})
    )


def test_a_reversed_url_with_its_id_put_in_is_the_url_reversed(full_case):
    charge = full_case.charges.all()[0]
    url = shown.reversed_with("cases:charge_amend", full_case.public_id)
    expected = reverse("cases:charge_amend", args=[full_case.public_id, charge.public_id])
    assert url(charge.public_id) == expected
    assert shown.reversed_with("deadline_waive")(charge.public_id) == reverse(
        "deadline_waive", args=[charge.public_id]
    )


def test_the_move_form_is_the_include_it_was(client, full_case, wash_prosecutor):
    """The form that moves a case on, rendered once per process for the statuses it offers:
    what `{% include "includes/form.html" with form=transition_form %}` wrote, for this case
    and for a case in another status; a bound form (with errors of its own) is refused."""
    case_page._TRANSITION_FORMS.clear()
    include = Template('{% include "includes/form.html" with form=form %}')
    verified_login(client, wash_prosecutor)
    page = client.get(reverse("cases:detail", args=[full_case.public_id]))
    form = TransitionForm(case=full_case)
    assert form.fields["to_status"].choices
    assert page.context["transition_form_html"] == include.render(Context({"form": form}))
    assert 'name="to_status"' in page.context["transition_form_html"]
    assert case_page.transition_form_html(form) is page.context["transition_form_html"]
    full_case.status = "intake"
    other = TransitionForm(case=full_case)
    assert other.fields["to_status"].choices != form.fields["to_status"].choices
    assert case_page.transition_form_html(other) == include.render(Context({"form": other}))
    assert len(case_page._TRANSITION_FORMS) == 2
    with pytest.raises(ValueError, match="unbound"):
        case_page.transition_form_html(TransitionForm({}, case=full_case))
