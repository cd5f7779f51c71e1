"""How passwords are stored: Argon2id at a cost measured on our hardware (issue #22, README:
Security); older hashes verify and are rehashed with this one at the next sign-in."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id (RFC 9106) at 46 MiB, 2 passes, 1 lane.

    46 MiB with one lane is OWASP's first Argon2id setting (Password Storage Cheat Sheet: m=47104,
    t=1, p=1); a second pass doubles an attacker's work per guess and still keeps one hash at
    66-80 ms of one core on our 2-core server (bench/bench_sign_in.py), well inside the 300 ms of
    a sign-in. One lane: extra lanes are threads that would take the second core from other
    requests without costing a GPU attacker more. Django's defaults (100 MiB, 8 lanes) took
    150 ms of wall time and 175 ms of CPU here.

    The algorithm keeps Django's name, "argon2", so stored hashes are Django's usual
    `argon2$argon2id$v=19$m=…,t=…,p=…$salt$hash` and any Django Argon2 hasher reads them. Every
    hash carries its own parameters: one made at other ones still verifies, and Django rehashes
    it at these at the next sign-in (`must_update`). Changing a figure here upgrades everyone
    the same way.
    """

    time_cost = 2
    memory_cost = 47104  # KiB: 46 MiB
    parallelism = 1
