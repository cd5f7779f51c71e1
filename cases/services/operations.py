"""Writes to operations: create, change, and who takes part (participants see its arrests)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.models import Operation, OperationParticipant
from taskforce import access, records
from taskforce.models import Agency, AgencyKind, County, ShareLevel, User

PARTICIPANT_KINDS = {AgencyKind.LAW_ENFORCEMENT, AgencyKind.PROSECUTION, AgencyKind.TASK_FORCE}
LEAD_KINDS = {AgencyKind.LAW_ENFORCEMENT, AgencyKind.TASK_FORCE}


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": "The end date is before the start date."})


@transaction.atomic
def operation_create(
    *,
    actor: User,
    name: str,
    kind: str,
    starts_on: date,
    ends_on: date | None = None,
    counties: list[County] = (),
    participants: list[Agency] = (),
    ads_posted: int = 0,
    responses: int = 0,
    contacts: int = 0,
    notes: str = "",
) -> Operation:
    _check_dates(starts_on, ends_on)
    membership = access.acting_membership(actor)
    if membership is None or membership.agency.kind not in LEAD_KINDS:
        raise access.Forbidden
    operation = records.record_create(
        actor=actor,
        model=Operation,
        name=name.strip(),
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        ads_posted=ads_posted,
        responses=responses,
        contacts=contacts,
        notes=notes,
    )
    operation.counties.set(counties)
    operation_participants_set(actor=actor, operation=operation, agencies=participants)
    return operation


@transaction.atomic
def operation_update(
    *,
    actor: User,
    operation: Operation,
    expected_version: int,
    data: dict,
    counties: list[County] | None = None,
    participants: list[Agency] | None = None,
) -> Operation:
    _check_dates(data.get("starts_on", operation.starts_on), data.get("ends_on", operation.ends_on))
    operation = records.record_update(
        actor=actor, obj=operation, expected_version=expected_version, data=data
    )
    if counties is not None:
        operation.counties.set(counties)
    if participants is not None:
        operation_participants_set(actor=actor, operation=operation, agencies=participants)
    return operation


@transaction.atomic
def operation_participants_set(
    *, actor: User, operation: Operation, agencies: list[Agency]
) -> list[OperationParticipant]:
    """Make exactly these agencies participants: each joins through a share of the operation."""
    wanted = {agency.pk: agency for agency in agencies if agency.pk != operation.owner_agency_id}
    for agency in wanted.values():
        if agency.kind not in PARTICIPANT_KINDS:
            raise ValidationError(
                {"participants": f"{agency.name} is not a police, prosecution or task force."}
            )
    current = {p.agency_id: p for p in operation.participants.select_related("share")}
    for agency_id, participant in current.items():
        if agency_id not in wanted:
            share_row = participant.share
            participant.delete()
            access.unshare(actor=actor, share_row=share_row, reason="No longer a participant")
    for agency_id, agency in wanted.items():
        if agency_id not in current:
            share_row = access.share(
                actor=actor,
                obj=operation,
                to_agency=agency,
                level=ShareLevel.VIEW,
                reason=f"Participating agency in {operation.name}",
            )
            OperationParticipant.objects.create(operation=operation, agency=agency, share=share_row)
    return list(operation.participants.all())
