"""Monthly rollups of the operations, prosecution and deadlines reports (issue #22), and which
months are clean.

PostgreSQL only: triggers on arrests, cases, counts, sentences, hearings and deadlines
(migrations 0041, 0042 and 0043, plain SQL, so pgtrigger.ignore and `written_in_bulk` never
switch them off) mark a month stale whenever a row it rolls up may have changed;
reports.figures reads a whole month from a rollup only while its `ReportMonth` row is clean, and
everything else from the rows themselves (cases.services.rollups says more).

The deadlines report also keeps its rollup by local day (`DeadlineDay`, `DeadlineGrantDay`,
clean while their `ReportDay` row is): a period's partial months, the current one included,
are read from them for the days that are over, and only today's deadlines from the rows.
"""

from __future__ import annotations

from django.db import models


class _Built(models.Model):
    """Whether a month (or day) of a rollup `family` is built and clean: `ReportMonth`,
    `ReportDay`."""

    family = models.CharField(max_length=20)
    is_stale = models.BooleanField(default=True)
    zone = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class ReportMonth(_Built):
    """A month of a rollup `family`: built (in `zone`'s local months) and clean, or stale. No
    row: never built. A write marks both UTC months within 14 hours of the row's time stale,
    which covers its local month in any zone (the triggers need not know the zone)."""

    month = models.DateField()  # its first day

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


class ArrestGrantMonth(models.Model):
    """How many unsealed arrests of a local month an agency's group holds a standing view grant
    on (a hand-off's: no `expires_at`) without owning them, by the same columns as
    `ArrestMonth`. A supervisor's arrests reached by hand-off are counted from it (the largest
    prosecution agency reaches 218,000 that way and owns none); grants that lapse, grants to
    one user and arrests seen through their operation are read from the rows."""

    month = models.DateField()
    group_id = models.BigIntegerField()
    operation_id = models.BigIntegerField(null=True)
    county_id = models.BigIntegerField()
    arresting_agency_id = models.BigIntegerField()
    case_owner_agency_id = models.BigIntegerField(null=True)
    is_case_live = models.BooleanField(null=True)
    is_case_charged = models.BooleanField(null=True)
    case_outcome = models.CharField(max_length=20, null=True)  # noqa: DJ001 - as the join gives
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["month", "group_id"], name="arrest_grant_month_group")]

    def __str__(self) -> str:
        return f"{self.n} arrests granted in {self.month:%Y-%m}"


class CaseMonth(models.Model):
    """How many unsealed cases opened in a local month share an owner, county, kind and status
    (the prosecution report's cases opened)."""

    month = models.DateField()
    owner_agency_id = models.BigIntegerField()
    county_id = models.BigIntegerField(null=True)
    kind = models.CharField(max_length=30)
    status = models.CharField(max_length=30)
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["month", "owner_agency_id"], name="case_month_owner")]

    def __str__(self) -> str:
        return f"{self.n} cases opened in {self.month:%Y-%m}"


class ChargeMonth(models.Model):
    """How many counts of unsealed cases were filed (`event` "filed", by statute) or disposed
    ("disposed", by disposition) in a month, by their case's owner and county and their level;
    and, for the medians (worked out exactly from them), by the whole days from the case's
    arrest to filing or from charging to disposition: "filed_days" and "disposed_days" by
    owner, "filed_days_all" and "disposed_days_all" task-force-wide (owner 0)."""

    event = models.CharField(max_length=20)
    month = models.DateField()
    case_owner_agency_id = models.BigIntegerField()
    case_county_id = models.BigIntegerField(null=True)
    statute_id = models.BigIntegerField(null=True)
    disposition = models.CharField(max_length=20, blank=True)
    level = models.CharField(max_length=20)
    days = models.IntegerField(null=True)
    n = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["event", "month", "case_owner_agency_id"], name="charge_month_owner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.n} counts {self.event} in {self.month:%Y-%m}"


class SentenceMonth(models.Model):
    """Sentences of unsealed cases pronounced in a month, by their case's owner, county and
    first arresting agency: how many, with custody served, stayed, probation, and the sums
    of assessments ordered and collected."""

    month = models.DateField()
    case_owner_agency_id = models.BigIntegerField()
    case_county_id = models.BigIntegerField(null=True)
    first_arresting_agency_id = models.BigIntegerField(null=True)
    n = models.IntegerField()
    executed = models.IntegerField()
    stayed = models.IntegerField()
    probation = models.IntegerField()
    ordered = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    collected = models.DecimalField(max_digits=14, decimal_places=2, null=True)

    class Meta:
        indexes = [
            models.Index(fields=["month", "case_owner_agency_id"], name="sentence_month_owner")
        ]

    def __str__(self) -> str:
        return f"{self.n} sentences in {self.month:%Y-%m}"


class _DeadlineCounts(models.Model):
    """The columns `DeadlineMonth` and `DeadlineDay` share: one SQL statement fills both
    (cases.services.rollups.DEADLINES_SQL)."""

    content_type_id = models.BigIntegerField()
    rule = models.CharField(max_length=60)
    responsible_agency_id = models.BigIntegerField()
    outcome = models.CharField(max_length=10, blank=True)
    record_owner_agency_id = models.BigIntegerField(null=True)
    is_record_live = models.BooleanField()
    n = models.IntegerField()

    class Meta:
        abstract = True


class _DeadlineGrantCounts(models.Model):
    """The columns `DeadlineGrantMonth` and `DeadlineGrantDay` share (DEADLINES_GRANT_SQL)."""

    content_type_id = models.BigIntegerField()
    rule = models.CharField(max_length=60)
    responsible_agency_id = models.BigIntegerField()
    outcome = models.CharField(max_length=10, blank=True)
    group_id = models.BigIntegerField()
    n = models.IntegerField()

    class Meta:
        abstract = True


class DeadlineMonth(_DeadlineCounts):
    """How many deadlines of the case records (a case's, an arrest's, a hearing's) falling due
    in a local month share a rule, a responsible agency and an outcome, by the owner of the
    record that guards them (the case, for a hearing) and whether that record may be counted
    (unsealed; a hearing's case must exist). Outcomes: "on_time", "late", "missed", "waived",
    "open" (missed once the month is over) and "" (met with no closing time: counted nowhere).
    Victims' and referrals' deadlines are counts of people, keyed for disclosure control, and
    are read from their rows."""

    month = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["month", "record_owner_agency_id"], name="deadline_month_owner")
        ]

    def __str__(self) -> str:
        return f"{self.n} deadlines due in {self.month:%Y-%m}"


class DeadlineGrantMonth(_DeadlineGrantCounts):
    """How many deadlines of unsealed arrests falling due in a local month an agency's group
    holds a standing view grant on (a hand-off's) without owning the arrest, by rule,
    responsible agency and outcome (as `DeadlineMonth`): the deadlines a supervisor counts
    through hand-offs."""

    month = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["month", "group_id"], name="deadline_grant_month_group")]

    def __str__(self) -> str:
        return f"{self.n} deadlines granted due in {self.month:%Y-%m}"


class ReportDay(_Built):
    """A local day of a rollup `family` kept by day (the deadlines report's), as `ReportMonth`
    is a month: built (in `zone`'s local days) and clean, or stale; no row, never built. A
    write marks the UTC days of the row's time and 14 hours either side stale, which holds
    its local day in any zone. A month's build builds and marks its days too."""

    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["family", "day"], name="report_day_once")]

    def __str__(self) -> str:
        return f"{self.family} {self.day:%Y-%m-%d}{' (stale)' if self.is_stale else ''}"


class DeadlineDay(_DeadlineCounts):
    """`DeadlineMonth` by local day of the due time: what a partial month of a period (its
    first, the current one) counts, read without the deadlines themselves."""

    day = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["day", "record_owner_agency_id"], name="deadline_day_owner")
        ]

    def __str__(self) -> str:
        return f"{self.n} deadlines due on {self.day:%Y-%m-%d}"


class DeadlineGrantDay(_DeadlineGrantCounts):
    """`DeadlineGrantMonth` by local day of the due time."""

    day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["day", "group_id"], name="deadline_grant_day_group")]

    def __str__(self) -> str:
        return f"{self.n} deadlines granted due on {self.day:%Y-%m-%d}"
