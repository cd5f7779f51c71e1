"""Forms of the stings and prosecution work, one module per domain word."""

from cases.forms.cases import (
    CaseFilterForm,
    CaseForm,
    ChargeAmendForm,
    ChargeDisposeForm,
    ChargeFileForm,
    DecisionForm,
    DeleteForm,
    ShareForm,
    TransitionForm,
)
from cases.forms.court import (
    ContinueForm,
    CourtEventForm,
    HearingRecordForm,
    NoticeForm,
    SentenceForm,
    VictimForm,
)
from cases.forms.stings import (
    ArrestEntryHeaderForm,
    ArrestFilterForm,
    ArrestForm,
    ArrestImportForm,
    ArrestRowForm,
    ArrestRowFormSet,
    HandOffForm,
    OperationFilterForm,
    OperationForm,
)

__all__ = [
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
    "HandOffForm",
    "HearingRecordForm",
    "NoticeForm",
    "OperationFilterForm",
    "OperationForm",
    "SentenceForm",
    "ShareForm",
    "TransitionForm",
    "VictimForm",
]
