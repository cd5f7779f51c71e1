"""Values as a list's rows show them, worked out in Python once per row: a template asking
each row's record for its URL, its dates through the `date` filter and its names through
attribute lookups was most of the caseload's CPU (bench_pages --profile, issue #22)."""

from __future__ import annotations

import datetime as dt
import functools
import html
import uuid
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from taskforce import access, dates, folded
from taskforce.templatetags.local_times import may_show_zone

NONE_SHOWN = "—"


def escaped(value) -> str:
    """`conditional_escape(value)` as plain text: safe text as it is, anything else escaped.
    Django's runs each value through a lazy-aware wrapper; a page's rows call it hundreds of
    times (issue #22)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def html_row(template: str, **values) -> SafeString:
    """`format_html(template, **values)`: every value escaped unless already safe."""
    return SafeString(template.format(**{name: escaped(v) for name, v in values.items()}))


@functools.cache
def _pieces(fmt: str) -> tuple[tuple[bool, str], ...]:
    """A format cut as Django's `Formatter.format` cuts it, once: (is a format character, text)."""
    return tuple(
        (True, piece) if i % 2 else (False, re_escaped.sub(r"\1", piece))
        for i, piece in enumerate(re_formatchars.split(fmt))
        if piece
    )


@functools.cache
def _month_abbreviation(language: str | None, month: int) -> str:
    return MONTHS_3[month].title()


class _DateFormat(DateFormat):
    def M(self) -> str:
        """Django's "M" ("Jan"), kept per language: each one translated a name again."""
        return _month_abbreviation(get_language(), self.data.month)


def local_text(local: dt.datetime, fmt: str) -> str:
    """What `{{ value|date:fmt }}` shows for a local time (taskforce/templatetags/local_times.py:
    the zone added in the hour that happens twice), without the filter's lookups per call."""
    formatter = _DateFormat(local)
    text = "".join(str(getattr(formatter, piece)()) if is_char else piece
                   for is_char, piece in _pieces(fmt))  # fmt: skip
    # DateFormat keeps no zone for a time that happens twice: only then may the zone be needed.
    if formatter.timezone is None and may_show_zone(fmt) and dates.shows_zone(local):
        return f"{text} {local.tzname()}"
    return text


def date_text(value, fmt: str, zone: dt.tzinfo | None = None) -> str:
    """Exactly what `{{ value|date:fmt }}` shows: nothing for no value, a time in the current
    zone (`zone`, when the caller has it already), a day as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = value.astimezone(zone or timezone.get_current_timezone())
    return local_text(value, fmt)


# A public id no record has: reversed in its place, then cut out (`reversed_with`).
_ID_SLOT = uuid.UUID("00000000-0000-4000-8000-00000000516f")


def reversed_with(name: str, *args) -> Callable[[uuid.UUID], str]:
    """`{% url name *args public_id %}` for many public ids: the URL reversed once, at its first
    use, and each id put in its place (reverse() per row and link was a tenth of a list's rows)."""
    cut: list[str] = []

    def url(public_id: uuid.UUID) -> str:
        if not cut:
            before, slot, after = reverse(name, args=[*args, _ID_SLOT]).partition(str(_ID_SLOT))
            if not slot or str(_ID_SLOT) in after:
                return reverse(name, args=[*args, public_id])
            cut.extend((before, after))
        return f"{cut[0]}{public_id}{cut[1]}"

    return url


def time_element(
    value: dt.datetime | None, fmt: str, title: str = "", zone: dt.tzinfo | None = None
) -> SafeString | str:
    """`<time datetime="…">…</time>` as the templates write it with `|date:'c'` and `|date:fmt`,
    or a dash for no time; `zone`, the current time zone, when the caller has it already."""
    if value is None:
        return NONE_SHOWN
    if timezone.is_aware(value):
        value = value.astimezone(zone or timezone.get_current_timezone())
    # Django's "c" format is the ISO form of the local time.
    shown = html.escape(local_text(value, fmt))
    if title:
        return SafeString(
            f'<time datetime="{value.isoformat()}" title="{escaped(title)}">{shown}</time>'
        )
    return SafeString(f'<time datetime="{value.isoformat()}">{shown}</time>')


# One row of templates/includes/access_history.html, as its loop wrote it; the loop's `date`
# filter, run twice per event over 50 events, was a third of a supervisor's case page (issue #22).
ACCESS_ROW = (
    "<tr>\n"
    "        <td>{when}</td>\n"
    "        <td>{who}{agency}</td>\n"
    "        <td>{action}{fields}{reason}</td>\n"
    "        <td>{ip}</td>\n"
    "      </tr>"
)


def access_history_rows(events) -> list[SafeString]:
    """The access-history panel's rows for these audit events, each escaped by format_html."""
    zone = timezone.get_current_timezone()
    rows = []
    for event in events:
        fields = event.changed_fields
        rows.append(html_row(
            ACCESS_ROW,
            when=time_element(event.at, "M j, Y H:i", zone=zone),
            who=event.actor_username or "(system)",
            agency=format_html(' <span class="muted">({})</span>', event.actor_agency_name)
            if event.actor_agency_name
            else "",
            action=event.action,
            fields=format_html(" ({})", ", ".join(str(f) for f in fields)) if fields else "",
            reason=format_html(": {}", event.reason) if event.reason else "",
            ip=event.ip_address or NONE_SHOWN,
        ))  # fmt: skip
    return rows


def access_history_context(actor, obj) -> dict:
    """What a record's page needs for its access-history panel (None hides it, an empty list
    shows its empty state): the latest `access.ACCESS_HISTORY_SHOWN` rows, for whom the policy
    lets read them, each built by `access_history_rows`, read by SQL kept compiled."""
    if not access.may_read_access_history(actor, obj):
        return {"access_history": None, "access_history_record": obj.public_id}
    events = folded.kept_rows(
        lambda type_id, target_id: access.latest_access(type_id, target_id)[
            : access.ACCESS_HISTORY_SHOWN
        ],
        key=("access history",),
        type_id=ContentType.objects.get_for_model(obj).pk,
        target_id=obj.pk,
    )
    return {
        "access_history": access_history_rows(events),
        "access_history_record": obj.public_id,
    }


# One row of templates/taskforce/_share_table.html, as its loop wrote it (with the loop's own
# line breaks); the loop and its two `date` filters were most of the shared-records page (#22).
SHARE_ROW = (
    "\n      <tr>\n"
    '        <td><a href="{url}">{label}</a></td>\n'
    "        <td>{agency}</td>\n"
    "        <td>{level}</td>\n"
    "        <td>{reason}</td>\n"
    "        <td>{since}</td>\n"
    "        <td>{until}</td>\n"
    "        {actions}\n"
    "      </tr>\n    "
)
REVOKE_CELL = (
    '<td><a href="{url}">Revoke<span class="visually-hidden"> access for {agency} to {label}'
    "</span></a></td>"
)


def share_rows(shares, direction: str) -> SafeString:
    """The rows of the shared-records table, "in" (shared with the agency: from whom) or "out"
    (shared by it: with whom, and Revoke where `can_revoke`), each value escaped; the shares as
    `access.shares_listed` (and for "out", `access.shares_revocable`) marked them."""
    zone = timezone.get_current_timezone()
    revoke_url = reversed_with("share_revoke")
    rows = []
    for share in shares:
        agency = share.from_agency.name if direction == "in" else share.to_agency.name
        actions = ""
        if direction == "out":
            actions = "<td></td>"
            if share.can_revoke:
                actions = html_row(
                    REVOKE_CELL, url=revoke_url(share.public_id), agency=agency, label=share.label
                )
        rows.append(html_row(
            SHARE_ROW,
            url=share.url,
            label=share.label,
            agency=agency,
            level=share.get_level_display(),
            reason=share.reason,
            since=date_text(share.created_at, "M j, Y", zone),
            until=date_text(share.expires_at, "M j, Y H:i", zone) or "Until revoked",
            actions=SafeString(actions),
        ))  # fmt: skip
    return SafeString("".join(rows))


# One row of templates/taskforce/_deadline_table.html, as its loop wrote it; the loop and its
# `date` filters were most of the deadlines page (issue #22).
DEADLINE_ROW = (
    "\n        <tr{overdue}>\n"
    "          <td>{due}</td>\n"
    "          <td>{title}</td>\n"
    '          <td class="muted">{source}</td>\n'
    '          <td><a href="{url}">Open<span class="visually-hidden"> the record of'
    " \u201c{title}\u201d</span></a></td>\n"
    '          <td><a href="{waive}">Waive<span class="visually-hidden"> \u201c{title}\u201d'
    "</span></a></td>\n"
    "        </tr>"
)


def deadline_rows(deadlines) -> SafeString:
    """The rows of a deadlines table, each value escaped; each deadline with its `url`
    (`deadlines.selectors.attach_urls`)."""
    zone = timezone.get_current_timezone()
    waive = reversed_with("deadline_waive")
    now = timezone.now()
    return SafeString("".join(
        html_row(
            DEADLINE_ROW,
            overdue=SafeString(' class="entry-row--invalid"') if deadline.is_overdue(now) else "",
            due=time_element(deadline.due_at, "D M j, Y H:i", zone=zone),
            title=deadline.title,
            source=deadline.source,
            url=deadline.url,
            waive=waive(deadline.public_id),
        )
        for deadline in deadlines
    ))  # fmt: skip
