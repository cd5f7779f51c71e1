"""The squashed migrations build the schema the long history builds.

New databases run taskforce 0001_squashed_0017 and cases', victims' and referrals' 0001_squashed
(a first start migrates in seconds); databases that applied part of the history keep following
the old files. Both roads must end at the same models: fields, options, indexes, constraints
and history triggers. (That the squashed road matches the models is `makemigrations --check`'s
job in scripts/test.sh; PostgreSQL's own view of both roads was compared with `pg_dump -s` when
they were written: same tables, columns, indexes, triggers and functions.)
"""

from __future__ import annotations

from django.db.migrations.loader import MigrationLoader

APPS = ("taskforce", "cases", "victims", "referrals")


def _project_state(*, squashed: bool):
    loader = MigrationLoader(None, load=False, replace_migrations=False)
    loader.build_graph()
    for key, migration in loader.replacements.items():
        if squashed:
            loader.graph.remove_replaced_nodes(key, migration.replaces)
        else:
            loader.graph.remove_replacement_node(key, migration.replaces)
    loader.graph.validate_consistency()
    loader.graph.ensure_not_cyclic()
    return loader.project_state()


def _named(objects) -> dict:
    """Indexes, constraints or triggers by name, each as its deconstruction."""
    return {obj.name: obj.deconstruct() for obj in objects or ()}


def _describe(model_state) -> dict:
    options = dict(model_state.options)
    described = {
        "fields": {name: field.deconstruct()[1:] for name, field in model_state.fields.items()},
        "bases": model_state.bases,
    }
    for key in ("indexes", "constraints", "triggers"):
        described[key] = _named(options.pop(key, None))
    for key in ("unique_together", "index_together"):
        described[key] = {tuple(group) for group in options.pop(key, None) or ()}
    if options.get("abstract") is False:  # said by some CreateModels, implied by others
        del options["abstract"]
    described["options"] = options
    return described


def test_the_squashed_migrations_and_the_history_build_the_same_models():
    history, squashed = _project_state(squashed=False), _project_state(squashed=True)
    for app in APPS:
        old = {name: state for (label, name), state in history.models.items() if label == app}
        new = {name: state for (label, name), state in squashed.models.items() if label == app}
        assert sorted(old) == sorted(new), app
        differ = [name for name in old if _describe(new[name]) != _describe(old[name])]
        assert differ == [], app


def test_the_squashed_migrations_replace_every_file_of_their_range():
    loader = MigrationLoader(None, load=False, replace_migrations=False)
    loader.load_disk()
    for app in APPS:
        squashes = [
            m for (label, _), m in loader.disk_migrations.items() if label == app and m.replaces
        ]
        assert len(squashes) == 1, app
        replaced = {name for _, name in squashes[0].replaces}
        last = max(name for _, name in squashes[0].replaces)
        on_disk = {
            name
            for (label, name), m in loader.disk_migrations.items()
            if label == app and not m.replaces and name <= last
        }
        assert on_disk == replaced, app


def _number(name: str) -> int:
    return int(name.split("_")[0])


def test_a_squashed_migration_depends_on_no_more_than_the_files_it_replaces():
    """A database that applied all of a squash's files counts the squash applied; if the squash
    depended on more of another app than its files did (say that app's newest migration, not yet
    applied there), every later `migrate` would stop on an inconsistent history. So each of its
    dependencies on another app is at most the newest its replaced files depended on."""
    loader = MigrationLoader(None, load=False, replace_migrations=False)
    loader.load_disk()
    migrations = loader.disk_migrations
    last_replaced = {
        (label, name): max(n for _, n in m.replaces)
        for (label, name), m in migrations.items()
        if m.replaces
    }
    for (app, name), squash in migrations.items():
        if not squash.replaces:
            continue
        needed: dict[str, int] = {}
        for _, replaced in squash.replaces:
            for other, dependency in migrations[app, replaced].dependencies:
                if other not in (app, "__setting__") and dependency[0].isdigit():
                    needed[other] = max(needed.get(other, 0), _number(dependency))
        for other, dependency in squash.dependencies:
            if other in needed and dependency[0].isdigit():
                depended = _number(last_replaced.get((other, dependency), dependency))
                assert depended <= needed[other], (app, name, other, dependency)
