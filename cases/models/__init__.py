"""Models of the stings and prosecution work, one module per domain word."""

from cases.models.cases import Case, CaseGroupObjectPermission, CaseStatus, CaseUserObjectPermission
from cases.models.handoffs import HandOff, HandOffGroupObjectPermission, HandOffUserObjectPermission
from cases.models.imports import ArrestImport
from cases.models.operations import (
    Arrest,
    ArrestGroupObjectPermission,
    ArrestUserObjectPermission,
    CustodyStatus,
    Operation,
    OperationGroupObjectPermission,
    OperationKind,
    OperationParticipant,
    OperationUserObjectPermission,
    RecommendedCharge,
    SolicitationVenue,
)
from cases.models.people import (
    IdentifierKind,
    Person,
    PersonGroupObjectPermission,
    PersonIdentifier,
    PersonUserObjectPermission,
    Sex,
)
from cases.models.statutes import OffenceLevel, Statute

__all__ = [
    "Arrest",
    "ArrestGroupObjectPermission",
    "ArrestImport",
    "ArrestUserObjectPermission",
    "Case",
    "CaseGroupObjectPermission",
    "CaseStatus",
    "CaseUserObjectPermission",
    "CustodyStatus",
    "HandOff",
    "HandOffGroupObjectPermission",
    "HandOffUserObjectPermission",
    "IdentifierKind",
    "OffenceLevel",
    "Operation",
    "OperationGroupObjectPermission",
    "OperationKind",
    "OperationParticipant",
    "OperationUserObjectPermission",
    "Person",
    "PersonGroupObjectPermission",
    "PersonIdentifier",
    "PersonUserObjectPermission",
    "RecommendedCharge",
    "Sex",
    "SolicitationVenue",
    "Statute",
]
