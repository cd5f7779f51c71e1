"""Invented names for the demo's many people: deterministic, so a second seed finds the same."""

from __future__ import annotations

import datetime as dt

FIRST_MALE = [
    "Aaron", "Brian", "Caleb", "Derek", "Ethan", "Felix", "Grant", "Hector", "Ian", "Jared",
    "Keith", "Lance", "Marcus", "Nolan", "Owen", "Paul", "Quinn", "Reid", "Scott", "Trevor",
    "Victor", "Wade", "Xavier", "Yusuf", "Zane",
]  # fmt: skip
FIRST_FEMALE = [
    "Abby", "Bella", "Chloe", "Dana", "Emma", "Faith", "Grace", "Hannah", "Isla", "Jada",
    "Kira", "Leah", "Mia", "Nora", "Olivia", "Paige", "Rose", "Sofia", "Tessa", "Uma",
    "Vera", "Willa", "Yara", "Zoe", "Ava",
]  # fmt: skip
LAST = [
    "Anderson", "Berg", "Carlson", "Dahl", "Erickson", "Fisher", "Gustafson", "Holm", "Iverson",
    "Johnson", "Kowalski", "Larson", "Mattson", "Nelson", "Olson", "Peterson", "Quist", "Rasmussen",
    "Swanson", "Thorson", "Ulrich", "Vang", "Wold", "Xiong", "Young", "Zimmerman", "Her", "Lor",
    "Hassan", "Ortiz", "Garcia", "Nguyen",
]  # fmt: skip


def invented_name(n: int, *, female: bool) -> tuple[str, str]:
    """The n-th invented (first, last) name: 25 times 32 combinations before one repeats."""
    first = (FIRST_FEMALE if female else FIRST_MALE)[n % 25]
    return first, LAST[(n * 7 + n // 25) % len(LAST)]


def born_aged(age: int, on: dt.date, n: int) -> dt.date:
    """A birth date making someone `age` years old on the day `on` (spread over the year)."""
    return dt.date(on.year - age - 1, on.month, min(on.day, 28)) + dt.timedelta(
        days=1 + (n * 37) % 360
    )
