"""The demo's sting, its arrests and the runaway reports that turn up in it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.models import (
    AdResponse,
    CustodyStatus,
    HandOff,
    IdentifierKind,
    Operation,
    RunawayReport,
    Sex,
    Statute,
)
from cases.services.arrests import ArrestRow, arrests_create
from cases.services.handoffs import handoff_create
from cases.services.operations import operation_create
from cases.services.people import PersonData, person_create, person_identifier_add
from taskforce.models import Agency, County, User
from taskforce.records import record_create

DEMO_OPERATION = "Operation Northern Lights (demo)"


# (last, first, born, county, days ago, hour, decoy's stated age, solicited)
DEMO_ARRESTS = [
    ("Halvorsen", "Eric", "1979-04-11", "Washington", 40, 20, 15, "text_online"),
    ("Pruitt", "Daniel", "1986-09-02", "Washington", 40, 22, 14, "text_online"),
    ("Moua", "Kevin", "1991-12-19", "Washington", 39, 19, 15, "public_place"),
    ("Sandoval", "Luis", "1975-06-30", "Washington", 39, 21, 16, "text_online"),
    ("Brandt", "Gregory", "1968-02-14", "Ramsey", 38, 20, 14, "text_online"),
    ("Okonkwo", "Tobi", "1993-08-08", "Ramsey", 38, 23, 15, "in_person"),
]


def seed_sting(agencies: dict[str, Agency]) -> int:
    """A buyer sting led by the sheriff with two police departments, some of it handed off."""
    sheriff = agencies["WCSO"]
    if Operation.objects.filter(owner_agency=sheriff, name=DEMO_OPERATION).exists():
        return 0
    liaison = User.objects.get(username="wcso_liaison")
    counties = {c.name: c for c in County.objects.filter(name__in=["Washington", "Ramsey"])}
    today = timezone.localdate()
    operation = operation_create(
        actor=liaison,
        name=DEMO_OPERATION,
        kind="buyer_sting",
        starts_on=today - dt.timedelta(days=41),
        ends_on=today - dt.timedelta(days=37),
        counties=list(counties.values()),
        participants=[agencies["Woodbury PD"], agencies["Cottage Grove PD"]],
        ads_posted=212,
        responses=164,
        contacts=58,
        notes="Decoy ads stated ages 14 to 16. Demo data: every name is invented.",
    )
    statute = Statute.objects.get(citation="609.324 subd. 1(b)")
    rows = []
    for n, (last, first, born, county, days, hour, age, venue) in enumerate(DEMO_ARRESTS, 1):
        arrested_at = timezone.make_aware(
            dt.datetime.combine(today - dt.timedelta(days=days), dt.time(hour, 15))
        )
        rows.append(
            ArrestRow(
                last_name=last,
                first_name=first,
                date_of_birth=dt.date.fromisoformat(born),
                arrested_at=arrested_at,
                county=counties[county],
                custody_status=CustodyStatus.CITED,  # no custody clock left running
                statutes=[statute],
                booking_number=f"WC{today:%y}-{n:04d}",
                decoy_stated_age=age,
                decoy_age_stated_at=arrested_at - dt.timedelta(hours=2),
                solicitation_venue=venue,
                city="Woodbury" if county == "Washington" else "Saint Paul",
                arresting_officer="Inv. Lindqvist",
            )
        )
    arrests = arrests_create(
        actor=liaison, operation=operation, arresting_agency=sheriff, rows=rows
    )
    handoff_create(actor=liaison, arrests=arrests[:3], to_agency=agencies["WCAO"])
    handoff_create(actor=liaison, arrests=arrests[4:5], to_agency=agencies["RCAO"])
    return 1


# (last, first, born, reported days ago, reported by, days away, came back from, handle, notes)
DEMO_RUNAWAYS = [
    ("Lindgren", "Kayla", "2009-03-02", 420, "Mother", 6, "A motel on Hudson Road, Woodbury",
     "sunny_mn", "Third report this year; came back with a new phone and new clothes."),
    ("Aune", "Brianna", "2010-07-19", 300, "Group home (Oakdale)", 2, "A friend's apartment",
     "", "Back on her own; says she stayed with a friend from school."),
]  # fmt: skip


# A handle that answered the demo sting's decoy ads: the first report above matches through it.
DEMO_AD_HANDLE = "@sunny_mn"


def seed_runaways(agencies: dict[str, Agency]) -> int:
    """Old runaway reports in the county attorney's review queue, one of them matching the sting."""
    attorney = agencies["WCAO"]
    if RunawayReport.objects.filter(owner_agency=attorney).exists():
        return 0
    prosecutor = User.objects.get(username="wash_prosecutor")
    handed = (
        HandOff.objects.filter(to_agency=attorney)
        .select_related("arrest__arrestee", "arrest__operation")
        .first()
    )
    if handed is not None:
        # The buyer answered the sting's decoy ad from this handle: it is recorded on the
        # operation's page and among his identifiers (which the county attorney sees).
        person_identifier_add(
            person=handed.arrest.arrestee, kind=IdentifierKind.HANDLE, value=DEMO_AD_HANDLE
        )
        if handed.arrest.operation is not None:
            AdResponse.objects.get_or_create(
                operation=handed.arrest.operation, kind=IdentifierKind.HANDLE,
                value=DEMO_AD_HANDLE,
                defaults={"seen_on": handed.arrest.arrested_at.date(),
                          "recorded_by": handed.arrest.created_by},
            )  # fmt: skip
    now = timezone.now()
    for last, first, born, days, by, away, back_from, handle, notes in DEMO_RUNAWAYS:
        identifiers = ((IdentifierKind.HANDLE, handle),) if handle else ()
        youth = person_create(
            actor=prosecutor,
            data=PersonData(first_name=first, last_name=last, sex=Sex.FEMALE,
                            date_of_birth=dt.date.fromisoformat(born), identifiers=identifiers),
        )  # fmt: skip
        reported_at = now - dt.timedelta(days=days)
        record_create(
            actor=prosecutor, model=RunawayReport, youth=youth, reported_at=reported_at,
            reported_by=by, returned_at=reported_at + dt.timedelta(days=away),
            returned_from=back_from, notes=notes,
        )  # fmt: skip
    return len(DEMO_RUNAWAYS)
