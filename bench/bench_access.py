"""Benchmark of the caseload list under the access policy, at a million cases.

What it measures (for a prosecutor of a prosecution agency that receives shares; buffers warmed by
a few untimed runs; N repetitions; median and p95 in ms):

- `cases.selectors.cases.case_list(actor=, filters=CaseFilters(), size=50)`, the real selector,
  with its total count, and without it (`with_total=False`: the page queries alone);
- `case_count` alone;
- the SQL query count of `case_list` at size 50 and size 500 (they must be equal);
- the same first page with no permission filter at all (ordered keys, then the rows with the same
  `select_related`), and the ratio filtered / unfiltered (page without count);
- the unfiltered page again with a global (updated_at, id) index, created in the bench database
  only for that measurement (the app has none: no screen lists every case);
- for comparison, the owner part alone (the page if nothing were ever shared);
- EXPLAIN ANALYZE of the filtered page's UNION query and of the count query, as the selector sent
  them.

It uses its own PostgreSQL database (`taskforce_bench` unless DATABASE_URL says otherwise), creates
it if missing, migrates it, and seeds it once: agencies (each with its auth Group), users with one
current membership and their agency group, cases spread evenly over the agencies with `updated_at`
at random over the last two years, and about 2% of cases shared with one other agency through
guardian's direct group grant table (`view_case`). A later run at the same sizes reuses the data;
other sizes, or --reseed, drop and rebuild the database.

Run from the project root:

    .venv/bin/python bench/bench_access.py [--cases 1000000] [--agencies 200] [--users 5000]
        [--repeat 30] [--reseed]
"""

# ruff: noqa: E402 - Django must be configured before models are imported.

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.environment import configure

configure("taskforce_bench")

import psycopg2
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user
from psycopg2 import sql

from cases.models import Case, CaseGroupObjectPermission
from cases.selectors.cases import ORDER, CaseFilters, case_count, case_list, caseload_columns
from cases.selectors.victims import count_victims_visible, page_victim_columns
from taskforce import prepared
from taskforce.models import ROLES_BY_AGENCY_KIND, Agency, AgencyKind, Membership, Role, User

SHARE_FRACTION = 0.02
WARMUP = 5
# Share of agencies per kind, in this order; the rest are task-force agencies.
KIND_MIX = [
    (AgencyKind.PROSECUTION, 0.40),
    (AgencyKind.LAW_ENFORCEMENT, 0.35),
    (AgencyKind.VICTIM_SERVICES, 0.15),
]
# Each kind's working role; every third member of an agency is a supervisor.
MAIN_ROLE = {
    AgencyKind.PROSECUTION: Role.PROSECUTOR,
    AgencyKind.LAW_ENFORCEMENT: Role.POLICE_LIAISON,
    AgencyKind.VICTIM_SERVICES: Role.ADVOCATE,
    AgencyKind.TASK_FORCE: Role.COORDINATOR,
}


# --- The database ---------------------------------------------------------------------------


def _server_connection() -> tuple[psycopg2.extensions.connection, str]:
    """An autocommit connection to the server's `postgres` database, and the bench database name."""
    url = urlsplit(os.environ["DATABASE_URL"])
    name = unquote(url.path.lstrip("/"))
    conn = psycopg2.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=unquote(url.username or "postgres"),
        password=unquote(url.password) if url.password else None,
        dbname="postgres",
    )
    conn.autocommit = True
    return conn, name


def ensure_database(*, recreate: bool = False) -> None:
    """Create the bench database if missing (drop it first when `recreate`), then migrate it."""
    connection.close()
    conn, name = _server_connection()
    if recreate and "bench" not in name:
        sys.exit(f"Refusing to drop database {name!r}: its name does not contain 'bench'.")
    try:
        with conn.cursor() as cur:
            if recreate:
                cur.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()
    call_command("migrate", verbosity=0, interactive=False)


def is_seeded(agencies: int, users: int, cases: int) -> bool:
    # bench_pages.py and the load test add a few dozen records through the services: still
    # this data set, not one to drop (it was rebuilt under them, 3 minutes each time).
    return (
        Agency.objects.count() == agencies
        and users <= User.objects.count() <= users + 100
        and cases <= Case.objects.count() <= cases + 1000
        and CaseGroupObjectPermission.objects.exists()
    )


# --- Seeding --------------------------------------------------------------------------------


def _kind_for(index: int) -> str:
    """Agency kinds in the KIND_MIX proportions, interleaved so each kind spans the id range."""
    position = (index * 0.618034) % 1.0  # golden-ratio spread: proportions hold at any count
    edge = 0.0
    for kind, share in KIND_MIX:
        edge += share
        if position < edge:
            return kind
    return AgencyKind.TASK_FORCE


def seed_people(agencies: int, users: int) -> None:
    """Agencies (one save each, so each gets its Group), users, memberships, group rows."""
    made: list[Agency] = []
    for index in range(agencies):
        kind = _kind_for(index)
        agency = Agency(
            name=f"Bench {kind.replace('_', ' ')} agency {index:04d}",
            short_name=f"B{index:04d}",
            kind=kind,
            jurisdiction=f"County {index % 60}",
            county=f"County {index % 60}",
        )
        agency.save()
        made.append(agency)

    password = make_password(None)  # unusable: nobody signs in as a bench user
    people = User.objects.bulk_create(
        [
            User(
                username=f"bench{index:06d}",
                first_name="Bench",
                last_name=f"User {index}",
                email=f"bench{index:06d}@example.invalid",
                password=password,
            )
            for index in range(users)
        ],
        batch_size=1000,
    )
    now = timezone.now()
    memberships = []
    group_rows = []
    for index, person in enumerate(people):
        agency = made[index % agencies]
        nth_in_agency = index // agencies
        role = Role.SUPERVISOR if nth_in_agency % 3 == 2 else MAIN_ROLE[agency.kind]
        assert role in ROLES_BY_AGENCY_KIND[agency.kind]  # noqa: S101 - seed sanity
        memberships.append(Membership(user=person, agency=agency, role=role, started_at=now))
        # bulk_create sends no post_save, so the membership → group sync is done here.
        group_rows.append(User.groups.through(user_id=person.pk, group_id=agency.group_id))
    Membership.objects.bulk_create(memberships, batch_size=1000)
    User.groups.through.objects.bulk_create(group_rows, batch_size=1000)


# Staff of each agency as an array, so the case insert can pick a creator from the owner agency.
STAFF_SQL = """
CREATE TEMPORARY TABLE bench_staff ON COMMIT DROP AS
SELECT (row_number() OVER (ORDER BY a.id) - 1)::int AS k,
       a.id AS agency_id,
       a.group_id,
       array_agg(m.user_id ORDER BY m.user_id) AS user_ids,
       count(*)::int AS n
FROM taskforce_agency a
JOIN taskforce_membership m ON m.agency_id = a.id AND m.ended_at IS NULL
GROUP BY a.id, a.group_id;
CREATE UNIQUE INDEX ON bench_staff (k);
CREATE UNIQUE INDEX ON bench_staff (agency_id);
"""

# Case i belongs to agency k = i mod A and is that agency's (i div A)-th case: numbers are unique
# per agency by construction. updated_at is uniform over the last 730 days.
CASES_SQL = """
INSERT INTO cases_case (public_id, owner_agency_id, created_by_id, updated_by_id, created_at,
                        updated_at, version, number, title, status, assigned_prosecutor_id,
                        court_file_number, is_juvenile, kind, seal_reason)
SELECT gen_random_uuid(),
       s.agency_id,
       s.user_ids[1 + (g.i / %(agencies)s) %% s.n],
       s.user_ids[1 + (g.i / %(agencies)s + 1) %% s.n],
       g.updated_at - g.age,
       g.updated_at,
       1,
       to_char(g.updated_at - g.age, 'YY') || '-CR-' || lpad((g.i / %(agencies)s)::text, 6, '0'),
       'State v. Doe ' || g.i,
       'intake',
       NULL,
       '',
       false,
       'buyer',
       ''
FROM (
    SELECT i,
           now() - random() * interval '730 days' AS updated_at,
           random() * interval '60 days' AS age
    FROM generate_series(0, %(cases)s - 1) AS i
) AS g
JOIN bench_staff s ON s.k = g.i %% %(agencies)s;
"""

# About SHARE_FRACTION of cases, each granted view to one other agency chosen at random.
SHARES_SQL = """
INSERT INTO cases_casegroupobjectpermission
       (group_id, permission_id, content_object_id, share_id, expires_at)
SELECT t.group_id, %(permission)s, c.id, NULL, NULL
FROM (
    SELECT c.id, o.k + 1 + floor(random() * (%(agencies)s - 1))::int AS target
    FROM cases_case c
    JOIN bench_staff o ON o.agency_id = c.owner_agency_id
    WHERE random() < %(fraction)s
) AS c
JOIN bench_staff t ON t.k = c.target %% %(agencies)s;
"""


def seed_cases(agencies: int, cases: int) -> None:
    permission = Permission.objects.get(content_type__app_label="cases", codename="view_case")
    with connection.cursor() as cur:
        # Bulk seed data needs no change history: skip the history triggers (and only here).
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute("SELECT setseed(0.42)")
        cur.execute(STAFF_SQL)
        cur.execute(CASES_SQL, {"agencies": agencies, "cases": cases})
        cur.execute(
            SHARES_SQL,
            {"agencies": agencies, "permission": permission.pk, "fraction": SHARE_FRACTION},
        )


def seed(agencies: int, users: int, cases: int) -> float:
    started = time.perf_counter()
    with transaction.atomic():
        seed_people(agencies, users)
        _progress(f"agencies and users in {time.perf_counter() - started:.1f} s")
        seed_cases(agencies, cases)
    _progress(f"cases and shares in {time.perf_counter() - started:.1f} s")
    # VACUUM as well as ANALYZE: sets the visibility map autovacuum would set soon after a bulk
    # insert anyway, so runs do not depend on whether autovacuum got there first.
    with connection.cursor() as cur:
        for table in (
            "cases_case",
            "cases_casegroupobjectpermission",
            "cases_caseuserobjectpermission",
            "taskforce_user",
            "taskforce_membership",
            "taskforce_agency",
            "taskforce_user_groups",
            "auth_group",
            "auth_permission",
        ):
            cur.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    return time.perf_counter() - started


# --- Measuring ------------------------------------------------------------------------------


def _progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


def pick_actor() -> tuple[User, int]:
    """A prosecutor of the prosecution agency receiving the most shares, and that share count."""
    view_case = Permission.objects.get(content_type__app_label="cases", codename="view_case")
    best = None
    for agency in Agency.objects.filter(kind=AgencyKind.PROSECUTION):
        incoming = CaseGroupObjectPermission.objects.filter(
            group_id=agency.group_id, permission=view_case
        ).count()
        if best is None or incoming > best[1]:
            best = (agency, incoming)
    if best is None:
        sys.exit("No prosecution agency in the data set.")
    agency, incoming = best
    actor = User.objects.filter(
        memberships__agency=agency,
        memberships__ended_at__isnull=True,
        memberships__role=Role.PROSECUTOR,
    ).first()
    if actor is None:
        sys.exit(f"No prosecutor in {agency}.")
    actor.membership  # noqa: B018 - loaded once, as the request's context processor does
    return actor, incoming


def timed(run: Callable[[], object], repeat: int, warmup: int = WARMUP) -> list[float]:
    """Milliseconds of each of `repeat` runs, after `warmup` untimed ones."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(times: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(times)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def _page_of(queryset, size: int, actor: User) -> list[Case]:
    """A first page built exactly as the selector builds one, minus the access filter: the
    ordered keys, then the rows with the same related rows and caseload columns (whose victim
    count is the actor's, as on the page)."""
    keys = list(queryset.order_by(*ORDER).values_list("updated_at", "id")[: size + 1])
    ids = [pk for _, pk in keys[:size]]
    rows = (
        Case.objects.filter(pk__in=ids)
        .select_related("owner_agency", "assigned_prosecutor", "county")
        .prefetch_related("defendants")
        .annotate(**caseload_columns(actor, victims=False), **page_victim_columns(actor))
    )
    by_id = {case.pk: case for case in rows}
    page = [by_id[pk] for pk in ids]
    count_victims_visible(actor, page)
    return page


def unfiltered_page(actor: User, size: int) -> list[Case]:
    """The first page exactly as the selector builds it, minus any access filter on the cases."""
    return _page_of(Case.objects.all(), size, actor)


def guardian_page(actor: User, size: int) -> list[Case]:
    """The first page with django-guardian's own generic `get_objects_for_user` for the grants,
    beside the agency's own cases, for comparison: the design the policy replaced. It is not
    the same answer in every case (it knows nothing of lapsed grants, seals or records seen
    through others); here, with no grant lapsed and none sealed, it is the same page."""
    granted = get_objects_for_user(
        actor, "cases.view_case", klass=Case, accept_global_perms=False, with_superuser=False
    )
    chosen = Case.objects.filter(
        Q(owner_agency_id=actor.membership.agency_id, sealed_at__isnull=True)
        | Q(pk__in=granted.values("pk"))
    )
    return _page_of(chosen, size, actor)


def owner_only_page(actor: User, size: int) -> list[Case]:
    """The first page if the agency had nothing shared in: the owner part alone, as the policy
    asks for it (unsealed records only)."""
    owned = Case.objects.filter(owner_agency_id=actor.membership.agency_id, sealed_at__isnull=True)
    return _page_of(owned, size, actor)


def timed_together(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Milliseconds of each run, the runs taken in turn (A, B, C, A, B, C, …) after WARMUP rounds,
    so a ratio of two is not skewed by the machine's load changing between them (other work
    on a shared 2-core machine moved one figure 3x within minutes)."""
    for _ in range(WARMUP):
        for run in runs.values():
            run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def timed_with_global_index(
    runs: dict[str, Callable[[], object]], repeat: int
) -> dict[str, list[float]]:
    """Time `runs` in turn while a global (updated_at, id) index exists, in this bench database
    only.

    The app has no such index (no screen lists every case unfiltered), so the plain unfiltered
    page is a full scan; this gives the baseline an index would, for an honest ratio.
    """
    with connection.cursor() as cur:
        cur.execute(
            "CREATE INDEX IF NOT EXISTS bench_case_recent ON cases_case (updated_at DESC, id DESC)"
        )
        cur.execute("ANALYZE cases_case")
    try:
        return timed_together(runs, repeat)
    finally:
        with connection.cursor() as cur:
            cur.execute("DROP INDEX IF EXISTS bench_case_recent")


def captured_sql(run: Callable[[], object]) -> list[str]:
    """The SQL text of what `run` asks (sent as text, not as prepared statements, to explain)."""
    with prepared.as_text(), CaptureQueriesContext(connection) as captured:
        run()
    return [query["sql"] for query in captured.captured_queries]


def explain(query: str) -> str:
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + query)
        return "\n".join(f"    {line}" for (line,) in cur.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per figure")
    parser.add_argument("--reseed", action="store_true", help="drop and rebuild the data set")
    args = parser.parse_args()
    if args.users < args.agencies * 3:
        parser.error("need at least three users per agency (a working role and a supervisor)")

    ensure_database()
    if args.reseed or not is_seeded(args.agencies, args.users, args.cases):
        _progress(f"seeding {args.cases:,} cases (drops and rebuilds the bench database)")
        ensure_database(recreate=True)
        seed_time = f"{seed(args.agencies, args.users, args.cases):.1f} s"
    else:
        seed_time = "reused (seeded by an earlier run at these sizes)"

    actor, incoming = pick_actor()
    agency = actor.membership.agency
    owned = Case.objects.filter(owner_agency=agency).count()
    filters = CaseFilters()
    n = args.repeat

    def page_with_count() -> object:
        return case_list(actor=actor, filters=filters, size=50)

    def count_only() -> object:
        return case_count(actor=actor, filters=filters)

    def page_without_count() -> object:
        return case_list(actor=actor, filters=filters, size=50, with_total=False)

    # The figures the ratios compare are taken in turn, under the same load.
    compared = timed_with_global_index(
        {
            "case_list size=50, without count": page_without_count,
            "unfiltered page, with a global updated_at index": lambda: unfiltered_page(actor, 50),
            "owner part only, page of 50 (comparison)": lambda: owner_only_page(actor, 50),
        },
        n,
    )
    guardian_rows = guardian_page(actor, 50)
    figures = {
        "case_list size=50, with count (real selector)": timed(page_with_count, n),
        "case_count alone": timed(count_only, n),
        "unfiltered page of 50 (no access filter)": timed(lambda: unfiltered_page(actor, 50), n),
        **compared,
        # Seconds to minutes a run at 1M cases (a scan of every case): three runs, after the
        # one below that warms it up and compares its rows.
        "guardian get_objects_for_user page of 50": timed(
            lambda: guardian_page(actor, 50), 3, warmup=0
        ),
    }

    queries_50 = captured_sql(lambda: case_list(actor=actor, filters=filters, size=50))
    queries_500 = captured_sql(lambda: case_list(actor=actor, filters=filters, size=500))
    page = case_list(actor=actor, filters=filters, size=50)
    shared_on_page = sum(case.owner_agency_id != agency.pk for case in page.rows)

    union_sql = next(q for q in queries_50 if "UNION" in q)
    count_sql = next(q for q in queries_50 if "COUNT(" in q.upper())
    unfiltered_sql = captured_sql(lambda: unfiltered_page(actor, 50))[0]

    total_cases = Case.objects.count()
    total_grants = CaseGroupObjectPermission.objects.count()
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        (pg_version,) = cur.fetchone()

    filtered = statistics.median(figures["case_list size=50, without count"])
    unfiltered = statistics.median(figures["unfiltered page of 50 (no access filter)"])
    indexed = statistics.median(figures["unfiltered page, with a global updated_at index"])
    owner_only = statistics.median(figures["owner part only, page of 50 (comparison)"])
    generic = statistics.median(figures["guardian get_objects_for_user page of 50"])
    same = [c.pk for c in guardian_rows] == [c.pk for c in page.rows]

    print()
    print("Caseload list benchmark (bench/bench_access.py)")
    print(f"  database        {connection.settings_dict['NAME']} on {pg_version.split(',')[0]}")
    print(
        f"  data set        {Agency.objects.count()} agencies "
        f"({', '.join(f'{k}={Agency.objects.filter(kind=k).count()}' for k in AgencyKind.values)})"
    )
    print(f"                  {User.objects.count():,} users, {total_cases:,} cases,")
    print(f"                  {total_grants:,} group grants ({total_grants / total_cases:.1%})")
    print(f"  seed time       {seed_time}")
    print(f"  actor           {actor.username}, {actor.membership.role} of {agency.name}")
    print(f"                  owns {owned:,} cases, {incoming:,} shared in; total {page.total:,}")
    print(f"                  first page: {len(page.rows)} rows, {shared_on_page} shared in")
    print(f"  timing          {n} runs each after {WARMUP} warm-up runs, ms")
    print(f"  {'':46} {'median':>9} {'p95':>9}")
    for label, times in figures.items():
        print(f"  {label:46} {statistics.median(times):9.2f} {p95(times):9.2f}")
    print("  ratios of medians, filtered page (without count) over:")
    print(f"    unfiltered page, schema as shipped (full scan)   {filtered / unfiltered:6.2f}")
    print(f"    unfiltered page, global updated_at index         {filtered / indexed:6.2f}")
    print(f"    owner part alone (nothing shared in)             {filtered / owner_only:6.2f}")
    print("  guardian's get_objects_for_user page over the indexed unfiltered page "
          f"{generic / indexed:6.2f} (same rows as case_list: {same})")  # fmt: skip
    print(f"  SQL queries of case_list: size=50 → {len(queries_50)}, size=500 → {len(queries_500)}")
    print(f"  equal: {len(queries_50) == len(queries_500)}")
    print()
    print("EXPLAIN ANALYZE: filtered page, UNION of the owner and granted parts")
    print(f"  SQL: {union_sql}")
    print(explain(union_sql))
    print()
    print("EXPLAIN ANALYZE: case_count")
    print(f"  SQL: {count_sql}")
    print(explain(count_sql))
    print()
    print("EXPLAIN ANALYZE: unfiltered page keys")
    print(f"  SQL: {unfiltered_sql}")
    print(explain(unfiltered_sql))
    print()
    print(f"RESULT ratio={filtered / indexed:.2f} guardian_ratio={generic / indexed:.2f}")


if __name__ == "__main__":
    main()
