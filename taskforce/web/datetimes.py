"""Date-and-time fields of every form: a local time typed on the day the clocks go back is
asked about (which of the two), one in the spring's missing hour refused, both next to the
field (`taskforce.dates`)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join

from taskforce import dates

LOCAL = "%Y-%m-%dT%H:%M"
FOLD_SUFFIX = "_fold"


class LocalInput(str):
    """What was typed, with the reading chosen for a time that happens twice ("0", "1" or "")."""

    fold: str = ""

    def __new__(cls, text: str, fold: str = "") -> LocalInput:
        typed = super().__new__(cls, text)
        typed.fold = fold
        return typed


def _naive(value) -> dt.datetime | None:
    """The local wall-clock time a widget's value stands for, fold kept; None if unreadable."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, str) and value.strip():
        try:
            return parse_datetime(value.strip())
        except ValueError:
            return None
    return None


class LocalDateTimeInput(forms.DateTimeInput):
    """A datetime-local input; when its time happens twice that day, the two readings beside it
    as radio buttons ("01:30 CDT (first)", "01:30 CST (second)")."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, format=LOCAL):
        super().__init__(attrs, format=format)

    def value_from_datadict(self, data, files, name):
        text = data.get(name)
        if not isinstance(text, str):
            return text
        return LocalInput(text, data.get(name + FOLD_SUFFIX, ""))

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        naive = _naive(value)
        if naive is None or naive.tzinfo is not None or not dates.is_ambiguous(naive):
            return html
        # A stored time: the reading it has; a typed one: the reading chosen, if any.
        chosen = str(naive.fold) if isinstance(value, dt.datetime) else getattr(value, "fold", "")
        base = (attrs or {}).get("id") or f"id_{name}"
        options = format_html_join(
            "",
            '<label class="choice"><input type="radio" name="{}" value="{}" id="{}"{}> {}</label>',
            (
                (name + FOLD_SUFFIX, fold, f"{base}{FOLD_SUFFIX}_{fold}",
                 " checked" if chosen == fold else "", label)
                for fold, label in dates.fold_choices(naive)
            ),
        )  # fmt: skip
        return format_html(
            '{}<fieldset class="fold-choice"><legend>{} happens twice that day (the clocks go '
            "back an hour): which one?</legend>{}</fieldset>",
            html,
            f"{naive:%H:%M}",
            options,
        )


class LocalDateTimeField(forms.DateTimeField):
    """A local date and time: asks which one is meant when it happens twice that day, refuses
    one that never happens, instead of Django's guess or its "may be ambiguous" refusal."""

    widget = LocalDateTimeInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return value
        fold = getattr(value, "fold", "")
        if isinstance(value, dt.datetime):
            naive = value
            fold = fold or str(value.fold)
        else:
            try:
                naive = parse_datetime(value.strip())
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
            if naive is None:
                # The other accepted formats (DATETIME_INPUT_FORMATS), read as typed.
                naive = forms.BaseTemporalField.to_python(self, value)
        if timezone.is_aware(naive):
            return naive
        try:
            return dates.local_instant(naive, fold)
        except dates.LocalTimeError as refused:
            raise forms.ValidationError(refused.message, code=refused.code) from None
        except (OverflowError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        # Shown as the local wall clock with its fold, so the widget knows which reading it is.
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
