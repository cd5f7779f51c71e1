"""Benchmark of the spreadsheet imports (issue #19 §5): 5,000-row files of cases, victims and
Safe Harbor referrals, staged, checked (the preview) and saved, seconds per phase.

Each run creates fresh agencies and users (named for the run) in the configured database
(`taskforce_bench_imports` unless DATABASE_URL says otherwise; created and migrated if missing),
writes a CSV of ROWS rows per kind (cases: 2 counts per defendant, one defendant per case), then
times `spreadsheet_stage`, `spreadsheet_rows` and `spreadsheet_confirm` for each. The saved
records stay (a bench database only). Not a test: it prints figures.

Run from the project root:

    .venv/bin/python bench/bench_imports.py [--rows 5000] [--kinds cases,referrals]
"""

# ruff: noqa: E402 - Django must be configured before models are imported.

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.environment import configure

configure("taskforce_bench_imports")

from django.db import connection

from bench.bench_access import ensure_database
from cases.services import case_imports
from cases.services.spreadsheets import spreadsheet_confirm, spreadsheet_rows, spreadsheet_stage
from referrals import imports as referral_imports
from taskforce.models import Agency, AgencyKind, Role, User
from taskforce.services import membership_start
from victims import imports as victim_imports


def _actor(kind: str, role: str, run: str) -> User:
    agency = Agency.objects.create(name=f"Bench {kind} {run}", kind=kind)
    user = User.objects.create_user(username=f"bench-{kind}-{run}", password=None)
    membership_start(user=user, agency=agency, role=role)
    return user


def _name(i: int) -> tuple[str, str]:
    return f"Last{i:05d}x", f"First{i:05d}y"


def cases_csv(rows: int) -> str:
    lines = ["case_number,last_name,first_name,date_of_birth,statute,filed_on,case_kind,county"]
    for i in range(rows):
        last, first = _name(i // 2)
        statute = "609.324 subd. 1(b)" if i % 2 == 0 else "609.352 subd. 2a"
        case = f"B-{i // 2:05d}"
        lines.append(f"{case},{last},{first},1980-01-02,{statute},2026-03-02,buyer,Washington")
    return "\n".join(lines) + "\n"


def victims_csv(rows: int) -> str:
    lines = ["last_name,first_name,date_of_birth,identified_how,identified_on,phone"]
    for i in range(rows):
        last, first = _name(i)
        lines.append(f"{last},{first},1995-03-04,hotel,2026-02-10,651-555-{i % 10000:04d}")
    return "\n".join(lines) + "\n"


def referrals_csv(rows: int) -> str:
    lines = ["last_name,first_name,date_of_birth,received_on,source,reason,status"]
    for i in range(rows):
        last, first = _name(i)
        lines.append(f"{last},{first},2009-03-04,2025-11-03,school,Disclosed,engaged")
    return "\n".join(lines) + "\n"


def run(kind, actor: User, text: str) -> None:
    data = text.encode()
    start = time.perf_counter()
    staged = spreadsheet_stage(actor=actor, kind=kind, data=data, file_name="bench.csv")
    staged_at = time.perf_counter()
    rows = spreadsheet_rows(actor=actor, kind=kind, staged=staged)
    checked_at = time.perf_counter()
    bad = sum(1 for row in rows if row.errors)
    matched = {row.line: "new" for row in rows if row.matches}
    saved = spreadsheet_confirm(actor=actor, kind=kind, staged=staged, choices=matched)
    done = time.perf_counter()
    print(
        f"{kind.slug:<10} {len(rows):>6} rows ({len(data) / 1024:>5.0f} KB, {bad} bad): "
        f"stage {staged_at - start:6.2f} s  check {checked_at - staged_at:6.2f} s  "
        f"confirm (checks again + saves {len(saved)}) {done - checked_at:6.2f} s  "
        f"total {done - start:6.2f} s"
    )


def analyze_all() -> None:
    """Statistics for what the database now holds: without them PostgreSQL estimates one row
    per table and plans the policy's union as a loop over every candidate (issue #22)."""
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"ANALYZE {time.perf_counter() - start:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--kinds", default="cases,victims,referrals", help="which files, in order")
    args = parser.parse_args()
    kinds = args.kinds.split(",")
    ensure_database()
    analyze_all()
    run_id = uuid.uuid4().hex[:6]
    prosecutor = _actor(AgencyKind.PROSECUTION, Role.PROSECUTOR, run_id)
    advocate = _actor(AgencyKind.VICTIM_SERVICES, Role.ADVOCATE, run_id)
    files = {
        "cases": (case_imports.KIND, prosecutor, cases_csv),
        "victims": (victim_imports.KIND, advocate, victims_csv),
        "referrals": (referral_imports.KIND, advocate, referrals_csv),
    }
    for name in kinds:
        kind, actor, text = files[name]
        run(kind, actor, text(args.rows))
    # The imports ANALYZE what they loaded (spreadsheet_confirm, from 500 rows on).


if __name__ == "__main__":
    main()
