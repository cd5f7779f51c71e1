"""Cases (grown by the prosecution work) with guardian's direct grant tables for shares."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from taskforce.models import GrantFields, ProtectedModel, User


class CaseStatus(models.TextChoices):
    INTAKE = "intake", "Intake"
    UNDER_REVIEW = "under_review", "Under review"
    CHARGED = "charged", "Charged"
    DECLINED = "declined", "Declined"
    PRE_TRIAL = "pre_trial", "Pre-trial"
    TRIAL = "trial", "Trial"
    SENTENCED = "sentenced", "Sentenced"
    CLOSED = "closed", "Closed"


class Case(ProtectedModel):
    """A prosecution case, owned by a prosecution agency."""

    number = models.CharField(
        max_length=40, help_text="Your office's case number, e.g. 26-CR-0142."
    )
    title = models.CharField(max_length=200, help_text="e.g. State v. Doe")
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.INTAKE)
    assigned_prosecutor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_cases"
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
            # The caseload list: one agency's cases, newest change first (keyset pages).
            models.Index(fields=["owner_agency", "-updated_at", "-id"], name="case_owner_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def is_open(self) -> bool:
        return self.status not in {CaseStatus.DECLINED, CaseStatus.CLOSED}


class CaseUserObjectPermission(UserObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
