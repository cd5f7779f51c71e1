"""Which victims of a case an actor may see: the one decision every page, form, export and
service that lists, counts, picks or writes to a case's victims takes.

A case's victim row names a person, and that person's record is protected on its own: the agency
that recorded the victim sees it, and another agency only once the person's record is shared with
it (`access.share` on the Person) or it sees them through a record of its own (an arrest, a
referral, a runaway report). Seeing or changing the case is not enough: a case shared for change
shows the other agency the victims it may see, and nothing of the others.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from cases.models import Case, CaseVictim, Person
from taskforce import access
from taskforce.models import User


def victim_people(actor: User) -> QuerySet:
    """Ids of the people whose victim rows the actor may see (those whose record they may see)."""
    return access.visible(actor, Person).values("pk")


def case_victims_visible(actor: User, case: Case) -> QuerySet[CaseVictim]:
    """The case's victims the actor may see, with their person."""
    return (
        case.case_victims.filter(person__in=victim_people(actor))
        .select_related("person")
        .order_by("added_at", "pk")
    )


def visible_victims_q(actor: User, prefix: str = "case_victims__") -> Q:
    """A filter on a case's victim rows (reached through `prefix`) keeping the ones the actor may
    see: for counts beside a case (the caseload's "Victims" column)."""
    return Q(**{f"{prefix}person__in": victim_people(actor)})


def case_victim_get(*, actor: User, case: Case, public_id) -> CaseVictim:
    """A victim of the case by their person's public id; one the actor may not see is `NotFound`,
    exactly like one that is missing or belongs to another case."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise access.NotFound from None
    found = case_victims_visible(actor, case).filter(person__public_id=public_id).first()
    if found is None:
        raise access.NotFound
    return found


def case_victim_require(*, actor: User, case: Case, victim: CaseVictim) -> CaseVictim:
    """The victim row if it is one of the case's and the actor may see it; `NotFound` if not."""
    if (
        victim.case_id != case.pk
        or not case_victims_visible(actor, case).filter(pk=victim.pk).exists()
    ):
        raise access.NotFound
    return victim
