"""Every write to cases: one transaction each, through the access policy, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.models import Case
from taskforce import records
from taskforce.models import Role, User


def _check_assignee(owner_agency_id: int, assignee: User | None) -> None:
    if assignee is None:
        return
    membership = assignee.membership
    if (
        membership is None
        or membership.agency_id != owner_agency_id
        or membership.role not in {Role.PROSECUTOR, Role.SUPERVISOR}
    ):
        raise ValidationError(
            {"assigned_prosecutor": "Choose a prosecutor of the agency that owns the case."}
        )


@transaction.atomic
def case_create(
    *, actor: User, number: str, title: str, status: str, assigned_prosecutor: User | None = None
) -> Case:
    membership = actor.membership
    _check_assignee(membership.agency_id if membership else 0, assigned_prosecutor)
    return records.record_create(
        actor=actor,
        model=Case,
        number=number,
        title=title,
        status=status,
        assigned_prosecutor=assigned_prosecutor,
    )


@transaction.atomic
def case_update(*, actor: User, case: Case, expected_version: int, data: dict) -> Case:
    if "assigned_prosecutor" in data:
        _check_assignee(case.owner_agency_id, data["assigned_prosecutor"])
    return records.record_update(
        actor=actor, obj=case, expected_version=expected_version, data=data
    )


@transaction.atomic
def case_delete(*, actor: User, case: Case, reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the case is deleted; the audit keeps it."})
    records.record_delete(actor=actor, obj=case, reason=reason.strip())
