"""Forms of a case's counts: the charging decision, filing, amending and disposing of a count."""

from django import forms
from django.utils import timezone

from cases.forms.arrests import active_statutes
from cases.models import (
    Case,
    Decision,
    Disposition,
    Person,
    Statute,
)
from cases.models.people import by_name
from taskforce.models import Agency, AgencyKind


class _CountFields(forms.Form):
    """Defendant, statute and filing date of one count."""

    defendant = forms.ModelChoiceField(queryset=Person.objects.none())
    statute = forms.ModelChoiceField(queryset=Statute.objects.none(), label="Charge")
    filed_on = forms.DateField(
        label="Filed on", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["defendant"].queryset = case.defendants.all()
        # Names are encrypted: sorted here, after decryption (a case has a few defendants).
        self.fields["defendant"].choices = [("", "---------")] + [
            (person.pk, str(person)) for person in by_name(case.defendants.all())
        ]
        self.fields["statute"].queryset = active_statutes()


class DecisionForm(_CountFields):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Required to decline or refer; reported and kept with the case.",
    )
    referred_to = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, label="Refer to"
    )
    field_order = ["decision", "defendant", "statute", "filed_on", "reason", "referred_to"]

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        for name in ("defendant", "statute", "filed_on"):
            self.fields[name].required = False
        self.fields["referred_to"].queryset = Agency.objects.filter(
            is_active=True, kind=AgencyKind.PROSECUTION
        ).exclude(pk=case.owner_agency_id)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Decision.CHARGE:
            for name in ("defendant", "statute", "filed_on"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, "Needed to charge.")
        return cleaned


class ChargeFileForm(_CountFields):
    pass


class ChargeAmendForm(forms.Form):
    statute = forms.ModelChoiceField(queryset=Statute.objects.none(), label="Amended charge")
    amended_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statute"].queryset = active_statutes()


class ChargeDisposeForm(forms.Form):
    disposition = forms.ChoiceField(choices=Disposition.choices)
    disposed_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), required=False, label="On"
    )
