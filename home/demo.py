"""Demo task force for a first run: two counties, one user per role per agency kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases.models import (
    AdResponse,
    CaseStatus,
    Charge,
    CustodyStatus,
    Decision,
    Disposition,
    HandOff,
    IdentifierKind,
    Operation,
    RunawayReport,
    Sex,
    Statute,
)
from cases.models.people import ContactMethod, name_key
from cases.services.arrests import ArrestRow, arrests_create
from cases.services.cases import case_transition
from cases.services.charges import ChargeInput, charge_dispose, charging_decide
from cases.services.court import sentence_record
from cases.services.handoffs import handoff_create
from cases.services.operations import operation_create
from cases.services.people import PersonData, person_create, person_identifier_add
from referrals.models import Referral, ReferralStatus, Region
from referrals.services import referral_open_victim, referral_send, referral_transition
from taskforce.models import Agency, AgencyKind, County, Role, User
from taskforce.records import record_create
from taskforce.services import membership_start
from victims.models import IdentifiedHow, ServiceKind, ServiceStatus
from victims.services import contact_record, service_record

# Every demo account signs in with this password (README: Demo logins). Never seed in production.
DEMO_PASSWORD = "taskforce-demo-2026"  # noqa: S105

# (name, short name, kind, county)
DEMO_AGENCIES = [
    ("Washington County Attorney's Office", "WCAO", AgencyKind.PROSECUTION, "Washington"),
    ("Washington County Sheriff's Office", "WCSO", AgencyKind.LAW_ENFORCEMENT, "Washington"),
    ("Woodbury Police Department", "Woodbury PD", AgencyKind.LAW_ENFORCEMENT, "Washington"),
    (
        "Cottage Grove Police Department",
        "Cottage Grove PD",
        AgencyKind.LAW_ENFORCEMENT,
        "Washington",
    ),
    ("Stillwater Police Department", "Stillwater PD", AgencyKind.LAW_ENFORCEMENT, "Washington"),
    ("Oakdale Police Department", "Oakdale PD", AgencyKind.LAW_ENFORCEMENT, "Washington"),
    ("Ramsey County Attorney's Office", "RCAO", AgencyKind.PROSECUTION, "Ramsey"),
    ("Saint Paul Police Department", "SPPD", AgencyKind.LAW_ENFORCEMENT, "Ramsey"),
    (
        "St. Croix Valley Sexual Assault & Domestic Violence Advocacy Center",
        "SCV Advocacy",
        AgencyKind.VICTIM_SERVICES,
        "Washington",
    ),
    (
        "West Central Youth Shelter (Safe Harbor navigator)",
        "WC Navigator",
        AgencyKind.VICTIM_SERVICES,
        "Douglas",
    ),
    ("East Metro Human Trafficking Task Force", "EMHTTF", AgencyKind.TASK_FORCE, ""),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    agency: str
    role: str
    title: str


DEMO_USERS = [
    DemoUser(
        "wash_prosecutor", "Dana", "Whitfield", "WCAO", Role.PROSECUTOR, "Assistant County Attorney"
    ),
    DemoUser(
        "wash_supervisor", "Morgan", "Ellison", "WCAO", Role.SUPERVISOR, "Criminal Division Chief"
    ),
    DemoUser(
        "ramsey_prosecutor", "Priya", "Raman", "RCAO", Role.PROSECUTOR, "Assistant County Attorney"
    ),
    DemoUser("ramsey_supervisor", "Tom", "Becker", "RCAO", Role.SUPERVISOR, "Division Director"),
    DemoUser("wcso_liaison", "Jesse", "Lindqvist", "WCSO", Role.POLICE_LIAISON, "Investigator"),
    DemoUser("wcso_supervisor", "Carla", "Nguyen", "WCSO", Role.SUPERVISOR, "Commander"),
    DemoUser("woodbury_liaison", "Sam", "Okafor", "Woodbury PD", Role.POLICE_LIAISON, "Detective"),
    DemoUser(
        "cottagegrove_liaison",
        "Alex",
        "Moreno",
        "Cottage Grove PD",
        Role.POLICE_LIAISON,
        "Sergeant",
    ),
    DemoUser(
        "stillwater_liaison", "Riley", "Hanson", "Stillwater PD", Role.POLICE_LIAISON, "Detective"
    ),
    DemoUser("oakdale_liaison", "Jordan", "Vang", "Oakdale PD", Role.POLICE_LIAISON, "Officer"),
    DemoUser("stpaul_liaison", "Casey", "Yang", "SPPD", Role.POLICE_LIAISON, "Sergeant"),
    DemoUser("scv_advocate", "Maya", "Thunder", "SCV Advocacy", Role.ADVOCATE, "Advocate"),
    DemoUser("scv_supervisor", "Ruth", "Abdi", "SCV Advocacy", Role.SUPERVISOR, "Program Director"),
    DemoUser(
        "westcentral_navigator",
        "Lena",
        "Solberg",
        "WC Navigator",
        Role.ADVOCATE,
        "Regional Navigator",
    ),
    DemoUser(
        "taskforce_coordinator", "Chris", "Ostrowski", "EMHTTF", Role.COORDINATOR, "Coordinator"
    ),
    DemoUser(
        "taskforce_supervisor", "Pat", "Delgado", "EMHTTF", Role.SUPERVISOR, "Task Force Commander"
    ),
]

DEMO_ADMIN = "admin"


@dataclass
class SeedSummary:
    agencies_created: int = 0
    users_created: int = 0
    memberships_started: int = 0
    operations_created: int = 0
    runaway_reports_created: int = 0
    cases_sentenced: int = 0
    referrals_created: int = 0

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.agencies_created
            or self.users_created
            or self.memberships_started
            or self.operations_created
            or self.runaway_reports_created
            or self.cases_sentenced
            or self.referrals_created
        )


@transaction.atomic
def seed_demo() -> SeedSummary:
    """Create what is missing of the demo task force; running it again changes nothing."""
    summary = SeedSummary()
    agencies: dict[str, Agency] = {}
    for name, short_name, kind, county in DEMO_AGENCIES:
        agency, created = Agency.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short_name,
                "kind": kind,
                "county": county,
                "jurisdiction": f"{county} County" if county else "",
            },
        )
        agencies[short_name] = agency
        summary.agencies_created += created

    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@demo.invalid",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            summary.users_created += 1
        agency = agencies[spec.agency]
        current = user.membership
        if current is None or current.agency_id != agency.pk or current.role != spec.role:
            membership_start(user=user, agency=agency, role=spec.role, title=spec.title)
            summary.memberships_started += 1

    summary.operations_created += _seed_sting(agencies)
    summary.runaway_reports_created += _seed_runaways(agencies)
    _seed_regions(agencies)
    summary.cases_sentenced += _seed_prosecution(agencies)
    summary.referrals_created += _seed_referrals(agencies)

    admin, created = User.objects.get_or_create(
        username=DEMO_ADMIN,
        defaults={
            "first_name": "Task Force",
            "last_name": "Administrator",
            "email": "admin@demo.invalid",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
        summary.users_created += 1
    return summary


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


def _seed_sting(agencies: dict[str, Agency]) -> int:
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
                custody_status=CustodyStatus.BOOKED,
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


def _seed_runaways(agencies: dict[str, Agency]) -> int:
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
            data=PersonData(first_name=first, last_name=last,
                            date_of_birth=dt.date.fromisoformat(born), identifiers=identifiers),
        )  # fmt: skip
        reported_at = now - dt.timedelta(days=days)
        record_create(
            actor=prosecutor, model=RunawayReport, youth=youth, reported_at=reported_at,
            reported_by=by, returned_at=reported_at + dt.timedelta(days=away),
            returned_from=back_from, notes=notes,
        )  # fmt: skip
    return len(DEMO_RUNAWAYS)


# Safe Harbor's West Central region (19 counties), with its navigator at a shelter agency.
WEST_CENTRAL = (
    "Big Stone, Becker, Chippewa, Clay, Douglas, Grant, Kandiyohi, Lac qui Parle, McLeod, Meeker, "
    "Otter Tail, Pope, Renville, Stevens, Swift, Traverse, Wadena, Wilkin, Yellow Medicine"
)


def _seed_regions(agencies: dict[str, Agency]) -> None:
    regions = [
        ("West Central", WEST_CENTRAL, agencies["WC Navigator"]),
        ("Metro (demo)", "Washington, Ramsey", agencies["SCV Advocacy"]),
    ]
    for name, counties, navigator in regions:
        region, created = Region.objects.get_or_create(name=name, defaults={"navigator": navigator})
        if created:
            names = [county.strip() for county in counties.split(",")]
            region.counties.set(County.objects.filter(name__in=names))


def _seed_prosecution(agencies: dict[str, Agency]) -> int:
    """Ramsey's county attorney takes its one handed-off arrest to sentence (a plea), so the
    reports have a charge, a disposition and a 609.3241 assessment to count. Washington's three
    stay in intake for a newcomer to work."""
    ramsey = agencies["RCAO"]
    handed = HandOff.objects.filter(to_agency=ramsey).select_related("case", "arrest").first()
    if handed is None or Charge.objects.filter(case=handed.case).exists():
        return 0
    prosecutor = User.objects.get(username="ramsey_prosecutor")
    case, arrest = handed.case, handed.arrest
    today = timezone.localdate()
    arrested_on = timezone.localdate(arrest.arrested_at)
    statute = Statute.objects.get(citation="609.324 subd. 1(b)")
    filed_on = min(arrested_on + dt.timedelta(days=8), today)
    charging_decide(
        actor=prosecutor, case=case, decision=Decision.CHARGE,
        charges=[ChargeInput(defendant=arrest.arrestee, statute=statute, filed_on=filed_on)],
    )  # fmt: skip
    [charge] = Charge.objects.filter(case=case)
    pleaded_on = min(charge.filed_on + dt.timedelta(days=21), today)
    charge = charge_dispose(
        actor=prosecutor, charge=charge, disposition=Disposition.PLEADED_AS_CHARGED,
        disposed_on=pleaded_on,
    )  # fmt: skip
    sentence_record(
        actor=prosecutor, charge=charge, sentenced_on=pleaded_on, assessment=Decimal("750"),
        custody_days=30, custody_stayed=True, probation_months=12,
        assessment_paid=Decimal("250"), installments=3,
    )  # fmt: skip
    for status in (CaseStatus.PRE_TRIAL, CaseStatus.SENTENCED):
        case_transition(actor=prosecutor, case=case, to_status=status)
    return 1


def _seed_referrals(agencies: dict[str, Agency]) -> int:
    """Two Safe Harbor referrals to the St. Croix Valley advocacy center, both taken up: the
    runaway youth whose ad the sting's first buyer answered (referred by Washington's county
    attorney) and an adult who called for help herself. Few on purpose: the coordinator's
    reports show them as "<5", a supervisor of either agency sees the real numbers."""
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

    today = timezone.localdate()
    for referral, how, custody, services in sent:
        for status in (ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED):
            referral = referral_transition(actor=advocate, referral=referral, to_status=status)
        victim = referral_open_victim(
            actor=advocate, referral=referral, identified_how=how, guardian_note=custody
        )
        for kind in services:
            service_record(actor=advocate, victim=victim, kind=kind,
                           status=ServiceStatus.DELIVERING, started_on=today)  # fmt: skip
        contact_record(actor=advocate, victim=victim, at=timezone.now(),
                       method=ContactMethod.PHONE, reached=True)  # fmt: skip
        referral_transition(actor=advocate, referral=referral, to_status=ReferralStatus.ENGAGED)
    return len(sent)
