"""Cases: status with a dated history, defendants, the charging decision, and charges.

Charges are kept as a history: an amended charge stays, pointing at the charge that replaced it,
and a dismissed one stays with its disposition (DESIGN.md §6: charges change over a case).
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models.people import Person
from cases.models.statutes import OffenceLevel, Statute
from taskforce.models import Agency, County, GrantFields, ProtectedModel, User


class CaseStatus(models.TextChoices):
    INTAKE = "intake", "Intake"
    UNDER_REVIEW = "under_review", "Under review"
    CHARGED = "charged", "Charged"
    DECLINED = "declined", "Declined"
    PRE_TRIAL = "pre_trial", "Pre-trial"
    TRIAL = "trial", "Trial"
    SENTENCED = "sentenced", "Sentenced"
    CLOSED = "closed", "Closed"


# Where a case may go next from each status; anything else is refused.
CASE_TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.INTAKE: {CaseStatus.UNDER_REVIEW, CaseStatus.CHARGED, CaseStatus.DECLINED},
    CaseStatus.UNDER_REVIEW: {CaseStatus.CHARGED, CaseStatus.DECLINED},
    CaseStatus.CHARGED: {CaseStatus.PRE_TRIAL, CaseStatus.CLOSED},
    CaseStatus.PRE_TRIAL: {CaseStatus.TRIAL, CaseStatus.SENTENCED, CaseStatus.CLOSED},
    CaseStatus.TRIAL: {CaseStatus.SENTENCED, CaseStatus.CLOSED},
    CaseStatus.SENTENCED: {CaseStatus.CLOSED},
    CaseStatus.DECLINED: {CaseStatus.UNDER_REVIEW},  # reopened, e.g. new evidence
    CaseStatus.CLOSED: set(),
}


class CaseKind(models.TextChoices):
    BUYER = "buyer", "Buyer / patron"
    TRAFFICKING = "trafficking", "Promotion / sex trafficking"
    SOLICITATION_OF_MINOR = "solicitation_minor", "Solicitation of a minor"
    LABOR_TRAFFICKING = "labor_trafficking", "Labor trafficking"
    OTHER = "other", "Other"


class CaseOutcome(models.TextChoices):
    """What became of a case, from its counts: convicted on any, else acquitted on any, else
    dismissed (or diverted) on any, else declined by its status, else pending."""

    CONVICTED = "convicted", "Convicted"
    ACQUITTED = "acquitted", "Acquitted"
    DISMISSED = "dismissed", "Dismissed"
    DECLINED = "declined", "Declined"
    PENDING = "pending", "Pending"


class Case(ProtectedModel):
    """A prosecution case, owned by a prosecution agency."""

    number = models.CharField(
        max_length=40, help_text="Your office's case number, e.g. 26-CR-0142."
    )
    title = models.CharField(max_length=200, help_text="e.g. State v. Doe")
    kind = models.CharField(max_length=20, choices=CaseKind.choices, default=CaseKind.OTHER)
    status = models.CharField(
        max_length=20, choices=CaseStatus.choices, default=CaseStatus.INTAKE, editable=False
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    court_file_number = models.CharField(
        max_length=40, blank=True, help_text="The district court's file number, once charged."
    )
    assigned_prosecutor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_cases"
    )
    other_prosecutors = models.ManyToManyField(
        User,
        blank=True,
        related_name="co_counsel_cases",
        help_text="Second chairs and others of the agency working the case.",
    )
    lead_investigator = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="investigated_cases",
        help_text="A police investigator; they are given access to the case.",
    )
    is_juvenile = models.BooleanField(
        default=False, help_text="A victim is under 18: fewer people see identifying details."
    )
    defendants = models.ManyToManyField(Person, through="CaseDefendant", related_name="+")
    # What the reports group by, kept by cases.services.outcomes whenever a hand-off, an
    # arrest's time or agency, a count or the status changes: each report page is then a few
    # GROUP BYs instead of subqueries per row (bench/bench_reports.py).
    first_arrested_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_arresting_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    charged_on = models.DateField(
        null=True, blank=True, editable=False, help_text="The day the first count was filed."
    )
    outcome = models.CharField(
        max_length=20,
        choices=CaseOutcome.choices,
        default=CaseOutcome.PENDING,
        db_default=CaseOutcome.PENDING,  # rows loaded in bulk by SQL too
        editable=False,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner_agency", "number"],
                name="case_number_unique_per_agency",
                violation_error_message="Your agency already has a case with this number.",
            )
        ]
        indexes = [
            # Reports: the few sealed rows, left out of task-force-wide counts by id.
            models.Index(
                fields=["sealed_at"], name="case_sealed", condition=Q(sealed_at__isnull=False)
            ),
            # Reports: the ids of the cases of one kind (labor trafficking, a few in a hundred).
            models.Index(fields=["kind", "id"], name="case_kind"),
            # Reports: cases opened in a period.
            models.Index(fields=["created_at"], name="case_opened"),
            # The caseload list: one agency's unsealed cases, newest change first (keyset
            # pages); partial, so the count needs no visit to the table (bench/bench_access.py).
            models.Index(
                fields=["owner_agency", "-updated_at", "-id"],
                name="case_owner_recent",
                condition=Q(sealed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def is_open(self) -> bool:
        return self.status not in {CaseStatus.DECLINED, CaseStatus.CLOSED}

    def next_statuses(self) -> list[str]:
        return [s for s in CaseStatus.values if s in CASE_TRANSITIONS[self.status]]


class CaseStatusChange(models.Model):
    """One step of a case's status, dated and attributed (the state machine's history)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_status or 'new'} → {self.to_status}"


class CaseDefendant(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_defendants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="defendant_in")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="defendant_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.case}"


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
    # The day (local) of the case's first arrest, for the days from arrest to charge.
    case_arrested_on = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["defendant_id", "count_number", "id"]
        # Reports: counts filed and disposed in a period.
        indexes = [
            models.Index(fields=["filed_on"], name="charge_filed"),
            models.Index(fields=["disposed_on"], name="charge_disposed"),
        ]
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


class CaseUserObjectPermission(UserObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
