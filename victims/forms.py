"""Forms for victims' records and consents."""

from django import forms
from django.utils import timezone

from taskforce.access import ConsentScope
from taskforce.models import Agency
from taskforce.web.datetimes import LocalDateTimeField, LocalDateTimeInput
from victims.models import Contact, IdentifiedHow, Service, ServiceStatus, Victim
from victims.services import SECTIONS


class VictimForm(forms.ModelForm):
    class Meta:
        model = Victim
        fields = [
            "identified_how",
            "guardian_note",
            "safe_harbor_override",
            "override_reason",
            "screening_tool",
            "screening_version",
            "screened_on",
            "screening_score",
            "screener",
            "safety_concerns",
            "address",
            "phone",
            "contact_method",
            "safe_times",
            "language",
            "interpreter_needed",
        ]
        widgets = {
            "screened_on": forms.DateInput(attrs={"type": "date"}),
            "guardian_note": forms.Textarea(attrs={"rows": 2}),
            "override_reason": forms.Textarea(attrs={"rows": 2}),
            "safety_concerns": forms.Textarea(attrs={"rows": 2}),
            "safe_harbor_override": forms.NullBooleanSelect,
        }
        labels = {"safe_harbor_override": "Safe Harbor eligible (override)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identified_how"].choices = IdentifiedHow.choices


class ConsentForm(forms.Form):
    to_agency = forms.ModelChoiceField(label="Released to", queryset=Agency.objects.none())
    scope = forms.ChoiceField(choices=ConsentScope.choices)
    purpose = forms.CharField(max_length=200)
    signed_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    expires_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    signed_by_minor = forms.BooleanField(required=False, label="Signed by the minor")
    guardian_name = forms.CharField(required=False, max_length=120)
    guardian_relationship = forms.CharField(required=False, max_length=60)
    guardian_is_alleged_abuser = forms.BooleanField(
        required=False, label="This guardian is an alleged abuser"
    )
    signed_form = forms.FileField(
        required=False,
        label="Signed release (optional)",
        help_text="A scan of the signed form: PDF, PNG or JPG, at most 10 MB.",
    )

    def __init__(self, *args, owner: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = Agency.objects.filter(is_active=True).exclude(
            pk=owner.pk
        )


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["kind", "provider", "status", "offered_on", "started_on", "ended_on", "outcome"]
        widgets = {
            "offered_on": forms.DateInput(attrs={"type": "date"}),
            "started_on": forms.DateInput(attrs={"type": "date"}),
            "ended_on": forms.DateInput(attrs={"type": "date"}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", "The service ends before it starts.")
        return cleaned


class ServiceEndForm(forms.Form):
    """A service comes to its end: completed, or declined by the person."""

    ended_on = forms.DateField(
        label="Ended on", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label="How it ended",
        choices=[
            (ServiceStatus.COMPLETED, "Completed"),
            (ServiceStatus.DECLINED, "Declined by the person"),
        ],
        widget=forms.RadioSelect,
    )
    outcome = forms.CharField(
        label="Outcome",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Private to your agency.",
    )


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["at", "method", "reached", "outcome"]
        widgets = {
            "at": LocalDateTimeInput(),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"at": LocalDateTimeField}
        labels = {"at": "When", "reached": "Reached them"}


class AdvocateNoteForm(forms.Form):
    body = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        help_text="Private to your agency, always: no consent releases advocate notes.",
    )


class _SectionForm(forms.ModelForm):
    """One section of a victim's record, carrying the version it was read at."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def validate_unique(self):
        pass  # the service validates the full record


class VictimContactForm(_SectionForm):
    class Meta:
        model = Victim
        fields = list(SECTIONS["contact"])
        widgets = {"safety_concerns": forms.Textarea(attrs={"rows": 3})}
        labels = {"address": "Staying at", "contact_method": "Contact by"}


class VictimGuardianForm(_SectionForm):
    class Meta:
        model = Victim
        fields = list(SECTIONS["guardian"])
        widgets = {"guardian_note": forms.Textarea(attrs={"rows": 3})}
        labels = {"guardian_note": "Custody"}


class VictimIdentificationForm(_SectionForm):
    class Meta:
        model = Victim
        fields = list(SECTIONS["identification"])
        widgets = {"identified_on": forms.DateInput(attrs={"type": "date"})}
        labels = {"identified_on": "Identified on", "identified_how": "How"}


class VictimScreeningForm(_SectionForm):
    class Meta:
        model = Victim
        fields = list(SECTIONS["screening"])
        widgets = {
            "screened_on": forms.DateInput(attrs={"type": "date"}),
            "override_reason": forms.Textarea(attrs={"rows": 2}),
            "safe_harbor_override": forms.NullBooleanSelect,
        }
        labels = {"safe_harbor_override": "Safe Harbor eligible (override)"}
