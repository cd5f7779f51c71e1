"""Change history kept by PostgreSQL triggers (django-pghistory): every insert, update and
delete of the records below, bulk and raw SQL included, with who and from where.

Protected values (names and birth dates of people, victims' contact and safety details, notes
about them) are left out of the snapshots; the app's own trail (audit.py) records that they
changed, without their content. On SQLite (the laptop demo) the triggers are not installed.
"""

from __future__ import annotations

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
