"""The database of the previous release, for the upgrade test (tests/taskforce/test_upgrade.py).

Run in a process of its own, with DATABASE_URL naming a new, empty PostgreSQL database:
`python -m tests.taskforce.previous_release install` migrates it along the old migration files
(the squashed ones taken out of the graph, as a database migrated before the squash did) to the
heads the previous release shipped, then writes a few rows through that release's models; `check`
prints, as JSON, what the current code reads back after `manage.py migrate`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import uuid

# The heads of the last release before the squashed migrations (merge of h-rules, 684aceb);
# taskforce 0025 and victims 0013 came after it (screening scores encrypted and redacted).
PREVIOUS_RELEASE = {
    "taskforce": "0024_deadline_keeps_its_context",
    "cases": "0038_spreadsheet_imports",
    "victims": "0012_victim_assigned_advocate",
    "referrals": "0006_victims_take_their_referrals_advocate",
    "api": "0001_api_tokens",
}
SCREENING = "MYTEI 31: high"
NAMES = ("Dana", "Quill")
CASE_ID, VICTIM_ID = uuid.UUID(int=1), uuid.UUID(int=2)


def _executor():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.loader import MigrationLoader

    executor = MigrationExecutor(connection)
    loader = MigrationLoader(connection, replace_migrations=False)
    for key, migration in loader.replacements.items():
        loader.graph.remove_replacement_node(key, migration.replaces)
    # That release knew no squashed migration, so it recorded none as applied.
    loader.replacements = {}
    executor.loader = loader
    return executor


def _targets(executor) -> list[tuple[str, str]]:
    leaves = [
        node for node in executor.loader.graph.leaf_nodes() if node[0] not in PREVIOUS_RELEASE
    ]
    return [*leaves, *PREVIOUS_RELEASE.items()]


def install() -> dict:
    executor = _executor()
    targets = _targets(executor)
    executor.migrate(targets)
    models = executor.loader.project_state(targets).apps
    from django.db import transaction

    with transaction.atomic():
        return _write_rows(models)


def _write_rows(models) -> dict:
    """An agency, a user, a person with encrypted names, a case with that person as defendant,
    a victim record with a plain screening score (encrypted by victims 0013), and an audit row
    that recorded the score (redacted by taskforce 0025)."""
    ContentType = models.get_model("contenttypes", "ContentType")
    Group = models.get_model("auth", "Group")
    Agency = models.get_model("taskforce", "Agency")
    User = models.get_model("taskforce", "User")
    Person = models.get_model("cases", "Person")
    Case = models.get_model("cases", "Case")
    Victim = models.get_model("victims", "Victim")
    AuditEvent = models.get_model("taskforce", "AuditEvent")

    group = Group.objects.create(name="agency:wcao")
    agency = Agency.objects.create(
        name="Washington County Attorney's Office", short_name="WCAO", kind="prosecution",
        county="Washington", group=group,
    )  # fmt: skip
    user = User.objects.create(username="wash_prosecutor", password="!")
    person = Person.objects.create(
        first_name=NAMES[0], last_name=NAMES[1], owner_agency=agency,
        first_name_key="k1", last_name_key="k2", created_by=user, updated_by=user,
    )  # fmt: skip
    case = Case.objects.create(
        public_id=CASE_ID, number="26-CR-1", title="", owner_agency=agency, created_by=user,
        updated_by=user,
    )  # fmt: skip
    victim = Victim.objects.create(
        public_id=VICTIM_ID, person=person, owner_agency=agency, identified_on=dt.date(2026, 3, 1),
        screening_score=SCREENING, created_by=user, updated_by=user,
    )  # fmt: skip
    victim_type, _ = ContentType.objects.get_or_create(app_label="victims", model="victim")
    AuditEvent.objects.create(
        action="victim.changed", actor=user, target_type=victim_type, target_id=victim.pk,
        changes={"screening_score": SCREENING},
    )  # fmt: skip
    return {"case": str(case.public_id), "victim": str(victim.public_id), "person": person.pk}


def check() -> dict:
    from django.db import connection

    from cases.models import Case, Person
    from taskforce.models import AuditEvent
    from victims.models import Victim

    victim = Victim.objects.get()
    person = Person.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT screening_score FROM victims_victim")
        (stored,) = cursor.fetchone()
    audit = AuditEvent.objects.get(action="victim.changed")
    return {
        "cases": [str(case.public_id) for case in Case.objects.all()],
        "victim": str(victim.public_id),
        "screening_score": victim.screening_score,
        "screening_score_stored_encrypted": stored.startswith("gAAAA"),
        "names": [person.first_name, person.last_name],
        "audit_changes": audit.changes,
        "migrations_pending": _pending(),
    }


def _pending() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskforce.settings")
    import django

    django.setup()
    step = {"install": install, "check": check}[sys.argv[1]]
    print(json.dumps(step(), default=str))
