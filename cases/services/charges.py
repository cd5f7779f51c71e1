"""The charging decision and charges: filed, amended and disposed, never erased."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from cases.models import (
    Case,
    CaseDefendant,
    CaseStatus,
    CaseStatusChange,
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
from taskforce import access, audit, records
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


def _check_charge(charge: ChargeInput) -> None:
    if not charge.statute.is_active:
        raise ValidationError({"statute": "This statute is no longer offered."})
    _check_day(charge.filed_on, "filed_on")


def _filed(charge: Charge) -> dict:
    """What the trail says of a count filed (on its case's row)."""
    return {"count": charge.count_number, "statute": charge.statute.citation}


def _decided(decision: str, referred_to: Agency | None) -> dict:
    return {"decision": decision, "referred_to": referred_to.name if referred_to else None}


@transaction.atomic
def charge_file(*, actor: User, case: Case, charge: ChargeInput) -> Charge:
    """File one count against a defendant of the case; counts number per defendant."""
    access.require(actor, access.Action.CHANGE, case)
    if not CaseDefendant.objects.filter(case=case, person=charge.defendant).exists():
        raise ValidationError({"defendant": "Charge a defendant of this case."})
    _check_charge(charge)
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
    audit.record(actor, "charge.filed", case, changes=_filed(filed))
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
        changes=_decided(decision, referred_to),
    )
    return made


@dataclass(frozen=True)
class CaseOpenedBefore:
    """A case an office opened before it used this system (a spreadsheet row group): the
    fields `case_create` takes, its defendants, and the counts filed, if any."""

    fields: dict  # number, kind, county, court_file_number, is_juvenile
    defendants: list[Person]
    charges: list[ChargeInput]


@transaction.atomic
def cases_opened_before(*, actor: User, cases: list[CaseOpenedBefore]) -> list[Case]:
    """What `case_create`, `case_defendant_add` and, for a case with counts, `charging_decide`
    (charge) would leave for each case, written in bulk: a file of thousands of cases.

    The same checks on each case and count (the policy, the case's fields and constraints, an
    active statute, a filing day not in the future), the same rows (status steps, defendants,
    the charging decision, counts numbered per defendant, the importer as prosecutor) and the
    same audit rows, one INSERT per batch. No deadline is written, as none would be: a case
    opened here has no charging-decision deadline to meet (only a hand-off schedules one),
    and the charged status plans no notice. The report columns are refreshed once, for all."""
    for case in cases:
        for charge in case.charges:
            if charge.defendant not in case.defendants:
                raise ValidationError({"defendant": "Charge a defendant of this case."})
            _check_charge(charge)
    made = records.record_create_many(actor=actor, model=Case, rows=[
        {"title": "", "assigned_prosecutor": None, "lead_investigator": None, **case.fields}
        for case in cases
    ])  # fmt: skip
    steps = [CaseStatusChange(case=c, from_status="", to_status=c.status, by=actor) for c in made]
    defendants = [
        CaseDefendant(case=made_case, person=person)
        for made_case, case in zip(made, cases, strict=True)
        for person in dict.fromkeys(case.defendants)
    ]
    CaseDefendant.objects.bulk_create(defendants, batch_size=1000)
    charged = [(c, case) for c, case in zip(made, cases, strict=True) if case.charges]
    decisions, counts = [], []
    for made_case, case in charged:
        access.require(actor, access.Action.CHANGE, made_case)
        decisions.append(ChargingDecision(case=made_case, decision=Decision.CHARGE,
                                          decided_by=actor))  # fmt: skip
        numbers: dict[int, int] = {}
        for charge in case.charges:
            numbers[charge.defendant.pk] = numbers.get(charge.defendant.pk, 0) + 1
            counts.append(Charge(
                case=made_case, defendant=charge.defendant, statute=charge.statute,
                count_number=numbers[charge.defendant.pk],
                level=charge.level or charge.statute.level, filed_on=charge.filed_on,
                created_by=actor,
            ))  # fmt: skip
    ChargingDecision.objects.bulk_create(decisions, batch_size=1000)
    Charge.objects.bulk_create(counts, batch_size=1000)
    # Whoever charges a case from intake is its prosecutor; the status step is a change.
    now = timezone.now()
    Case.objects.filter(pk__in=[c.pk for c, _ in charged]).update(
        assigned_prosecutor=actor, status=CaseStatus.CHARGED, version=F("version") + 1,
        updated_at=now, updated_by=actor,
    )  # fmt: skip
    for made_case, _ in charged:
        made_case.assigned_prosecutor, made_case.status = actor, CaseStatus.CHARGED
        made_case.version, made_case.updated_at = made_case.version + 1, now
        steps.append(CaseStatusChange(case=made_case, from_status=CaseStatus.INTAKE,
                                      to_status=CaseStatus.CHARGED, by=actor))  # fmt: skip
    CaseStatusChange.objects.bulk_create(steps, batch_size=1000)
    cases_of = [c.case for c in counts]
    audit.record_many(actor, "charge.filed", cases_of, [_filed(c) for c in counts])
    moved = [c for c, _ in charged]
    stepped = {"status": [CaseStatus.INTAKE, CaseStatus.CHARGED]}  # as record_update writes it
    audit.record_many(actor, "case.changed", moved, [stepped] * len(moved))
    decided = _decided(Decision.CHARGE, None)
    audit.record_many(actor, "case.charging_decision", moved, [decided] * len(moved))
    if moved:
        case_outcome_refresh(*[c.pk for c in moved])
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
