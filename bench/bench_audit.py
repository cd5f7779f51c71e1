"""Benchmark of the audit trail at state scale: the supervisor's access log over N rows.

What it measures: the access log page (`/audit/`), requested in process through the Django test
Client (signed in through both steps, DEBUG off) by a supervisor of one of 100 agencies and by
an administrator, unfiltered and with each filter (user, action common and rare, record, a
week's dates, the second page); WARMUP untimed requests, then the median and p95 of N. Target
(issue #22): median ≤ 300 ms at 50,000,000 rows. The last line reads
`RESULT rows=… worst_median_ms=… over_target=…`.

Data (its own database, `taskforce_bench_audit`): N audit rows (default 50,000,000) spread
evenly over the 400 days before now, written by SQL (`INSERT … SELECT … generate_series`) in
batches of a million, a month at a time into a plain table then attached as that month's
partition (indexes built by one sort each, foreign keys checked by one scan each); then VACUUM
ANALYZE. Each phase's time is printed. ~70% of rows are views, the rest ~30 other actions, a
few very rare; 5,000 user names over 100 agencies; one in ten rows is about another agency's
record. A database that already holds rows is reused; `--recreate` starts over.

Run from the project root:

    .venv/bin/python bench/bench_audit.py [--rows 50000000] [--repeat 10] [--recreate]
"""

# ruff: noqa: E402 - Django must be configured before models are imported.

from __future__ import annotations

import argparse
import datetime as dt
import logging
import math
import os
import re
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.environment import configure

configure("taskforce_bench_audit", redis_db=3)

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.bench_access import ensure_database
from cases.models import Case
from cases.services.cases import case_create
from taskforce import audit_partitions
from taskforce.models import Agency, AgencyKind, AuditEvent, Role, User
from tests.factories import AgencyFactory, member, verified_login

AGENCIES = 100
USERS = 5000
BATCH = 1_000_000
DAYS = 400
WARMUP = 3
TARGET_MS = 300
MARK = "Bench audit agency"
# (action, weight): ~70% views; "audit.pruned" and "consent.revoked" are rare.
ACTIONS = [
    ("case.viewed", 300), ("victim.viewed", 150), ("referral.viewed", 100), ("arrest.viewed", 80),
    ("person.viewed", 70), ("case.changed", 60), ("case.created", 20), ("arrest.created", 20),
    ("note.added", 30), ("charge.filed", 15), ("deadline.met", 15), ("share.granted", 10),
    ("share.revoked", 5), ("consent.recorded", 8), ("consent.revoked", 1),
    ("referral.sent", 10), ("referral.accepted", 8), ("victim.changed", 20),
    ("service.recorded", 15), ("contact.recorded", 15), ("handoff.created", 8),
    ("court_event.scheduled", 10), ("document.downloaded", 10), ("account.signed_in", 15),
    ("audit.exported", 2),
]  # fmt: skip
KINDS = ["case", "victim", "referral", "arrest", "person"]

SEED = """
INSERT INTO TABLE_NAME (
    id, at, actor_username, actor_agency_name, action, target_id, target_label, reason, changes,
    ip_address, user_agent, actor_id, actor_agency_id, target_agency_id, target_type_id)
SELECT %(base)s + g, %(start)s::timestamptz + g * %(step)s * interval '1 microsecond',
       'user_' || u, 'Agency ' || (u %% %(agencies)s), action,
       CASE WHEN about_case THEN %(case_id)s ELSE 1 + h4 %% 1000000 END,
       CASE WHEN about_case THEN %(case_label)s
            ELSE split_part(action, '.', 1) || ' ' || lpad(to_hex(h4), 8, '0') END,
       '',
       CASE WHEN action LIKE '%%.changed' THEN '{"status": ["open", "charged"]}'::jsonb
            ELSE '{}'::jsonb END,
       ('10.' || (u %% 250) || '.' || (u / 250) || '.7')::inet,
       'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) '
       || 'Chrome/131.0 Safari/537.36',
       NULL, (%(agency_ids)s::bigint[])[1 + u %% %(agencies)s],
       CASE WHEN about_case THEN %(case_agency)s
            WHEN h3 %% 10 = 0 THEN (%(agency_ids)s::bigint[])[1 + (h3 / 10) %% %(agencies)s]
            ELSE (%(agency_ids)s::bigint[])[1 + u %% %(agencies)s] END,
       CASE WHEN about_case THEN %(case_type)s ELSE (%(type_ids)s::int[])[1 + h4 %% 5] END
FROM (
    SELECT g, g %% 250000 = 0 AS about_case,
           (hashint8(g) & 2147483647) %% %(users)s AS u,
           (%(pool)s::text[])[1 + (hashint8(g + 100000000000) & 2147483647) %% %(pool_size)s]
               AS action,
           hashint8(g + 200000000000) & 2147483647 AS h3,
           hashint8(g + 300000000000) & 2147483647 AS h4
    FROM generate_series(%(low)s::bigint, %(high)s::bigint) AS g
) AS drawn
"""


def _progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def cast() -> dict:
    """The agencies, the supervisor of the first (and its prosecutor and one case), and an
    administrator; made once."""
    agencies = list(Agency.objects.filter(name__startswith=MARK).order_by("pk"))
    if not agencies:
        agencies = [
            AgencyFactory(name=f"{MARK} {n}", kind=AgencyKind.PROSECUTION) for n in range(AGENCIES)
        ]
        prosecutor = member(agencies[0], Role.PROSECUTOR, username="bench_prosecutor")
        member(agencies[0], Role.SUPERVISOR, username="bench_supervisor")
        User.objects.create_superuser("bench_admin", "admin@example.invalid", "not-used-here")
        case_create(actor=prosecutor, number="26-CR-1", title="State v. Bench")
    return {
        "agencies": agencies,
        "supervisor": User.objects.get(username="bench_supervisor"),
        "admin": User.objects.get(username="bench_admin"),
        "case": Case.objects.get(number="26-CR-1"),
    }


def seed(rows: int, people: dict) -> dict[str, float]:
    """N rows by SQL, oldest first, a month at a time: each month's rows go into a plain table
    (in batches), which is then attached as that month's partition. PostgreSQL then builds the
    partition's indexes in one sort each and checks its foreign keys and bounds in one scan
    each, the way a month restored from an archive is put back; rows written one by one (the
    app's way) cost an index insert each. Returns each phase's seconds."""
    phases = {"load": 0.0, "attach (indexes, checks)": 0.0, "vacuum analyze": 0.0}
    now = timezone.now()
    start = now - dt.timedelta(days=DAYS)
    step = DAYS * 86_400_000_000 // rows  # microseconds between rows
    pool = [action for action, weight in ACTIONS for _ in range(weight)]
    case = people["case"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) + 1000 FROM taskforce_auditevent")
        base = cursor.fetchone()[0]
    params = {
        "start": start, "step": step, "agencies": AGENCIES, "users": USERS, "base": base,
        "agency_ids": [a.pk for a in people["agencies"]],
        "type_ids": [ContentType.objects.get(app_label=app, model=kind).pk for app, kind in (
            ("cases", "case"), ("victims", "victim"), ("referrals", "referral"),
            ("cases", "arrest"), ("cases", "person"))],
        "case_id": case.pk, "case_label": f"case {case.public_id.hex[:8]}",
        "case_agency": case.owner_agency_id,
        "case_type": ContentType.objects.get_for_model(Case).pk, "pool": pool,
        "pool_size": len(pool),
    }  # fmt: skip
    month = audit_partitions.month_of(start)
    existing = audit_partitions.month_partitions()
    with connection.cursor() as cursor:  # the attach's index builds sort in memory
        cursor.execute("SET maintenance_work_mem = '512MB'")
    while audit_partitions.start_of(month) <= now:
        low_at = max(audit_partitions.start_of(month), start)
        high_at = min(audit_partitions.start_of(audit_partitions.next_month(month)), now)
        low = math.ceil((low_at - start) / dt.timedelta(microseconds=step))
        high = min(math.ceil((high_at - start) / dt.timedelta(microseconds=step)), rows)
        name = audit_partitions.partition_name(month)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            if month in existing:  # empty (made by the migration): replaced by the loaded one
                cursor.execute(f"DROP TABLE {name}")
            cursor.execute(f"CREATE TABLE {name} (LIKE taskforce_auditevent INCLUDING DEFAULTS)")
            for first in range(low, high, BATCH):
                last = min(first + BATCH, high) - 1
                batch = params | {"low": first, "high": last}
                cursor.execute(SEED.replace("TABLE_NAME", name), batch)
        loaded = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE taskforce_auditevent ATTACH PARTITION {name} "
                "FOR VALUES FROM (%s) TO (%s)",
                [audit_partitions.start_of(month),
                 audit_partitions.start_of(audit_partitions.next_month(month))],
            )  # fmt: skip
            attached = time.perf_counter()
            cursor.execute(f"VACUUM (ANALYZE) {name}")  # while the month is still in the cache
        done = time.perf_counter()
        phases["load"] += loaded - started
        phases["attach (indexes, checks)"] += attached - loaded
        phases["vacuum analyze"] += done - attached
        _progress(f"{name}: {high - low:,} rows, load {loaded - started:.1f} s, attach "
                  f"{attached - loaded:.1f} s, vacuum {done - attached:.1f} s")  # fmt: skip
        _progress(_load())
        month = audit_partitions.next_month(month)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('taskforce_auditevent', 'id'), %s)",
                       [base + rows])  # fmt: skip
        cursor.execute("ANALYZE taskforce_auditevent")  # the parent's own statistics
    phases["vacuum analyze"] += time.perf_counter() - started
    audit_partitions.ensure_partitions(now=now)
    return phases


def signed_in(user: User) -> Client:
    override_settings(
        STORAGES=settings.STORAGES
        | {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ).enable()
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    return verified_login(Client(HTTP_HOST="localhost"), user)


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def measure(client: Client, query: dict, repeat: int) -> tuple[list[float], int, int, dict]:
    """Times of `repeat` requests after WARMUP, the query count and rows of one, and the
    `before` mark of the next page."""
    url = reverse("audit_log")
    for _ in range(WARMUP):
        response = client.get(url, query)
        assert response.status_code == 200, response.status_code  # noqa: S101
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, query)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as seen:
        response = client.get(url, query)
    page = response.content.decode()
    mark = re.search(r"before=([0-9]+\.[0-9]+)", page)
    rows = max(page.count("<tr") - 1, 0)  # less the header row
    return times, len(seen.captured_queries), rows, mark[1] if mark else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000_000)
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per case")
    parser.add_argument("--recreate", action="store_true", help="drop the database first")
    args = parser.parse_args()
    logging.getLogger("django.request").setLevel(logging.ERROR)

    started = time.perf_counter()
    ensure_database(recreate=args.recreate)
    people = cast()
    setup = time.perf_counter() - started
    if not AuditEvent.objects.filter(actor_username="user_1").exists():
        print(f"Seeding {args.rows:,} audit rows ({_load()}); database and people: {setup:.1f} s",
              file=sys.stderr)  # fmt: skip
        for phase, seconds in seed(args.rows, people).items():
            print(f"  seed {phase:16}{seconds:9.1f} s", file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM taskforce_auditevent")
        existing = cursor.fetchone()[0]
        cursor.execute("SELECT pg_total_relation_size(c.oid), c.relname FROM pg_inherits i "
                       "JOIN pg_class c ON c.oid = i.inhrelid "
                       "WHERE i.inhparent = 'taskforce_auditevent'::regclass")  # fmt: skip
        sizes = cursor.fetchall()
    size = sum(s for s, _ in sizes)

    supervisor, admin, case = people["supervisor"], people["admin"], people["case"]
    a_week = timezone.localdate() - dt.timedelta(days=180)
    cases = [
        ("supervisor", {}, "unfiltered"),
        ("supervisor", {"user": "USER_100"}, "user (whole name)"),
        ("supervisor", {"action": "viewed"}, "action: viewed (70%)"),
        ("supervisor", {"action": "consent"}, "action: consent (~1%)"),
        ("supervisor", {"action": "consent.revoked"}, "action: rare (0.1%)"),
        ("supervisor", {"action": "no.such"}, "action: none"),
        ("supervisor", {"record": str(case.public_id)}, "record"),
        ("supervisor", {"date_from": a_week, "date_to": a_week + dt.timedelta(days=6)},
         "dates: a week 6 months ago"),
        ("supervisor", {"user": "user_100", "action": "changed"}, "user + action"),
        ("supervisor", "next", "second page"),
        ("admin", {}, "administrator, unfiltered"),
        ("admin", {"action": "consent.revoked"}, "administrator, rare action"),
    ]  # fmt: skip
    print()
    print("Access log benchmark (bench/bench_audit.py)")
    print(f"  database   {connection.settings_dict['NAME']}: {existing:,} rows, "
          f"{len(sizes)} partitions, {size / 2**30:.1f} GB with indexes "
          f"({size / max(existing, 1):.0f} B a row)")  # fmt: skip
    print(f"  timing     {args.repeat} requests per case after {WARMUP} untimed; target "
          f"{TARGET_MS} ms median; {_load()}")  # fmt: skip
    print()
    print(f"  {'who':11}{'filter':30}{'median':>9}{'p95':>9}{'queries':>9}{'rows':>6}")
    clients = {"supervisor": signed_in(supervisor), "admin": signed_in(admin)}
    medians, mark = [], None
    for who, query, name in cases:
        if query == "next":
            query = {"before": mark}
        times, queries, shown, next_mark = measure(clients[who], query, args.repeat)
        if who == "supervisor" and not query:
            mark = next_mark
        median = statistics.median(times)
        medians.append(median)
        print(f"  {who:11}{name:30}{median:9.1f}{p95(times):9.1f}{queries:9d}{shown:6d}",
              flush=True)  # fmt: skip
    print()
    print(f"  ({_load()})")
    print(f"RESULT rows={existing} worst_median_ms={max(medians):.1f} "
          f"over_target={sum(m > TARGET_MS for m in medians)}")  # fmt: skip


if __name__ == "__main__":
    main()
