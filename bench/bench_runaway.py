"""Benchmark of the runaway review queue: 100,000 runaway reports matched against stings.

What it measures (for a prosecutor of the agency that owns every report, the worst case: each
report is a candidate; buffers warmed by a few untimed runs; N repetitions; median and p95 in ms):

- `cases.selectors.runaways.runaway_queue(actor=, outcome="")`, the real selector: the first page
  of 25 matched reports with its total, and without the total (`page only`);
- `match_reasons` for that page (why each report matched);
- the number of SQL queries of each;
- EXPLAIN ANALYZE of the page's key query and of its count, as the selector sent them.

Data (its own database, `taskforce_bench_runaway` unless DATABASE_URL says otherwise; seeded once,
reused by later runs at the same size, rebuilt with --reseed): a prosecution agency (the reviewer's)
and a police agency; REPORTS youth each with one runaway report, a phone and a handle; OPERATIONS
stings of the police agency shared with the prosecutors, with STING_ARRESTS arrests whose arrestees
carry a phone and a handle; about 1% of the youth's phones and 0.5% of their handles also belong
to an arrestee, 0.5% of the youth are themselves arrested, 0.3% are victims in a case, and 0.2%
of the reports' addresses are a sting arrest's meeting place. Seeded with bulk inserts without the
history triggers (bulk seed data is not history).

Run from the project root:

    .venv/bin/python bench/bench_runaway.py [--reports 100000] [--repeat 20] [--reseed]
"""

# ruff: noqa: E402 - Django must be configured before models are imported.

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.environment import configure

configure("taskforce_bench_runaway")

from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.bench_access import ensure_database
from cases.models import (
    Arrest,
    Case,
    CaseVictim,
    CustodyStatus,
    IdentifierKind,
    Operation,
    OperationGroupObjectPermission,
    Person,
    PersonIdentifier,
    RunawayReport,
)
from cases.models.arrests import place_key
from cases.models.people import identifier_key
from cases.selectors.runaways import ORDER, _queue_part, match_reasons, runaway_queue
from taskforce import access
from taskforce.models import Agency, AgencyKind, County, Role, User
from taskforce.services import membership_start
from taskforce.web.pagination import keyset_page

OPERATIONS = 20
STING_ARRESTS = 20_000
WARMUP = 3
BATCH = 5000


def _phone(n: int) -> str:
    return f"651{n:07d}"


def is_seeded(reports: int) -> bool:
    return RunawayReport.objects.count() == reports and Arrest.objects.exists()


def seed(reports: int) -> float:
    started = time.perf_counter()
    rng = random.Random(42)  # noqa: S311 - seed data, not secrets
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SET LOCAL session_replication_role = replica")
        attorney = Agency(name="Bench County Attorney", short_name="BCA",
                          kind=AgencyKind.PROSECUTION)  # fmt: skip
        attorney.save()
        police = Agency(name="Bench Police", short_name="BPD", kind=AgencyKind.LAW_ENFORCEMENT)
        police.save()
        prosecutor = User.objects.create(username="bench_prosecutor")
        membership_start(user=prosecutor, agency=attorney, role=Role.PROSECUTOR)
        liaison = User.objects.create(username="bench_liaison")
        membership_start(user=liaison, agency=police, role=Role.POLICE_LIAISON)
        county = County.objects.get(name="Washington")
        now = timezone.now()

        def owned(agency, user) -> dict:
            return {"owner_agency": agency, "created_by": user, "updated_by": user}

        youth = Person.objects.bulk_create(
            [Person(first_name=f"Youth{n}", last_name="Bench", **Person(first_name=f"Youth{n}",
                    last_name="Bench").lookup_keys(), **owned(attorney, prosecutor))
             for n in range(reports)],
            batch_size=BATCH,
        )  # fmt: skip
        PersonIdentifier.objects.bulk_create(
            [PersonIdentifier(person=person, kind=kind, value=value,
                              normalised=identifier_key(kind, value))
             for n, person in enumerate(youth)
             for kind, value in ((IdentifierKind.PHONE, _phone(n)),
                                 (IdentifierKind.HANDLE, f"youth_{n}"))],
            batch_size=BATCH,
        )  # fmt: skip
        RunawayReport.objects.bulk_create(
            [RunawayReport(youth=person, reported_by="Group home",
                           reported_at=now - dt.timedelta(minutes=7 * n),
                           address=address, address_key=place_key(address),
                           **owned(attorney, prosecutor))
             for n, person in enumerate(youth)
             for address in (f"{n} Elm St" if n % 500 == 0 else "",)],
            batch_size=BATCH,
        )  # fmt: skip
        _progress(f"{reports} youth and reports in {time.perf_counter() - started:.1f} s")

        view_operation = Permission.objects.get(codename="view_operation")
        operations = Operation.objects.bulk_create(
            [Operation(name=f"Bench sting {n}", kind="buyer_sting", starts_on=now.date(),
                       **owned(police, liaison)) for n in range(OPERATIONS)]
        )  # fmt: skip
        OperationGroupObjectPermission.objects.bulk_create(
            [OperationGroupObjectPermission(group_id=attorney.group_id, permission=view_operation,
                                            content_object=operation)
             for operation in operations]
        )  # fmt: skip
        buyers = Person.objects.bulk_create(
            [Person(first_name=f"Buyer{n}", last_name="Bench", **Person(first_name=f"Buyer{n}",
                    last_name="Bench").lookup_keys(), **owned(police, liaison))
             for n in range(STING_ARRESTS)],
            batch_size=BATCH,
        )  # fmt: skip
        identifiers = []
        for n, buyer in enumerate(buyers):
            phone = _phone(rng.randrange(reports)) if n % 20 == 0 else _phone(reports + n)
            handle = f"youth_{rng.randrange(reports)}" if n % 40 == 0 else f"buyer_{n}"
            identifiers += [
                PersonIdentifier(person=buyer, kind=IdentifierKind.PHONE, value=phone,
                                 normalised=identifier_key(IdentifierKind.PHONE, phone)),
                PersonIdentifier(person=buyer, kind=IdentifierKind.HANDLE, value=handle,
                                 normalised=identifier_key(IdentifierKind.HANDLE, handle)),
            ]  # fmt: skip
        PersonIdentifier.objects.bulk_create(identifiers, batch_size=BATCH)
        arrested_youth = [youth[rng.randrange(reports)] for _ in range(reports // 200)]
        arrests = [
            Arrest(operation=operations[n % OPERATIONS], arrestee=person, arrested_at=now,
                   county=county, arresting_agency=police, custody_status=CustodyStatus.BOOKED,
                   meeting_place=place, meeting_place_key=place_key(place),
                   **owned(police, liaison))
            for n, person in enumerate(buyers + arrested_youth)
            for place in (f"{rng.randrange(reports // 500) * 500} elm st."
                          if n % 100 == 0 else "",)
        ]  # fmt: skip
        Arrest.objects.bulk_create(arrests, batch_size=BATCH)
        cases = Case.objects.bulk_create(
            [Case(number=f"26-CR-{n:05d}", title=f"State v. Bench {n}",
                  **owned(attorney, prosecutor)) for n in range(reports // 300)]
        )  # fmt: skip
        CaseVictim.objects.bulk_create(
            [CaseVictim(case=case, person=youth[rng.randrange(reports)], role="victim")
             for case in cases]
        )  # fmt: skip
    _progress(f"stings, arrests and cases in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cur:
        for table in ("cases_person", "cases_personidentifier", "cases_runawayreport",
                      "cases_arrest", "cases_operation", "cases_operationgroupobjectpermission",
                      "cases_case", "cases_casevictim", "cases_casedefendant"):  # fmt: skip
            cur.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    return time.perf_counter() - started


def _progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


def timed(run, repeat: int) -> list[float]:
    for _ in range(WARMUP):
        run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(times):8.1f} ms   p95 {p95:8.1f} ms"


def explain(sql: str) -> str:
    with connection.cursor() as cur:
        cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cur.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    ensure_database(recreate=args.reseed)
    if not is_seeded(args.reports):
        if RunawayReport.objects.exists():
            ensure_database(recreate=True)
        print(f"Seeding {args.reports} runaway reports …", file=sys.stderr)
        print(f"seeded in {seed(args.reports):.1f} s")
    actor = User.objects.get(username="bench_prosecutor")
    actor.membership  # noqa: B018 - loaded once, as the request's context processor does

    page = runaway_queue(actor=actor, outcome="")
    print(f"reports: {RunawayReport.objects.count()}, matched: {page.total}, "
          f"sting arrests: {Arrest.objects.filter(operation__isnull=False).count()}, "
          f"identifiers: {PersonIdentifier.objects.count()}")  # fmt: skip

    def page_only():
        parts = [
            _queue_part(actor, part, "") for part in access.visible_parts(actor, RunawayReport)
        ]
        return keyset_page(parts, order=ORDER, size=25, with_total=False)

    print(f"queue page + total   {summary(timed(lambda: runaway_queue(actor=actor), args.repeat))}")
    print(f"queue page only      {summary(timed(page_only, args.repeat))}")
    reports = page.rows

    def reasons():
        return match_reasons(actor=actor, reports=reports)

    print(f"why each matched     {summary(timed(reasons, args.repeat))}")

    with CaptureQueriesContext(connection) as queue_queries:
        runaway_queue(actor=actor, outcome="")
    with CaptureQueriesContext(connection) as reason_queries:
        match_reasons(actor=actor, reports=reports)
    print(f"queries: queue {len(queue_queries)}, reasons {len(reason_queries)} "
          f"(for {len(reports)} reports)")  # fmt: skip
    print("\n--- EXPLAIN ANALYZE: the page's keys ---")
    print(explain(queue_queries.captured_queries[0]["sql"]))
    print("\n--- EXPLAIN ANALYZE: the count of the owned part ---")
    counts = [q["sql"] for q in queue_queries.captured_queries if "COUNT(" in q["sql"].upper()]
    print(explain(counts[0]) if counts else "(no count query)")


if __name__ == "__main__":
    main()
