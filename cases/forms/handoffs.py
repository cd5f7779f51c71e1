"""The form that hands arrests to a prosecution agency."""

from django import forms

from taskforce.models import Agency, AgencyKind


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
