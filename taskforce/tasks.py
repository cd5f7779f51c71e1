"""Background tasks of the core: liveness of the worker and the beat schedule.

The sweeps are idempotent (each claims rows in PostgreSQL and marks them done), so a task that
runs twice, or is retried, repeats nothing. A lost database connection is retried with
exponential backoff; every other error is logged by Celery and the next beat tick tries again.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

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
    from django.utils import timezone

    from taskforce.models import Heartbeat

    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"last_seen_at": now})
    return now.isoformat()


@shared_task(**SWEEP)
def expire_lapsed_grants() -> int:
    """Deletes grants whose time ran out (consent expiry); the policy already ignores them."""
    from taskforce import access

    return access.expire_lapsed_grants()


@shared_task(**SWEEP)
def dispatch_reminders() -> int:
    """Every minute (beat): send the reminders that are due, each exactly once."""
    from taskforce.deadlines.reminders import send_due_reminders

    return send_due_reminders()


@shared_task(**SWEEP)
def escalate_missed_deadlines() -> int:
    """Every five minutes (beat): tell supervisors, once, of deadlines missed past the grace."""
    from taskforce.deadlines.reminders import escalate_missed_deadlines as escalate

    return escalate()


@shared_task(**SWEEP)
def send_daily_digests() -> int:
    """Every ten minutes (beat): each person's digest once a day, at the hour they chose."""
    from taskforce.deadlines.digests import send_daily_digests as send

    return send()


@shared_task(**SWEEP)
def disable_inactive_accounts() -> int:
    """Hourly (beat): disable accounts unused for ACCOUNT_INACTIVE_DAYS (CJIS 5.9.5)."""
    from taskforce.accounts.sessions import disable_inactive_accounts as disable

    return disable()


@shared_task(**SWEEP)
def prune_audit_trail() -> int:
    """Daily (beat): drop audit rows past AUDIT_RETENTION_DAYS, never younger than a year."""
    from taskforce.audit_log import audit_trail_prune

    return audit_trail_prune()
