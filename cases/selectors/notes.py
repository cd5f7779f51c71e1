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
    shared = Q(visibility=NoteVisibility.SHARED)
    return shared if membership is None else Q(case__owner_agency_id=membership.agency_id) | shared
