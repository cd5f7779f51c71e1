"""Input fields that refuse what the database cannot store, with a message instead of a 500."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from rest_framework import serializers

from taskforce import dates

EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
RANGE_MESSAGE = f"Give a date and time between {EARLIEST_YEAR} and {LATEST_YEAR}."
DAY_RANGE_MESSAGE = f"Give a date between {EARLIEST_YEAR} and {LATEST_YEAR}."


def _in_utc(value: dt.datetime | None) -> dt.datetime | None:
    """The instant in UTC: PostgreSQL refuses odd offsets (e.g. +17:57) that ISO 8601 allows."""
    if value is None:
        return None
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(RANGE_MESSAGE)
    return value.astimezone(dt.UTC) if value.tzinfo else value


class DateTimeField(serializers.DateTimeField):
    """A date and time; without an offset it is local time, and then one that happens twice
    that day (the clocks go back) must be sent with its offset, one that never happens (the
    clocks go forward) is refused: DRF alone takes the first silently, or says only "invalid"."""

    def enforce_timezone(self, value):
        if timezone.is_naive(value) and self.default_timezone() is not None:
            try:
                return dates.local_instant(value, zone=self.default_timezone())
            except dates.LocalTimeError as refused:
                if refused.code == "ambiguous_time":
                    raise serializers.ValidationError(
                        f"{refused.message} Send it with its offset: "
                        f"{dates.offset_hint(refused.naive, self.default_timezone())}.",
                        code=refused.code,
                    ) from None
                raise serializers.ValidationError(refused.message, code=refused.code) from None
        return super().enforce_timezone(value)

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        try:
            return _in_utc(parsed)
        except (ValueError, OverflowError):
            raise serializers.ValidationError(RANGE_MESSAGE) from None


class DateField(serializers.DateField):
    """A day within the years any record can hold: rules count days past it (a consent ends the
    day after it expires), and an overflowing date would be a 500, not an answer."""

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            raise serializers.ValidationError(DAY_RANGE_MESSAGE)
        return parsed


class _IsoDateTimeFormField(django_filters.fields.IsoDateTimeField):
    def clean(self, value):
        parsed = super().clean(value)
        try:
            return _in_utc(parsed)
        except (ValueError, OverflowError):
            raise forms.ValidationError(RANGE_MESSAGE) from None


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _IsoDateTimeFormField
