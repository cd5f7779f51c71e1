"""The `date` filter of every template, telling apart the two times of the hour that happens
twice when the clocks go back: such a time is shown with its zone ("01:30 CDT", "01:30 CST").

Registered as a template builtin (settings.TEMPLATES), so it stands in for Django's own `date`
in every template without a `{% load %}`; any other time reads exactly as before."""

from __future__ import annotations

import functools

from django import template
from django.template.defaultfilters import date as django_date
from django.utils import timezone

from taskforce import dates

register = template.Library()

TIME_FORMATS = set("aAfgGhHiPs")  # format characters that show a time of day
ZONE_FORMATS = set("eOTZ")  # … and those that already show the zone


@functools.cache
def may_show_zone(fmt: str) -> bool:
    """Whether a format shows a time of day without its zone: only then is the zone added."""
    return bool(set(fmt) & TIME_FORMATS) and not set(fmt) & ZONE_FORMATS


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    shown = django_date(value, arg)
    if shown and may_show_zone(arg or "") and dates.shows_zone(value):
        return f"{shown} {timezone.localtime(value).tzname()}"
    return shown
