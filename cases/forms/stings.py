"""Forms for operations, arrests (one at a time, a table of them, or a CSV) and hand-offs."""

from datetime import datetime

from django import forms
from django.utils import timezone

from cases.models import (
    Arrest,
    CustodyStatus,
    Operation,
    OperationKind,
    SolicitationVenue,
    Statute,
)
from cases.services.operations import PARTICIPANT_KINDS
from taskforce.models import Agency, AgencyKind, County


class OperationForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    counties = forms.ModelMultipleChoiceField(
        queryset=County.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (⌘ on a Mac) to pick several.",
    )
    participants = forms.ModelMultipleChoiceField(
        label="Participating agencies",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="They will see this operation and its arrests.",
    )

    class Meta:
        model = Operation
        fields = [
            "name",
            "kind",
            "starts_on",
            "ends_on",
            "counties",
            "ads_posted",
            "responses",
            "contacts",
            "notes",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, lead: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Agency.objects.filter(
            is_active=True, kind__in=list(PARTICIPANT_KINDS)
        ).exclude(pk=lead.pk)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["participants"].initial = [
                p.agency_id for p in self.instance.participants.all()
            ]

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            # Beside the field, rather than the model constraint's message at the top.
            self.add_error("ends_on", "The end date is before the start date.")
        return cleaned

    def validate_unique(self):
        pass  # the service checks the full record


class OperationFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *OperationKind.choices])


class ArrestEntryHeaderForm(forms.Form):
    """What every row of a bulk entry or an import shares."""

    operation = forms.ModelChoiceField(queryset=Operation.objects.none(), required=False)
    arresting_agency = forms.ModelChoiceField(queryset=Agency.objects.none())
    arresting_officer = forms.CharField(
        required=False, max_length=120, help_text="Used for rows that name no officer."
    )

    def __init__(self, *args, operations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation"].queryset = operations
        self.fields["arresting_agency"].queryset = Agency.objects.filter(
            is_active=True, kind=AgencyKind.LAW_ENFORCEMENT
        )


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

    def offer_matches(self, matches) -> None:
        """Show possible matches as choices: the same person, or a new one."""
        self.matches = matches
        self.fields["person"].widget.choices = [
            ("", "Choose…"),
            *[(str(p.public_id), f"Yes: {p}") for p in matches],
            ("new", "No, a new person"),
        ]

    def arrested_at(self):
        return timezone.make_aware(
            datetime.combine(self.cleaned_data["arrested_on"], self.cleaned_data["arrested_time"])
        )


# Every row is an "extra" form, so a row left blank is skipped rather than refused.
ArrestRowFormSet = forms.formset_factory(ArrestRowForm, extra=10, max_num=200, absolute_max=200)


class ArrestImportForm(ArrestEntryHeaderForm):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV, at most 2 MB; the first row names the columns.",
    )


class HandOffForm(forms.Form):
    to_agency = forms.ModelChoiceField(label="Prosecution agency", queryset=Agency.objects.none())
    one_case = forms.BooleanField(
        required=False,
        label="Put all of them in one case",
        help_text="Otherwise each arrest gets its own case (the usual for buyers).",
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For the prosecutor: anything the reports do not say.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = Agency.objects.filter(
            is_active=True, kind=AgencyKind.PROSECUTION
        )


class ArrestFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text="Whole first or last name, alias, booking number, phone or handle.",
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
        local = "%Y-%m-%dT%H:%M"
        widgets = {
            "arrested_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=local),
            "decoy_age_stated_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=local
            ),
            "evidence": forms.Textarea(attrs={"rows": 3}),
            "narrative": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def validate_unique(self):
        pass  # the service validates the full record, booking numbers included


class AdResponsesForm(forms.Form):
    text = forms.CharField(
        label="Phone numbers and @handles, one per line",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=60000,
    )
    seen_on = forms.DateField(
        label="Seen on", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
