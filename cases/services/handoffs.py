"""Hand-offs: police refer arrests to a prosecution agency, which receives a case in intake."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import Arrest, Case, CaseKind, CaseStatus, HandOff, OperationKind
from cases.services.cases import case_defendant_add, case_opened
from cases.services.outcomes import case_outcome_refresh
from deadlines.services import deadline_schedule
from taskforce import access, audit, records
from taskforce.models import Agency, AgencyKind, ShareLevel, User


def _next_intake_number(agency: Agency) -> str:
    """A placeholder case number (INT-2026-00001) until the office assigns its own."""
    Agency.objects.select_for_update().get(pk=agency.pk)  # one numberer per agency at a time
    prefix = f"INT-{timezone.localdate():%Y}-"
    used = Case.objects.filter(owner_agency=agency, number__startswith=prefix).count()
    return f"{prefix}{used + 1:05d}"


def _case_kind(arrest: Arrest) -> str:
    """A buyer sting's arrests are patron cases; anything else the prosecutor classifies."""
    if arrest.operation is not None and arrest.operation.kind == OperationKind.BUYER_STING:
        return CaseKind.BUYER
    return CaseKind.OTHER


@transaction.atomic
def handoff_create(
    *,
    actor: User,
    arrests: list[Arrest],
    to_agency: Agency,
    one_case: bool = False,
    note: str = "",
) -> list[HandOff]:
    """Refer arrests to a prosecution agency: it gets a case per arrest (or one for all) in
    intake and sees the arrests; the referring agency keeps the hand-off record."""
    if not arrests:
        raise ValidationError("Choose at least one arrest to hand off.")
    if to_agency.kind != AgencyKind.PROSECUTION or not to_agency.is_active:
        raise ValidationError({"to_agency": "Hand arrests to an active prosecution agency."})
    for arrest in arrests:
        access.require(actor, access.Action.SHARE, arrest)
    already = HandOff.objects.filter(arrest__in=arrests, to_agency=to_agency).select_related(
        "arrest__arrestee"
    )
    if already:
        names = ", ".join(str(h.arrest.arrestee) for h in already)
        raise ValidationError({"to_agency": f"Already handed to {to_agency.name}: {names}."})
    groups = [arrests] if one_case else [[arrest] for arrest in arrests]
    handoffs = []
    for group in groups:
        first = group[0]
        case = records.record_create_for(
            actor=actor,
            model=Case,
            owner_agency=to_agency,
            number=_next_intake_number(to_agency),
            title="",  # the caption names the defendants from their records
            status=CaseStatus.INTAKE,
            kind=_case_kind(first),
            county=first.county,
        )
        case_opened(actor=actor, case=case)
        deadline_schedule(obj=case, rule="charging_decision", event_at=case.created_at,
                          responsible_agency=to_agency, actor=actor)  # fmt: skip
        for arrest in group:
            case_defendant_add(case=case, person=arrest.arrestee)
            access.share(
                actor=actor,
                obj=arrest,
                to_agency=to_agency,
                level=ShareLevel.VIEW,
                reason=f"Handed off for a charging decision (case {case.number})",
            )
            handoff = records.record_create(
                actor=actor, model=HandOff, arrest=arrest, to_agency=to_agency, case=case, note=note
            )
            audit.record(
                actor,
                "arrest.handed_off",
                arrest,
                changes={"to_agency": to_agency.name, "case": case.number},
            )
            handoffs.append(handoff)
    case_outcome_refresh(*{handoff.case_id for handoff in handoffs})
    return handoffs
