"""Background tasks of the core: liveness of the worker and beat, lapsed grants, audit retention.

Each app keeps its own `tasks.py` (deadlines, accounts); they share `SWEEP`. The sweeps are
idempotent (each claims rows in PostgreSQL and marks them done), so a task that runs twice, or
is retried, repeats nothing. A lost database connection is retried with exponential backoff;
every other error is logged by Celery and the next beat tick tries again.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from taskforce import access, audit, audit_partitions
from taskforce.models import Heartbeat

SWEEP = {
    "acks_late": True,
    "time_limit": 240,
    "soft_time_limit": 200,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task
def ping() -> str:
    """Answers 'pong': proves a worker consumes from the broker and returns results."""
    return "pong"


@shared_task
def record_heartbeat(name: str = "beat") -> str:
    """Stamps when the beat schedule last fired, so administrators can see it is running."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"last_seen_at": now})
    return now.isoformat()


@shared_task(**SWEEP)
def expire_lapsed_grants() -> int:
    """Deletes grants whose time ran out (consent expiry); the policy already ignores them."""
    return access.expire_lapsed_grants()


@shared_task(**SWEEP)
def prune_audit_trail() -> int:
    """Daily (beat): retire the months of audit rows past AUDIT_RETENTION_DAYS, never younger
    than a year."""
    return audit.audit_trail_prune()


@shared_task(**SWEEP)
def prepare_audit_partitions() -> list[str]:
    """Daily (beat): the audit trail's partitions for this month and the next three
    (PostgreSQL); a missed run leaves months of slack, and rows meanwhile go to DEFAULT."""
    return audit_partitions.ensure_partitions()
