"""Beat tasks of the domain's records."""

import logging

from celery import shared_task

from cases.services.imports import staged_imports_purge
from taskforce.tasks import SWEEP

logger = logging.getLogger(__name__)


@shared_task(**SWEEP)
def purge_staged_imports() -> int:
    """Hourly (beat): delete uploaded CSV files left waiting longer than KEPT_FOR (24 hours);
    their rows name people, and no one confirmed them."""
    purged = staged_imports_purge()
    if purged:
        logger.info("Purged %d staged import file(s) left unconfirmed.", purged)
    return purged
