"""Beat tasks of the deadline engine: reminders, escalations, daily digests (each exactly once)."""

from celery import shared_task

from deadlines.digests import send_daily_digests as digests_send
from deadlines.reminders import escalate_missed_deadlines as deadlines_escalate
from deadlines.reminders import send_due_reminders
from taskforce.tasks import SWEEP


@shared_task(**SWEEP)
def dispatch_reminders() -> int:
    """Every minute (beat): send the reminders that are due, each exactly once."""
    return send_due_reminders()


@shared_task(**SWEEP)
def escalate_missed_deadlines() -> int:
    """Every five minutes (beat): tell supervisors, once, of deadlines missed past the grace."""
    return deadlines_escalate()


@shared_task(**SWEEP)
def send_daily_digests() -> int:
    """Every ten minutes (beat): each person's digest once a day, at the hour they chose."""
    return digests_send()


@shared_task(**SWEEP)
def recompute_after_holidays_changed(actor_id: int | None = None) -> int:
    """Queued when an administrator changes the holiday table: every open deadline is counted
    again with the holidays as they are now (each move audited). Returns how many moved."""
    from deadlines.services import deadlines_recompute
    from taskforce.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return len(deadlines_recompute(every_version=True, actor=actor).moved)
