"""Beat tasks of sign-in security."""

from celery import shared_task

from accounts.sessions import disable_inactive_accounts as accounts_disable_inactive
from taskforce.tasks import SWEEP


@shared_task(**SWEEP)
def disable_inactive_accounts() -> int:
    """Hourly (beat): disable accounts unused for ACCOUNT_INACTIVE_DAYS (CJIS 5.9.5)."""
    return accounts_disable_inactive()
