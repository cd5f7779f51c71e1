"""Select options that are the same for everyone (counties), and their markup, kept per process.

A caseload's filter form read its 87 counties and built an option for each on every request
(bench_pages --profile, issue #22). Counties are reference data: no record, no agency's data,
nothing one person may see and another not. They are read again after `REFRESH_SECONDS`, and
at once in the process that saves or deletes one. The markup kept is a select's for one chosen
value: its options and which one is selected, nothing else of the request.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from threading import Lock

from django import forms
from django.db.models.signals import post_delete, post_save
from django.forms.models import ModelChoiceField
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe

from taskforce.models import County

REFRESH_SECONDS = 300
MARKUP_MAX = 1024

_lock = Lock()
_read_at: float | None = None
_options: dict[str, tuple] = {}  # empty label → its options, the empty one first
_markup: OrderedDict[tuple, str] = OrderedDict()


class KeptOptions(BaseChoiceIterator):
    """Options a select shows as they are (Django makes a list of any other sequence)."""

    def __init__(self, options: tuple):
        self.options = options

    def __iter__(self):
        return iter(self.options)


def county_options(empty_label: str = "") -> KeptOptions:
    """Every county as (id, name) by name, after an empty option when `empty_label` is given:
    read from the database at most every `REFRESH_SECONDS`."""
    global _read_at
    with _lock:
        fresh = _read_at is not None and time.monotonic() - _read_at < REFRESH_SECONDS
        options = _options.get(empty_label) if fresh else None
    if options is None:
        counties = tuple(County.objects.order_by("name", "pk").values_list("pk", "name"))
        options = ((("", empty_label),) if empty_label else ()) + counties
        with _lock:
            if not fresh:
                _options.clear()
                _markup.clear()
                _read_at = time.monotonic()
            _options[empty_label] = options
    return KeptOptions(options)


def forget(**kwargs) -> None:
    """A county saved or deleted: read them again at the next use (in this process)."""
    global _read_at
    with _lock:
        _read_at = None
        _options.clear()
        _markup.clear()


post_save.connect(forget, sender=County, dispatch_uid="reference-counties-saved")
post_delete.connect(forget, sender=County, dispatch_uid="reference-counties-deleted")


class KeptSelect(forms.Select):
    """A select over `KeptOptions`: its markup for each chosen value built once and kept until
    the options are read again."""

    def render(self, name, value, attrs=None, renderer=None):
        if not isinstance(self.choices, KeptOptions):
            return super().render(name, value, attrs, renderer)
        final = self.build_attrs(self.attrs, attrs)
        # The options themselves in the key: read again, they are another tuple.
        key = (name, tuple(self.format_value(value)), tuple(sorted(final.items())),
               self.choices.options)  # fmt: skip
        with _lock:
            html = _markup.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            with _lock:
                _markup[key] = html
                while len(_markup) > MARKUP_MAX:
                    _markup.popitem(last=False)
        return mark_safe(html)  # noqa: S308 - Django's own rendering of the same options, kept


class CountyChoiceField(ModelChoiceField):
    """A county, offered from `county_options`; the one chosen is read from the database when
    the form is cleaned, as any ModelChoiceField's."""

    widget = KeptSelect

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", County.objects.all())
        super().__init__(**kwargs)

    def __deepcopy__(self, memo):
        field = super().__deepcopy__(memo)
        field.widget.choices = county_options(self.empty_label or "")
        return field
