"""Benchmark of the reminder sweep: 1,000,000 deadlines, 3,000,000 reminders, 100,000 due.

What it measures:

- one sweep by **two real Celery worker processes** (solo pool each) on Redis, started on the
  bench database, each running `dispatch_reminders`: wall time from enqueue until PostgreSQL shows
  every due reminder sent, reminders per second, how many each worker sent (from the one log line
  each batch writes, which lists its reminders), and the duplicates found: reminders listed twice,
  notifications per reminder above one, and due reminders left unsent;
- for comparison, the same sweep by `send_due_reminders()` in this process alone.

Mail goes to Django's in-memory backend (`memorymail://`), as the target asks. Before each timed
run the due reminders are set back to pending and their notifications deleted, so runs repeat
without reseeding.

It uses its own PostgreSQL database (`taskforce_bench_reminders`), seeded once with the caseload
benchmark's agencies, users and cases (bench/bench_access.py), then deadlines and reminders by SQL:
four deadlines per case, three lead times per deadline, each reminder to a member of the owning
agency who may see the case (so the access check passes, as it does for nearly every reminder in
real use), 100,000 of them due an hour ago and the rest weeks ahead.

Run from the project root (Redis and PostgreSQL running):

    .venv/bin/python bench/bench_reminders.py [--cases 250000] [--due 100000] [--runs 2] [--reseed]
"""

# ruff: noqa: E402 - Django must be configured before models are imported.

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/taskforce_bench_reminders"
)
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
os.environ.setdefault("CELERY_QUEUE", f"bench-reminders-{os.getpid()}")
os.environ.setdefault("EMAIL_URL", "memorymail://")

import bench_access  # configures Django on the bench database above (same folder)
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from cases.models import Case
from deadlines.reminders import send_due_reminders
from deadlines.tasks import dispatch_reminders
from taskforce.celery import app as celery_app
from taskforce.models import Deadline, Notification, Reminder

AGENCIES, USERS = 200, 5000
LEADS = (7 * 24 * 60, 24 * 60, 120)
RULES = (
    ("first_appearance", "First appearance (warrantless arrest, in custody)"),
    ("probable_cause", "Judicial probable-cause determination"),
    ("charging_decision", "Charging decision on a handed-off arrest"),
    ("omnibus_hearing", "Omnibus hearing"),
)
VIEWERS = ("prosecutor", "supervisor", "police_liaison", "advocate")
# The one line a batch logs: "reminders sent N [reminder:user …] redirected to supervisors M […]".
BATCH_LINE = re.compile(
    r"reminders sent (\d+) \[([^\]]*)\] redirected to supervisors (\d+) \[([^\]]*)\]"
)

DEADLINES_SQL = """
INSERT INTO taskforce_deadline (public_id, content_type_id, object_id, rule, sequence,
    rule_version, title, source, event_at, due_at, responsible_agency_id, status, waiver_reason,
    created_at, context)
SELECT gen_random_uuid(), %(content_type)s, c.id, r.rule, 1, 1, r.title, 'bench', now(),
       now() + interval '30 days' + (c.id %% 1000) * interval '1 minute', c.owner_agency_id,
       'open', '', now(), '{{}}'::jsonb
FROM cases_case c
CROSS JOIN (VALUES {rules}) AS r(rule, title);
"""

REMINDERS_SQL = """
CREATE TEMPORARY TABLE bench_viewers ON COMMIT DROP AS
SELECT agency_id, array_agg(user_id ORDER BY user_id) AS users, count(*)::int AS n
FROM taskforce_membership
WHERE ended_at IS NULL AND role IN %(viewers)s
GROUP BY agency_id;
INSERT INTO taskforce_reminder (deadline_id, recipient_id, lead_minutes, send_at, status)
SELECT d.id, v.users[1 + d.id %% v.n], l.lead, d.due_at - make_interval(mins => l.lead), 'pending'
FROM taskforce_deadline d
JOIN bench_viewers v ON v.agency_id = d.responsible_agency_id
CROSS JOIN (VALUES {leads}) AS l(lead);
"""

# The due rows are spread over the whole table (every k-th reminder), so a sweep meets many
# people and agencies, as a real minute's reminders would.
MAKE_DUE_SQL = """
WITH picked AS (
    SELECT id FROM taskforce_reminder
    WHERE id %% %(every)s = 0 ORDER BY id LIMIT %(due)s
)
UPDATE taskforce_reminder r SET send_at = now() - interval '1 hour', status = 'pending',
    sent_at = NULL
FROM picked WHERE r.id = picked.id;
"""


def progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


def seed(cases: int, due: int) -> None:
    """Seed by SQL, each phase timed; each bulk-loaded table is analyzed before the next phase
    reads it (a join planned on a table with no statistics took the seeding from a minute to
    many)."""
    started = time.perf_counter()
    phase = started

    def done(what: str) -> None:
        nonlocal phase
        now = time.perf_counter()
        progress(f"{what} in {now - phase:.1f} s ({now - started:.0f} s in all)")
        phase = now

    bench_access.seed(AGENCIES, USERS, cases)
    done(f"agencies, users and {cases:,} cases (analyzed)")
    rules = ", ".join(f"('{name}', '{title}')" for name, title in RULES)
    leads = ", ".join(f"({lead})" for lead in LEADS)
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # no history of seed data
        cur.execute(
            DEADLINES_SQL.format(rules=rules),
            {"content_type": ContentType.objects.get_for_model(Case).pk},
        )
        done("deadlines")
        cur.execute("ANALYZE taskforce_deadline")
        done("ANALYZE deadlines")
        cur.execute(REMINDERS_SQL.format(leads=leads), {"viewers": VIEWERS})
        done("reminders")
        cur.execute("ANALYZE taskforce_reminder")
        done("ANALYZE reminders")
        cur.execute("SELECT count(*) FROM taskforce_reminder")
        total = cur.fetchone()[0]
        cur.execute(MAKE_DUE_SQL, {"every": max(total // due, 1), "due": due})
        done(f"{due:,} reminders made due")
        cur.execute("SET session_replication_role = DEFAULT")
        for table in ("taskforce_deadline", "taskforce_reminder"):
            cur.execute(f"VACUUM (ANALYZE) {table}")
        done("VACUUM (ANALYZE) deadlines and reminders")


def reset_due() -> int:
    """Set the due reminders back to pending and drop what the last run wrote."""
    started = time.perf_counter()
    Notification.objects.all().delete()
    Reminder.objects.filter(send_at__lt=time_now()).update(status="pending", sent_at=None)
    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE) taskforce_reminder")
        cur.execute("VACUUM (ANALYZE) taskforce_notification")
    due = Reminder.objects.filter(status="pending", send_at__lt=time_now()).count()
    progress(f"{due:,} due reminders set back to pending in {time.perf_counter() - started:.1f} s")
    return due


def time_now():
    from django.utils import timezone

    return timezone.now()


def start_worker(log_path: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "celery", "-A", "taskforce", "worker",
        "--hostname", f"bench-{uuid.uuid4().hex[:6]}@localhost",
        "--queues", settings.CELERY_TASK_DEFAULT_QUEUE, "--pool", "solo",
        "--without-gossip", "--without-mingle", "--loglevel", "INFO",
    ]  # fmt: skip
    with log_path.open("w") as log:
        return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(log_path: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while " ready." not in log_path.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"worker did not start:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.1)


def sweep_with_workers(due: int) -> dict:
    logs = [ROOT / "var" / f"bench-worker-{n}.log" for n in (1, 2)]
    logs[0].parent.mkdir(parents=True, exist_ok=True)
    workers = [start_worker(path) for path in logs]
    try:
        for path, process in zip(logs, workers, strict=True):
            wait_ready(path, process)
        started = time.perf_counter()
        for _ in range(4):  # more than two, so neither worker idles while the other sweeps
            dispatch_reminders.delay()
        # Polled on the partial index of pending rows: a count of sent rows would scan all
        # 3,000,000 rows and take a core from the workers being measured.
        while Reminder.objects.filter(status="pending", send_at__lt=time_now()).exists():
            if time.perf_counter() - started > 1800:
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        time.sleep(2)  # let the remaining sweeps find nothing and log it
    finally:
        for process in workers:
            process.terminate()
        for process in workers:
            process.wait(timeout=60)
    per_worker = [sent_in_log(path.read_text(errors="replace")) for path in logs]
    lines = Counter(pk for found in per_worker for pk in found)
    return {
        "elapsed": elapsed,
        "per_worker": [len(found) for found in per_worker],
        "repeated_log_lines": sum(count - 1 for count in lines.values() if count > 1),
    }


def sent_in_log(log: str) -> list[str]:
    """The reminders a worker's batch lines say it sent or redirected; each batch's pairs are
    checked against the count the line states, so a truncated line does not pass unseen."""
    found = []
    for sent, sent_pairs, redirected, redirected_pairs in BATCH_LINE.findall(log):
        sent_ids = [pair.split(":")[0] for pair in sent_pairs.split()]
        redirected_ids = [pair.split(":")[0] for pair in redirected_pairs.split()]
        if len(sent_ids) != int(sent) or len(redirected_ids) != int(redirected):
            sys.exit(f"a batch line does not list the {sent} + {redirected} reminders it counts")
        found += sent_ids + redirected_ids
    return found


def duplicates_in_database() -> tuple[int, int]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM (SELECT reminder_id FROM taskforce_notification "
            "WHERE reminder_id IS NOT NULL GROUP BY reminder_id HAVING count(*) > 1) AS d"
        )
        doubled = cur.fetchone()[0]
    left = Reminder.objects.filter(status="pending", send_at__lt=time_now()).count()
    return doubled, left


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=250_000)
    parser.add_argument("--due", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    bench_access.ensure_database(recreate=args.reseed)
    if not Deadline.objects.exists():
        seed(args.cases, args.due)
    celery_app.control.purge()
    print(f"deadlines: {Deadline.objects.count():,}  reminders: {Reminder.objects.count():,}")
    print(f"load before: {os.getloadavg()[0]:.2f} (1-minute average, 2 cores)")
    for run in range(1, args.runs + 1):
        due = reset_due()
        result = sweep_with_workers(due)
        doubled, left = duplicates_in_database()
        print(
            f"run {run}, 2 workers: {due:,} due reminders sent in {result['elapsed']:.1f} s = "
            f"{due / result['elapsed']:,.0f}/s; per worker {result['per_worker']}; duplicates: "
            f"{result['repeated_log_lines']} reminders listed by two batch lines, {doubled} "
            f"reminders with two notifications, {left} due left unsent"
        )
    due = reset_due()
    started = time.perf_counter()
    sent = send_due_reminders()
    elapsed = time.perf_counter() - started
    print(
        f"one process, in-process: {sent:,} of {due:,} in {elapsed:.1f} s = {sent / elapsed:,.0f}/s"
    )
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
