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
from collections import Counter

from django.db.models import OuterRef, Q, QuerySet, Value

from cases.models import Case, CaseVictim, Person
from taskforce import access
from taskforce.models import User
from taskforce.web.columns import CountOf


def victim_people(actor: User) -> QuerySet:
    """Ids of the people whose victim rows the actor may see (those whose record they may see)."""
    return access.visible(actor, Person).values("pk")


def case_victims_visible(actor: User, case: Case) -> QuerySet[CaseVictim]:
    """The case's victims the actor may see, with their person: the same rows as filtering on
    `victim_people`, decided for the case's few people (`access.visible_among`)."""
    people = case.case_victims.values_list("person_id", flat=True)
    return (
        case.case_victims.filter(person__in=access.visible_among(actor, Person, people))
        .select_related("person")
        .order_by("added_at", "pk")
    )


def case_victims_shown(actor: User, case: Case) -> list[CaseVictim]:
    """`case_victims_visible` for a case read by `case_for_page` (its victims with their
    people in hand): the same rows and order, decided without reading them again."""
    if "case_victims" not in getattr(case, "_prefetched_objects_cache", {}):
        return list(case_victims_visible(actor, case))
    victims = list(case.case_victims.all())
    shown = {person.pk for person in access.visible_of(actor, [v.person for v in victims])}
    return [victim for victim in victims if victim.person_id in shown]


def visible_victims_q(actor: User, prefix: str = "case_victims__") -> Q:
    """A filter on a case's victim rows (reached through `prefix`) keeping the ones the actor may
    see: for counts beside a case (the caseload's "Victims" column)."""
    return Q(**{f"{prefix}person__in": victim_people(actor)})


def page_victim_columns(actor: User) -> dict:
    """Columns of a page's rows for `count_victims_visible`: the victims the actor's own agency
    recorded (unsealed), which the actor sees without asking the policy, and how many others
    there are, whom the policy must be asked about."""
    membership = access.acting_membership(actor)
    if membership is None or membership.role not in access.rules_for(Person).view:
        return victim_columns_of(None)
    return victim_columns_of(membership.agency_id)


def victim_columns_of(agency_id: int | None) -> dict:
    """`page_victim_columns` for a person of the agency who may see people (None: who may
    not)."""
    if agency_id is None:
        return {"victim_count": Value(0), "victims_elsewhere": Value(0)}
    own = Q(person__owner_agency_id=agency_id, person__sealed_at__isnull=True)
    victims = CaseVictim.objects.filter(case=OuterRef("pk"))
    return {
        "victim_count": CountOf(victims.filter(own)),
        "victims_elsewhere": CountOf(victims.exclude(own)),
    }


def count_victims_visible(actor: User, cases: list[Case]) -> None:
    """Completes `victim_count` on a page's rows annotated with `page_victim_columns`: the same
    count as `visible_victims_q` gives.

    `access.visible(actor, Person)` is a large query to build (every path by which a person is
    seen), so it is asked only when a row has victims another agency recorded, or sealed ones:
    one query for all such rows of the page."""
    asked = [case.pk for case in cases if case.victims_elsewhere]
    if not asked:
        return
    membership = access.acting_membership(actor)
    own = Q(person__owner_agency_id=membership.agency_id, person__sealed_at__isnull=True)
    victims = CaseVictim.objects.filter(case_id__in=asked).exclude(own)
    rows = list(victims.values_list("case_id", "person_id"))
    # Decided for these few people (`access.visible_among`), not by building every person the
    # actor may see (4 s a page for an office seeing 218,000 arrestees by hand-off, issue #22).
    seen = set(access.visible_among(actor, Person, {person for _, person in rows}))
    more = Counter(case_id for case_id, person in rows if person in seen)
    for case in cases:
        case.victim_count += more.get(case.pk, 0)


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
