"""Change history kept by PostgreSQL triggers (django-pghistory): every insert, update and
delete of the records below, bulk and raw SQL included, with who and from where.

Protected values (names and birth dates of people, victims' contact and safety details, notes
about them) are left out of the snapshots; the app's own trail (audit.py) records that they
changed, without their content. On SQLite (the laptop demo) the triggers are not installed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pghistory
from django.db import connection, models
from pghistory.middleware import HistoryMiddleware

from taskforce.protected import DERIVED_FIELDS, PROTECTED_FIELDS


def track(*tracked: type[models.Model]) -> None:
    """Keep a history table of each model: one row per insert, update and delete."""
    for model in tracked:
        pghistory.track(
            pghistory.InsertEvent(),
            pghistory.UpdateEvent(),
            pghistory.DeleteEvent(),
            exclude=sorted(
                PROTECTED_FIELDS.get(model._meta.label, frozenset())
                | DERIVED_FIELDS.get(model._meta.label, frozenset())
            ),
            model_name=f"{model.__name__}History",
        )(model)


class HistoryContextMiddleware(HistoryMiddleware):
    """Each request's changes carry the person, their agency, the address and the browser."""

    def get_context(self, request) -> dict:
        context = super().get_context(request)
        user = getattr(request, "user", None)
        membership = getattr(user, "membership", None) if user and user.is_authenticated else None
        return context | {
            "agency": membership.agency_id if membership else None,
            "ip": request.META.get("REMOTE_ADDR"),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        }

    def __call__(self, request):
        if connection.vendor != "postgresql":
            return self.get_response(request)  # SQLite has no set_config() to carry the context
        return super().__call__(request)


@contextlib.contextmanager
def written_in_bulk(**metadata) -> Iterator[None]:
    """Around a transaction that writes thousands of tracked rows (a file imported).

    Each history trigger first reads two settings, `pgtrigger.ignore` (triggers switched off)
    and `pghistory.context_id` (who and from where), inside a block that catches the error an
    unset one raises. Every caught error is a subtransaction rolled back, and each one makes
    the later trigger calls of the same transaction slower: 5,000 counts inserted took 1.7 s
    instead of 0.36 s, and 2,500 cases updated after them 0.9 s instead of 0.14 s (PostgreSQL
    15, bench/bench_imports.py). So both are set for the transaction: no trigger ignored, and
    the changes grouped under one context carrying `metadata` (added to the request's context
    when there is one, as the web pages' imports have)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
    with pghistory.context(**metadata):
        yield
