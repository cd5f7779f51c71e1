"""Court events, victims and victims' rights notices, and sentences with the penalty assessment."""

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models.cases import Case
from cases.models.charges import Charge
from cases.models.people import ContactMethod, Person
from taskforce.encryption import EncryptedTextField
from taskforce.models import User


class CourtEventKind(models.TextChoices):
    FIRST_APPEARANCE = "first_appearance", "First appearance"
    OMNIBUS = "omnibus", "Omnibus hearing"
    SETTLEMENT = "settlement", "Settlement conference"
    TRIAL = "trial", "Trial"
    SENTENCING = "sentencing", "Sentencing"
    REVIEW = "review", "Review hearing"
    DETENTION = "detention", "Detention hearing or review (juvenile)"
    OTHER = "other", "Other"


class CourtEventStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CONTINUED = "continued", "Continued"
    CANCELLED = "cancelled", "Cancelled"


class ContinuanceBy(models.TextChoices):
    STATE = "state", "The State"
    DEFENSE = "defense", "The defense"
    COURT = "court", "The court"
    JOINT = "joint", "Both parties"


class CourtEvent(models.Model):
    """A hearing on a case. A continuance keeps the old event and points to the new one."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="court_events")
    kind = models.CharField(max_length=20, choices=CourtEventKind.choices)
    starts_at = models.DateTimeField()
    courtroom = models.CharField(max_length=80, blank=True)
    judge = models.CharField(max_length=120, blank=True)
    status = models.CharField(
        max_length=10, choices=CourtEventStatus.choices, default=CourtEventStatus.SCHEDULED
    )
    outcome = models.TextField(blank=True)
    continued_to = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="continued_from"
    )
    continued_by = models.CharField(max_length=10, choices=ContinuanceBy.choices, blank=True)
    continuance_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["case", "starts_at"], name="court_event_by_case")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class DemandLevel(models.TextChoices):
    FELONY = "felony", "Felony or gross misdemeanor (Rule 11.09)"
    MISDEMEANOR = "misdemeanor", "Misdemeanor (Rule 6.06)"
    JUVENILE = "juvenile", "Juvenile delinquency (Juv. R. 13.02)"


class DemandBy(models.TextChoices):
    DEFENSE = "defense", "The defense"
    STATE = "state", "The State (at the victim's request, 611A.033)"


class SpeedyTrialDemand(models.Model):
    """A demand for a speedy trial: it starts the 60-day trial clock (from the demand, Rule
    11.09; for a misdemeanor from the not-guilty plea, Rule 6.06), and for a defendant in custody
    the release clock (120 days; 10 for a misdemeanor)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="speedy_demand")
    demanded_on = models.DateField()
    level = models.CharField(max_length=12, choices=DemandLevel.choices)
    # R. 6.06: a misdemeanor's 60 days run from the not-guilty plea, not from the demand.
    pleaded_not_guilty_on = models.DateField(
        null=True, blank=True, help_text="The not-guilty plea (required for a misdemeanor)."
    )
    made_by = models.CharField(max_length=8, choices=DemandBy.choices, default=DemandBy.DEFENSE)
    in_custody = models.BooleanField(help_text="Is the defendant held in custody?")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Speedy-trial demand of {self.demanded_on}"


class DetentionFacility(models.TextChoices):
    SECURE_JUVENILE = "secure_juvenile", "Secure juvenile facility (hearing within 36 hours)"
    ADULT_JAIL = "adult_jail", "Adult jail outside the metropolitan area (24 hours)"
    METRO_ADULT_JAIL = "metro_adult_jail", "Adult jail in the metropolitan area (6 hours)"


class JuvenileDetention(models.Model):
    """A juvenile defendant held: starts the detention-hearing clock (Juv. R. 5.07) and, while
    held, a review every 8 working days (5.08). Release ends both."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="detentions")
    detained_at = models.DateTimeField()
    facility = models.CharField(max_length=20, choices=DetentionFacility.choices)
    released_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["detained_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(released_at__isnull=True), name="one_open_detention"
            )
        ]

    def __str__(self) -> str:
        return f"Detained {timezone.localtime(self.detained_at):%Y-%m-%d %H:%M}"


class VictimRole(models.TextChoices):
    VICTIM = "victim", "Victim"
    RECOVERED = "recovered", "Victim recovered in the operation"
    WITNESS = "witness", "Witness"


class CaseVictim(models.Model):
    """A person harmed in the case, as the prosecution records them for notices."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_victims")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="victim_in")
    role = models.CharField(max_length=12, choices=VictimRole.choices, default=VictimRole.VICTIM)
    contact_notes = EncryptedTextField(
        blank=True, help_text="How and when it is safe to reach them (seen by the case's agency)."
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="victim_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class NoticeKind(models.TextChoices):
    """Victims' rights notices (Minn. Stat. ch. 611A)."""

    CHARGING = "charging", "Charging decision (611A.02 subd. 2)"
    DECLINE = "decline", "Decline or dismissal (611A.0315)"
    PLEA = "plea", "Plea agreement, before the plea (611A.03)"
    HEARING = "hearing", "Hearing dates"
    SENTENCING = "sentencing", "Sentencing"
    RELEASE = "release", "Release from custody"
    DISPOSITION = "disposition", "Final disposition, within 15 working days (611A.039)"


class VictimNotice(models.Model):
    """A notice given to a victim: what, when, how and by whom."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="victim_notices")
    victim = models.ForeignKey(CaseVictim, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=12, choices=NoticeKind.choices)
    given_on = models.DateField()
    method = models.CharField(max_length=15, choices=ContactMethod.choices)
    notes = models.TextField(blank=True)
    given_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["given_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.victim.person} on {self.given_on}"


# Minn. Stat. 609.3241(a) (checked on 2026-12-03 against the paragraph as published; the
# Revisor's own site cannot be reached from the build machine, a published copy of (a) matched
# issue #20's quotation word for word): the court imposes "an assessment of not less than $500
# and not more than $750 for a misdemeanor violation of section 609.27, a violation of section
# 609.324, subdivision 2, a violation of section 609.33, or a violation of section 617.293;
# otherwise the court shall impose an assessment of not less than $750 and not more than
# $1,000." The range is the
# offence of conviction's: its statute and level. Not waivable; reducible for indigence.
ASSESSMENT_MINIMUM = Decimal("500")  # the lowest of either range
ASSESSMENT_MAXIMUM = Decimal("1000")  # the highest of either range
ASSESSMENT_LOWER_RANGE = (Decimal("500"), Decimal("750"))
ASSESSMENT_UPPER_RANGE = (Decimal("750"), Decimal("1000"))
ASSESSMENT_INDIGENT_FLOOR = Decimal("100")
# Subd. 2: of what is collected, 40% to the arresting agency, 20% to the prosecuting agency,
# 40% to the Safe Harbor for Youth account, for victim-service organizations.
ASSESSMENT_SHARES = {
    "arresting": Decimal("0.40"), "prosecuting": Decimal("0.20"), "victims": Decimal("0.40"),
}  # fmt: skip
SAFE_HARBOR_ACCOUNT = "Safe Harbor for Youth account (victim-service organizations)"
ASSESSMENT_SPLIT = (("Arresting agency", ASSESSMENT_SHARES["arresting"]),
                    ("Prosecuting agency", ASSESSMENT_SHARES["prosecuting"]),
                    (SAFE_HARBOR_ACCOUNT, ASSESSMENT_SHARES["victims"]))  # fmt: skip


def _section(citation: str) -> str:
    """'609.324 subd. 2(a)' -> '609.324'."""
    return citation.split()[0] if citation else ""


def assessment_range(citation: str, level: str) -> tuple[Decimal, Decimal, str]:
    """The 609.3241(a) range for a conviction of `citation` at `level`, and why (in words)."""
    section = _section(citation)
    at = f"{level.replace('_', ' ')} conviction of {citation}"
    if section == "609.27" and level == "misdemeanor":
        return (*ASSESSMENT_LOWER_RANGE, f"a misdemeanor violation of 609.27 ({at})")
    if citation == "609.324 subd. 2" or citation.startswith(
        ("609.324 subd. 2(", "609.324 subd. 2 ")
    ):
        return (*ASSESSMENT_LOWER_RANGE, f"a violation of 609.324 subd. 2 ({at})")
    if section in {"609.33", "617.293"}:
        return (*ASSESSMENT_LOWER_RANGE, f"a violation of {section} ({at})")
    return (*ASSESSMENT_UPPER_RANGE, f"a {at}")


class Sentence(models.Model):
    """The sentence on one count of conviction, with the 609.3241 penalty assessment."""

    charge = models.OneToOneField(Charge, on_delete=models.CASCADE, related_name="sentence")
    # The count's case, which never changes: reports group sentences by the case's agencies
    # without reading every count (bench/bench_reports.py).
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, editable=False, related_name="sentences"
    )
    sentenced_on = models.DateField()
    custody_days = models.PositiveIntegerField(default=0)
    custody_stayed = models.BooleanField(default=False, help_text="Stayed (suspended) custody.")
    probation_months = models.PositiveIntegerField(default=0)
    fine = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    conditions = models.TextField(blank=True)
    assessment = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        help_text="Penalty assessment: $500 to $750 or $750 to $1,000 by the offence (609.3241).",
    )
    assessment_reduced_for_indigence = models.BooleanField(default=False)
    reduction_reason = models.TextField(blank=True)
    assessment_paid = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0"))
    installments = models.PositiveSmallIntegerField(default=1)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # Reports: sentences in a period.
        indexes = [
            models.Index(
                fields=["sentenced_on"],
                name="sentence_when",
                include=["id", "case", "custody_days", "custody_stayed", "probation_months",
                         "assessment", "assessment_paid"],
            ),  # read from the index alone (issue #22)
        ]  # fmt: skip
        constraints = [
            models.CheckConstraint(
                condition=Q(assessment_paid__lte=models.F("assessment")),
                name="assessment_paid_at_most_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Sentence on {self.charge}"

    def save(self, *args, **kwargs):
        self.case_id = self.charge.case_id
        super().save(*args, **kwargs)

    def split(self) -> list[tuple[str, Decimal]]:
        """Who is owed what of the assessment ordered (40% / 20% / 40%)."""
        return [(who, (self.assessment * share).quantize(Decimal("0.01")))
                for who, share in ASSESSMENT_SPLIT]  # fmt: skip
