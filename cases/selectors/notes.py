"""Which of a case's notes and documents an actor reads."""

from __future__ import annotations

from django.db.models import Q

from cases.models import NoteVisibility
from taskforce import access
from taskforce.models import User


def readable_q(actor: User) -> Q:
    """A filter on a case's notes or documents: every one of a case of the actor's own agency,
    those its agency marked shared of another's. The caller has checked the actor may view the
    case (`access.require`)."""
    membership = access.acting_membership(actor)
    return readable_in_agency_q(membership.agency_id if membership else None)


def readable_in_agency_q(agency_id: int | None) -> Q:
    """`readable_q` for a person of the agency (None: of no agency)."""
    shared = Q(visibility=NoteVisibility.SHARED)
    return shared if agency_id is None else Q(case__owner_agency_id=agency_id) | shared
