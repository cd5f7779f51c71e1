"""Forms of the court side of a case: hearings, victims, notices, sentences, notes, documents."""

from collections.abc import Iterable

from django import forms
from django.utils import timezone

from cases.models import (
    CaseVictim,
    ContactMethod,
    ContinuanceBy,
    CourtEvent,
    CourtEventStatus,
    DemandBy,
    DemandLevel,
    DetentionFacility,
    NoteVisibility,
    NoticeKind,
    Sex,
    VictimRole,
)
from taskforce.web.datetimes import LocalDateTimeField, LocalDateTimeInput


def _when(**attrs) -> LocalDateTimeInput:
    return LocalDateTimeInput(attrs=attrs or None)


def _day() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


class CourtEventForm(forms.ModelForm):
    class Meta:
        model = CourtEvent
        fields = ["kind", "starts_at", "courtroom", "judge"]
        widgets = {"starts_at": _when()}
        field_classes = {"starts_at": LocalDateTimeField}
        labels = {"starts_at": "Date and time"}


class ContinueForm(forms.Form):
    starts_at = LocalDateTimeField(label="New date and time", widget=_when())
    continued_by = forms.ChoiceField(label="Asked for by", choices=ContinuanceBy.choices)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class HearingRecordForm(forms.Form):
    status = forms.ChoiceField(
        label="The hearing was",
        choices=[(CourtEventStatus.HELD, "Held"), (CourtEventStatus.CANCELLED, "Cancelled")],
    )
    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )
    combined_with_rule8 = forms.BooleanField(
        required=False,
        label="The Rule 8 hearing was held with this first appearance",
        help_text="Then the omnibus hearing is due within 28 days instead of 42 (Rule 11.01).",
    )

    def __init__(self, *args, event: CourtEvent, **kwargs):
        super().__init__(*args, **kwargs)
        if event.kind != "first_appearance":
            del self.fields["combined_with_rule8"]


class DetentionForm(forms.Form):
    detained_at = LocalDateTimeField(label="Taken into detention at", widget=_when())
    facility = forms.ChoiceField(label="Held in", choices=DetentionFacility.choices)


class ReleaseForm(forms.Form):
    released_at = LocalDateTimeField(label="Released at", widget=_when())


class FinalDispositionForm(forms.Form):
    final_disposition_on = forms.DateField(
        label="Date of the final disposition",
        widget=_day(),
        help_text="The victims are to be told within 15 working days of it (Minn. Stat. "
        "611A.039), counted from this date however late it is entered.",
    )


class SpeedyTrialDemandForm(forms.Form):
    demanded_on = forms.DateField(label="Demand made on", widget=_day(), initial=timezone.localdate)
    level = forms.ChoiceField(label="Offence level", choices=DemandLevel.choices)
    pleaded_not_guilty_on = forms.DateField(
        label="Not-guilty plea entered on",
        widget=_day(),
        required=False,
        help_text="Required for a misdemeanor: its 60 days run from the plea (Rule 6.06).",
    )
    made_by = forms.ChoiceField(label="Made by", choices=DemandBy.choices)
    in_custody = forms.BooleanField(
        required=False,
        label="The defendant is in custody",
        help_text="Starts the release clock: 120 days, or 10 for a misdemeanor.",
    )


class VictimForm(forms.Form):
    first_name = forms.CharField(max_length=80)
    last_name = forms.CharField(max_length=80)
    date_of_birth = forms.DateField(required=False, widget=_day())
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN)
    role = forms.ChoiceField(choices=VictimRole.choices)
    contact_notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="How and when it is safe to reach them.",
    )


class NoticeForm(forms.Form):
    # The victims offered are those the actor may see (cases.selectors.victims); the value is the
    # public id of the victim's person record, and the service answers 404 for any other id.
    victim = forms.UUIDField(widget=forms.Select)
    kind = forms.ChoiceField(label="Notice", choices=NoticeKind.choices)
    given_on = forms.DateField(widget=_day(), initial=timezone.localdate)
    method = forms.ChoiceField(choices=ContactMethod.choices)
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, victims: Iterable[CaseVictim], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["victim"].widget.choices = [("", "---------")] + [
            (str(victim.person.public_id), str(victim)) for victim in victims
        ]


class SentenceForm(forms.Form):
    sentenced_on = forms.DateField(widget=_day(), initial=timezone.localdate)
    custody_days = forms.IntegerField(min_value=0, initial=0, label="Custody (days)")
    custody_stayed = forms.BooleanField(required=False, label="Custody stayed")
    probation_months = forms.IntegerField(min_value=0, initial=0, label="Probation (months)")
    fine = forms.DecimalField(min_value=0, max_digits=9, decimal_places=2, initial=0)
    conditions = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    assessment = forms.DecimalField(
        label="Penalty assessment (609.3241)",
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text="$500 to $750 for a misdemeanor violation of 609.27, a violation of 609.324 "
        "subd. 2, 609.33 or 617.293; $750 to $1,000 otherwise. Not waivable. Shared 40% "
        "arresting agency, 20% prosecuting agency, 40% Safe Harbor for Youth account "
        "(victim-service organizations).",
    )
    assessment_reduced_for_indigence = forms.BooleanField(
        required=False, label="Reduced for indigence (at least $100)"
    )
    reduction_reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    assessment_paid = forms.DecimalField(
        min_value=0, max_digits=8, decimal_places=2, initial=0, label="Paid so far"
    )
    installments = forms.IntegerField(min_value=1, initial=1)


class NoteForm(forms.Form):
    body = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
    visibility = forms.ChoiceField(
        label="Who sees it", choices=NoteVisibility.choices, initial=NoteVisibility.AGENCY
    )


class DocumentForm(forms.Form):
    file = forms.FileField(
        help_text="PDF, DOCX, XLSX, PNG, JPG or TXT, at most 10 MB. Kept outside the web server; "
        "opened only through this case."
    )
    title = forms.CharField(max_length=200, required=False, help_text="Defaults to the file name.")
    visibility = forms.ChoiceField(
        label="Who sees it", choices=NoteVisibility.choices, initial=NoteVisibility.AGENCY
    )
