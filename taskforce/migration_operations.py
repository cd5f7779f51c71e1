"""A migration operation for the squashed migrations: several models created as one step.

Django renders the project's model states again after each `CreateModel`: the new model and every
model related to it, recursively. Every model here points at the user model, so each
`CreateModel` re-rendered them all, and a squashed migration of a hundred models spent seconds
of CPU on it (a first start of the demo migrated for a quarter of a minute). `CreateModels`
adds the models' states and renders once. The tables, indexes, constraints and history triggers
it creates are exactly those of the `CreateModel` operations it holds (tests/taskforce/
test_migrations.py compares the models both roads build).
"""

from __future__ import annotations

from django.db import migrations
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ModelState


class CreateModels(Operation):
    reversible = True

    def __init__(self, operations: list[migrations.CreateModel]):
        self.operations = operations
        super().__init__()

    def deconstruct(self):
        return (f"{__name__}.{self.__class__.__name__}", [self.operations], {})

    def state_forwards(self, app_label, state):
        keys = []
        for op in self.operations:
            state.models[app_label, op.name_lower] = ModelState(
                app_label,
                op.name,
                list(op.fields),
                dict(op.options),
                tuple(op.bases),
                list(op.managers),
            )
            keys.append((app_label, op.name_lower))
            if state._relations is not None:  # as ProjectState.add_model keeps them
                state.resolve_model_relations(keys[-1])
        state.reload_models(keys, delay=False)  # add_model's reload, once for them all

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for op in self.operations:
            op.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for op in reversed(self.operations):
            op.database_backwards(app_label, schema_editor, from_state, to_state)

    def references_model(self, name, app_label):
        return any(op.references_model(name, app_label) for op in self.operations)

    def describe(self):
        return f"Create {len(self.operations)} models"

    @property
    def migration_name_fragment(self):
        return "models"
