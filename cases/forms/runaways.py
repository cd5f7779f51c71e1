"""Forms of the runaway review: the CSV upload, the queue's filter, and the review itself."""

from django import forms

from cases.models import ReviewOutcome

REVIEWED = [(key, label) for key, label in ReviewOutcome.choices if key != ReviewOutcome.PENDING]


class RunawayImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV, at most 2 MB; the first row names the columns.",
    )


class RunawayQueueFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Review", required=False, choices=[("", "Any"), *ReviewOutcome.choices]
    )


class RunawayReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    outcome = forms.ChoiceField(label="Outcome", choices=REVIEWED, widget=forms.RadioSelect)
    case_number = forms.CharField(
        label="Case number",
        required=False,
        max_length=40,
        help_text="Only when linked: the number of a case you can open, e.g. 26-CR-0142.",
    )
    note = forms.CharField(
        label="What you found",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="For whoever reads this report next: what you checked and why you decided so.",
    )
