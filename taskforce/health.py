"""Health checks beyond django-health-check's own: the Celery broker, whatever its transport."""

import dataclasses
import datetime

from django.db import connection
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from taskforce.celery import app
from taskforce.encryption import unreadable_columns


@dataclasses.dataclass
class Broker(HealthCheck):
    """Connects to the Celery broker (Redis in production, files in the embedded default)."""

    timeout = datetime.timedelta(seconds=3)

    def run(self) -> None:
        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:  # any transport error means the broker is unusable
            raise ServiceUnavailable("broker unreachable") from exc


@dataclasses.dataclass
class FieldKeys(HealthCheck):
    """Opens the newest stored value of each encrypted column: after a deploy with the wrong
    FIELD_ENCRYPTION_KEYS or SECRET_KEY this fails at once, before anyone reads a record."""

    timeout = datetime.timedelta(seconds=5)

    def run(self) -> None:
        # Checks run in threads of their own: close what this one opened (as Database does).
        with connection.temporary_connection():
            unreadable = unreadable_columns()
        if unreadable:
            # Column names only; never a value.
            raise ServiceUnavailable("encryption keys do not open " + ", ".join(unreadable))
