"""Runaway reports and their review for links to trafficking (running away is a known risk
factor, and prosecutors review old runaway cases)."""

from django.db import models
from django.db.models import F, Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models.arrests import place_key
from cases.models.cases import Case
from cases.models.people import Person
from taskforce.encryption import EncryptedCharField, EncryptedTextField, save_with_keys
from taskforce.models import GrantFields, ProtectedModel, User


class ReviewOutcome(models.TextChoices):
    PENDING = "pending", "Not reviewed yet"
    LINKED = "linked", "Linked to a case"
    NO_LINK = "no_link", "No link found"
    FOLLOW_UP = "follow_up", "Needs follow-up"


class RunawayReport(ProtectedModel):
    """A youth reported missing (by a parent, a group home, a school …), when they came back, and
    a prosecutor's review of whether the episode links to trafficking.

    Where the youth stayed and came back from are encrypted at rest; the address is matched to
    sting arrests' places through its keyed hash (`address_key`)."""

    youth = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="runaway_reports")
    reported_at = models.DateTimeField()
    reported_by = models.CharField(
        max_length=200, help_text="Who reported the youth missing: parent, group home, school…"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_from = EncryptedCharField(
        max_length=200, blank=True, help_text="Where the youth was found or came back from."
    )
    address = EncryptedCharField(
        max_length=200, blank=True, help_text="An address the youth was known to stay at."
    )
    # Kept in step by save() (and by records.record_update and rotate_field_keys).
    address_key = models.CharField(max_length=64, editable=False, blank=True)
    notes = EncryptedTextField(blank=True)
    review_outcome = models.CharField(
        max_length=10, choices=ReviewOutcome.choices, default=ReviewOutcome.PENDING
    )
    linked_case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = EncryptedTextField(blank=True)  # a reviewer's words name people

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(returned_at__gte=F("reported_at")),
                name="runaway_returns_after_reported",
                violation_error_message="The youth cannot return before being reported missing.",
            ),
            models.CheckConstraint(
                condition=Q(review_outcome="linked", linked_case__isnull=False)
                | (~Q(review_outcome="linked") & Q(linked_case__isnull=True)),
                name="runaway_linked_means_a_case",
                violation_error_message="A report linked to a case names the case, and only then.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["owner_agency", "-reported_at", "-id"], name="runaway_owner_reported"
            ),
            models.Index(fields=["youth"], name="runaway_youth"),
            models.Index(
                fields=["address_key"], name="runaway_address_key", condition=~Q(address_key="")
            ),
        ]

    def __str__(self) -> str:
        return f"Runaway report {self.public_id.hex[:8]}"

    def save(self, *args, **kwargs) -> None:
        save_with_keys(self, super().save, *args, **kwargs)

    def lookup_keys(self) -> dict[str, str]:
        return {"address_key": place_key(self.address)}


class RunawayReportUserObjectPermission(UserObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(RunawayReport, on_delete=models.CASCADE)


class RunawayReportGroupObjectPermission(GroupObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(RunawayReport, on_delete=models.CASCADE)
