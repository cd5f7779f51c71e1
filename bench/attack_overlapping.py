"""The overlapping-filters attacker of tests/reports/test_overlapping_disclosure.py on many more
random data sets than the test draws (issue #21 §1).

Victims of three agencies in two counties on three days, by a 2 x 3 breakdown; every pair of the
72 filters the coordinator's form offers (one agency or every one x one county or every one x
period) whose definitions meet, overlapping or nested, solved in one linear program with its
three disjoint parts. Prints how many data sets leave some count of 1 to 4 fewer than WIDTH
values, the programs solved and the time taken, and the smallest data set narrowed (if any)
with where. --any-sets attacks the 126 filters the form used to offer (any set of agencies and
of counties).

Measured (2026-12-03):
- the form's filters: 0 narrowed of 100 data sets of up to 70 victims (seed 1, 71 s), 0 of 40
  of up to 200 (seed 2, 32 s), 0 of 200 of up to 70 (seed 3, 281 s);
- --any-sets: 2 narrowed to 2 values of 100 (seed 1) and 2 of 40 (seed 2), one of them through
  grand totals only; there --minimum 30 leaves 0 and 1 and --base 10 (1 to 9 hidden) 0 and 0.
Measured, not proven.

Run from the project root:

    .venv/bin/python bench/attack_overlapping.py [--data-sets 100] [--largest 70] [--seed 1]
        [--any-sets]
"""

from __future__ import annotations

import argparse
import itertools
import pathlib
import random
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from bench.environment import configure

configure("taskforce_bench_disclosure")

from reports import disclosure  # noqa: E402


def shrunk(attack, choices, records: list[tuple], where: tuple, narrowest: int) -> tuple:
    """Drop victims one at a time (the others keep their ids, so their keys) while the attacker
    still narrows some count: a data set none of whose victims can go."""
    changed = True
    while changed:
        changed = False
        for record in list(records):
            fewer = [r for r in records if r is not record]
            found, at, _ = attack.overlapping_attack(fewer, choices=choices)
            if found < disclosure.WIDTH:
                records, where, narrowest, changed = fewer, at, found, True
    return records, where, narrowest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-sets", type=int, default=100)
    parser.add_argument("--largest", type=int, default=70)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--shrink", action="store_true", help="drop victims while it stays narrowed"
    )
    parser.add_argument("--minimum", type=int, default=None, help="try another MINIMUM")
    parser.add_argument("--base", type=int, default=None, help="try another rounding BASE")
    parser.add_argument(
        "--any-sets", action="store_true", help="any set of agencies and counties, as before"
    )
    options = parser.parse_args()
    if options.base is not None:
        disclosure.BASE = options.base  # rounding, hiding 1 to BASE - 1, what a figure means
    if options.minimum is not None:
        disclosure.MINIMUM = options.minimum  # read by withhold() at each call

    from django.conf import settings

    settings.REPORTS_DISCLOSURE_KEY = "issue-21-test-secret"
    from tests.reports import test_overlapping_disclosure as attack

    choices = attack.ANY_SETS if options.any_sets else attack.CHOICES
    filters = len(list(itertools.product(*choices)))
    fewest, where, _ = attack.overlapping_attack(attack.KNOWN_GAP, choices=choices)
    print(f"known gap (22 victims): fewest values {fewest}" + (f" at {where}" if where else ""))
    draw = random.Random(options.seed)  # noqa: S311 (test data, not a secret)
    narrowed, programs, smallest = 0, 0, None
    by_kind = {"nested": 0, "overlapping": 0}
    started = time.perf_counter()
    for _ in range(options.data_sets):
        records = attack.records_from([
            (draw.randrange(attack.AGENCIES), draw.randrange(attack.COUNTIES),
             draw.randrange(attack.DAYS), draw.randrange(attack.ROWS), draw.randrange(attack.COLS))
            for _ in range(draw.randint(0, options.largest))
        ])  # fmt: skip
        kinds: dict = {}
        narrowest, where, solved = attack.overlapping_attack(records, choices=choices, kinds=kinds)
        programs += solved
        for kind, fewest in kinds.items():
            by_kind[kind] += fewest < disclosure.WIDTH
        if narrowest < disclosure.WIDTH:
            narrowed += 1
            if smallest is None or len(records) < len(smallest[0]):
                smallest = (records, where, narrowest)
    took = time.perf_counter() - started
    print(f"data sets: {options.data_sets} of 0 to {options.largest} victims "
          f"(seed {options.seed}); {filters} filters")  # fmt: skip
    print(f"pairs solved (distinct programs): {programs}; {took:.1f} s")
    print(f"BASE {disclosure.BASE}, MINIMUM {disclosure.MINIMUM}; "
          f"narrowed below {disclosure.WIDTH} values: {narrowed} "
          f"(by a nested pair: {by_kind['nested']}; by an overlapping one: "
          f"{by_kind['overlapping']})")  # fmt: skip
    if smallest and options.shrink:
        smallest = shrunk(attack, choices, *smallest)
    if smallest:
        records, (one, other, table, cell, span), narrowest = smallest
        names = ["F1", "F2", "F1∩F2", "F1\\F2", "F2\\F1"]
        print(f"smallest narrowed: {len(records)} victims {records}")
        print(f"  F1 {one}\n  F2 {other}\n  {names[table]} cell {cell}: range {span} "
              f"({narrowest} values)")  # fmt: skip


if __name__ == "__main__":
    main()
