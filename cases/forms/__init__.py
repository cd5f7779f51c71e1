"""Forms of the stings and prosecution work, one module per domain word."""

from cases.forms.arrests import (
    ArrestEntryHeaderForm,
    ArrestFilterForm,
    ArrestForm,
    ArrestImportForm,
    ArrestRowForm,
    ArrestRowFormSet,
)
from cases.forms.cases import CaseFilterForm, CaseForm, DeleteForm, ShareForm, TransitionForm
from cases.forms.charges import ChargeAmendForm, ChargeDisposeForm, ChargeFileForm, DecisionForm
from cases.forms.court import (
    ContinueForm,
    CourtEventForm,
    DetentionForm,
    DocumentForm,
    FinalDispositionForm,
    HearingRecordForm,
    NoteForm,
    NoticeForm,
    ReleaseForm,
    SentenceForm,
    SpeedyTrialDemandForm,
    VictimForm,
)
from cases.forms.handoffs import HandOffForm
from cases.forms.operations import AdResponsesForm, OperationFilterForm, OperationForm

__all__ = [
    "AdResponsesForm",
    "ArrestEntryHeaderForm",
    "ArrestFilterForm",
    "ArrestForm",
    "ArrestImportForm",
    "ArrestRowForm",
    "ArrestRowFormSet",
    "CaseFilterForm",
    "CaseForm",
    "ChargeAmendForm",
    "ChargeDisposeForm",
    "ChargeFileForm",
    "ContinueForm",
    "CourtEventForm",
    "DecisionForm",
    "DeleteForm",
    "DetentionForm",
    "DocumentForm",
    "FinalDispositionForm",
    "HandOffForm",
    "HearingRecordForm",
    "NoteForm",
    "NoticeForm",
    "OperationFilterForm",
    "OperationForm",
    "ReleaseForm",
    "SentenceForm",
    "ShareForm",
    "SpeedyTrialDemandForm",
    "TransitionForm",
    "VictimForm",
]
