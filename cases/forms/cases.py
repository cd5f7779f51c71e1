"""Forms for cases and charging: what a prosecutor types, validated beside each field."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
from django.utils import timezone

from cases.models import (
    Case,
    CaseKind,
    CaseStatus,
    HandOff,
)
from taskforce.models import Agency, AgencyKind, Role, Share, ShareLevel, User
from taskforce.web.datetimes import LocalDateTimeField
from taskforce.web.reference import CountyChoiceField


class CaseForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Case
        fields = [
            "number",
            "title",
            "kind",
            "county",
            "court_file_number",
            "assigned_prosecutor",
            "other_prosecutors",
            "lead_investigator",
            "is_juvenile",
        ]

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        current = {"memberships__ended_at__isnull": True, "is_active": True}
        self.fields["assigned_prosecutor"].queryset = User.objects.filter(
            memberships__agency=agency,
            memberships__role__in=[Role.PROSECUTOR, Role.SUPERVISOR],
            **current,
        ).order_by("last_name", "first_name")
        self.fields["lead_investigator"].queryset = (
            User.objects.filter(
                self._investigator_agencies(agency),
                memberships__agency__kind=AgencyKind.LAW_ENFORCEMENT,
                memberships__role=Role.POLICE_LIAISON,
                **current,
            )
            .annotate(agency_name=F("memberships__agency__name"))
            .order_by("last_name", "first_name")
        )
        self.fields["other_prosecutors"].queryset = self.fields["assigned_prosecutor"].queryset
        self.fields["other_prosecutors"].widget.attrs["size"] = 4
        for name in ("assigned_prosecutor", "other_prosecutors"):
            self.fields[name].label_from_instance = lambda u: u.display_name()
        self.fields["lead_investigator"].label_from_instance = lambda u: (
            f"{u.display_name()} ({u.agency_name})"
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _investigator_agencies(self, owner: Agency) -> Q:
        """Whose police liaisons the lead-investigator list offers (and the only ones it accepts).

        Not every liaison of every agency (1,190 on the bench database, issue #22), but the
        agencies the office works with: the police of its county, every agency that has handed
        off arrests to it, and for an existing case the agencies it is shared with now and the
        current investigator, so saving the form never silently drops them. An office without
        a county keeps the whole list.
        """
        if not owner.county:
            return Q()
        partners = HandOff.objects.filter(to_agency=owner).values("owner_agency")
        rule = Q(memberships__agency__county=owner.county) | Q(memberships__agency__in=partners)
        case = self.instance
        if case.pk:
            shared = (
                Share.objects.filter(
                    content_type=ContentType.objects.get_for_model(Case),
                    object_id=case.pk,
                    revoked_at__isnull=True,
                )
                .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
                .values("to_agency")
            )
            rule |= Q(memberships__agency__in=shared)
            if case.lead_investigator_id:
                rule |= Q(pk=case.lead_investigator_id)
        return rule

    def validate_unique(self):
        # The service validates the full record (ownership is set there), uniqueness included.
        pass


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text="Number, title words, or a defendant's whole first or last name.",
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *CaseStatus.choices])
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *CaseKind.choices])
    # The counties' options and markup kept per process: reference data, the same for everyone.
    county = CountyChoiceField(required=False, empty_label="Any county")
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
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[("", "Last change"), ("number", "Number"), ("opened", "Newest opened")],
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
    expires_at = LocalDateTimeField(
        label="Access ends",
        required=False,
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


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label="Move to")
    reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (status, CaseStatus(status).label) for status in case.next_statuses()
        ]
