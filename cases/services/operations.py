"""Writes to operations: create, change, and who takes part (participants see its arrests)."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import AdResponse, AdResponseKind, Operation, OperationParticipant
from cases.models.people import identifier_key
from taskforce import access, audit, records
from taskforce.models import Agency, AgencyKind, County, ShareLevel, User

PARTICIPANT_KINDS = {AgencyKind.LAW_ENFORCEMENT, AgencyKind.PROSECUTION, AgencyKind.TASK_FORCE}
AD_RESPONSES_AT_ONCE = 500


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
    if not access.may_create(actor, Operation):
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


@transaction.atomic
def ad_responses_add(
    *, actor: User, operation: Operation, text: str, seen_on: date
) -> list[AdResponse]:
    """Record the phone numbers and handles seen in an operation, one per line (a handle starts
    with @). All or nothing: a bad line is named with its number and nothing is saved. A value
    already recorded for this operation is skipped."""
    access.require(actor, access.Action.CHANGE, operation)
    problems: dict[str, list[str]] = {}
    if seen_on > timezone.localdate():
        problems["seen_on"] = ["This date is in the future."]
    elif operation.starts_on and seen_on < operation.starts_on:
        problems["seen_on"] = ["This date is before the operation started."]
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    found, errors = [], []
    if not lines:
        errors.append("Enter at least one phone number or @handle.")
    elif len(lines) > AD_RESPONSES_AT_ONCE:
        errors.append(f"Enter at most {AD_RESPONSES_AT_ONCE} lines at a time ({len(lines)} given).")
    for number, line in lines[:AD_RESPONSES_AT_ONCE]:
        if len(line) > 120:
            errors.append(f"Line {number}: longer than 120 characters.")
        elif line.startswith("@"):
            found.append(AdResponse(kind=AdResponseKind.HANDLE, value=line))
        elif len(re.sub(r"\D", "", line)) >= 7 and not re.search(r"[A-Za-z]", line):
            found.append(AdResponse(kind=AdResponseKind.PHONE, value=line))
        else:
            errors.append(f"Line {number}: “{line}” is neither a phone number nor an @handle.")
    if errors:
        problems["text"] = errors
    if problems:
        raise ValidationError(problems)
    seen = set(operation.ad_responses.values_list("kind", "normalised"))
    added = []
    for response in found:
        key = (response.kind, identifier_key(response.kind, response.value))
        if key in seen:
            continue
        seen.add(key)
        response.operation, response.seen_on, response.recorded_by = operation, seen_on, actor
        response.save()
        added.append(response)
    audit.record(actor, "operation.ad_responses_added", operation, changes={"added": len(added)})
    return added
