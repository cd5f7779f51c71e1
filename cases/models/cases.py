"""Cases: status with a dated history, defendants, and what became of the case."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models.people import Person
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
    # Never a name: the caption names the defendants from their own (encrypted) records, so a
    # seal or an expunge reaches every page that names them.
    title = models.CharField(
        "short description",
        max_length=200,
        blank=True,
        help_text="Optional, e.g. “Hotel buyer sting”. The caption names the defendants from "
        "their records: do not type names here.",
    )
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
    final_disposition_on = models.DateField(
        null=True,
        blank=True,
        help_text="The date of the final disposition, as the prosecutor records it (often later): "
        "the 15 working days to notify the victims run from it (Minn. Stat. 611A.039).",
    )
    outcome = models.CharField(
        max_length=20,
        choices=CaseOutcome.choices,
        default=CaseOutcome.PENDING,
        db_default=CaseOutcome.PENDING,  # rows loaded in bulk by SQL too
        editable=False,
    )
    # The title's words for the caseload's search, kept by a PostgreSQL trigger (cases 0040) on
    # every insert and every change of the title, bulk and raw SQL included: computing them per
    # row at each search cost 20-30 ms of PostgreSQL for an agency's 5,000 cases, twice a
    # search (the page and its count; issue #22). Unused on SQLite (the demo).
    title_vector = SearchVectorField(null=True, blank=True, editable=False)

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
            # An agency's cases in one status (its intake on the prosecutor's home): where the
            # hand-offs waiting start from, a few of a million (issue #22).
            models.Index(fields=["owner_agency", "status"], name="case_owner_status"),
            # Reports: cases opened in a period, read from the index alone (issue #22).
            models.Index(
                fields=["created_at"],
                name="case_opened",
                include=["id", "kind", "status", "county", "owner_agency", "sealed_at"],
            ),
            # Reports: what the pages read of the case of an arrest, a count or a sentence
            # (the report columns, whose it is, whether sealed), a sixth of the table's width:
            # a join reads this instead of every page of the table (issue #22).
            models.Index(
                fields=["id"],
                name="case_report",
                include=[
                    "outcome",
                    "charged_on",
                    "owner_agency",
                    "first_arresting_agency",
                    "county",
                    "sealed_at",
                ],
            ),
            # The caseload list: one agency's unsealed cases, newest change first (keyset
            # pages); partial, so the count needs no visit to the table (bench/bench_access.py).
            models.Index(
                fields=["owner_agency", "-updated_at", "-id"],
                name="case_owner_recent",
                condition=Q(sealed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        # Page titles, messages and logs name a case by its number: the caption names people.
        return f"Case {self.number}"

    @property
    def defendants_shown(self) -> list:
        """The defendants by name, without the sealed (prefetch `defendants` for lists).

        A list row asks for them three times (caption, title, names): with `defendants`
        prefetched the sorted list is kept beside that prefetch and made again only when the
        prefetch is (refresh_from_db drops it), so a row sorts its names once (issue #22)."""
        listed = self.__dict__.get("_defendants_listed")
        if listed is not None:
            return listed
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("defendants")
        if prefetched is not None:
            kept = self.__dict__.get("_defendants_shown")
            if kept is not None and kept[0] is prefetched:
                return kept[1]
        shown = sorted(
            (person for person in self.defendants.all() if not person.is_sealed),
            key=lambda person: person.display_name.casefold(),
        )
        if prefetched is not None:
            self.__dict__["_defendants_shown"] = (prefetched, shown)
        return shown

    def list_defendants(self, people: list) -> None:
        """Give `defendants_shown` the case's defendants read with a list's other rows
        (`cases.selectors.cases.list_defendants`), instead of a prefetch of `defendants`."""
        self.__dict__["_defendants_listed"] = sorted(
            (person for person in people if not person.is_sealed),
            key=lambda person: person.display_name.casefold(),
        )

    @property
    def caption(self) -> str:
        """ "State v. Surname, Given" from the defendants' records, read when shown (prefetch
        `defendants` for lists); a sealed defendant is named nowhere."""
        defendants = self.defendants_shown
        if not defendants:
            return self.title or "No defendant recorded"
        others = len(defendants) - 1
        return f"State v. {defendants[0].display_name}" + (
            f" and {others} other{'s' if others != 1 else ''}" if others else ""
        )

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


class CaseUserObjectPermission(UserObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
