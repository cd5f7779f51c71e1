"""The period every report, export and the client-level export asks for: a funder's period
(federal fiscal year, PMT quarter, OVC TIMS half-year) or a custom range of local days."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from reports import periods

LONGEST = dt.timedelta(days=366 * 10)


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label="Period",
        required=False,
        help_text="A funder's period sets From and To; “Custom dates” keeps yours.",
        error_messages={"invalid_choice": "%(value)s is not a period offered here."},
    )
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data=None, *args, **kwargs):
        today = timezone.localdate()
        if data is not None:
            data = data.copy()
            data.setdefault("start", (today - dt.timedelta(days=364)).isoformat())
            data.setdefault("end", today.isoformat())
            chosen = periods.parse(data.get("period", ""))
            if chosen is not None:  # the preset wins over the dates sent with it
                data["start"], data["end"] = chosen.start.isoformat(), chosen.end.isoformat()
        super().__init__(data, *args, **kwargs)
        self.fields["period"].choices = periods.choices(today)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date is before the start date.")
        elif start and end and end - start > LONGEST:
            self.add_error("end", "Choose a period of ten years or less.")
        return data

    def period_words(self) -> str:
        """The period chosen, in plain words (a valid form's)."""
        return periods.describe(self.cleaned_data["start"], self.cleaned_data["end"])
