"""Agencies, the people who sign in, and their memberships (one agency and one role at a time)."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property


class AgencyKind(models.TextChoices):
    PROSECUTION = "prosecution", "Prosecution"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    VICTIM_SERVICES = "victim_services", "Victim services"
    TASK_FORCE = "task_force", "Task force"


class Role(models.TextChoices):
    PROSECUTOR = "prosecutor", "Prosecutor"
    POLICE_LIAISON = "police_liaison", "Police liaison / investigator"
    ADVOCATE = "advocate", "Advocate"
    SUPERVISOR = "supervisor", "Supervisor"
    COORDINATOR = "coordinator", "Task-force coordinator"


# Which roles a membership in each kind of agency may carry (DESIGN.md §2).
ROLES_BY_AGENCY_KIND: dict[str, set[str]] = {
    AgencyKind.PROSECUTION: {Role.PROSECUTOR, Role.SUPERVISOR},
    AgencyKind.LAW_ENFORCEMENT: {Role.POLICE_LIAISON, Role.SUPERVISOR},
    AgencyKind.VICTIM_SERVICES: {Role.ADVOCATE, Role.SUPERVISOR},
    AgencyKind.TASK_FORCE: {Role.COORDINATOR, Role.SUPERVISOR},
}


class County(models.Model):
    """A county: where arrests happen and what reports break down by (Minnesota has 87)."""

    name = models.CharField(max_length=60)
    state = models.CharField(max_length=2, default="MN")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "counties"
        constraints = [
            models.UniqueConstraint(fields=["state", "name"], name="county_unique_in_state")
        ]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """A member organisation of the task force; owns records and has one auth Group."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=40, blank=True, help_text="Shown in tight spaces, e.g. 'WCAO'."
    )
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    jurisdiction = models.CharField(
        max_length=120, blank=True, help_text="County, city or region the agency serves."
    )
    county = models.CharField(max_length=60, blank=True)
    is_active = models.BooleanField(default=True)
    charging_target_days = models.PositiveSmallIntegerField(
        default=30, help_text="Prosecution: days to decide on a handed-off arrest."
    )
    first_contact_days = models.PositiveSmallIntegerField(
        default=2, help_text="Victim services: business days to first contact after a referral."
    )
    follow_up_days = models.PositiveSmallIntegerField(
        default=14, help_text="Victim services: days between follow-ups while in services."
    )
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="agency", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Every agency has its own auth Group: guardian grants to the agency go to it.
        if self.group_id is None:
            self.group = Group.objects.create(name=f"agency:{self.public_id}")
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    """A person who signs in. Agency and role come from the current membership."""

    # Sign-in security (issue #9). A new salt ends every session of the person at once ("sign
    # out everywhere"): it is folded into the hash Django checks on each request.
    session_salt = models.CharField(max_length=32, blank=True, editable=False)
    # When an administrator last re-enabled the account: the inactivity clock starts again then.
    reactivated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["username"]

    def get_session_auth_hash(self) -> str:
        return self._salted(super().get_session_auth_hash())

    def get_session_auth_fallback_hash(self):
        for fallback in super().get_session_auth_fallback_hash():
            yield self._salted(fallback)

    def _salted(self, auth_hash: str) -> str:
        if not self.session_salt:
            return auth_hash
        return salted_hmac(
            "taskforce.User.session_salt", auth_hash + self.session_salt, algorithm="sha256"
        ).hexdigest()

    @cached_property
    def membership(self) -> Membership | None:
        return (
            self.memberships.filter(ended_at__isnull=True, agency__is_active=True)
            .select_related("agency")
            .first()
        )

    @property
    def agency(self) -> Agency | None:
        return self.membership.agency if self.membership else None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    """A user's place in one agency with one role, from started_at until ended_at."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    title = models.CharField(max_length=120, blank=True, help_text="Job title, e.g. 'Sergeant'.")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # One agency and one role at a time; past memberships stay as history.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(ended_at__isnull=True),
                name="one_current_membership_per_user",
                violation_error_message="This user already has a current membership; end it first.",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="membership_ends_after_it_starts",
                violation_error_message="A membership cannot end before it starts.",
            ),
        ]
        indexes = [models.Index(fields=["agency", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.agency}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None

    def clean(self) -> None:
        super().clean()
        if self.agency_id and self.role:
            allowed = ROLES_BY_AGENCY_KIND[self.agency.kind]
            if self.role not in allowed:
                names = ", ".join(sorted(Role(r).label for r in allowed))
                raise ValidationError(
                    {
                        "role": (
                            f"A {self.agency.get_kind_display().lower()} agency's members can be: "
                            f"{names}."
                        )
                    }
                )


class Heartbeat(models.Model):
    """When a background process last proved it was alive (beat ticks, worker runs)."""

    name = models.CharField(max_length=40, primary_key=True)
    last_seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.last_seen_at:%Y-%m-%d %H:%M:%S %Z}"


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

    class Meta:
        abstract = True


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
    """One append-only line of the audit trail: who did what to which record, when, from where."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_username = models.CharField(max_length=150, blank=True)
    # The agency the actor acted for at that moment: memberships change later.
    actor_agency = models.ForeignKey(Agency, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_agency_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    target_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, related_name="+"
    )
    target_id = models.BigIntegerField(null=True)
    target_label = models.CharField(max_length=300, blank=True)
    target_agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-at"]),
            models.Index(fields=["target_agency", "-at"]),
            models.Index(fields=["actor", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.target_label}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")


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


class Holiday(models.Model):
    """A legal holiday the courts close for; deadline rules skip it (admin-editable)."""

    day = models.DateField(unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.name} ({self.day:%Y-%m-%d})"


class DeadlineStatus(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    MISSED = "missed", "Missed"
    WAIVED = "waived", "Waived"


class Deadline(models.Model):
    """A due time computed from an event by a named rule, kept with the rule's name and version
    so that a changed rule never rewrites history silently. Seen by whoever may see its record."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    object_id = models.BigIntegerField()
    rule = models.CharField(max_length=60)
    # Recurring rules (follow-ups) number their deadlines; one-off rules stay at 1.
    sequence = models.PositiveSmallIntegerField(default=1)
    rule_version = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=120, help_text="The rule or statute it implements.")
    event_at = models.DateTimeField(help_text="When the event it counts from happened.")
    due_at = models.DateTimeField()
    responsible_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    responsible_user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    waiver_reason = models.TextField(blank=True)
    escalated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the agency's supervisors were told it was missed."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "rule", "sequence"],
                name="one_deadline_per_rule_and_record",
            ),
        ]
        indexes = [
            models.Index(fields=["responsible_agency", "status", "due_at"], name="deadline_agency"),
            models.Index(fields=["content_type", "object_id"], name="deadline_record"),
            # Reports count deadlines by when they fall due (reports).
            models.Index(fields=["due_at"], name="deadline_due"),
        ]

    def __str__(self) -> str:
        return f"{self.title} by {timezone.localtime(self.due_at):%Y-%m-%d %H:%M}"

    def is_overdue(self, at=None) -> bool:
        return self.status == DeadlineStatus.OPEN and self.due_at < (at or timezone.now())


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped (deadline closed or recipient has no access)"


class Reminder(models.Model):
    """One reminder of one deadline to one person at one lead time: sent exactly once.

    The unique row is the guarantee: dispatchers claim due rows with SELECT … FOR UPDATE SKIP
    LOCKED, write the notification and mark the row sent in one transaction.
    """

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    lead_minutes = models.PositiveIntegerField()
    send_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "recipient", "lead_minutes"], name="reminder_once"
            )
        ]
        indexes = [
            # (send_at, id): the sweep's order, so a claim reads the first rows off the index
            # even when thousands fall due at the same instant (no sort of all of them).
            models.Index(
                fields=["send_at", "id"], name="reminder_due", condition=Q(status="pending")
            )
        ]

    def __str__(self) -> str:
        return f"Reminder {self.pk} of {self.deadline} to {self.recipient}"


class Notification(models.Model):
    """What a person finds under the bell. One per reminder at most (the second is refused)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    reminder = models.OneToOneField(
        Reminder, on_delete=models.SET_NULL, null=True, blank=True, related_name="notification"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.title


class ReminderSettings(models.Model):
    """One person's choices: lead times per rule, email or not, the hour of their daily digest,
    and the secret of their calendar feed (only its SHA-256 is kept; rotating it replaces it)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="reminder_settings")
    # {rule name: [minutes before the due time, ...]}; a rule not listed keeps its defaults.
    lead_minutes = models.JSONField(default=dict, blank=True)
    email_reminders = models.BooleanField(default=True)
    digest_hour = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Local hour (0 to 23) of the daily digest; empty for none."
    )
    calendar_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    calendar_token_created_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_hour__isnull=True) | Q(digest_hour__lte=23),
                name="digest_hour_in_day",
            )
        ]

    def __str__(self) -> str:
        return f"Reminder settings of {self.user}"


class Digest(models.Model):
    """A daily digest sent to one person on one day: the unique row makes it once a day."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    deadline_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.day}"
