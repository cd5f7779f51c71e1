"""Forms for arrests: one at a time, a table of them from one sting, or a CSV; their filters."""

from datetime import datetime

from django import forms

from cases.models import (
    Arrest,
    CustodyStatus,
    Operation,
    SolicitationVenue,
    Statute,
)
from taskforce import dates
from taskforce.models import Agency, AgencyKind, County
from taskforce.web.datetimes import FOLD_SUFFIX, LocalDateTimeField, LocalDateTimeInput


class ArrestEntryHeaderForm(forms.Form):
    """What every row of a bulk entry or an import shares."""

    operation = forms.ModelChoiceField(queryset=Operation.objects.none(), required=False)
    arresting_agency = forms.ModelChoiceField(queryset=Agency.objects.none())
    arresting_officer = forms.CharField(
        required=False, max_length=120, help_text="Used for rows that name no officer."
    )

    def __init__(self, *args, operations, agencies, **kwargs):
        """`agencies`: those the user may record arrests for (their own, and the police agencies
        taking part in an operation they see); the service checks the pair chosen."""
        super().__init__(*args, **kwargs)
        self.fields["operation"].queryset = operations
        self.fields["arresting_agency"].queryset = agencies


def active_statutes():
    return Statute.objects.filter(is_active=True)


class ArrestRowForm(forms.Form):
    """One row of the bulk entry table; labels are short because the table has a header."""

    last_name = forms.CharField(max_length=80)
    first_name = forms.CharField(max_length=80)
    date_of_birth = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Born"
    )
    arrested_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Date")
    arrested_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Time")
    city = forms.CharField(max_length=80, required=False)
    county = forms.ModelChoiceField(queryset=County.objects.all())
    booking_number = forms.CharField(max_length=40, required=False, label="Booking #")
    # An initial value, not a bare first option: a select always submits something, and a row
    # counts as blank only while every field still holds its initial value.
    custody_status = forms.ChoiceField(
        choices=CustodyStatus.choices, initial=CustodyStatus.BOOKED, label="Custody"
    )
    statute = forms.ModelChoiceField(queryset=Statute.objects.none(), label="Charge")
    decoy_stated_age = forms.IntegerField(
        required=False, min_value=1, max_value=99, label="Decoy age"
    )
    solicitation_venue = forms.ChoiceField(
        choices=SolicitationVenue.choices, required=False, label="Solicited"
    )
    phone = forms.CharField(max_length=40, required=False)
    # Which existing person this row is, if any: checked against the matches when saving
    # (the choices exist only once the row's name is known).
    person = forms.CharField(
        required=False, max_length=40, label="Same person?", widget=forms.Select()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statute"].queryset = active_statutes()
        self.matches = []
        self.fold_choices, self.fold_name = [], self.add_prefix("arrested_time" + FOLD_SUFFIX)

    def offer_matches(self, matches) -> None:
        """Show possible matches as choices: the same person, or a new one."""
        self.matches = matches
        self.fields["person"].widget.choices = [
            ("", "Choose…"),
            *[(str(p.public_id), f"Yes: {p}") for p in matches],
            ("new", "No, a new person"),
        ]

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("arrested_on"), cleaned.get("arrested_time")
        self.fold_choices, self.fold_name = [], self.add_prefix("arrested_time" + FOLD_SUFFIX)
        if day is not None and time is not None:
            naive = datetime.combine(day, time)
            try:
                cleaned["arrested_at"] = dates.local_instant(naive, self.data.get(self.fold_name))
            except dates.LocalTimeError as refused:
                if refused.code == "ambiguous_time":
                    self.fold_choices = dates.fold_choices(naive)
                self.add_error("arrested_time", refused.message)
        return cleaned

    def arrested_at(self):
        return self.cleaned_data["arrested_at"]


# Every row is an "extra" form, so a row left blank is skipped rather than refused.
ArrestRowFormSet = forms.formset_factory(ArrestRowForm, extra=10, max_num=200, absolute_max=200)


class ArrestImportForm(ArrestEntryHeaderForm):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV, at most 2 MB; the first row names the columns.",
    )


class ArrestFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text=(
            "Whole first or last name, booking number, or whole phone number, handle or alias "
            "(part of one finds nothing: they are stored encrypted)."
        ),
    )
    operation = forms.ModelChoiceField(queryset=Operation.objects.none(), required=False)
    county = forms.ModelChoiceField(queryset=County.objects.all(), required=False)
    arresting_agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(kind=AgencyKind.LAW_ENFORCEMENT), required=False
    )
    arrested_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    arrested_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    custody_status = forms.ChoiceField(
        label="Custody", required=False, choices=[("", "Any"), *CustodyStatus.choices]
    )
    handed_off = forms.ChoiceField(
        label="Handed off",
        required=False,
        choices=[("", "Either"), ("yes", "Handed off"), ("no", "Not yet")],
    )

    def __init__(self, *args, operations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation"].queryset = operations

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("arrested_from"), cleaned.get("arrested_to")
        if start and end and end < start:
            self.add_error("arrested_to", "The end of the range is before its start.")
        return cleaned


class ArrestForm(forms.ModelForm):
    """Corrections to one arrest; the arrestee and charges are kept as entered."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Arrest
        fields = [
            "arrested_at",
            "address",
            "city",
            "county",
            "arresting_officer",
            "booking_number",
            "custody_status",
            "jail",
            "decoy_stated_age",
            "decoy_age_stated_at",
            "solicitation_venue",
            "meeting_place",
            "vehicle",
            "victims_recovered",
            "victims_screened",
            "evidence",
            "narrative",
        ]
        field_classes = dict.fromkeys(["arrested_at", "decoy_age_stated_at"], LocalDateTimeField)
        widgets = {
            "arrested_at": LocalDateTimeInput(),
            "decoy_age_stated_at": LocalDateTimeInput(),
            "evidence": forms.Textarea(attrs={"rows": 3}),
            "narrative": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def validate_unique(self):
        pass  # the service validates the full record, booking numbers included
