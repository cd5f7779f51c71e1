"""Beat tasks of the domain's records."""

import logging

from celery import shared_task

from cases.services.imports import staged_imports_purge
from cases.services.rollups import report_rollups_rebuild_due
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


@shared_task(**SWEEP)
def rebuild_report_rollups() -> dict[str, int]:
    """Every few minutes (beat): rebuild the report rollups' stale months, and the days of the
    current month kept by day (issue #22); until then the reports read those from the rows
    themselves."""
    rebuilt = report_rollups_rebuild_due()
    if any(rebuilt.values()):
        logger.info(
            "Rebuilt %d month(s) and %d day(s) of the report rollups.",
            rebuilt["months"], rebuilt["days"],
        )  # fmt: skip
    return rebuilt
