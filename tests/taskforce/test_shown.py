"""Rows built in Python (`taskforce.web.shown`) show what Django's own helpers show."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from taskforce.web import shown

VALUES = [
    "<script>alert('x')</script> & \"quoted\"", 42, None, 3.5, mark_safe("<b>kept</b>"),
    gettext_lazy("Sentencing"), "plain",
]  # fmt: skip


def test_html_row_escapes_as_format_html_does():
    template = '<td>{a}</td><td title="{b}">{c}</td>'
    for a in VALUES:
        for b in VALUES:
            assert shown.html_row(template, a=a, b=b, c=a) == format_html(template, a=a, b=b, c=a)


def test_local_text_and_time_element_show_what_the_date_filter_shows():
    """Every month's abbreviation, in English and in Spanish, as `{{ value|date }}` writes it."""
    zone = ZoneInfo("America/Chicago")
    filtered = Template('{{ value|date:"M j, Y H:i" }}')
    for language in ("en", "es"):
        with translation.override(language):
            for month in range(1, 13):
                value = dt.datetime(2026, month, 9, 13, 5, tzinfo=zone)
                expected = filtered.render(Context({"value": value}))
                assert shown.local_text(value, "M j, Y H:i") == expected
                element = shown.time_element(value, "M j, Y H:i", title="<due> & 'soon'", zone=zone)
                assert element == format_html(
                    '<time datetime="{}" title="{}">{}</time>', value.isoformat(),
                    "<due> & 'soon'", expected,
                )  # fmt: skip
