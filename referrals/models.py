"""Safe Harbor referrals: from a referring agency to a victim-service agency, through their end."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models import Arrest, Case, Person
from taskforce.models import Agency, County, GrantFields, ProtectedModel, User
from victims.models import Victim


class Region(models.Model):
    """A Safe Harbor region and its regional navigator; administrators redraw regions."""

    name = models.CharField(max_length=80, unique=True)
    counties = models.ManyToManyField(County, related_name="safe_harbor_regions")
    navigator = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SourceKind(models.TextChoices):
    POLICE = "police", "Police"
    PROSECUTION = "prosecution", "Prosecution"
    SCHOOL = "school", "School"
    HOTEL = "hotel", "Hotel"
    FAMILY = "family", "Family"
    SELF = "self", "Self-referral"
    OTHER = "other", "Other"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent (within a day)"
    EMERGENCY = "emergency", "Emergency (now)"


class ReferralStatus(models.TextChoices):
    SENT = "sent", "Sent"
    RECEIVED = "received", "Received"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    ENGAGED = "engaged", "Engaged in services"
    CLOSED = "closed", "Closed"


REFERRAL_TRANSITIONS: dict[str, set[str]] = {
    ReferralStatus.SENT: {ReferralStatus.RECEIVED},
    ReferralStatus.RECEIVED: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED},
    ReferralStatus.ACCEPTED: {ReferralStatus.ENGAGED, ReferralStatus.CLOSED},
    ReferralStatus.ENGAGED: {ReferralStatus.CLOSED},
    ReferralStatus.DECLINED: set(),
    ReferralStatus.CLOSED: set(),
}


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", "Goals met"
    MOVED = "moved", "Moved away"
    DECLINED_SERVICES = "declined_services", "Declined services"
    LOST_CONTACT = "lost_contact", "Lost contact"
    AGED_OUT = "aged_out", "Aged out"
    OTHER = "other", "Other"


class Referral(ProtectedModel):
    """A referral of a person to a victim-service agency, which owns it once sent.

    The referring agency keeps sight of it: it sees that it was received, and its later status
    only while the victim's consent to that agency allows (referrals.selectors).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    victim = models.ForeignKey(
        Victim, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    referring_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=12, choices=SourceKind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    arrest = models.ForeignKey(
        Arrest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT, editable=False
    )
    decline_reason = models.TextField(blank=True)
    closure_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    assigned_advocate = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            # Reports: the few sealed rows, left out of task-force-wide counts by id.
            models.Index(
                fields=["sealed_at"], name="referral_sealed", condition=Q(sealed_at__isnull=False)
            ),
            # Reports: referrals made in a period.
            models.Index(fields=["created_at"], name="referral_made"),
            models.Index(
                fields=["owner_agency", "-updated_at", "-id"], name="referral_owner_recent"
            ),
            models.Index(fields=["referring_agency", "-created_at"], name="referral_sent"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.public_id.hex[:8]}"


class ReferralStatusChange(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ReferralStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class ReferralUserObjectPermission(UserObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


class ReferralGroupObjectPermission(GroupObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


# Change history (taskforce/history.py): triggers write a row per insert, update and delete.
from taskforce.history import track  # noqa: E402

track(Referral)
