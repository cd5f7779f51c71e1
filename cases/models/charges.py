"""The charging decision on a case, and its charges: filed, amended and disposed.

Charges are kept as a history: an amended charge stays, pointing at the charge that replaced it,
and a dismissed one stays with its disposition: charges change over a case (many trafficking
cases end on other charges).
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models.cases import Case
from cases.models.people import Person
from cases.models.statutes import OffenceLevel, Statute
from taskforce.models import Agency, User


class Decision(models.TextChoices):
    CHARGE = "charge", "Charge"
    DECLINE = "decline", "Decline to charge"
    REFER = "refer", "Refer to another office"


class ChargingDecision(models.Model):
    """The prosecutor's decision on an intake case; declines and referrals keep their reasons."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(blank=True)
    referred_to = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="charge") | ~Q(reason=""),
                name="decline_or_referral_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.case})"


class ChargeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    AMENDED = "amended", "Amended (replaced)"
    DISPOSED = "disposed", "Disposed"


class Disposition(models.TextChoices):
    DISMISSED = "dismissed", "Dismissed"
    PLEADED_AS_CHARGED = "pleaded_as_charged", "Pleaded guilty as charged"
    PLEADED_LESSER = "pleaded_lesser", "Pleaded guilty to a lesser offence"
    CONVICTED = "convicted", "Convicted at trial"
    ACQUITTED = "acquitted", "Acquitted"
    DIVERTED = "diverted", "Diverted"


CONVICTIONS = [Disposition.CONVICTED, Disposition.PLEADED_AS_CHARGED, Disposition.PLEADED_LESSER]
DISMISSALS = [Disposition.DISMISSED, Disposition.DIVERTED]


class Charge(models.Model):
    """One count against one defendant, by statute. Never deleted: amended or disposed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="charges")
    defendant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="charges")
    statute = models.ForeignKey(Statute, on_delete=models.PROTECT, related_name="charges")
    count_number = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=20, choices=OffenceLevel.choices)
    filed_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=ChargeStatus.choices, default=ChargeStatus.ACTIVE
    )
    amended_to = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amended_from"
    )
    disposition = models.CharField(max_length=20, choices=Disposition.choices, blank=True)
    disposed_on = models.DateField(null=True, blank=True)
    disposition_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The day this defendant was first charged in this case (kept by cases.services.outcomes):
    # the reports' days from charge to disposition count from it.
    defendant_charged_on = models.DateField(null=True, blank=True, editable=False)
    # The day of the case's first conviction on any count (kept by cases.services.outcomes):
    # the grant export counts a case with a conviction once, in the month of this day.
    case_convicted_on = models.DateField(null=True, blank=True, editable=False)
    # The day (local) of the case's first arrest, for the days from arrest to charge.
    case_arrested_on = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["defendant_id", "count_number", "id"]
        # Reports: counts filed and disposed in a period, with what the reports read of
        # them, so that a period's counts are read from the index alone (issue #22); the
        # first days too, which the grant export's defendants charged and cases with a
        # conviction test beside the rollups.
        indexes = [
            models.Index(
                fields=["filed_on"],
                name="charge_filed",
                include=["id", "case", "statute", "level", "case_arrested_on", "disposition",
                         "disposed_on", "defendant", "defendant_charged_on"],
            ),
            models.Index(
                fields=["disposed_on"],
                name="charge_disposed",
                include=["id", "case", "disposition", "level", "defendant_charged_on",
                         "case_convicted_on"],
            ),
            # The grant export's defendants charged, distinct (case, defendant) pairs of the
            # counts filed in the period: read in this order, no hash of the pairs (issue #22).
            models.Index(
                fields=["case", "defendant"], name="charge_case_defendant", include=["filed_on"]
            ),
            # The grant export's defendants charged beside the rollup: the few counts filed
            # after their pair's first charging (or with none kept), so the pairs first charged
            # before a period are found without reading the period's counts (issue #22).
            models.Index(
                fields=["filed_on"], name="charge_later_count",
                include=["case", "defendant", "defendant_charged_on"],
                condition=Q(filed_on__gt=models.F("defendant_charged_on"))
                | Q(defendant_charged_on__isnull=True),
            ),
            # The same for cases with a conviction: the few convictions after the case's first.
            models.Index(
                fields=["disposed_on"], name="charge_later_conviction",
                include=["case", "case_convicted_on"],
                condition=Q(disposition__in=CONVICTIONS)
                & (Q(disposed_on__gt=models.F("case_convicted_on"))
                   | Q(case_convicted_on__isnull=True)),
            ),
        ]  # fmt: skip
        constraints = [
            models.CheckConstraint(
                condition=Q(disposition="") | Q(disposed_on__isnull=False),
                name="disposition_has_a_date",
                violation_error_message="A disposition needs its date.",
            ),
        ]

    def __str__(self) -> str:
        return f"Count {self.count_number}: {self.statute.citation}"

    @property
    def is_conviction(self) -> bool:
        return self.disposition in CONVICTIONS
