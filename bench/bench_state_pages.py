"""Benchmark of the daily pages of the state's largest agencies, on the reports bench's data.

What it measures: the pages each kind of agency starts its day with, through the Django test
Client signed in through both steps, for the worker of the prosecution agency that received the
most hand-offs (the attorney general's office: 218,000), of the police department that owns the
most arrests (123,000) and of the victim-service agency that owns the most referrals (40,000):
home, intake, caseload, deadlines, arrests, referrals, one arrest and one case of theirs. Each
page is requested once untimed, then N times; it prints the median and p95 in ms, the queries
and the slowest query's time. The data is `bench_reports.py`'s (a million cases over ten years,
its own database `taskforce_bench_reports`); seed it first with `bench_reports.py --seed-only`.

Run from the project root:

    .venv/bin/python bench/bench_state_pages.py [--repeat 5]
"""

# ruff: noqa: E402 - Django must be configured before models are imported.

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django.db import connection
from django.urls import reverse

from bench.bench_reports import is_seeded, measure, p95, signed_in  # configures Django
from taskforce.models import Role, User

# The largest agency of each kind by what its daily pages read.
LARGEST = {
    "prosecution": "SELECT to_agency_id FROM cases_handoff GROUP BY 1 ORDER BY count(*) DESC",
    "police": "SELECT owner_agency_id FROM cases_arrest GROUP BY 1 ORDER BY count(*) DESC",
    "advocacy": "SELECT owner_agency_id FROM referrals_referral GROUP BY 1 ORDER BY count(*) DESC",
}
PAGES = {
    "prosecution": ["home", "intake", "caseload", "deadlines", "arrests", "arrest", "case"],
    "police": ["home", "arrests", "operations", "deadlines", "referrals"],
    "advocacy": ["home", "referrals", "deadlines"],
}


def _one(sql: str, *params) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql + " LIMIT 1", params)
        row = cursor.fetchone()
    return row[0] if row else None


def worker_of(kind: str) -> User:
    agency_id = _one(LARGEST[kind])
    roles = (Role.PROSECUTOR, Role.POLICE_LIAISON, Role.ADVOCATE)
    return User.objects.get(memberships__agency_id=agency_id, memberships__role__in=roles,
                            memberships__ended_at__isnull=True)  # fmt: skip


def urls(kind: str, user: User) -> dict[str, str]:
    agency_id = user.membership.agency_id
    found = {
        "home": reverse("home"),
        "intake": reverse("cases:intake"),
        "caseload": reverse("cases:list"),
        "deadlines": reverse("deadlines"),
        "arrests": reverse("cases:arrest_list"),
        "operations": reverse("cases:operation_list"),
        "referrals": reverse("referrals:list"),
    }
    if kind == "prosecution":
        arrest = _one(
            "SELECT a.public_id FROM cases_arrest a JOIN cases_handoff h ON h.arrest_id = a.id "
            "WHERE h.to_agency_id = %s ORDER BY a.id DESC",
            agency_id,
        )
        case = _one(
            "SELECT public_id FROM cases_case WHERE owner_agency_id = %s ORDER BY id DESC",
            agency_id,
        )
        found["arrest"] = reverse("cases:arrest_detail", kwargs={"public_id": arrest})
        found["case"] = reverse("cases:detail", kwargs={"public_id": case})
    return {page: found[page] for page in PAGES[kind]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page")
    args = parser.parse_args()
    if not is_seeded(1_000_000):
        sys.exit("no bench data: run bench/bench_reports.py --seed-only first")
    print(f"  {'agency':12}{'page':12}{'median':>9}{'p95':>9}{'queries':>9}{'slowest':>9}")
    worst = 0.0
    for kind in PAGES:
        user = worker_of(kind)
        client = signed_in(user)
        for page, url in urls(kind, user).items():
            seen = measure(client, url, args.repeat)
            median = statistics.median(seen["times"])
            worst = max(worst, median)
            slowest = float(seen["slowest"]["time"]) * 1000
            print(f"  {kind:12}{page:12}{median:9.1f}{p95(seen['times']):9.1f}"
                  f"{seen['queries']:9}{slowest:9.1f}", flush=True)  # fmt: skip
    print(f"RESULT worst_median_ms={worst:.1f}")


if __name__ == "__main__":
    main()
