"""The case page's lists as templates/cases/case_detail.html showed them, built once per row in
Python: the template's loops, asking each row's record for its URLs, its dates through the
`date` filter and its names through attribute lookups, were a third of the page's CPU
(bench_pages --profile, issue #22). Every value goes through format_html, which escapes it as
the template did; tests/cases/test_case_page_rows.py renders the old loops beside these rows."""

from __future__ import annotations

from collections.abc import Iterable

from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from cases.forms import TransitionForm
from cases.models import Arrest, Case, Charge, CourtEvent, Person
from cases.selectors.cases import TimelineEntry
from taskforce.web.shown import date_text, reversed_with, time_element

WHEN = "M j, Y H:i"
DAY = "M j, Y"
HEARING_WHEN = "D M j, Y H:i"


def _joined(rows: Iterable[SafeString], between: str = "") -> SafeString:
    return mark_safe(between.join(rows))  # noqa: S308 - each row is format_html's, values escaped


def _if(condition, fmt: str, *args) -> SafeString | str:
    """`{% if condition %}fmt{% endif %}` with the values escaped."""
    return format_html(fmt, *args) if condition else ""


TIMELINE_ROW = (
    '\n      <li>{at} <strong>{what}</strong>{who}{detail}</li>\n    '
)  # fmt: skip


def timeline_rows(timeline: Iterable[TimelineEntry]) -> SafeString:
    zone = timezone.get_current_timezone()
    return _joined(
        format_html(
            TIMELINE_ROW,
            at=time_element(entry.at, WHEN, zone=zone),
            what=entry.what,
            who=_if(entry.who, ' <span class="muted">by {}</span>', entry.who),
            detail=_if(entry.detail, "<br><span>{}</span>", entry.detail),
        )
        for entry in timeline
    )


CHARGE_ROW = (
    "\n          <tr{muted}>\n"
    "            <td>{defendant}</td>\n"
    "            <td>{count}</td>\n"
    "            <td>{statute}</td>\n"
    "            <td>{level}</td>\n"
    "            <td>{filed}</td>\n"
    "            <td>{status}</td>\n"
    "            <td>\n"
    "              {actions}\n"
    "              {sentence}\n"
    "            </td>\n"
    "          </tr>\n        "
)
SENTENCE = (
    "<details><summary>Sentence</summary><p>{custody_days} days{stayed}, {probation_months} "
    "months' probation, fine ${fine}. Assessment ${assessment}{reduced}, ${paid} paid: {split}."
    "</p></details>\n              "
)


def _charge_status(charge: Charge) -> SafeString | str:
    if charge.status == "amended":
        to = charge.amended_to
        return format_html("Amended to {}", to.statute.citation if to is not None else "")
    if charge.status == "disposed":
        return format_html(
            "{}, {}", charge.get_disposition_display(), date_text(charge.disposed_on, DAY)
        )
    return "Active"


def _sentence(sentence) -> SafeString:
    return format_html(
        SENTENCE,
        custody_days=localize(sentence.custody_days),
        stayed=" (stayed)" if sentence.custody_stayed else "",
        probation_months=localize(sentence.probation_months),
        fine=localize(sentence.fine),
        assessment=localize(sentence.assessment),
        reduced=" (reduced for indigence)" if sentence.assessment_reduced_for_indigence else "",
        paid=localize(sentence.assessment_paid),
        split=_joined(
            (format_html("{} ${}", who, localize(amount)) for who, amount in sentence.split()),
            ", ",
        ),
    )


MUTED = mark_safe(' class="muted"')


def charge_rows(charges: Iterable[Charge], case: Case, can_change: bool) -> SafeString:
    amend = reversed_with("cases:charge_amend", case.public_id)
    dispose = reversed_with("cases:charge_dispose", case.public_id)
    sentence_new = reversed_with("cases:sentence_new", case.public_id)
    rows = []
    for charge in charges:
        count = localize(charge.count_number)
        active = charge.status == "active"
        sentence = getattr(charge, "sentence", None)
        if sentence:
            shown_sentence = _sentence(sentence)
        elif can_change and charge.is_conviction:
            shown_sentence = format_html(
                '<a href="{}">Record the sentence<span class="visually-hidden"> on count {}'
                "</span></a>",
                sentence_new(charge.public_id), count,
            )  # fmt: skip
        else:
            shown_sentence = ""
        rows.append(format_html(
            CHARGE_ROW,
            muted="" if active else MUTED,
            defendant=charge.defendant.display_name,
            count=count,
            statute=charge.statute,
            level=charge.get_level_display(),
            filed=date_text(charge.filed_on, DAY),
            status=_charge_status(charge),
            actions=format_html(
                '<a href="{}">Amend<span class="visually-hidden"> count {}</span></a> · '
                '<a href="{}">Disposition<span class="visually-hidden"> of count {}</span></a>',
                amend(charge.public_id), count, dispose(charge.public_id), count,
            ) if can_change and active else "",
            sentence=shown_sentence,
        ))  # fmt: skip
    return _joined(rows)


HEARING_ROW = (
    "<li>\n"
    "        <strong>{kind}</strong> {at}{courtroom}{judge} · {status}\n"
    "        {continued}\n"
    "        {outcome}\n"
    "        {actions}\n"
    "      </li>"
)


def hearing_rows(hearings: Iterable[CourtEvent], case: Case, can_change: bool) -> SafeString:
    zone = timezone.get_current_timezone()
    continue_url = reversed_with("cases:hearing_continue", case.public_id)
    record_url = reversed_with("cases:hearing_record", case.public_id)
    rows = []
    for event in hearings:
        to = event.continued_to
        if can_change and event.status == "scheduled":
            named = str(event)
            actions = format_html(
                '<br><a href="{}">Continue<span class="visually-hidden"> the {}</span></a> · '
                '<a href="{}">Record outcome<span class="visually-hidden"> of the {}</span></a>',
                continue_url(event.public_id), named, record_url(event.public_id), named,
            )  # fmt: skip
        else:
            actions = ""
        rows.append(format_html(
            HEARING_ROW,
            kind=event.get_kind_display(),
            at=time_element(event.starts_at, HEARING_WHEN, zone=zone),
            courtroom=_if(event.courtroom, ", {}", event.courtroom),
            judge=_if(event.judge, ", Judge {}", event.judge),
            status=event.get_status_display(),
            continued=_if(
                to,
                '<span class="muted">to {} at the request of {}</span>',
                date_text(to.starts_at, "M j", zone) if to else "",
                event.get_continued_by_display().lower(),
            ),
            outcome=_if(event.outcome, "<br>{}", event.outcome),
            actions=actions,
        ))  # fmt: skip
    return _joined(rows)


DEADLINE_ROW = (
    "<tr>\n"
    '          <td>{title}<br><span class="muted">{source}</span></td>\n'
    "          <td>{due}</td>\n"
    "          <td>{status}{waiver}{waive}</td>\n"
    "        </tr>"
)


def deadline_rows(deadlines: Iterable, can_change: bool) -> SafeString:
    zone = timezone.get_current_timezone()
    waive = reversed_with("deadline_waive")
    return _joined(
        format_html(
            DEADLINE_ROW,
            title=deadline.title,
            source=deadline.source,
            due=time_element(deadline.due_at, HEARING_WHEN, zone=zone),
            status=deadline.get_status_display(),
            waiver=_if(deadline.waiver_reason, ": {}", deadline.waiver_reason),
            waive=format_html(
                ' · <a href="{}">Waive<span class="visually-hidden"> {}</span></a>',
                waive(deadline.public_id),
                deadline.title,
            )
            if deadline.status == "open" and can_change
            else "",
        )
        for deadline in deadlines
    )


def defendant_rows(defendants: Iterable[Person]) -> SafeString:
    url = reversed_with("cases:person_detail")
    return _joined(
        format_html('<li><a href="{}">{}</a></li>', url(person.public_id), person)
        for person in defendants
    )


def arrest_rows(arrests: Iterable[Arrest]) -> SafeString:
    zone = timezone.get_current_timezone()
    url = reversed_with("cases:arrest_detail")
    return _joined(
        format_html(
            '<li><a href="{}">{}</a>, {}, by {}{}</li>',
            url(arrest.public_id),
            date_text(arrest.arrested_at, WHEN, zone),
            arrest.county.name,
            arrest.arresting_agency.label,
            _if(
                arrest.operation,
                ' <span class="muted">({})</span>',
                arrest.operation.name if arrest.operation else "",
            ),
        )
        for arrest in arrests
    )


def victim_rows(victims: Iterable) -> SafeString:
    return _joined(
        format_html("<li>{} · {}</li>", victim.person, victim.get_role_display())
        for victim in victims
    )


def notice_due_rows(notices_due: Iterable) -> SafeString:
    return _joined(format_html("<li>{}: {}</li>", kind.label, why) for kind, why in notices_due)


def notice_rows(notices: Iterable) -> SafeString:
    return _joined(
        format_html(
            "<li>{} to {}, {} — {}, recorded by {}</li>",
            notice.get_kind_display(),
            notice.victim.person.display_name,
            date_text(notice.given_on, DAY),
            notice.get_method_display().lower(),
            notice.given_by.display_name(),
        )
        for notice in notices
    )


def note_rows(notes: Iterable) -> SafeString:
    zone = timezone.get_current_timezone()
    return _joined(
        format_html(
            '<li>{}<br><span class="muted">{}, {}{}</span></li>',
            linebreaksbr(note.body, autoescape=True),
            note.author.display_name(),
            date_text(note.created_at, WHEN, zone),
            " · shared" if note.visibility == "shared" else "",
        )
        for note in notes
    )


def document_rows(documents: Iterable, case: Case) -> SafeString:
    url = reversed_with("cases:document_download", case.public_id)
    return _joined(
        format_html(
            '<li><a href="{}">{}</a> <span class="muted">{}, {}, {}</span></li>',
            url(document.public_id),
            document.title,
            document.original_name,
            filesizeformat(document.size),
            document.uploaded_by.display_name(),
        )
        for document in documents
    )


def shown_rows(lists: dict, *, case: Case, can_change: bool) -> dict[str, SafeString]:
    """Each list of the page (`lists`, by its name in the template) as its rows, by the name
    the template shows them under."""
    return {
        "defendant_rows": defendant_rows(lists["defendants"]),
        "arrest_rows": arrest_rows(lists["arrests"]),
        "charge_rows": charge_rows(lists["charges"], case, can_change),
        "hearing_rows": hearing_rows(lists["hearings"], case, can_change),
        "deadline_rows": deadline_rows(lists["deadlines"], can_change),
        "victim_rows": victim_rows(lists["victims"]),
        "notice_due_rows": notice_due_rows(lists["notices_due"]),
        "notice_rows": notice_rows(lists["notices"]),
        "note_rows": note_rows(lists["notes"]),
        "document_rows": document_rows(lists["documents"], case),
        "timeline_rows": timeline_rows(lists["timeline"]),
    }


# The form that moves a case on is never bound on this page (a refused move redirects back with
# a message): its markup is a function of the statuses it offers, the same for everyone, so it
# is rendered once per process for each set of statuses and language. Its fields' templates
# were a quarter of the page's remaining template time (issue #22).
_TRANSITION_FORMS: dict[tuple, SafeString] = {}


def transition_form_html(form: TransitionForm) -> SafeString:
    """`{% include "includes/form.html" with form=form %}` for an unbound TransitionForm."""
    if form.is_bound:
        raise ValueError("Only an unbound form's markup is the same for everyone.")
    key = (tuple(form.fields["to_status"].choices), translation.get_language())
    html = _TRANSITION_FORMS.get(key)
    if html is None:
        html = _TRANSITION_FORMS[key] = render_to_string("includes/form.html", {"form": form})
    return html
