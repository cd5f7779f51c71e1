"""The charging decision and charges: filed, amended and disposed, never erased."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cases.models import (
    Case,
    CaseDefendant,
    CaseStatus,
    Charge,
    ChargeStatus,
    ChargingDecision,
    Decision,
    Disposition,
    Person,
    Statute,
)
from cases.services.cases import case_transition
from cases.services.outcomes import case_outcome_refresh
from deadlines.services import deadline_close
from taskforce import access, audit
from taskforce.models import Agency, AgencyKind, DeadlineStatus, ShareLevel, User

UNDECIDED = {CaseStatus.INTAKE, CaseStatus.UNDER_REVIEW}


@dataclass(frozen=True)
class ChargeInput:
    defendant: Person
    statute: Statute
    filed_on: date
    level: str = ""  # the statute's level unless given


def _check_day(value: date, name: str, *, not_before: date | None = None) -> None:
    if value > timezone.localdate():
        raise ValidationError({name: "This date is in the future."})
    if not_before and value < not_before:
        raise ValidationError({name: f"This date is before {not_before:%b %-d, %Y}."})


@transaction.atomic
def charge_file(*, actor: User, case: Case, charge: ChargeInput) -> Charge:
    """File one count against a defendant of the case; counts number per defendant."""
    access.require(actor, access.Action.CHANGE, case)
    if not CaseDefendant.objects.filter(case=case, person=charge.defendant).exists():
        raise ValidationError({"defendant": "Charge a defendant of this case."})
    if not charge.statute.is_active:
        raise ValidationError({"statute": "This statute is no longer offered."})
    _check_day(charge.filed_on, "filed_on")
    last = Charge.objects.filter(case=case, defendant=charge.defendant).aggregate(
        n=Max("count_number")
    )["n"]
    filed = Charge.objects.create(
        case=case,
        defendant=charge.defendant,
        statute=charge.statute,
        count_number=(last or 0) + 1,
        level=charge.level or charge.statute.level,
        filed_on=charge.filed_on,
        created_by=actor,
    )
    case_outcome_refresh(case.pk)
    audit.record(
        actor,
        "charge.filed",
        case,
        changes={"count": filed.count_number, "statute": charge.statute.citation},
    )
    return filed


@transaction.atomic
def charging_decide(
    *,
    actor: User,
    case: Case,
    decision: str,
    reason: str = "",
    referred_to: Agency | None = None,
    charges: list[ChargeInput] = (),
) -> ChargingDecision:
    """Charge (with at least one count), decline (with a reason) or refer to another office."""
    access.require(actor, access.Action.CHANGE, case)
    if case.status not in UNDECIDED:
        raise ValidationError("This case already has a charging decision.")
    reason = reason.strip()
    if decision == Decision.CHARGE and not charges:
        raise ValidationError({"statute": "Choose at least one charge to file."})
    if decision != Decision.CHARGE and not reason:
        raise ValidationError({"reason": "Record the reason; it is reported and kept."})
    if decision == Decision.REFER and (
        referred_to is None
        or referred_to.kind != AgencyKind.PROSECUTION
        or referred_to.pk == case.owner_agency_id
    ):
        raise ValidationError({"referred_to": "Choose another prosecution agency."})
    made = ChargingDecision.objects.create(
        case=case, decision=decision, reason=reason, referred_to=referred_to, decided_by=actor
    )
    deadline_close(actor=actor, obj=case, rule="charging_decision", status=DeadlineStatus.MET)
    if decision == Decision.CHARGE:
        for charge in charges:
            charge_file(actor=actor, case=case, charge=charge)
        if case.assigned_prosecutor_id is None:
            # Whoever charges a case from intake is its prosecutor until someone reassigns it.
            Case.objects.filter(pk=case.pk).update(assigned_prosecutor=actor)
        case_transition(actor=actor, case=case, to_status=CaseStatus.CHARGED)
    else:
        note = f"Referred to {referred_to.name}: {reason}" if referred_to else reason
        case_transition(actor=actor, case=case, to_status=CaseStatus.DECLINED, reason=note)
        if referred_to is not None:
            access.share(
                actor=actor,
                obj=case,
                to_agency=referred_to,
                level=ShareLevel.VIEW,
                reason=f"Referred for a charging decision: {reason}",
            )
    audit.record(
        actor,
        "case.charging_decision",
        case,
        reason=reason,
        changes={"decision": decision, "referred_to": referred_to.name if referred_to else None},
    )
    return made


@transaction.atomic
def charge_amend(
    *, actor: User, charge: Charge, statute: Statute, amended_on: date, level: str = ""
) -> Charge:
    """Replace a count with an amended one; the original stays, marked amended."""
    access.require(actor, access.Action.CHANGE, charge.case)
    charge = Charge.objects.select_for_update().get(pk=charge.pk)
    if charge.status != ChargeStatus.ACTIVE:
        raise ValidationError("Only an active count can be amended.")
    _check_day(amended_on, "amended_on", not_before=charge.filed_on)
    amended = Charge.objects.create(
        case=charge.case,
        defendant=charge.defendant,
        statute=statute,
        count_number=charge.count_number,
        level=level or statute.level,
        filed_on=amended_on,
        created_by=actor,
    )
    charge.status = ChargeStatus.AMENDED
    charge.amended_to = amended
    charge.save(update_fields=["status", "amended_to"])
    case_outcome_refresh(charge.case_id)
    audit.record(
        actor,
        "charge.amended",
        charge.case,
        changes={
            "count": charge.count_number,
            "statute": [charge.statute.citation, statute.citation],
        },
    )
    return amended


@transaction.atomic
def charge_dispose(
    *, actor: User, charge: Charge, disposition: str, disposed_on: date | None
) -> Charge:
    """Record how a count ended: dismissed, pleaded, convicted, acquitted or diverted."""
    access.require(actor, access.Action.CHANGE, charge.case)
    charge = Charge.objects.select_for_update().get(pk=charge.pk)
    if charge.status != ChargeStatus.ACTIVE:
        raise ValidationError("This count is no longer active.")
    if disposition not in Disposition.values:
        raise ValidationError({"disposition": "Choose how the count ended."})
    if disposed_on is None:
        raise ValidationError({"disposed_on": "A disposition needs its date."})
    _check_day(disposed_on, "disposed_on", not_before=charge.filed_on)
    charge.disposition = disposition
    charge.disposed_on = disposed_on
    charge.disposition_recorded_at = timezone.now()
    charge.status = ChargeStatus.DISPOSED
    charge.save(update_fields=["disposition", "disposed_on", "disposition_recorded_at", "status"])
    case_outcome_refresh(charge.case_id)
    audit.record(
        actor,
        "charge.disposed",
        charge.case,
        changes={"count": charge.count_number, "disposition": disposition},
    )
    return charge
