"""The deadline engine's rows: court holidays, deadlines, reminders, notifications, digests.

Deadlines point at their record by content type and id, so the engine knows records by label."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from taskforce.models.agencies import Agency, User


class Holiday(models.Model):
    """A legal holiday the courts close for; deadline rules skip it (admin-editable)."""

    day = models.DateField(unique=True)
    name = models.CharField(max_length=80)
    rule = models.CharField(
        max_length=120, blank=True, help_text="Which rule of Minn. Stat. 645.44 made it a holiday."
    )

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
    # What else the rule counted by (e.g. the detention facility), so that a changed rule or
    # holiday table can recompute the deadline the same way (deadlines.services).
    context = models.JSONField(default=dict, blank=True)
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
            # A record's deadlines; covering, so a report finds the deadlines of a list of
            # records from the index alone (the few a supervisor counts beside the monthly
            # rollups: 28,560 arrests of the largest agency, reports.figures.deadlines).
            models.Index(
                fields=["content_type", "object_id"],
                name="deadline_record",
                include=["due_at", "id", "rule", "responsible_agency", "status", "closed_at"],
            ),
            # A report reads one record type's deadlines by due time (the people's, apart from
            # the case records' rolled up monthly) from the index alone (issue #22).
            models.Index(
                fields=["content_type", "due_at"],
                name="deadline_type_due",
                include=["id", "rule", "object_id", "responsible_agency", "status", "closed_at"],
            ),
            # Reports count deadlines by when they fall due (reports), read from the index
            # alone (issue #22).
            models.Index(
                fields=["due_at"],
                name="deadline_due",
                include=[
                    "id",
                    "rule",
                    "content_type",
                    "object_id",
                    "responsible_agency",
                    "status",
                    "closed_at",
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} by {timezone.localtime(self.due_at):%Y-%m-%d %H:%M}"

    def is_overdue(self, at=None) -> bool:
        return self.status == DeadlineStatus.OPEN and self.due_at < (at or timezone.now())


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped (deadline no longer open)"
    # The recipient could no longer see the record: sent to the agency's supervisors instead.
    REDIRECTED = "redirected", "Redirected to the agency's supervisors"
    # Neither the recipient nor any supervisor could see it: audited and logged, never silent.
    UNDELIVERABLE = "undeliverable", "Undeliverable (no one who may see the record)"


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
        max_length=16, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
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
    """What a person finds under the bell. One per reminder at most, and one per supervisor a
    reminder was redirected to (a second is refused)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    reminder = models.OneToOneField(
        Reminder, on_delete=models.SET_NULL, null=True, blank=True, related_name="notification"
    )
    # A reminder its recipient could no longer see, sent to a supervisor instead: once each.
    redirected_from = models.ForeignKey(
        Reminder, on_delete=models.SET_NULL, null=True, blank=True, related_name="redirects"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["redirected_from", "user"], name="reminder_redirected_once_per_person"
            )
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
