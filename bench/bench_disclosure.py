"""Benchmark of the reports' disclosure control (reports/disclosure.py, issue #21).

What it measures, with no database (the tables are built in memory as the pages build them):
1. The cost of `protect` (rounding, hiding, the minimum population, the LP audit) for a page of
   seven tables shaped like the victims page (two 5 x 5 age-by-gender tables, four lists of 4
   to 9 rows, a 5 x 6 table) with many small cells: median and greatest ms per page.
2. The joint attacker of tests/reports/test_linked_disclosure.py on random data sets (victims of
   three agencies on two days, 2 x 3 breakdown, every nested pair of filters solved with its
   difference): how many data sets leave some count of 1 to 4 fewer than WIDTH values, under
   the rule and under the previous one ("<5" 0 to 4, "—" 5 or more, no minimum population).

Run from the project root:

    .venv/bin/python bench/bench_disclosure.py [--pages 200] [--data-sets 200] [--largest 70]
"""

from __future__ import annotations

import argparse
import pathlib
import random
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from bench.environment import configure

configure("taskforce_bench_disclosure")

from reports import disclosure  # noqa: E402
from reports.disclosure import Tally, key_of  # noqa: E402
from reports.tables import Table  # noqa: E402

SHAPES = [(4, 4), (4, 4), (6, 1), (4, 1), (9, 1), (5, 1), (4, 5)]


def page(draw: random.Random, first: int) -> list[Table]:
    tables, pk = [], first
    for n, (rows, cols) in enumerate(SHAPES):
        counts = []
        for _ in range(rows):
            row = []
            for _ in range(cols):
                tally = Tally(0)
                for _ in range(draw.choice([0, 1, 2, 3, 4, 6, 9, 15, 40])):
                    pk += 1
                    tally += Tally(1, key_of("victims.Victim", pk))
                row.append(tally)
            counts.append((f"r{len(counts)}", row))
        tables.append(Table(key=f"t{n}", title="T", row_header="R", sensitive=True,
                            columns=[f"c{j}" for j in range(cols)], rows=counts))  # fmt: skip
    return tables


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--data-sets", type=int, default=200)
    parser.add_argument("--largest", type=int, default=70)
    options = parser.parse_args()
    draw = random.Random(21)  # noqa: S311 (bench data)
    costs = []
    for n in range(options.pages):
        tables = page(draw, n * 10_000)
        started = time.perf_counter()
        for table in tables:
            disclosure.protect(table)
        costs.append((time.perf_counter() - started) * 1000)
    costs.sort()
    print(f"protect, a page of {len(SHAPES)} tables: median {statistics.median(costs):.1f} ms, "
          f"p95 {costs[int(len(costs) * 0.95)]:.1f} ms, max {costs[-1]:.1f} ms "
          f"({options.pages} pages)")  # fmt: skip

    from django.conf import settings

    settings.REPORTS_DISCLOSURE_KEY = "issue-21-test-secret"
    from tests.reports import test_disclosure as model
    from tests.reports import test_linked_disclosure as linked

    for name, publish, known in (
        ("rule", disclosure.protect, disclosure.known_range),
        ("previous rule", linked.previous_rule, linked.previous_known),
    ):
        narrowed, started = 0, time.perf_counter()
        sets = random.Random(2)  # noqa: S311 (bench data)
        for _ in range(options.data_sets):
            records = model.records_from([
                (sets.randrange(model.AGENCIES), sets.randrange(model.DAYS),
                 sets.randrange(model.ROWS), sets.randrange(model.COLS))
                for _ in range(sets.randrange(options.largest))
            ])  # fmt: skip
            if linked.joint_attack(records, publish, known)[0] < disclosure.WIDTH:
                narrowed += 1
        print(f"joint attacker, {name}: {narrowed} of {options.data_sets} data sets of up to "
              f"{options.largest} victims give a count of 1 to 4 fewer than {disclosure.WIDTH} "
              f"values ({time.perf_counter() - started:.0f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
