"""Lead investigators: who may lead a case's investigation, which police agency they answer to,
and the one change a police supervisor may make to a record another agency owns: handing the
lead-investigator role their investigator holds on it to a colleague of their own agency."""

from __future__ import annotations

from django.db import models

from taskforce.access.visibility import acting_membership, can, visible
from taskforce.models import AgencyKind, Membership, Role, User
from taskforce.protected import Action

# The field naming a record's lead investigator: the only one a police supervisor may change on
# a record they may only view (never the prosecutor, never anything else).
INVESTIGATOR_FIELD = "lead_investigator"


def may_lead_investigation(person: User | None, agency_id: int | None = None) -> bool:
    """Whether a person may be a lead investigator: an active police liaison / investigator of a
    police agency (of that agency, when given), as the case form offers them."""
    membership = acting_membership(person)
    return (
        membership is not None
        and membership.agency.kind == AgencyKind.LAW_ENFORCEMENT
        and membership.role == Role.POLICE_LIAISON
        and (agency_id is None or membership.agency_id == agency_id)
    )


def investigators_agency(person: User) -> int | None:
    """The police agency an investigator answers to: that of their latest membership of one,
    current or ended (an investigator who moved from the sheriff to a city department answers
    to the department; one who left policing, to the agency they left)."""
    return (
        Membership.objects.filter(user=person, agency__kind=AgencyKind.LAW_ENFORCEMENT)
        .order_by("-started_at", "-pk")
        .values_list("agency_id", flat=True)
        .first()
    )


def investigated_for(actor: User | None, model: type[models.Model]) -> models.QuerySet:
    """The records of another agency a police supervisor may see whose lead investigator answers
    to their agency: the rows of their Reassign page. Nothing for anyone else."""
    agency_id = police_supervisor_agency(actor)
    if agency_id is None:
        return model.objects.none()
    latest = (
        Membership.objects.filter(
            user=models.OuterRef(INVESTIGATOR_FIELD), agency__kind=AgencyKind.LAW_ENFORCEMENT
        )
        .order_by("-started_at", "-pk")
        .values("agency_id")[:1]
    )
    return (
        visible(actor, model)
        .exclude(owner_agency_id=agency_id)
        .annotate(investigator_answers_to=models.Subquery(latest))
        .filter(investigator_answers_to=agency_id)
    )


def police_supervisor_agency(actor: User | None) -> int | None:
    """The police agency the actor supervises, or None."""
    membership = acting_membership(actor)
    if (
        membership is None
        or membership.role != Role.SUPERVISOR
        or membership.agency.kind != AgencyKind.LAW_ENFORCEMENT
    ):
        return None
    return membership.agency_id


def may_hand_over_investigation(
    actor: User | None, obj: models.Model, investigator: User | None = None
) -> bool:
    """Whether a police supervisor may hand the lead-investigator role on this record to a
    colleague: they may see the record, and its lead investigator (the stored one, or the one
    given while the record changes hands) answers to their agency."""
    agency_id = police_supervisor_agency(actor)
    if investigator is None:
        investigator = getattr(obj, INVESTIGATOR_FIELD, None)
    return (
        agency_id is not None
        and investigator is not None
        and investigators_agency(investigator) == agency_id
        and can(actor, Action.VIEW, obj)
    )
