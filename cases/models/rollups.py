"""Monthly rollups of arrests for the operations report (issue #22), and which months are clean.

PostgreSQL only: triggers on `cases_arrest` and `cases_case` (migration 0040, plain SQL, so
pgtrigger.ignore and `written_in_bulk` never switch them off) mark a month stale whenever a row
it rolls up may have changed; reports.figures.operations reads a whole month from the rollup
only while its `ReportMonth` row is clean, and everything else from the arrests themselves.
"""

from __future__ import annotations

from django.db import models


class ReportMonth(models.Model):
    """A month of a rollup `family`: built (in `zone`'s local months) and clean, or stale. No
    row: never built. A write marks both UTC months within 14 hours of the row's time stale,
    which covers its local month in any zone (the triggers need not know the zone)."""

    family = models.CharField(max_length=20)
    month = models.DateField()  # its first day
    is_stale = models.BooleanField(default=True)
    zone = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["family", "month"], name="report_month_once")
        ]

    def __str__(self) -> str:
        return f"{self.family} {self.month:%Y-%m}{' (stale)' if self.is_stale else ''}"


class ArrestMonth(models.Model):
    """How many unsealed arrests of a local month share every column the operations report
    groups or filters them by: theirs, and their case's (owner, seal, charged, outcome). Plain
    ids, no foreign keys: a derived table, rebuilt from the arrests (cases.services.rollups)."""

    month = models.DateField()
    owner_agency_id = models.BigIntegerField()
    operation_id = models.BigIntegerField(null=True)
    county_id = models.BigIntegerField()
    arresting_agency_id = models.BigIntegerField()
    # The case the arrest became (`Arrest.case`); all None when it has none.
    case_owner_agency_id = models.BigIntegerField(null=True)
    is_case_live = models.BooleanField(null=True)
    is_case_charged = models.BooleanField(null=True)
    case_outcome = models.CharField(max_length=20, null=True)  # noqa: DJ001 - as the join gives
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["month", "owner_agency_id"], name="arrest_month_owner")]

    def __str__(self) -> str:
        return f"{self.n} arrests in {self.month:%Y-%m}"
