"""Background tasks of the core: liveness of the worker and the beat schedule."""

from celery import shared_task


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


@shared_task
def expire_lapsed_grants() -> int:
    """Deletes grants whose time ran out (consent expiry); the policy already ignores them."""
    from taskforce import access

    return access.expire_lapsed_grants()


@shared_task(acks_late=True, time_limit=240, soft_time_limit=200)
def dispatch_reminders() -> int:
    """Every minute (beat): send the reminders that are due, each exactly once."""
    from taskforce.deadlines.reminders import send_due_reminders

    return send_due_reminders()


@shared_task(acks_late=True, time_limit=240, soft_time_limit=200)
def escalate_missed_deadlines() -> int:
    """Every five minutes (beat): tell supervisors, once, of deadlines missed past the grace."""
    from taskforce.deadlines.reminders import escalate_missed_deadlines as escalate

    return escalate()


@shared_task(acks_late=True, time_limit=240, soft_time_limit=200)
def disable_inactive_accounts() -> int:
    """Hourly (beat): disable accounts unused for ACCOUNT_INACTIVE_DAYS (CJIS 5.9.5)."""
    from taskforce.accounts.sessions import disable_inactive_accounts as disable

    return disable()
