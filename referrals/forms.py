"""Forms for sending and working Safe Harbor referrals."""

from django import forms

from cases.models import Sex
from referrals.models import ClosureReason, ReferralStatus, Region, SourceKind, Urgency
from taskforce.models import Agency, AgencyKind, Role, User


class ReferralSendForm(forms.Form):
    """Who is referred (a new person record of the sender's agency), to whom, and why."""

    first_name = forms.CharField(max_length=80)
    last_name = forms.CharField(max_length=80)
    date_of_birth = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN)
    to_agency = forms.ModelChoiceField(label="Refer to", queryset=Agency.objects.none())
    region = forms.ModelChoiceField(
        label="Safe Harbor region", queryset=Region.objects.all(), required=False
    )
    urgency = forms.ChoiceField(choices=Urgency.choices)
    source = forms.ChoiceField(choices=SourceKind.choices)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="What the advocate needs to know to reach out safely. No more than needed.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = Agency.objects.filter(
            is_active=True, kind=AgencyKind.VICTIM_SERVICES
        )


class ReferralStepForm(forms.Form):
    to_status = forms.ChoiceField(label="Move to")
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Required to decline.",
    )
    closure_reason = forms.ChoiceField(
        required=False, choices=[("", "—"), *ClosureReason.choices], label="Why closed"
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, ReferralStatus(s).label) for s in choices]


class ReferralAssignForm(forms.Form):
    advocate = forms.ModelChoiceField(
        label="Assigned advocate", queryset=None, required=False, empty_label="No one yet"
    )

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advocate"].queryset = User.objects.filter(
            memberships__agency=agency,
            memberships__ended_at__isnull=True,
            memberships__role__in=[Role.ADVOCATE, Role.SUPERVISOR],
            is_active=True,
        ).order_by("last_name", "first_name")
        self.fields["advocate"].label_from_instance = lambda u: u.display_name()


class ReferralFilterForm(forms.Form):
    q = forms.CharField(
        label="Search", required=False, max_length=100, help_text="A whole first or last name."
    )
    mine = forms.BooleanField(label="Assigned to me", required=False)
    status = forms.ChoiceField(required=False, choices=[("", "Any"), *ReferralStatus.choices])
    urgency = forms.ChoiceField(required=False, choices=[("", "Any"), *Urgency.choices])
