"""Benchmark of the password step of signing in (issue #22: sign-in ≤ 300 ms), before and after
the move from PBKDF2 to Argon2id.

What it measures: the POST of username and password to the real sign-in page, in process through
the Django test Client (DEBUG off, the whole middleware stack, django-axes, the sign-in audit),
each from a fresh client, after a few untimed ones; the median of N of its wall time and of this
process's CPU time, and the median of the hash alone (`check_password` outside the page), for:
- before: Django 5.2's default hashers (PBKDF2-SHA256, 1,000,000 iterations) and a PBKDF2 hash;
- after: the project's PASSWORD_HASHERS (accounts/hashers.py, Argon2id) and an Argon2id hash;
- the upgrade: a PBKDF2 hash signing in under the project's hashers, once per hash (it is
  rehashed at that sign-in; the stored hash is checked to be Argon2id afterwards);
- a wrong password under the project's hashers (a failure, counted by the lockout).
The last line reads `RESULT sign_in_ms=… sign_in_cpu_ms=… before_ms=… before_cpu_ms=…`, where
sign_in_ms is the after median.

Data: the database of DATABASE_URL (`taskforce_bench_sign_in` by default; created and migrated
if missing), in which it keeps one agency and one user of its own (`bench_sign_in`), whose
password and lockout records it resets on each run.

Run from the project root:

    .venv/bin/python bench/bench_sign_in.py [--repeat 15]
"""

# ruff: noqa: E402 - Django must be configured before models are imported.

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.environment import configure

configure("taskforce_bench_sign_in", redis_db=2)

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import Client, override_settings
from django.urls import reverse

from bench.bench_access import ensure_database
from taskforce.models import Agency, AgencyKind, Role, User
from taskforce.services import membership_start

USERNAME = "bench_sign_in"
PASSWORD = "bench-sign-in-correct-horse"  # noqa: S105 - a throwaway bench account
WARMUP = 2
# Django 5.2's default PASSWORD_HASHERS, which the project used before issue #22.
DJANGO_DEFAULT_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]


def bench_user() -> User:
    agency, _ = Agency.objects.get_or_create(
        name="Bench sign-in agency",
        defaults={"short_name": "BSI", "kind": AgencyKind.PROSECUTION, "county": "Washington"},
    )
    user, created = User.objects.get_or_create(username=USERNAME)
    if created or user.membership is None:
        membership_start(user=user, agency=agency, role=Role.PROSECUTOR)
    return user


def store(user: User, hasher: str) -> str:
    """Give the user PASSWORD hashed by `hasher` (an algorithm name) and a clean lockout slate."""
    user.password = make_password(PASSWORD, hasher=hasher)
    user.save(update_fields=["password"])
    forget_failures()
    return user.password


def forget_failures() -> None:
    """The bench's failed sign-ins must not lock its user or throttle its address."""
    AccessAttempt.objects.filter(username=USERNAME).delete()
    AccessFailureLog.objects.filter(username=USERNAME).delete()


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU milliseconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def post_password(password: str, expect: int) -> None:
    response = Client(HTTP_HOST="localhost").post(
        reverse("login"), {"username": USERNAME, "password": password}
    )
    if response.status_code != expect:
        sys.exit(f"The sign-in answered {response.status_code}, not {expect}.")


def sign_in_samples(n: int, *, password: str = PASSWORD, expect: int = 302):
    for _ in range(WARMUP):
        post_password(password, expect)
    return [timed(lambda: post_password(password, expect)) for _ in range(n)]


def hash_samples(encoded: str, n: int):
    return [timed(lambda: check_password(PASSWORD, encoded)) for _ in range(n)]


def line(label: str, samples, hash_only=None) -> str:
    wall, cpu = medians(samples)
    text = f"  {label:<44} median {wall:7.1f} ms wall {cpu:7.1f} ms CPU"
    if hash_only:
        text += "   (the hash alone: {:.1f} ms wall, {:.1f} ms CPU)".format(*medians(hash_only))
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed sign-ins per figure")
    n = parser.parse_args().repeat

    ensure_database()
    user = bench_user()
    # A refused sign-in renders the page, whose plain static names need no collectstatic run
    # (as in the test suite); axes logs each failure, which would interleave with the figures.
    override_settings(
        STORAGES=settings.STORAGES
        | {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ).enable()
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    logging.getLogger("axes").setLevel(logging.ERROR)
    print(f"database {settings.DATABASES['default']['NAME']}, N={n}, load {os.getloadavg()}")

    with override_settings(PASSWORD_HASHERS=DJANGO_DEFAULT_HASHERS):
        encoded = store(user, "pbkdf2_sha256")
        before = sign_in_samples(n)
        before_hash = hash_samples(encoded, n)
    print(f"before: {identify_hasher(encoded).algorithm}, {encoded.split('$')[1]} iterations")
    print(line("password POST", before, before_hash))

    encoded = store(user, "default")
    after = sign_in_samples(n)
    after_hash = hash_samples(encoded, n)
    print(f"after: {encoded.rsplit('$', 2)[0]}")
    print(line("password POST", after, after_hash))

    upgrades = []
    for _ in range(n):
        store(user, "pbkdf2_sha256")
        upgrades.append(timed(lambda: post_password(PASSWORD, 302)))
        user.refresh_from_db(fields=["password"])
        if not user.password.startswith("argon2$argon2id$"):
            sys.exit("A PBKDF2 hash was not upgraded at sign-in.")
    print(line("upgrade: PBKDF2 hash's POST, rehashed", upgrades))

    store(user, "default")
    wrong = []
    for _ in range(n):
        forget_failures()
        wrong.append(timed(lambda: post_password("not-the-password", 200)))
    print(line("wrong password", wrong))
    store(user, "default")

    wall, cpu = medians(after)
    before_wall, before_cpu = medians(before)
    print(f"load {os.getloadavg()}")
    print(
        f"RESULT sign_in_ms={wall:.1f} sign_in_cpu_ms={cpu:.1f} "
        f"before_ms={before_wall:.1f} before_cpu_ms={before_cpu:.1f}"
    )


if __name__ == "__main__":
    main()
