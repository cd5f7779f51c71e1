"""Test databases made once per set of migrations, then copied in about a second.

Migrating a new test database takes most of a minute. With `--reuse-db` (scripts/test.sh passes
it), the first run of a set of migrations keeps a pristine, just-migrated copy as a template,
named for a hash of every migration file and of the pinned requirements (whose apps bring
migrations too); every later run drops its test database and copies the template, which
PostgreSQL does in a second or so. A copy, not the database itself, because a transactional test
(live server, Celery worker, browser) empties every table when it ends, the seeded counties and
statutes included: a reused database would start the next run without them.

A migration added, edited or removed changes the hash: no template has that name, so the test
database is dropped and made again from the migrations, and its template replaces the old ones.
A fresh clone has no template and does the same. `--create-db` skips all this (pytest-django's
own behaviour).
"""

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_MARK = "_tpl_"


def migrations_hash() -> str:
    digest = hashlib.sha256()
    files = [*sorted(ROOT.glob("*/migrations/*.py")), ROOT / "requirements.txt"]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def template_name(test_name: str) -> str:
    return f"{test_name}{TEMPLATE_MARK}{migrations_hash()}"


def copy_from_template(connection) -> bool:
    """Replace the test database with a copy of its template; False (and the test database
    dropped, so that Django makes it from the migrations) when there is no template for the
    current migrations."""
    test_name = connection.creation._get_test_db_name()
    quote = connection.ops.quote_name
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(test_name)} WITH (FORCE)")
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template_name(test_name)])
        if cursor.fetchone() is None:
            return False
        cursor.execute(
            f"CREATE DATABASE {quote(test_name)} TEMPLATE {quote(template_name(test_name))}"
        )
    return True


def keep_as_template(connection) -> None:
    """Copy the just-migrated test database as the template for its migrations; drop the
    templates of older migrations."""
    test_name = connection.settings_dict["NAME"]
    template = template_name(test_name)
    quote = connection.ops.quote_name
    connection.close()  # a database with open sessions cannot be copied
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)",
            [f"{test_name}{TEMPLATE_MARK}"],
        )
        for (old,) in cursor.fetchall():
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(old)} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {quote(template)} TEMPLATE {quote(test_name)}")
