"""Load test over real HTTP: gunicorn (DEBUG off) on loopback, driven by locust (issue #22).

What it does, each step bounded in time, everything it starts stopped by its PID:

1. locust: from its own virtualenv, bench/.venv-load, made and filled from bench/requirements.txt
   when missing (locust is no dependency of the app or of its tests);
2. the data: bench_access.py's million-case database (`taskforce_bench`, or --database: a
   private one seeded alike, when others rebuild the shared one with --reseed), seeded as
   bench_pages.py does when it has no agencies, with bench_pages.py's records. The edits leave
   a changed court file number on a case per prosecutor or supervisor, with its history and
   audit rows, and a saved filter per liaison or advocate;
3. the people: --users bench users of distinct agencies, about 40% prosecutors, 25% police
   liaisons, 15% advocates and 20% supervisors (bench_pages.py's four first). Signing each in
   through the password and TOTP forms would cost two requests and a password hash apiece, so a
   session is written straight into the session store as both steps leave it: Django's auth keys
   (user id, ModelBackend, the password hash's HMAC), django-otp's verified device (a confirmed
   TOTP device the bench user gets once, "Load test authenticator") and the sign-in time the
   12-hour limit reads. Locust sets its cookie. The sessions are deleted at the end;
4. gunicorn on a free 127.0.0.1 port, `--workers 4 --timeout 60` as deploy/systemd has it, with
   a production environment: DEBUG off, collected static files (var/load-test/static), the
   bench's keys (the bench data is encrypted with them), Redis db 5, no HTTPS redirect or secure
   cookies (plain HTTP on loopback, as behind nginx);
5. a short untimed warm-up, then two locust runs (bench/locustfile.py: the pages, the search,
   one edit and one CSV export per user per minute): (a) paced, 1-3 s between clicks, targets
   p95 ≤ 300 ms and no error; (b) saturation, no pause, target ≥ 60 pages/s on this 2-core
   machine, locust's own CPU included. A "page" is one HTTP request answered by the app (a form
   post and the page it redirects to are two);
6. while each run lasts, gunicorn's workers' resident memory (/proc/PID/status VmRSS; target
   ≤ 200 MB each), the CPU time of gunicorn, of the PostgreSQL backends serving it (gunicorn
   connects with PGAPPNAME=taskforce-load-test) and of locust, and the whole machine's busy share
   (/proc/stat). On a machine others share, pages/s and times follow their load; the CPU a page
   costs (the three together per request) does much less, and 2 cores divided by it is what the
   machine could serve if the load test had it to itself (PostgreSQL's own background work and
   the kernel's network time aside).

It prints a table per run (locust's CSV stats: count, failures, median, p95, max in ms — locust
rounds times over 100 ms to 10 ms — and requests/s) and the last line
`RESULT pages_per_s=<saturation run> p95_ms=<paced run> errors=<failures of both runs>`.

Run from the project root (no environment needed; DATABASE_URL and REDIS_URL are set here):

    .venv/bin/python bench/load_test.py [--users 50] [--run-time 90] [--warmup 15]
        [--workers 4] [--runs paced,saturation] [--export shared|agency]
        [--database taskforce_bench] [--redis-db 5]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LOAD_VENV = ROOT / "bench" / ".venv-load"
LOCUST = LOAD_VENV / "bin" / "locust"
VAR = ROOT / "var" / "load-test"
PAGES_TARGET = 60
P95_TARGET_MS = 300
RSS_TARGET_MB = 200
# Share of the users per role, in this order (bench_pages.py's four people come first).
ROLE_MIX = [("prosecutor", 0.40), ("police_liaison", 0.25), ("advocate", 0.15),
            ("supervisor", 0.20)]  # fmt: skip
CASES_PER_USER = 20
DEVICE_NAME = "Load test authenticator"
APP_NAME = "taskforce-load-test"


def _progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


def ensure_locust() -> None:
    """Locust in bench/.venv-load, installed from bench/requirements.txt when missing."""
    if LOCUST.exists():
        return
    _progress(f"installing locust into {LOAD_VENV.relative_to(ROOT)} (bench/requirements.txt)")
    subprocess.run([sys.executable, "-m", "venv", str(LOAD_VENV)], check=True, timeout=120)
    subprocess.run(
        [
            str(LOAD_VENV / "bin" / "pip"),
            "install",
            "-q",
            "-r",
            str(ROOT / "bench" / "requirements.txt"),
        ],
        check=True,
        timeout=600,
    )


def production_environment(database: str, redis_db: int) -> None:
    """The settings gunicorn runs with, set here so that Django in this process (sessions,
    devices) agrees with it: same database, keys and session engine."""
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATIC_ROOT=str(VAR / "static"),
        PRIVATE_FILES_ROOT=str(VAR / "private"),
        VAR_DIR=str(VAR),
    )
    # The keys stay bench/environment.py's defaults: the bench data was encrypted with them.
    os.environ.pop("FIELD_ENCRYPTION_KEYS", None)
    os.environ.pop("SECRET_KEY", None)
    os.environ.pop("SECRET_KEY_FALLBACKS", None)


# --- The people and their sessions ---------------------------------------------------------


def choose_people(count: int, cast: dict) -> list:
    """`count` users: bench_pages's four, then each role's members of agencies not yet used
    for that role, in the ROLE_MIX proportions."""
    from taskforce.models import Membership

    people = [cast["prosecutor"], cast["liaison"], cast["advocate"], cast["supervisor"]][:count]
    quotas = {role: round(share * count) for role, share in ROLE_MIX}
    for person in people:
        quotas[person.membership.role] -= 1
    taken = {person.pk for person in people}
    for role, quota in quotas.items():
        used = {p.membership.agency_id for p in people if p.membership.role == role}
        memberships = (
            Membership.objects.filter(role=role, ended_at__isnull=True, agency__is_active=True)
            .exclude(user_id__in=taken)
            .select_related("user")
            .order_by("agency_id", "user_id")
        )
        for membership in memberships.iterator():
            if quota <= 0 or len(people) >= count:
                break
            if membership.agency_id in used:
                continue
            used.add(membership.agency_id)
            people.append(membership.user)
            quota -= 1
    return people[:count]


def sign_in(user) -> str:
    """A session as the two sign-in steps leave it (module docstring, step 3); its key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.events import SIGNED_IN_AT

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name=DEVICE_NAME, defaults={"confirmed": True}
    )
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SIGNED_IN_AT] = int(time.time())
    session.create()
    return session.session_key


def sign_out(keys: list[str]) -> None:
    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(session_key=key).delete()


def searches(agency_cases, *, is_bench_pages_agency: bool) -> list[str]:
    """What a person types in the caseload's search box: two case numbers, a title's name (the
    bench titles read "State v. Doe 123"), and for bench_pages's agency a defendant's name."""
    titled = list(agency_cases.filter(title__startswith="State v.").order_by("-updated_at")[:3])
    words = [titled[0].number, titled[1].number, titled[2].title.split(". ")[-1]]
    return [*words, "Benchbuyer3"] if is_bench_pages_agency else words


def plan(count: int, export: str) -> dict:
    """What each locust user needs: its session, the cases it opens, the case it edits (a
    prosecutor's or supervisor's own, one per user), its search words, its export's filters."""
    from django.conf import settings

    from bench.bench_access import ensure_database
    from bench.bench_access import seed as seed_cases
    from bench.bench_pages import STING, cast, seed_pages, urls
    from cases.models import Case, Operation
    from taskforce.models import Agency, Role

    ensure_database()
    if not Agency.objects.exists():
        _progress("no bench data: seeding 1,000,000 cases (bench_access.py's seed)")
        seed_cases(200, 5000, 1_000_000)
    people = cast()
    if not Operation.objects.filter(name=STING, owner_agency=people["police"]).exists():
        _progress("seeding the pages' records for the bench users (bench_pages.py)")
        seed_pages(people)
    rich_case = urls(people)["case"].strip("/").split("/")[-1]
    chosen = choose_people(count, people)
    edits_taken: dict[int, int] = {}
    users = []
    for user in chosen:
        membership = user.membership
        agency_cases = Case.objects.filter(owner_agency_id=membership.agency_id)
        recent = list(agency_cases.order_by("-updated_at", "-id")[:CASES_PER_USER])
        cases = [str(c.public_id) for c in recent]
        in_bench_pages_agency = membership.agency_id == people["prosecution"].pk
        if in_bench_pages_agency:
            cases.append(rich_case)
        edit_case = None
        if membership.role in (Role.PROSECUTOR, Role.SUPERVISOR):
            nth = edits_taken.get(membership.agency_id, 0)
            edits_taken[membership.agency_id] = nth + 1
            edit_case = str(agency_cases.order_by("id")[nth].public_id)
        users.append(
            {
                "username": user.username,
                "role": membership.role,
                "agency": membership.agency.short_name,
                "session": sign_in(user),
                "cases": cases,
                "edit_case": edit_case,
                "searches": searches(agency_cases, is_bench_pages_agency=in_bench_pages_agency),
                "export": "scope=agency&status=intake" if export == "agency" else "scope=shared",
            }
        )
    return {"session_cookie": settings.SESSION_COOKIE_NAME, "users": users}


# --- Processes ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def collect_static() -> None:
    if (VAR / "static" / "staticfiles.json").exists():
        return
    _progress("collecting static files into var/load-test/static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        check=True,
        timeout=300,
    )


def start_gunicorn(port: int, workers: int, logs: Path) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "taskforce.wsgi",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60",
        "--graceful-timeout", "10", "--no-control-socket",
        "--access-logfile", str(logs / "gunicorn-access.log"),
        "--error-logfile", str(logs / "gunicorn-error.log"),
    ]  # fmt: skip
    # PGAPPNAME names gunicorn's PostgreSQL connections, so their backends' CPU is counted.
    env = os.environ | {"PGAPPNAME": APP_NAME}
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start (exit {server.returncode}): see {logs}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            pass
        time.sleep(0.5)
    stop(server)
    sys.exit(f"gunicorn did not answer /health/ within 60 s: see {logs}")


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def stop(process: subprocess.Popen, *, also: set[int] = frozenset()) -> None:
    """TERM, then KILL after 20 s, to the process we started; then KILL to those of its
    children we saw (`also`) that outlived it."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    for pid in also:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


# --- Sampling -----------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of one process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int]:
    """Busy and total CPU ticks of the machine (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@dataclass
class Sampler:
    """Worker memory; CPU of gunicorn, of its PostgreSQL backends (found by their
    application_name) and of locust, while a run lasts (every 0.5 s)."""

    master: int
    locust: int
    database: object  # a psycopg2 connection to the server, autocommit
    rss_mb: dict[int, float] = field(default_factory=dict)
    backends: set[int] = field(default_factory=set)
    cpu_start: dict[int, float] = field(default_factory=dict)
    cpu_last: dict[int, float] = field(default_factory=dict)
    stopping: threading.Event = field(default_factory=threading.Event)

    def find_backends(self) -> None:
        with self.database.cursor() as cur:
            cur.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APP_NAME])
            self.backends.update(pid for (pid,) in cur.fetchall())

    def sample(self) -> None:
        workers = children(self.master)
        for pid in [self.master, self.locust, *workers, *self.backends]:
            seconds = cpu_seconds(pid)
            self.cpu_start.setdefault(pid, seconds)
            self.cpu_last[pid] = max(seconds, self.cpu_last.get(pid, 0.0))
        for pid in workers:
            with contextlib.suppress(OSError, StopIteration):
                status = Path(f"/proc/{pid}/status").read_text().splitlines()
                kb = int(next(line for line in status if line.startswith("VmRSS")).split()[1])
                self.rss_mb[pid] = max(kb / 1024, self.rss_mb.get(pid, 0.0))

    def run(self) -> None:
        ticks = 0
        while not self.stopping.wait(0.5):
            if ticks % 4 == 0:
                self.find_backends()
            self.sample()
            ticks += 1

    def cpu(self, pids) -> float:
        return sum(self.cpu_last[p] - self.cpu_start[p] for p in pids if p in self.cpu_start)


def settle(master: int, quiet: float = 1.0, longest: float = 30.0) -> None:
    """Wait until gunicorn's workers stop using CPU (requests queued by the last run's users
    are done), at most `longest` seconds."""
    deadline = time.monotonic() + longest
    before = sum(cpu_seconds(pid) for pid in children(master))
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = sum(cpu_seconds(pid) for pid in children(master))
        if now - before < 0.05:
            return
        before = now


@dataclass
class Outcome:
    name: str
    rows: list[dict]
    failures: list[dict]
    errors: int
    seconds: float
    load_before: str
    load_after: str
    rss_mb: dict[int, float]
    cpu_gunicorn: float
    cpu_locust: float
    cpu_postgres: float
    machine_busy: float

    @property
    def total(self) -> dict:
        return next(r for r in self.rows if r["Name"] == "Aggregated")

    @property
    def cpu_per_page_ms(self) -> float:
        """CPU of the whole exchange per page: gunicorn, its PostgreSQL backends, locust."""
        pages = max(int(self.total["Request Count"]), 1)
        return (self.cpu_gunicorn + self.cpu_postgres + self.cpu_locust) * 1000 / pages


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run_locust(
    name: str, *, paced: bool, users: int, seconds: int, host: str, plan_path: Path,
    out: Path, server: subprocess.Popen, seen_workers: set[int], database,
) -> Outcome:  # fmt: skip
    prefix = out / name
    command = [
        str(LOCUST), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
        "--host", host, "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
        "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    env = os.environ | {"LOAD_PLAN": str(plan_path), "LOAD_PACED": "1" if paced else "0"}
    load_before = load_average()
    busy0, total0 = machine_ticks()
    started = time.monotonic()
    with open(out / f"{name}-locust.log", "w") as log:
        locust = subprocess.Popen(
            command, cwd=ROOT / "bench", env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        sampler = Sampler(master=server.pid, locust=locust.pid, database=database)
        thread = threading.Thread(target=sampler.run, daemon=True)
        sampler.find_backends()
        sampler.sample()
        thread.start()
        try:
            locust.wait(timeout=seconds + 60)
        except subprocess.TimeoutExpired:
            _progress(f"locust ({name}) overran its time: stopped")
        finally:
            stop(locust)  # also when this script is interrupted: locust has its own session
            sampler.sample()
            sampler.stopping.set()
            thread.join()
    busy1, total1 = machine_ticks()
    seen_workers.update(sampler.rss_mb)
    with open(f"{prefix}_stats.csv") as stats:
        rows = list(csv.DictReader(stats))
    failures: list[dict] = []
    with contextlib.suppress(OSError), open(f"{prefix}_failures.csv") as failed:
        failures = list(csv.DictReader(failed))
    exceptions = 0
    with contextlib.suppress(OSError), open(f"{prefix}_exceptions.csv") as raised:
        exceptions = sum(int(r["Count"]) for r in csv.DictReader(raised))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    workers = list(sampler.rss_mb)
    return Outcome(
        name=name, rows=rows, failures=failures,
        errors=int(total["Failure Count"]) + exceptions,
        seconds=time.monotonic() - started, load_before=load_before, load_after=load_average(),
        rss_mb=sampler.rss_mb, cpu_gunicorn=sampler.cpu([server.pid, *workers]),
        cpu_locust=sampler.cpu([locust.pid]), cpu_postgres=sampler.cpu(sampler.backends),
        machine_busy=(busy1 - busy0) / max(total1 - total0, 1),
    )  # fmt: skip


# --- Report -------------------------------------------------------------------------------


def report(outcome: Outcome, target: str) -> None:
    print()
    print(f"Run {outcome.name}: {target}")
    print(f"  {'request':26}{'count':>7}{'fails':>7}{'median':>8}{'p95':>7}{'max':>8}{'req/s':>8}")
    for row in outcome.rows:
        label = row["Name"] if row["Name"] != "Aggregated" else "all"
        print(
            f"  {label[:26]:26}{int(row['Request Count']):7d}{int(row['Failure Count']):7d}"
            f"{float(row['Median Response Time']):8.0f}{float(row['95%']):7.0f}"
            f"{float(row['Max Response Time']):8.0f}{float(row['Requests/s']):8.1f}"
        )
    for failure in outcome.failures[:8]:
        print(f"  failure: {failure['Occurrences']}x {failure['Name']}: {failure['Error'][:90]}")
    rss = sorted(outcome.rss_mb.values(), reverse=True)
    print(
        f"  {outcome.seconds:.0f} s; load average {outcome.load_before} before, "
        f"{outcome.load_after} after; machine CPU busy {outcome.machine_busy:.0%} of 2 cores"
    )
    print(
        f"  CPU s: gunicorn {outcome.cpu_gunicorn:.1f}, its PostgreSQL backends "
        f"{outcome.cpu_postgres:.1f}, locust {outcome.cpu_locust:.1f}: "
        f"{outcome.cpu_per_page_ms:.0f} ms a page, so 2 cores to themselves would serve about "
        f"{2000 / max(outcome.cpu_per_page_ms, 1):.0f} pages/s"
    )
    print(f"  worker RSS max {', '.join(f'{mb:.0f}' for mb in rss)} MB (target ≤ {RSS_TARGET_MB})")


def _interrupted(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    # A TERM (`timeout`, a supervisor) or an INT, even when the shell ignores INT for background
    # jobs, unwinds through the `finally` blocks that stop gunicorn and locust.
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--run-time", type=int, default=90, help="seconds of each run")
    parser.add_argument("--warmup", type=int, default=15, help="untimed seconds before the runs")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--runs", default="paced,saturation")
    parser.add_argument("--export", choices=["shared", "agency"], default="shared",
                        help="the CSV export's rows: the cases shared with the user's agency "
                        "(about 100) or all its own (about 5,000)")  # fmt: skip
    parser.add_argument("--database", default="taskforce_bench")
    parser.add_argument("--redis-db", type=int, default=5)
    args = parser.parse_args()

    ensure_locust()
    production_environment(args.database, args.redis_db)
    # Django (here and in the functions above) only after the environment gunicorn will share.
    import psycopg2

    from bench.environment import configure

    configure(args.database, redis_db=args.redis_db)
    from django.db import connection

    _progress(f"signing in {args.users} bench users")
    load_plan = plan(args.users, args.export)
    connection.close()  # this process holds no connection while the server runs
    collect_static()

    VAR.mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix="run-", dir=VAR))
    plan_path = out / "plan.json"
    plan_path.write_text(json.dumps(load_plan))
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    _progress(f"gunicorn, {args.workers} workers, on {host}; logs and CSV in {out}")
    server = start_gunicorn(port, args.workers, out)
    seen_workers: set[int] = set(children(server.pid))
    database = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    database.autocommit = True
    outcomes: dict[str, Outcome] = {}
    try:
        common = {"users": args.users, "host": host, "plan_path": plan_path, "out": out,
                  "server": server, "seen_workers": seen_workers, "database": database}  # fmt: skip
        if args.warmup:
            _progress(f"warm-up, {args.warmup} s (not counted)")
            run_locust("warmup", paced=False, seconds=args.warmup, **common)
        for name in args.runs.split(","):
            settle(server.pid)
            _progress(f"run {name}, {args.run_time} s")
            outcomes[name] = run_locust(
                name, paced=name == "paced", seconds=args.run_time, **common
            )
    finally:
        database.close()
        stop(server, also=seen_workers)
        sign_out([user["session"] for user in load_plan["users"]])

    roles: dict[str, int] = {}
    for user in load_plan["users"]:
        roles[user["role"]] = roles.get(user["role"], 0) + 1
    print()
    print("Load test (bench/load_test.py)")
    print(
        f"  database   {args.database}; gunicorn {args.workers} sync workers, DEBUG off, loopback"
    )
    print(f"  users      {args.users}: " + ", ".join(f"{n} {r}" for r, n in roles.items()))
    print(f"  runs       {args.run_time} s each after a {args.warmup} s warm-up; exports: "
          f"{args.export} cases; logs and CSV in {out}")  # fmt: skip
    targets = {
        "paced": f"1-3 s between clicks; targets p95 ≤ {P95_TARGET_MS} ms, 0 errors",
        "saturation": f"no pauses; target ≥ {PAGES_TARGET} pages/s",
    }
    for name, outcome in outcomes.items():
        report(outcome, targets.get(name, ""))
    saturated, paced = outcomes.get("saturation"), outcomes.get("paced")
    pages = f"{float(saturated.total['Requests/s']):.1f}" if saturated else "n/a"
    p95 = f"{float(paced.total['95%']):.0f}" if paced else "n/a"
    errors = sum(outcome.errors for outcome in outcomes.values())
    worst = max((max(o.rss_mb.values(), default=0) for o in outcomes.values()), default=0)
    print()
    print(f"  worst worker RSS {worst:.0f} MB; load average now {load_average()}")
    print(f"RESULT pages_per_s={pages} p95_ms={p95} errors={errors}")


if __name__ == "__main__":
    main()
