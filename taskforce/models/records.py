"""What every protected record shares: its owner, version and seal; shares between agencies; the
audit trail; saved list filters."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone

from taskforce.models.agencies import Agency, User


class StaleVersion(Exception):
    """Someone saved the record after this form was loaded; their change must not be overwritten."""


class ProtectedModel(models.Model):
    """Base of every record the access policy guards: owned by an agency, versioned, audited.

    Concrete models add a composite index (owner_agency, -updated_at, -id) for their lists and
    guardian's direct foreign-key permission tables for shares and assignments.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    # Sealed by an administrator (with a reason): gone from every list, search, export, page
    # and the API for everyone; only administrators see and unseal it (taskforce/sealing.py).
    sealed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sealed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    seal_reason = models.TextField(blank=True, editable=False)

    # Fields that, once set, hide the record from everyone but administrators: a seal, and on
    # a model that merges duplicates the pointer to the record kept (cases.Person).
    hidden_when_set: tuple[str, ...] = ("sealed_at",)

    class Meta:
        abstract = True

    @property
    def is_sealed(self) -> bool:
        return self.sealed_at is not None

    @property
    def is_hidden(self) -> bool:
        return any(getattr(self, f"{name}_id", getattr(self, name, None)) is not None
                   for name in self.hidden_when_set)  # fmt: skip

    @classmethod
    def live_q(cls, prefix: str = "") -> Q:
        """Rows neither sealed nor otherwise hidden (see hidden_when_set)."""
        return Q(**{f"{prefix}{name}__isnull": True for name in cls.hidden_when_set})

    @property
    def short_label(self) -> str:
        """How a record is named where its content may not go: its kind and a short id."""
        return f"{self._meta.verbose_name} {self.public_id.hex[:8]}"


# What every embedded reference to a sealed record shows instead of its content.
SEALED_LABEL = "Sealed record"


class ShareLevel(models.TextChoices):
    VIEW = "view", "View"
    CHANGE = "change", "View and change"


class Share(models.Model):
    """The record of one agency sharing one of its records with another: who, why, until when.

    Guardian's per-model grant rows enforce it; this row is what both agencies see and what is
    revoked. At most one active share per record and receiving agency.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    object_id = models.BigIntegerField()
    object_public_id = models.UUIDField(null=True, editable=False)
    object_label = models.CharField(max_length=300)
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="shares_out")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="shares_in")
    level = models.CharField(max_length=10, choices=ShareLevel.choices, default=ShareLevel.VIEW)
    reason = models.TextField()
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Access ends at this moment (e.g. when consent expires)."
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "to_agency"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_share_per_record_and_agency",
            ),
            models.CheckConstraint(
                condition=~Q(from_agency=models.F("to_agency")),
                name="share_goes_to_another_agency",
            ),
        ]
        indexes = [
            models.Index(fields=["to_agency", "-created_at"]),
            models.Index(fields=["from_agency", "-created_at"]),
            models.Index(
                fields=["expires_at"],
                name="share_active_expiry",
                condition=Q(revoked_at__isnull=True, expires_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.object_label} → {self.to_agency}"

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)


class GrantFields(models.Model):
    """Extra columns on guardian's grant rows: the share behind a grant and when it lapses.

    The policy ignores a grant past expires_at even before the sweeper task deletes it.
    """

    share = models.ForeignKey(
        Share, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One append-only line of the audit trail: who did what to which record, when, from where.

    On PostgreSQL the table is partitioned by month of `at` (migration 0027,
    `taskforce.audit_partitions`); its primary key there is (id, at), and `id` stays unique
    because every row takes it from the one sequence. Each index below leads with what the
    access log filters on and ends with `at`, so one month's partition answers a page in order;
    no index leads with a foreign key alone (the composite ones serve Django's deletes)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False
    )
    actor_username = models.CharField(max_length=150, blank=True)
    # The agency the actor acted for at that moment: memberships change later.
    actor_agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False
    )
    actor_agency_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=60)
    target_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, related_name="+",
        db_index=False,
    )  # fmt: skip
    target_id = models.BigIntegerField(null=True)
    target_label = models.CharField(max_length=300, blank=True)
    target_agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False
    )
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-at"]),
            models.Index(fields=["actor", "-at"]),
            models.Index(fields=["action", "-at"], name="audit_action_at"),
            # A supervisor reads rows about or by their agency (two indexes, OR-ed), with or
            # without an action filter: each month's bitmap then holds only the rows shown.
            models.Index(
                fields=["target_agency", "action", "-at"], name="audit_target_agency_action_at"
            ),
            models.Index(
                fields=["actor_agency", "action", "-at"], name="audit_actor_agency_action_at"
            ),
            # The access log's "who" filter is a case-blind exact match (`iexact`).
            models.Index(Upper("actor_username"), F("at").desc(), name="audit_username_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.target_label}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")

    @property
    def changed_fields(self) -> list[str]:
        """For a change, the names of the fields it changed (never their values)."""
        if not self.action.endswith(".changed") or not isinstance(self.changes, dict):
            return []
        return sorted(self.changes)


class SavedFilter(models.Model):
    """A user's named set of list filters (e.g. 'My charged buyer cases'), private to them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_filters")
    list_name = models.CharField(max_length=60)
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "list_name", "name"],
                name="saved_filter_name_once",
                violation_error_message="You already have a saved filter with this name.",
            )
        ]

    def __str__(self) -> str:
        return self.name
