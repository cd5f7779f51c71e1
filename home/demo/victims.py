"""Victims served: the service survey's 5 men, 79 women, 11 boys and 80 girls, as the
victims-served report counts them (a service being delivered in the last twelve months)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.models import Sex
from cases.services.people import PersonData, person_create
from home.demo.names import born_aged, invented_name
from taskforce.models import User
from victims.models import IdentifiedHow, ServiceKind, ServiceStatus, Victim
from victims.services import service_record, victim_create

# (sex, is a minor, how many served): boys and girls are under 18, men and women 18 or over.
VICTIMS_SERVED = [(Sex.MALE, False, 5), (Sex.FEMALE, False, 79), (Sex.MALE, True, 11),
                  (Sex.FEMALE, True, 80)]  # fmt: skip
# The victim-service agencies serving them, in turn.
ADVOCATES = ["scv_advocate", "westcentral_navigator", "central_advocate"]
HOW = [IdentifiedHow.STING, IdentifiedHow.TIP, IdentifiedHow.HOTEL, IdentifiedHow.SCHOOL,
       IdentifiedHow.FAMILY, IdentifiedHow.SELF, IdentifiedHow.OTHER_AGENCY]  # fmt: skip
KINDS = [ServiceKind.SHELTER, ServiceKind.COUNSELING, ServiceKind.HOUSING, ServiceKind.MEDICAL,
         ServiceKind.LEGAL]  # fmt: skip


def _served_now() -> dict[tuple[str, bool], int]:
    """Victims already served (e.g. opened from the demo's referrals), by sex and minority."""
    counts: dict[tuple[str, bool], int] = {}
    delivering = Victim.objects.filter(
        services__status__in=[ServiceStatus.DELIVERING, ServiceStatus.COMPLETED]
    ).distinct()
    for victim in delivering.select_related("person"):
        key = (victim.person.sex, victim.age_group == "minor")
        counts[key] = counts.get(key, 0) + 1
    return counts


def seed_victims_served() -> int:
    """Open the victims' records and their services until the survey's counts are reached
    (none once they are: a second seed adds nothing)."""
    today = timezone.localdate()
    advocates = [User.objects.get(username=name) for name in ADVOCATES]
    have = _served_now()
    n = 0
    for sex, minor, wanted in VICTIMS_SERVED:
        for _ in range(wanted - have.get((sex, minor), 0)):
            n += 1
            advocate = advocates[n % len(advocates)]
            identified_on = today - dt.timedelta(days=20 + (n * 29) % 330)
            # Men all 25 or over: five in one cell, not small cells the report would hide.
            adult = 18 + n % 7 if n % 2 and sex == Sex.FEMALE else 25 + n % 30
            age = 13 + n % 5 if minor else adult
            first, last = invented_name(500 + n, female=sex == Sex.FEMALE)
            person = person_create(
                actor=advocate,
                data=PersonData(first_name=first, last_name=last, sex=sex,
                                date_of_birth=born_aged(age, identified_on, n)),
            )  # fmt: skip
            victim = victim_create(
                actor=advocate, person=person, identified_how=HOW[n % len(HOW)],
                identified_on=identified_on,
                guardian_note="Survey demo: lives with a parent who has custody." if minor else "",
            )  # fmt: skip
            started_on = identified_on + dt.timedelta(days=n % 9)
            service_record(actor=advocate, victim=victim, kind=KINDS[n % len(KINDS)],
                           status=ServiceStatus.DELIVERING,
                           started_on=min(started_on, today))  # fmt: skip
    return n
