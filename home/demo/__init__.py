"""Demo task force for a first run: the metro counties and Central Minnesota, one user per role
per agency kind, and the task force's public record (README: Demo figures)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.contrib.auth.hashers import make_password
from django.db import transaction

from cases.services.outcomes import outcomes_deferred
from deadlines.reminders import send_due_reminders
from home.demo.guardian_angel import GUARDIAN_ANGEL, seed_guardian_angel
from home.demo.history import seed_history
from home.demo.prosecution import seed_escalation, seed_prosecution
from home.demo.referrals import seed_referrals, seed_regions
from home.demo.stings import DEMO_OPERATION, seed_runaways, seed_sting
from home.demo.victims import seed_victims_served
from taskforce.models import Agency, AgencyKind, Role, User
from taskforce.services import membership_start

__all__ = [
    "DEMO_OPERATION",
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "GUARDIAN_ANGEL",
    "SeedSummary",
    "seed_demo",
]

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
    ("Dakota County Attorney's Office", "DCAO", AgencyKind.PROSECUTION, "Dakota"),
    # The Central Minnesota task force's county attorney and sheriff.
    ("Stearns County Attorney's Office", "SCAO", AgencyKind.PROSECUTION, "Stearns"),
    ("Stearns County Sheriff's Office", "SCSO", AgencyKind.LAW_ENFORCEMENT, "Stearns"),
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
    (
        "Central Minnesota Sexual Assault Center (Safe Harbor navigator)",
        "CM Advocacy",
        AgencyKind.VICTIM_SERVICES,
        "Stearns",
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
    DemoUser(
        "dakota_prosecutor", "Noor", "Haddad", "DCAO", Role.PROSECUTOR, "Assistant County Attorney"
    ),
    DemoUser(
        "stearns_prosecutor", "Erik", "Lund", "SCAO", Role.PROSECUTOR, "Assistant County Attorney"
    ),
    DemoUser("stearns_liaison", "Kari", "Wirtz", "SCSO", Role.POLICE_LIAISON, "Investigator"),
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
        "central_advocate", "Amina", "Farah", "CM Advocacy", Role.ADVOCATE, "Regional Navigator"
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
    historic_convictions: int = 0
    victims_served: int = 0
    deadlines_overdue: int = 0

    @property
    def changed_anything(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)


@transaction.atomic
def seed_demo() -> SeedSummary:
    """Create what is missing of the demo task force; running it again changes nothing."""
    summary = SeedSummary()
    # One hash for every demo login (they share the published password): hashed per user, it
    # was the seed's slowest part (PBKDF2, a third of a second each; Argon2id, ~80 ms each).
    password = cache(lambda: make_password(DEMO_PASSWORD))
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
            user.password = password()
            user.save(update_fields=["password"])
            summary.users_created += 1
        agency = agencies[spec.agency]
        current = user.membership
        if current is None or current.agency_id != agency.pk or current.role != spec.role:
            membership_start(user=user, agency=agency, role=spec.role, title=spec.title)
            summary.memberships_started += 1

    # The report columns of each case the stories touch are worked out once, at the end, not
    # after every arrest, count and disposition (the services' refresh was half the seed's time).
    with outcomes_deferred():
        summary.operations_created += seed_sting(agencies)
        summary.runaway_reports_created += seed_runaways(agencies)
        seed_regions(agencies)
        summary.cases_sentenced += seed_prosecution(agencies)
        summary.referrals_created += seed_referrals(agencies)
        summary.operations_created += seed_guardian_angel(agencies)
        summary.historic_convictions += seed_history(agencies)
        summary.victims_served += seed_victims_served()
        summary.deadlines_overdue += seed_escalation(agencies)
    # The reminders of the one deadline left overdue on purpose went out before it was due;
    # send them now, so the first beat tick has no backlog (only that deadline's escalation).
    send_due_reminders()

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
        admin.password = password()
        admin.save(update_fields=["password"])
        summary.users_created += 1
    return summary
