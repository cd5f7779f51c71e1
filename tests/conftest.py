"""Suite-wide set-up: PostgreSQL only, fast password hashing, named agencies and actors, and
(TEST_CLOCK) the whole run at a chosen local instant."""

import datetime as dt
import os
import zoneinfo

import pytest
from django.conf import settings

from taskforce.models import AgencyKind, Role
from tests import databases
from tests.factories import AgencyFactory, member

pytest_plugins = [
    "tests.stings_fixtures",
    "tests.referral_fixtures",
    "tests.s3",
    "tests.oidc_directory",
]


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        raise pytest.UsageError(
            f"The suite runs on PostgreSQL, not {engine}: use `bash scripts/test.sh` "
            "or set DATABASE_URL=postgres://…"
        )
    # Hashing cost is not under test here: Argon2id's ~80 ms a hash would dominate the run.
    # tests/accounts/test_password_hashing.py signs in with the project's own hashers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Persistent connections would keep the live server's session open and block the drop of
    # the test database at teardown.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Pages link plain static names, which the live test server serves from the source folders;
    # tests/taskforce/test_static.py runs the production collectstatic (hashed names) itself.
    # override_settings (not assignment) so Django drops storages it already built from the old
    # value (the private document storage is built when the models load).
    from django.test import override_settings

    override_settings(
        STORAGES=settings.STORAGES
        | {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ).enable()
    keep_xdist_workers_apart(os.environ.get("PYTEST_XDIST_WORKER"))
    travel_to_test_clock(os.environ.get("TEST_CLOCK", ""))


def test_clock_instant(value: str) -> dt.datetime | None:
    """TEST_CLOCK=2026-03-08T01:30 (local wall time in settings.TIME_ZONE; an offset may be
    given instead) as an aware instant, or None when unset. On the autumn DST day an ambiguous
    local time means its first occurrence (fold=0, daylight time)."""
    if not value.strip():
        return None
    try:
        instant = dt.datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise pytest.UsageError(f"TEST_CLOCK={value!r} is not an ISO date-time: {error}") from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return instant


def travel_to_test_clock(value: str):
    """The clock runs (scripts/test.sh, README "Tests at any hour"): with TEST_CLOCK set, the
    whole session starts at that instant and the clock ticks on from there, in this process and
    in every pytest-xdist process (each reads the variable). Tests that pin their own clock with
    time_machine still do: travels nest. What cannot travel, the Celery worker processes
    (`worker`), Chromium (`browser`) and PostgreSQL's now(), stays on the real clock, so the
    clock runs deselect those marks."""
    instant = test_clock_instant(value)
    if instant is None:
        return None
    import time_machine

    traveller = time_machine.travel(instant, tick=True)
    traveller.start()
    return traveller


def pytest_report_header(config):
    instant = test_clock_instant(os.environ.get("TEST_CLOCK", ""))
    if instant is not None:
        return f"TEST_CLOCK: the run starts at {instant.isoformat()} ({settings.TIME_ZONE})"
    return None


# Tests of a minute or more (see the slowest-15 list at the end of a run) that use no test
# database. Those that do must keep pytest-django's order: a transactional test (live server,
# Celery worker, browser) empties its tables when it ends, so it runs after the plain ones.
LONG_WITHOUT_DATABASE = (
    "tests/taskforce/test_embedded.py::",
    "tests/taskforce/test_upgrade.py::",  # its own databases, built in a subprocess
)


def pytest_collection_modifyitems(items):
    """Long tests that need no database first: pytest-xdist hands tests out in this order, so
    one process runs such a test while the other builds its test database, instead of running
    it alone at the end. The same order on every run and in every process."""
    items.sort(key=lambda item: not item.nodeid.startswith(LONG_WITHOUT_DATABASE))


def keep_xdist_workers_apart(worker: str | None):
    """Under pytest-xdist (`scripts/test.sh`, TEST_WORKERS) several test processes share one
    PostgreSQL and one Redis. pytest-django gives each its own test database (test_<name>_gw0…);
    this gives each its own Celery queue and cache keys, so one process's Celery workers never
    take another's tasks, and rate-limit counters (keyed by user id, which every test database
    numbers from 1) never add up across processes."""
    if not worker:
        return None
    from django.test import override_settings

    from taskforce.celery import app as celery_app

    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-{worker}"
    # The environment too: the worker processes of tests/workers.py read their settings from it.
    os.environ["CELERY_QUEUE"] = queue
    celery_app.conf.task_default_queue = queue
    caches = {
        alias: config | {"KEY_PREFIX": f"{config.get('KEY_PREFIX', '')}-{worker}"}
        for alias, config in settings.CACHES.items()
    }
    apart = override_settings(CELERY_TASK_DEFAULT_QUEUE=queue, CACHES=caches)
    apart.enable()
    return apart


def copying_templates(config) -> bool:
    return bool(config.getoption("reuse_db")) and not config.getoption("create_db")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings, django_db_blocker):
    """With --reuse-db: start from a copy of the migrated template (tests/databases.py)."""
    request.config.stash[TEMPLATE_COPIED] = False
    if copying_templates(request.config):
        from django.db import connection

        with django_db_blocker.unblock():
            request.config.stash[TEMPLATE_COPIED] = databases.copy_from_template(connection)


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """With --reuse-db: a test database just made from the migrations becomes the template."""
    if copying_templates(request.config) and not request.config.stash[TEMPLATE_COPIED]:
        from django.db import connection

        with django_db_blocker.unblock():
            databases.keep_as_template(connection)


TEMPLATE_COPIED = pytest.StashKey[bool]()


@pytest.fixture
def wash_cao(db):
    return AgencyFactory(
        name="Washington County Attorney's Office", short_name="WCAO", kind=AgencyKind.PROSECUTION
    )


@pytest.fixture
def ramsey_cao(db):
    return AgencyFactory(
        name="Ramsey County Attorney's Office",
        short_name="RCAO",
        kind=AgencyKind.PROSECUTION,
        county="Ramsey",
    )


@pytest.fixture
def woodbury_pd(db):
    return AgencyFactory(name="Woodbury Police Department", kind=AgencyKind.LAW_ENFORCEMENT)


@pytest.fixture
def advocacy_center(db):
    return AgencyFactory(name="St. Croix Valley Advocacy", kind=AgencyKind.VICTIM_SERVICES)


@pytest.fixture
def task_force(db):
    return AgencyFactory(name="East Metro Task Force", kind=AgencyKind.TASK_FORCE, county="")


@pytest.fixture
def wash_prosecutor(wash_cao):
    return member(wash_cao, Role.PROSECUTOR, username="wash_prosecutor")


@pytest.fixture
def wash_supervisor(wash_cao):
    return member(wash_cao, Role.SUPERVISOR, username="wash_supervisor")


@pytest.fixture
def ramsey_prosecutor(ramsey_cao):
    return member(ramsey_cao, Role.PROSECUTOR, username="ramsey_prosecutor")


@pytest.fixture
def woodbury_liaison(woodbury_pd):
    return member(woodbury_pd, Role.POLICE_LIAISON, username="woodbury_liaison")


@pytest.fixture
def advocate(advocacy_center):
    return member(advocacy_center, Role.ADVOCATE, username="scv_advocate")


@pytest.fixture
def coordinator(task_force):
    return member(task_force, Role.COORDINATOR, username="taskforce_coordinator")


@pytest.fixture
def celery_worker_process(transactional_db, django_db_serialized_rollback):
    """A real `celery worker` process on the real broker, using the test database.

    Tests that need it write committed data (transactional_db) so the worker's own
    connection sees it. Serialized rollback puts back the reference data the migrations seeded
    (counties, statutes), which the flush after a transactional test would otherwise remove.
    """
    from tests.workers import running_worker

    with running_worker() as worker:
        yield worker
