"""Benchmark of the everyday pages, in process, on the million-case bench database.

What it measures: for a prosecutor, a police liaison, an advocate and a supervisor (of the
prosecution agency), each page the role can open — home, caseload, case, arrest, operation,
person, victim, referral, deadlines, shares — requested through the Django test Client (signed
in through both steps, DEBUG off), warmed by a few untimed requests, then N times: the median and
p95 server time in ms, the median CPU time of this process (the Python side: on a shared
machine it moves less with other load than the wall time does), the SQL query count of one
request and the thousands of Python function calls of one (cProfile): the work itself, the same
however busy the machine is. A page the role cannot open (404 or 403) is listed as such.
Targets (issue #22): median ≤ 20 ms and ≤ 12 queries per page. The last line reads
`RESULT pages=… worst_median_ms=… worst_cpu_ms=… worst_queries=… over_time=… over_queries=…`.

Data: `bench/bench_access.py`'s database (`taskforce_bench` unless DATABASE_URL says otherwise;
1,000,000 cases over 200 agencies, 2% shared; seeded here with its seed when the database has no
agencies). The pages need related rows for the users measured; a separate, idempotent step adds
them for a handful of bench users, through the services (so deadlines, grants, audit rows and
outcome columns are what the app makes): a sting by a police agency with a participant, shared
with the prosecution agency that receives the most shares; 24 arrests (half booked, so custody
clocks run) with their arrestees; 12 of them handed off to that agency (12 cases in intake with
charging deadlines); the first case charged on two counts with an omnibus hearing, two victims
and a note, shared with another prosecution agency; three Safe Harbor referrals from the
prosecutor to a victim-service agency, each taken up by its advocate (victim record, service,
contact), the first with the victim's consent to the prosecution agency. The marker is the
sting's name; ANALYZE runs after the step.

With `--profile ROLE:PAGE` it profiles that page instead (cProfile over N requests, sorted by
cumulative time).

Run from the project root:

    .venv/bin/python bench/bench_pages.py [--repeat 20] [--roles prosecutor,liaison,...]
        [--pages home,caseload,...] [--cases 1000000] [--profile prosecutor:case]
"""

# ruff: noqa: E402 - Django must be configured before models are imported.

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import logging
import math
import pstats
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.environment import configure

configure("taskforce_bench", redis_db=10)

from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.bench_access import ensure_database, pick_actor
from bench.bench_access import seed as seed_cases
from cases.models import (
    Arrest,
    CourtEventKind,
    CustodyStatus,
    Decision,
    HandOff,
    Operation,
    Person,
    Sex,
    Statute,
)
from cases.services.arrests import ArrestRow, arrests_create
from cases.services.charges import ChargeInput, charging_decide
from cases.services.court import court_event_schedule
from cases.services.handoffs import handoff_create
from cases.services.notes import note_add
from cases.services.notices import case_victim_add
from cases.services.operations import operation_create
from cases.services.people import PersonData, person_create
from referrals.models import Referral, ReferralStatus
from referrals.services import referral_open_victim, referral_send, referral_transition
from taskforce import access
from taskforce.access.consent import ConsentScope
from taskforce.models import Agency, AgencyKind, County, Membership, Role, User
from tests.factories import verified_login
from victims.models import IdentifiedHow, ServiceKind, ServiceStatus, Victim
from victims.services import consent_record, contact_record, service_record

STING = "Bench pages sting"
ARRESTS = 24
HANDED_OFF = 12
REFERRALS = 3
WARMUP = 3
TARGET_MS = 20
TARGET_QUERIES = 12
ROLES = ["prosecutor", "liaison", "advocate", "supervisor"]
PAGES = ["home", "caseload", "case", "arrest", "operation", "person", "victim", "referral",
         "deadlines", "shares"]  # fmt: skip
# Not in the default run (its RESULT line stays comparable); ask for them with --pages: the case's
# edit form and the caseload's CSV export of the cases shared with the agency (the load test's
# edit and export, issue #22).
EXTRA_PAGES = ["edit", "export"]


def _progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


# --- The people and their records -----------------------------------------------------------


def _member(agency: Agency, role: str) -> User:
    membership = (
        Membership.objects.filter(agency=agency, role=role, ended_at__isnull=True)
        .select_related("user")
        .order_by("user_id")
        .first()
    )
    if membership is None:
        sys.exit(f"No {role} in {agency}.")
    return membership.user


def _agencies(kind: str, *, besides: Agency | None = None) -> list[Agency]:
    found = Agency.objects.filter(kind=kind, is_active=True).order_by("pk")
    return list(found.exclude(pk=besides.pk) if besides else found)


def cast() -> dict:
    """The bench users and their agencies: the prosecution agency receiving the most shares
    (bench_access's actor), the first police and victim-service agencies."""
    prosecutor, _ = pick_actor()
    prosecution = prosecutor.membership.agency
    police, participant = _agencies(AgencyKind.LAW_ENFORCEMENT)[:2]
    services = _agencies(AgencyKind.VICTIM_SERVICES)[0]
    return {
        "prosecution": prosecution,
        "other_prosecution": _agencies(AgencyKind.PROSECUTION, besides=prosecution)[0],
        "police": police,
        "participant": participant,
        "services": services,
        "prosecutor": prosecutor,
        "supervisor": _member(prosecution, Role.SUPERVISOR),
        "liaison": _member(police, Role.POLICE_LIAISON),
        "advocate": _member(services, Role.ADVOCATE),
    }


def seed_pages(people: dict) -> float:
    """The records the measured pages show (module docstring); does nothing a second time."""
    started = time.perf_counter()
    liaison, prosecutor, advocate = people["liaison"], people["prosecutor"], people["advocate"]
    today = timezone.localdate()
    counties = list(County.objects.order_by("pk")[:2])
    statutes = [
        Statute.objects.get(citation="609.324 subd. 1(b)"),
        Statute.objects.get(citation="609.352 subd. 2a"),
    ]
    with transaction.atomic():
        operation = operation_create(
            actor=liaison, name=STING, kind="buyer_sting", starts_on=today - dt.timedelta(days=12),
            ends_on=today - dt.timedelta(days=9), counties=counties,
            participants=[people["participant"]], ads_posted=240, responses=180, contacts=61,
            notes="Bench data: every name is invented.",
        )  # fmt: skip
        access.share(
            actor=liaison, obj=operation, to_agency=people["prosecution"],
            reason="Task force sting: the county attorney charges its buyers.",
        )  # fmt: skip
        rows = []
        for n in range(ARRESTS):
            arrested_at = timezone.now() - dt.timedelta(days=10, hours=n)
            rows.append(
                ArrestRow(
                    last_name=f"Benchbuyer{n}", first_name=f"Pat{n}",
                    date_of_birth=dt.date(1970 + n, 1 + n % 12, 1 + n % 28),
                    arrested_at=arrested_at, county=counties[n % 2],
                    custody_status=CustodyStatus.BOOKED if n % 2 else CustodyStatus.CITED,
                    statutes=[statutes[0]], booking_number=f"BP{today:%y}-{n:04d}",
                    decoy_stated_age=15, decoy_age_stated_at=arrested_at - dt.timedelta(hours=1),
                    solicitation_venue="text_online", city="Bench City",
                    arresting_officer="Inv. Bench", phone=f"651555{n:04d}",
                    handle=f"@bench_buyer_{n}",
                )
            )  # fmt: skip
        arrests = arrests_create(
            actor=liaison, operation=operation, arresting_agency=people["police"], rows=rows
        )
        handoff_create(actor=liaison, arrests=arrests[:HANDED_OFF], to_agency=people["prosecution"])
        case = HandOff.objects.get(arrest=arrests[0], to_agency=people["prosecution"]).case
        charging_decide(
            actor=prosecutor, case=case, decision=Decision.CHARGE,
            charges=[ChargeInput(defendant=arrests[0].arrestee, statute=s,
                                 filed_on=today - dt.timedelta(days=8)) for s in statutes],
        )  # fmt: skip
        court_event_schedule(
            actor=prosecutor, case=case, kind=CourtEventKind.OMNIBUS,
            starts_at=timezone.now() + dt.timedelta(days=20), courtroom="4B",
        )  # fmt: skip
        for n in range(2):
            case_victim_add(
                actor=prosecutor, case=case, role="victim",
                data=PersonData(first_name=f"Benchvictim{n}", last_name="Doe", sex=Sex.FEMALE,
                                date_of_birth=dt.date(2001 + n, 3, 3)),
            )  # fmt: skip
        note_add(actor=prosecutor, case=case, visibility="agency", body="Bench note.")
        access.share(
            actor=prosecutor, obj=case, to_agency=people["other_prosecution"],
            reason="Conflict check with the neighbouring county.",
        )  # fmt: skip
        for n in range(REFERRALS):
            youth = person_create(
                actor=prosecutor,
                data=PersonData(first_name=f"Benchyouth{n}", last_name="Roe", sex=Sex.FEMALE,
                                date_of_birth=today - dt.timedelta(days=365 * 16 + 40 * n)),
            )  # fmt: skip
            referral = referral_send(
                actor=prosecutor, person=youth, to_agency=people["services"],
                source="prosecution", urgency="urgent", case=case,
                reason="Recovered in the bench sting.",
            )  # fmt: skip
            for status in (ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED):
                referral = referral_transition(actor=advocate, referral=referral, to_status=status)
            victim = referral_open_victim(
                actor=advocate, referral=referral, identified_how=IdentifiedHow.OTHER_AGENCY,
                guardian_note="Lives with a parent who has custody. Bench data.",
            )  # fmt: skip
            service_record(actor=advocate, victim=victim, kind=ServiceKind.SHELTER,
                           status=ServiceStatus.DELIVERING, started_on=today)  # fmt: skip
            contact_record(actor=advocate, victim=victim, at=timezone.now(), method="phone",
                           reached=True)  # fmt: skip
            referral_transition(actor=advocate, referral=referral, to_status=ReferralStatus.ENGAGED)
            if n == 0:
                consent_record(
                    actor=advocate, victim=victim, to_agency=people["prosecution"],
                    scope=ConsentScope.FULL, purpose="Prosecution of the buyer.",
                    signed_on=today, expires_on=today + dt.timedelta(days=180),
                    signed_by_minor=True, guardian_name="Bench Parent",
                    guardian_relationship="mother",
                )  # fmt: skip
    with connection.cursor() as cur:
        for table in ("cases_operation", "cases_arrest", "cases_person", "cases_case",
                      "cases_handoff", "cases_charge", "cases_casevictim", "victims_victim",
                      "referrals_referral", "taskforce_deadline", "taskforce_share",
                      "taskforce_auditevent"):  # fmt: skip
            cur.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return time.perf_counter() - started


def urls(people: dict) -> dict[str, str]:
    operation = Operation.objects.get(name=STING, owner_agency=people["police"])
    arrest = Arrest.objects.filter(operation=operation).order_by("arrested_at", "pk").last()
    case = HandOff.objects.get(arrest=arrest, to_agency=people["prosecution"]).case
    referral = Referral.objects.filter(case=case).order_by("pk").first()
    victim = Victim.objects.get(person=referral.person, owner_agency=people["services"])
    return {
        "home": reverse("home"),
        "caseload": reverse("cases:list"),
        "case": reverse("cases:detail", kwargs={"public_id": case.public_id}),
        "arrest": reverse("cases:arrest_detail", kwargs={"public_id": arrest.public_id}),
        "operation": reverse("cases:operation_detail", kwargs={"public_id": operation.public_id}),
        "person": reverse("cases:person_detail", kwargs={"public_id": arrest.arrestee.public_id}),
        "victim": reverse("victims:detail", kwargs={"public_id": victim.public_id}),
        "referral": reverse("referrals:detail", kwargs={"public_id": referral.public_id}),
        "deadlines": reverse("deadlines"),
        "shares": reverse("shares"),
        "edit": reverse("cases:edit", kwargs={"public_id": case.public_id}),
        "export": reverse("cases:export") + "?scope=shared",
    }


def person_urls(people: dict, base: dict[str, str]) -> dict[str, dict[str, str]]:
    """Each role's own pages: the advocate's person is the youth her agency took up."""
    referral = Referral.objects.filter(owner_agency=people["services"]).order_by("pk").first()
    youth: Person = referral.person
    advocate = dict(base)
    advocate["person"] = reverse("cases:person_detail", kwargs={"public_id": youth.public_id})
    return {role: advocate if role == "advocate" else base for role in ROLES}


# --- Measuring ------------------------------------------------------------------------------


def p95(times: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(times)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def signed_in(user: User) -> Client:
    """A client through both sign-in steps (force_login, then the second step). Pages link plain
    static names, as in the test suite (hashed names need a collectstatic run)."""
    override_settings(
        STORAGES=settings.STORAGES
        | {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ).enable()
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    return verified_login(Client(HTTP_HOST="localhost"), user)


def read(client: Client, url: str):
    """One request, its body read to the end (a CSV export streams its rows as they are read)."""
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def measure(client: Client, url: str, repeat: int) -> dict | int:
    """Times of `repeat` requests after WARMUP untimed ones, and one request's query count; the
    status code when the page does not open."""
    for _ in range(WARMUP):
        response = read(client, url)
        if response.status_code != 200:
            return response.status_code
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = read(client, url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)  # noqa: S101
    with CaptureQueriesContext(connection) as seen:
        read(client, url)
    queries = len(seen.captured_queries)  # now: the next request clears the log
    # Python function calls of one request: the work done, whatever else the machine runs.
    profiler = cProfile.Profile()
    profiler.runcall(read, client, url)
    calls = pstats.Stats(profiler).total_calls
    return {"times": times, "cpu": cpu, "queries": queries, "calls": calls}


def profile(client: Client, url: str, repeat: int, sort: str = "cumulative") -> None:
    for _ in range(WARMUP):
        read(client, url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        read(client, url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(150)
    print(out.getvalue())


def _planned(sql: str) -> tuple[float, float] | None:
    """PostgreSQL's planning and execution ms of a SELECT (EXPLAIN ANALYZE runs it again,
    warm); None for anything else, which is not run twice."""
    if sql.startswith("SELECT set_config('pghistory."):  # the history context, then the query
        sql = sql.split("; ", 1)[1]
    # A prepared statement (taskforce/prepared.py) is explained as it is run: EXPLAIN EXECUTE.
    if not sql.startswith(("SELECT", "(SELECT", "EXECUTE")) or connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # The text Django sent, values in place: it was just run as it is.
        cursor.execute("EXPLAIN (ANALYZE, SUMMARY, FORMAT JSON) " + sql)
        [plan] = cursor.fetchone()[0]
    return plan["Planning Time"], plan["Execution Time"]


def list_queries(client: Client, url: str) -> None:
    """Each SQL query of one warm request: its time in ms as Django saw it, PostgreSQL's own
    planning and execution times of a SELECT (planning is paid at every request: psycopg2
    prepares nothing), and the start of its text."""
    for _ in range(WARMUP):
        read(client, url)
    with CaptureQueriesContext(connection) as seen:
        read(client, url)
    print(f"{'ms':>7}{'plan':>7}{'run':>7}  query")
    planning = 0.0
    for query in seen.captured_queries:
        sql = query["sql"]
        planned = _planned(sql)
        plan, run = ("", "") if planned is None else (f"{planned[0]:.1f}", f"{planned[1]:.1f}")
        planning += planned[0] if planned else 0.0
        start = sql.find(" FROM ")
        shown = sql[:400] if start < 0 else f"{sql[:60]} …{sql[start : start + 340]}"
        print(f"{float(query['time']) * 1000:7.1f}{plan:>7}{run:>7}  {shown}")
    print(f"{len(seen.captured_queries)} queries, {planning:.1f} ms planning them")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="only when seeding afresh")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--profile", metavar="ROLE:PAGE", help="profile one page and stop")
    parser.add_argument("--queries", metavar="ROLE:PAGE", help="list one page's SQL and stop")
    parser.add_argument(
        "--sort", default="cumulative", help="the profile's order: cumulative, tottime, ncalls…"
    )
    args = parser.parse_args()
    # A page a role may not open is a 404 the table reports; Django's warning would repeat it.
    logging.getLogger("django.request").setLevel(logging.ERROR)

    ensure_database()
    if not Agency.objects.exists():
        _progress(f"no bench data: seeding {args.cases:,} cases (bench_access.py's seed)")
        seed_cases(200, 5000, args.cases)
    people = cast()
    if Operation.objects.filter(name=STING, owner_agency=people["police"]).exists():
        seed_note = "reused"
    else:
        _progress("seeding the pages' records for the bench users")
        seed_note = f"seeded in {seed_pages(people):.1f} s"
    pages = person_urls(people, urls(people))

    if args.profile:
        role, page = args.profile.split(":")
        profile(signed_in(people[role]), pages[role][page], args.repeat, args.sort)
        return
    if args.queries:
        role, page = args.queries.split(":")
        list_queries(signed_in(people[role]), pages[role][page])
        return

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM cases_case")
        (total,) = cur.fetchone()
    print()
    print("Page benchmark (bench/bench_pages.py)")
    print(f"  database   {connection.settings_dict['NAME']}, {total:,} cases; page records "
          f"{seed_note}")  # fmt: skip
    for role in args.roles.split(","):
        membership = people[role].membership
        print(f"  {role:11}{people[role].username}, {membership.role} of {membership.agency}")
    print(f"  timing     {args.repeat} requests per page after {WARMUP} untimed; targets "
          f"{TARGET_MS} ms median, {TARGET_QUERIES} queries")  # fmt: skip
    print()
    print(f"  {'role':12}{'page':11}{'median':>9}{'p95':>9}{'cpu':>9}{'queries':>9}{'kcalls':>9}")
    results = []
    for role in args.roles.split(","):
        client = signed_in(people[role])
        for page in args.pages.split(","):
            result = measure(client, pages[role][page], args.repeat)
            if isinstance(result, int):
                print(f"  {role:12}{page:11}   (HTTP {result}: not open to the role)")
                continue
            median = statistics.median(result["times"])
            cpu = statistics.median(result["cpu"])
            results.append((median, result["queries"], cpu))
            print(f"  {role:12}{page:11}{median:9.1f}{p95(result['times']):9.1f}{cpu:9.1f}"
                  f"{result['queries']:9d}{result['calls'] / 1000:9.1f}", flush=True)  # fmt: skip
    print()
    print(
        f"RESULT pages={len(results)} worst_median_ms={max(m for m, _, _ in results):.1f} "
        f"worst_cpu_ms={max(c for _, _, c in results):.1f} "
        f"worst_queries={max(q for _, q, _ in results)} "
        f"over_time={sum(m > TARGET_MS for m, _, _ in results)} "
        f"over_queries={sum(q > TARGET_QUERIES for _, q, _ in results)}"
    )


if __name__ == "__main__":
    main()
