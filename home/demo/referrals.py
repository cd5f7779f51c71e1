"""The demo's Safe Harbor region and referrals, with a victim's record opened from one."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.models import (
    RunawayReport,
    Sex,
)
from cases.models.people import ContactMethod, name_key
from cases.services.people import PersonData, person_create
from home.demo.names import born_aged, invented_name
from home.demo.stings import DEMO_RUNAWAYS
from referrals.models import Referral, ReferralStatus, Region
from referrals.services import referral_open_victim, referral_send, referral_transition
from taskforce.models import Agency, County, User
from victims.models import IdentifiedHow, ServiceKind, ServiceStatus
from victims.services import contact_record, service_record

# Safe Harbor's West Central region (19 counties), with its navigator at a shelter agency.
WEST_CENTRAL = (
    "Big Stone, Becker, Chippewa, Clay, Douglas, Grant, Kandiyohi, Lac qui Parle, McLeod, Meeker, "
    "Otter Tail, Pope, Renville, Stevens, Swift, Traverse, Wadena, Wilkin, Yellow Medicine"
)


CENTRAL = "Benton, Morrison, Sherburne, Stearns, Todd, Wright"


def seed_regions(agencies: dict[str, Agency]) -> None:
    regions = [
        ("West Central", WEST_CENTRAL, agencies["WC Navigator"]),
        ("Metro (demo)", "Washington, Ramsey, Dakota", agencies["SCV Advocacy"]),
        ("Central (demo)", CENTRAL, agencies["CM Advocacy"]),
    ]
    for name, counties, navigator in regions:
        region, created = Region.objects.get_or_create(name=name, defaults={"navigator": navigator})
        if created:
            names = [county.strip() for county in counties.split(",")]
            region.counties.set(County.objects.filter(name__in=names))


def seed_referrals(agencies: dict[str, Agency]) -> int:
    """Two Safe Harbor referrals to the St. Croix Valley advocacy center, both taken up: the
    runaway youth whose ad the sting's first buyer answered (referred by Washington's county
    attorney) and an adult who called for help herself. Few on purpose: the coordinator's
    reports hide them ("x"), a supervisor of either agency sees the real numbers."""
    advocacy = agencies["SCV Advocacy"]
    if Referral.objects.filter(owner_agency=advocacy).exists():
        return 0
    prosecutor = User.objects.get(username="wash_prosecutor")
    advocate = User.objects.get(username="scv_advocate")
    region = Region.objects.filter(name="Metro (demo)").first()
    runaway = (
        RunawayReport.objects.filter(
            owner_agency=agencies["WCAO"], youth__last_name_key=name_key(DEMO_RUNAWAYS[0][0])
        )
        .select_related("youth")
        .first()
    )
    sent = []  # (referral, how identified, custody note for a minor, services delivered)
    if runaway is not None:
        referral = referral_send(
            actor=prosecutor, person=runaway.youth, to_agency=advocacy, source="prosecution",
            region=region, urgency="urgent",
            reason="Her ad's handle was answered by a buyer arrested in the demo sting.",
        )  # fmt: skip
        custody = "Lives with her mother, who has custody. Demo data: invented."
        sent.append((referral, IdentifiedHow.OTHER_AGENCY, custody, [ServiceKind.SHELTER]))
    adult = person_create(
        actor=advocate,
        data=PersonData(first_name="Rosa", last_name="Delacroix", sex=Sex.FEMALE,
                        date_of_birth=dt.date(2004, 5, 17)),
    )  # fmt: skip
    referral = referral_send(
        actor=advocate, person=adult, to_agency=advocacy, source="self", region=region,
        reason="Called the crisis line; wants help leaving.",
    )  # fmt: skip
    sent.append((referral, IdentifiedHow.SELF, "", [ServiceKind.COUNSELING, ServiceKind.HOUSING]))

    for referral, how, custody, services in sent:
        _take_up(advocate, referral, how, custody, services)
    return len(sent) + seed_region_referrals(agencies)


def _take_up(advocate: User, referral: Referral, how: str, custody: str, services) -> None:
    """The receiving advocate accepts the referral, opens the victim's record, starts the
    services and reaches the person: the referral is engaged."""
    for status in (ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED):
        referral = referral_transition(actor=advocate, referral=referral, to_status=status)
    victim = referral_open_victim(
        actor=advocate, referral=referral, identified_how=how, guardian_note=custody
    )
    for kind in services:
        service_record(actor=advocate, victim=victim, kind=kind, status=ServiceStatus.DELIVERING,
                       started_on=timezone.localdate())  # fmt: skip
    contact_record(actor=advocate, victim=victim, at=timezone.now(),
                   method=ContactMethod.PHONE, reached=True)  # fmt: skip
    referral_transition(actor=advocate, referral=referral, to_status=ReferralStatus.ENGAGED)


# Safe Harbor referrals in each region, five or more so the coordinator's counts by region show
# (a count of 1 to 4 is hidden as "x"): (region, navigator's user, [(source, sex, age, how)]).
REGION_REFERRALS = [
    ("West Central", "westcentral_navigator", [
        ("school", Sex.FEMALE, 15, IdentifiedHow.SCHOOL),
        ("family", Sex.FEMALE, 16, IdentifiedHow.FAMILY),
        ("police", Sex.MALE, 16, IdentifiedHow.OTHER_AGENCY),
        ("self", Sex.FEMALE, 17, IdentifiedHow.SELF),
        ("hotel", Sex.FEMALE, 14, IdentifiedHow.HOTEL),
        ("other", Sex.FEMALE, 16, IdentifiedHow.OTHER),
    ]),
    ("Metro (demo)", "scv_advocate", [
        ("school", Sex.FEMALE, 14, IdentifiedHow.SCHOOL),
        ("hotel", Sex.FEMALE, 17, IdentifiedHow.HOTEL),
        ("police", Sex.MALE, 15, IdentifiedHow.OTHER_AGENCY),
    ]),
    ("Central (demo)", "central_advocate", [
        ("police", Sex.FEMALE, 16, IdentifiedHow.OTHER_AGENCY),
        ("family", Sex.FEMALE, 15, IdentifiedHow.FAMILY),
        ("school", Sex.FEMALE, 17, IdentifiedHow.SCHOOL),
        ("self", Sex.FEMALE, 17, IdentifiedHow.SELF),
        ("hotel", Sex.MALE, 17, IdentifiedHow.HOTEL),
    ]),
]  # fmt: skip


def seed_region_referrals(agencies: dict[str, Agency]) -> int:
    """Youth referred to each region's navigator (West Central's among them), each taken up."""
    if Referral.objects.filter(owner_agency=agencies["CM Advocacy"]).exists():
        return 0
    today = timezone.localdate()
    made = 0
    for region_name, username, referrals in REGION_REFERRALS:
        navigator = User.objects.get(username=username)
        region = Region.objects.get(name=region_name)
        for source, sex, age, how in referrals:
            made += 1
            first, last = invented_name(300 + made, female=sex == Sex.FEMALE)
            youth = person_create(
                actor=navigator,
                data=PersonData(first_name=first, last_name=last, sex=sex,
                                date_of_birth=born_aged(age, today, made)),
            )  # fmt: skip
            referral = referral_send(
                actor=navigator, person=youth, to_agency=navigator.membership.agency,
                source=source, region=region, urgency="urgent" if age < 16 else "routine",
                reason="Safe Harbor screening found signs of exploitation. Demo data.",
            )  # fmt: skip
            _take_up(
                navigator,
                referral,
                how,
                "Lives with a parent who has custody. Demo data.",
                [ServiceKind.SHELTER if made % 2 else ServiceKind.COUNSELING],
            )
    return made
