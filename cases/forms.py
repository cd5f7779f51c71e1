"""Forms for cases: what a prosecutor types, validated next to each field."""

from django import forms

from cases.models import Case, CaseStatus
from taskforce.models import Agency, Role, ShareLevel, User


class CaseForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Case
        fields = ["number", "title", "status", "assigned_prosecutor"]

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_prosecutor"].queryset = User.objects.filter(
            memberships__agency=agency,
            memberships__ended_at__isnull=True,
            memberships__role__in=[Role.PROSECUTOR, Role.SUPERVISOR],
            is_active=True,
        ).order_by("last_name", "first_name")
        self.fields["assigned_prosecutor"].label_from_instance = lambda u: u.display_name()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def validate_unique(self):
        # The service validates the full record (ownership is set there), uniqueness included.
        pass


class CaseFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *CaseStatus.choices])
    scope = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "All I can see"),
            ("mine", "Assigned to me"),
            ("agency", "My agency's"),
            ("shared", "Shared with my agency"),
        ],
    )


class ShareForm(forms.Form):
    to_agency = forms.ModelChoiceField(label="Share with", queryset=Agency.objects.none())
    level = forms.ChoiceField(choices=ShareLevel.choices, initial=ShareLevel.VIEW)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="The receiving agency and the audit trail see this.",
        error_messages={"required": "Say why this record is shared; the other agency sees it."},
    )
    expires_at = forms.DateTimeField(
        label="Access ends",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty to share until revoked.",
    )

    def __init__(self, *args, owner: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = Agency.objects.filter(is_active=True).exclude(
            pk=owner.pk
        )


class DeleteForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Why this record is deleted; kept in the audit trail.",
    )
