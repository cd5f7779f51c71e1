"""An upgrade from the previous release: a database migrated along the old migration files to
that release's heads, with rows in it, then `manage.py migrate` of this code. The rows stay,
victims 0013 encrypts the screening score written in clear, taskforce 0025 redacts it in the
audit trail, and nothing is left to apply.

Building that database takes the old chain (~1,500 operations, two to three minutes here): it
is built once per set of migration files and kept as a template (as tests/databases.py keeps
the test database's), so later runs copy it in a second. Marked `upgrade`; scripts/test.sh runs
it with the rest.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import environ
import psycopg2
import pytest

from tests.databases import migrations_hash
from tests.taskforce.previous_release import CASE_ID, NAMES, SCREENING, VICTIM_ID

# The first build runs the whole old chain: longer than the suite's 300 s per test on a busy CI.
pytestmark = [pytest.mark.upgrade, pytest.mark.timeout(900)]
ROOT = Path(__file__).resolve().parents[2]
REDACTED = "(changed; content not recorded)"


def _server() -> dict:
    return environ.Env.db_url_config(os.environ["DATABASE_URL"])


def _url(name: str) -> str:
    config = _server()
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    return f"postgres://{config['USER']}{password}@{config['HOST']}:{config['PORT']}/{name}"


def _connect():
    config = _server()
    connection = psycopg2.connect(
        dbname="postgres", user=config["USER"], password=config.get("PASSWORD") or None,
        host=config["HOST"], port=config["PORT"],
    )  # fmt: skip
    connection.autocommit = True
    return connection


def _admin(*statements: str) -> None:
    connection = _connect()
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


def _run(name: str, *command: str) -> str:
    environment = {**os.environ, "DATABASE_URL": _url(name)}
    result = subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=environment, capture_output=True, text=True,
        timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def previous_release_template():
    template = f"test_{_server()['NAME']}_previous_release_{migrations_hash()}"
    connection = _connect()
    try:
        with connection.cursor() as cursor:
            # Test processes (pytest-xdist) build it once: the others wait here.
            cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [template])
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
            if cursor.fetchone() is None:
                building = f"{template}_building"
                _admin(f'DROP DATABASE IF EXISTS "{building}"', f'CREATE DATABASE "{building}"')
                _run(building, "-m", "tests.taskforce.previous_release", "install")
                _admin(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
                # Those of older migration files will not be used again.
                cursor.execute(
                    "SELECT datname FROM pg_database WHERE starts_with(datname, %s)"
                    " AND datname <> %s",
                    [template.rsplit("_", 1)[0], template],
                )
                _admin(*(f'DROP DATABASE "{old}" WITH (FORCE)' for (old,) in cursor.fetchall()))
    finally:
        connection.close()  # and with it the lock
    return template


@pytest.fixture
def previous_release(previous_release_template):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"{previous_release_template}_{worker}"
    _admin(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}" TEMPLATE "{previous_release_template}"',
    )
    yield name
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _read_back(name: str) -> dict:
    return json.loads(_run(name, "-m", "tests.taskforce.previous_release", "check"))


def test_a_database_of_the_previous_release_migrates_with_its_rows(previous_release):
    _run(previous_release, "manage.py", "migrate", "--no-input")
    after = _read_back(previous_release)
    assert after["cases"] == [str(CASE_ID)] and after["victim"] == str(VICTIM_ID)
    assert after["names"] == list(NAMES)
    assert after["screening_score"] == SCREENING
    assert after["screening_score_stored_encrypted"] is True
    assert after["audit_changes"] == {"screening_score": REDACTED}
    assert after["migrations_pending"] == []


def test_migrating_one_app_first_does_not_block_the_rest(previous_release):
    # `migrate cases` records every squashed migration whose parts are all applied; the
    # referrals squash once depended on victims 0013, so the next `migrate` refused to run.
    _run(previous_release, "manage.py", "migrate", "cases", "--no-input")
    _run(previous_release, "manage.py", "migrate", "--no-input")
    after = _read_back(previous_release)
    assert after["screening_score_stored_encrypted"] is True
    assert after["migrations_pending"] == []
