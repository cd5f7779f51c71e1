"""Models of the stings and prosecution work, one module per domain word."""

from cases.models.access_requests import (
    AccessRequest,
    AccessRequestMatch,
    AccessRequestStatus,
)
from cases.models.arrests import (
    Arrest,
    ArrestGroupObjectPermission,
    ArrestUserObjectPermission,
    CustodyStatus,
    RecommendedCharge,
    SolicitationVenue,
)
from cases.models.cases import (
    CASE_TRANSITIONS,
    Case,
    CaseDefendant,
    CaseGroupObjectPermission,
    CaseKind,
    CaseOutcome,
    CaseStatus,
    CaseStatusChange,
    CaseUserObjectPermission,
)
from cases.models.charges import (
    Charge,
    ChargeStatus,
    ChargingDecision,
    Decision,
    Disposition,
)
from cases.models.court import (
    CaseVictim,
    ContinuanceBy,
    CourtEvent,
    CourtEventKind,
    CourtEventStatus,
    DemandBy,
    DemandLevel,
    DetentionFacility,
    JuvenileDetention,
    NoticeKind,
    Sentence,
    SpeedyTrialDemand,
    VictimNotice,
    VictimRole,
)
from cases.models.handoffs import HandOff, HandOffGroupObjectPermission, HandOffUserObjectPermission
from cases.models.imports import ArrestImport, RunawayImport, SpreadsheetImport, StagedImport
from cases.models.notes import CaseDocument, CaseNote, NoteVisibility
from cases.models.operations import (
    AdResponse,
    AdResponseKind,
    Operation,
    OperationGroupObjectPermission,
    OperationKind,
    OperationParticipant,
    OperationUserObjectPermission,
)
from cases.models.people import (
    ContactMethod,
    IdentifierKind,
    Person,
    PersonGroupObjectPermission,
    PersonIdentifier,
    PersonMerge,
    PersonUserObjectPermission,
    Sex,
)
from cases.models.rollups import ArrestMonth, CaseMonth, ChargeMonth, ReportMonth, SentenceMonth
from cases.models.runaways import (
    ReviewOutcome,
    RunawayReport,
    RunawayReportGroupObjectPermission,
    RunawayReportUserObjectPermission,
)
from cases.models.statutes import OffenceLevel, Statute

__all__ = [
    "CASE_TRANSITIONS",
    "AccessRequest",
    "AccessRequestMatch",
    "AccessRequestStatus",
    "AdResponse",
    "AdResponseKind",
    "Arrest",
    "ArrestGroupObjectPermission",
    "ArrestImport",
    "ArrestMonth",
    "ArrestUserObjectPermission",
    "Case",
    "CaseDefendant",
    "CaseDocument",
    "CaseGroupObjectPermission",
    "CaseKind",
    "CaseMonth",
    "CaseNote",
    "CaseOutcome",
    "CaseStatus",
    "CaseStatusChange",
    "CaseUserObjectPermission",
    "CaseVictim",
    "Charge",
    "ChargeMonth",
    "ChargeStatus",
    "ChargingDecision",
    "ContactMethod",
    "ContinuanceBy",
    "CourtEvent",
    "CourtEventKind",
    "CourtEventStatus",
    "CustodyStatus",
    "Decision",
    "DemandBy",
    "DemandLevel",
    "DetentionFacility",
    "Disposition",
    "HandOff",
    "HandOffGroupObjectPermission",
    "HandOffUserObjectPermission",
    "IdentifierKind",
    "JuvenileDetention",
    "NoteVisibility",
    "NoticeKind",
    "OffenceLevel",
    "Operation",
    "OperationGroupObjectPermission",
    "OperationKind",
    "OperationParticipant",
    "OperationUserObjectPermission",
    "Person",
    "PersonGroupObjectPermission",
    "PersonIdentifier",
    "PersonMerge",
    "PersonUserObjectPermission",
    "RecommendedCharge",
    "ReportMonth",
    "ReviewOutcome",
    "RunawayImport",
    "RunawayReport",
    "RunawayReportGroupObjectPermission",
    "RunawayReportUserObjectPermission",
    "Sentence",
    "SentenceMonth",
    "Sex",
    "SolicitationVenue",
    "SpeedyTrialDemand",
    "SpreadsheetImport",
    "StagedImport",
    "Statute",
    "VictimNotice",
    "VictimRole",
]

# Change history (taskforce/history.py): triggers write a row per insert, update and delete.
from taskforce.history import track

track(
    Operation, Arrest, Person, HandOff, Case, Charge, CourtEvent, CaseVictim, VictimNotice,
    Sentence, SpeedyTrialDemand, JuvenileDetention, CaseNote, RunawayReport,
)  # fmt: skip
