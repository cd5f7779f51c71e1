"""Operations (stings, investigations), the agencies taking part and the ads answered in them."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models.people import identifier_key
from taskforce.encryption import EncryptedCharField
from taskforce.models import SEALED_LABEL, Agency, County, GrantFields, ProtectedModel


class OperationKind(models.TextChoices):
    BUYER_STING = "buyer_sting", "Buyer sting"
    TRAFFICKER_INVESTIGATION = "trafficker_investigation", "Trafficker investigation"
    RECOVERY = "recovery", "Recovery operation"
    OTHER = "other", "Other"


class Operation(ProtectedModel):
    """A sting or investigation led by one agency (the owner), with participating agencies."""

    name = models.CharField(max_length=160, help_text="e.g. Operation Guardian Angel")
    kind = models.CharField(max_length=30, choices=OperationKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Leave empty while it runs.")
    counties = models.ManyToManyField(County, related_name="operations", blank=True)
    ads_posted = models.PositiveIntegerField(default=0)
    responses = models.PositiveIntegerField(
        default=0, help_text="People who answered the ads or contacted decoys."
    )
    contacts = models.PositiveIntegerField(default=0, help_text="Conversations held.")
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="operation_ends_after_it_starts",
                violation_error_message="An operation cannot end before it starts.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["owner_agency", "-updated_at", "-id"], name="operation_owner_recent"
            )
        ]

    def __str__(self) -> str:
        return SEALED_LABEL if self.is_sealed else self.name


class OperationParticipant(models.Model):
    """An agency taking part in an operation: it sees the operation and its arrests."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="participants")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    share = models.OneToOneField("taskforce.Share", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["operation", "agency"], name="participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.agency} in {self.operation}"


class AdResponseKind(models.TextChoices):
    PHONE = "phone", "Phone number"
    HANDLE = "handle", "Online handle"


class AdResponse(models.Model):
    """A phone number or online handle seen in an operation: someone who answered a decoy ad or
    contacted a decoy, or an ad observed (in a recovery operation, the number advertising a
    person). Seen by whoever may see the operation; matched against runaway reports."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="ad_responses")
    kind = models.CharField(max_length=10, choices=AdResponseKind.choices)
    value = EncryptedCharField(max_length=120)
    # The same keyed hash of the normal form as PersonIdentifier.normalised, so the two join on
    # equality without either table holding the number or handle in clear.
    normalised = models.CharField(max_length=64, editable=False)
    seen_on = models.DateField()
    recorded_by = models.ForeignKey("taskforce.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "kind", "normalised"], name="ad_response_once_per_operation"
            )
        ]
        indexes = [models.Index(fields=["kind", "normalised"], name="ad_response_key")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs) -> None:
        self.normalised = identifier_key(self.kind, self.value)
        super().save(*args, **kwargs)

    def lookup_keys(self) -> dict[str, str]:
        """The keyed hash, derived again after a change of keys (rotate_field_keys)."""
        return {"normalised": identifier_key(self.kind, self.value)}


class OperationUserObjectPermission(UserObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Operation, on_delete=models.CASCADE)


class OperationGroupObjectPermission(GroupObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Operation, on_delete=models.CASCADE)
