"""Forms of an operation (sting): its details, filters and the ads answered."""

from django import forms
from django.utils import timezone

from cases.models import (
    Operation,
    OperationKind,
)
from cases.services.operations import PARTICIPANT_KINDS
from taskforce.models import Agency, County


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


class AdResponsesForm(forms.Form):
    text = forms.CharField(
        label="Phone numbers and @handles, one per line",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=60000,
    )
    seen_on = forms.DateField(
        label="Seen on", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
