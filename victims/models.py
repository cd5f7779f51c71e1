"""Victims as the advocacy agency serves them, and their consent to release information.

A victim's record is privileged (VAWA, FVPSA and VOCA confidentiality; Minn. Stat. 595.02
subd. 1(k)): owned by the victim-service agency, seen elsewhere only under the victim's informed,
written, time-limited consent, to the agency and scope it names.
"""

import datetime as dt
import uuid
from pathlib import PurePath

from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models import Person
from cases.models.notes import private_storage
from cases.models.people import AgeGroup, ContactMethod, age_group_on
from taskforce.access import ConsentScope
from taskforce.encryption import EncryptedCharField, EncryptedTextField
from taskforce.models import Agency, GrantFields, ProtectedModel, Share, User

SAFE_HARBOR_AGE_LIMIT = 25  # Minnesota's Safe Harbor serves sexually exploited youth to age 24


class IdentifiedHow(models.TextChoices):
    STING = "sting", "Sting or operation"
    TIP = "tip", "Tip line"
    HOTEL = "hotel", "Hotel staff"
    SCHOOL = "school", "School"
    FAMILY = "family", "Family"
    SELF = "self", "Self-identified"
    OTHER_AGENCY = "other_agency", "Another agency"
    OTHER = "other", "Other"


class Victim(ProtectedModel):
    """A person the victim-service agency serves."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="victim_records")
    identified_on = models.DateField(default=timezone.localdate)
    identified_how = models.CharField(max_length=20, choices=IdentifiedHow.choices)
    # Age when identified, in reporting bands: the birth date itself is encrypted (see save()).
    age_group = models.CharField(
        max_length=8, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN, editable=False
    )
    safe_harbor_override = models.BooleanField(
        null=True, blank=True, help_text="Leave empty to follow the date of birth."
    )
    override_reason = EncryptedTextField(blank=True)
    guardian_note = EncryptedTextField(
        blank=True, help_text="For a minor: who has custody, and any no-contact orders."
    )
    screening_tool = models.CharField(max_length=60, blank=True, help_text="e.g. MYTEI, TVIT")
    screening_version = models.CharField(max_length=20, blank=True)
    screened_on = models.DateField(null=True, blank=True)
    # What the screening found about the person: encrypted, and never written into the trail.
    screening_score = EncryptedCharField(max_length=40, blank=True)
    screener = models.CharField(max_length=120, blank=True)
    safety_concerns = EncryptedTextField(blank=True)
    address = EncryptedCharField(max_length=200, blank=True, help_text="Where they are staying.")
    phone = EncryptedCharField(max_length=40, blank=True)
    contact_method = EncryptedCharField(max_length=120, blank=True)
    safe_times = EncryptedCharField(max_length=120, blank=True)
    language = models.CharField(max_length=60, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    # The advocate who works with the person: set when the record is opened (the referral's
    # advocate, or whoever opened it), handed on from the Reassign page.
    assigned_advocate = models.ForeignKey(
        "taskforce.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            # Reports: victims identified in a period.
            models.Index(fields=["identified_on"], name="victim_identified"),
            models.Index(fields=["owner_agency", "-updated_at", "-id"], name="victim_owner_recent"),
            # Reports: the few sealed victims, which the coordinator's counts of services and
            # deadlines leave out (`access.report_ids_q`), read from an index instead of a scan
            # of every victim in each worker of each query (issue #22).
            models.Index(
                fields=["sealed_at"], name="victim_sealed", condition=Q(sealed_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"Victim record {self.public_id.hex[:8]}"

    def prepare_for_save(self) -> None:
        """What save() derives before writing, for a bulk insert (records.record_create_many)."""
        self.age_group = age_group_on(self.person.date_of_birth, self.identified_on)

    def save(self, *args, **kwargs) -> None:
        self.prepare_for_save()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "age_group"}
        super().save(*args, **kwargs)

    def age_on(self, day: dt.date) -> int | None:
        born = self.person.date_of_birth
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age_at_identification(self) -> int | None:
        return self.age_on(self.identified_on)

    @property
    def is_juvenile(self) -> bool:
        age = self.age_on(timezone.localdate())
        return age is not None and age < 18

    @property
    def is_safe_harbor_eligible(self) -> bool | None:
        if self.safe_harbor_override is not None:
            return self.safe_harbor_override
        age = self.age_on(timezone.localdate())
        return None if age is None else age < SAFE_HARBOR_AGE_LIMIT


def _consent_path(consent: "Consent", filename: str) -> str:
    # A random name keeping only the checked extension: nothing of the person reaches the disk.
    suffix = PurePath(filename).suffix.lower()
    return f"consents/{consent.public_id.hex[:2]}/{consent.public_id.hex}{suffix}"


class Consent(models.Model):
    """The victim's informed, written, time-limited release to one agency for one scope."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="consents")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=10, choices=ConsentScope.choices)
    purpose = models.CharField(max_length=200, help_text="Why the information is released.")
    signed_on = models.DateField()
    expires_on = models.DateField()
    signed_by_minor = models.BooleanField(default=False)
    guardian_name = EncryptedCharField(max_length=120, blank=True)
    guardian_relationship = models.CharField(max_length=60, blank=True)
    guardian_is_alleged_abuser = models.BooleanField(
        default=False, help_text="An alleged abuser can never consent for a minor."
    )
    revoked_on = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    signed_form = models.FileField(
        storage=private_storage, upload_to=_consent_path, max_length=200, blank=True
    )
    # The share that currently carries this consent's access. Several consents to one agency
    # share one grant, which lasts as long as the latest of them (victims.services).
    share = models.ForeignKey(
        Share, on_delete=models.PROTECT, null=True, blank=True, related_name="consents"
    )

    class Meta:
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("signed_on")),
                name="consent_expires_after_signing",
                violation_error_message="Consent must expire after it is signed.",
            ),
            models.CheckConstraint(
                condition=Q(guardian_is_alleged_abuser=False),
                name="abuser_never_consents",
                violation_error_message="An alleged abuser cannot consent for a minor.",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent to {self.to_agency} ({self.get_scope_display()})"

    def ends_at(self) -> dt.datetime:
        """Access ends at the start of the day after `expires_on`, local time."""
        return timezone.make_aware(
            dt.datetime.combine(self.expires_on, dt.time.min)
        ) + dt.timedelta(days=1)

    def is_active(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.revoked_on is None and at < self.ends_at()


class VictimUserObjectPermission(UserObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Victim, on_delete=models.CASCADE)


class VictimGroupObjectPermission(GroupObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Victim, on_delete=models.CASCADE)


class ServiceKind(models.TextChoices):
    HOUSING = "housing", "Housing"
    SHELTER = "shelter", "Emergency shelter"
    COUNSELING = "counseling", "Counseling"
    MEDICAL = "medical", "Medical"
    CHEMICAL_HEALTH = "chemical_health", "Chemical health"
    LEGAL = "legal", "Legal"
    EDUCATION = "education", "Education"
    EMPLOYMENT = "employment", "Employment"
    TRANSPORTATION = "transportation", "Transportation"
    BASIC_NEEDS = "basic_needs", "Basic needs"


class ServiceStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    DELIVERING = "delivering", "Being delivered"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined by the person"


# The statuses of a service being (or having been) delivered: the reports count these, and the
# index service_delivered holds only them (its condition and the queries' must agree).
DELIVERED = [ServiceStatus.DELIVERING, ServiceStatus.COMPLETED]


class DeliveredUntil(Func):
    """A service's last day for the reports: the day it ended, or, not ended, a day after every
    period (9999-12-31). The day is written into the SQL, not passed as a value, so that the
    same expression in a report's query and in the index `service_delivered` is one that
    PostgreSQL matches (reports.figures.victims.being_delivered)."""

    template = "COALESCE(%(expressions)s, DATE '9999-12-31')"
    output_field = models.DateField()

    def __init__(self, ended_on="ended_on"):
        super().__init__(ended_on)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="COALESCE(%(expressions)s, '9999-12-31')")


class Service(models.Model):
    """A service offered to and delivered for a person the agency serves."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="services")
    kind = models.CharField(max_length=20, choices=ServiceKind.choices)
    provider = models.CharField(max_length=160, blank=True)
    status = models.CharField(
        max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.OFFERED
    )
    offered_on = models.DateField(default=timezone.localdate)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-offered_on", "-id"]
        indexes = [
            # Reports: the services being delivered in a period, those of its victims served
            # and of the fiscal year before it, read from the index alone: by the last day
            # (ended or not, one range), with what the reports read (issue #22).
            models.Index(
                DeliveredUntil(),
                F("started_on"),
                F("victim"),
                F("kind"),
                F("ended_on"),
                F("id"),
                name="service_delivered",
                condition=Q(status__in=DELIVERED),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="service_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"


class Contact(models.Model):
    """One attempt to reach the person, or one contact made: the follow-up log."""

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField()
    method = models.CharField(max_length=15, choices=ContactMethod.choices)
    reached = models.BooleanField(help_text="Did the attempt reach the person?")
    outcome = EncryptedTextField(blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # Reports: a referral's first contact, the earliest at or after it was made, read
            # from the index alone for each referral (the victims page's median, issue #22).
            models.Index(fields=["victim", "at"], name="contact_first"),
        ]

    def __str__(self) -> str:
        return f"{'Contact' if self.reached else 'Attempt'} {self.at:%Y-%m-%d}"


class AdvocateNote(models.Model):
    """An advocate's note: private to the advocacy agency always, whatever any consent says
    (Minn. Stat. 595.02 subd. 1(k))."""

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="notes")
    body = EncryptedTextField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Note {self.at:%Y-%m-%d}"


# Change history (taskforce/history.py): triggers write a row per insert, update and delete.
from taskforce.history import track  # noqa: E402

track(Victim, Consent, Service, Contact, AdvocateNote)
