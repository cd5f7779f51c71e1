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


# Which roles a membership in each kind of agency may carry (docs/architecture.md, "Roles").
ROLES_BY_AGENCY_KIND: dict[str, set[str]] = {
    AgencyKind.PROSECUTION: {Role.PROSECUTOR, Role.SUPERVISOR},
    AgencyKind.LAW_ENFORCEMENT: {Role.POLICE_LIAISON, Role.SUPERVISOR},
    AgencyKind.VICTIM_SERVICES: {Role.ADVOCATE, Role.SUPERVISOR},
    AgencyKind.TASK_FORCE: {Role.COORDINATOR, Role.SUPERVISOR},
}


class SignInMethod(models.TextChoices):
    """How an agency's members sign in (issue #23): each agency chooses."""

    PASSWORD = "password", "Password (with the app's two-step sign-in)"
    SSO = "sso", "Single sign-on through the directory only"
    EITHER = "either", "Either"


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
    sign_in_method = models.CharField(
        max_length=10,
        choices=SignInMethod.choices,
        default=SignInMethod.EITHER,
        help_text="Whether members sign in with a password, through the directory (SSO), or "
        "either. Single sign-on works only when the server is configured for it.",
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
    # The directory's stable identifier of the person (the ID token's `sub`, issue #23). Set by
    # their first single sign-on; an administrator may set it to link an existing account. An
    # e-mail address is never enough to link one: whoever controls it at the directory would
    # take over the account.
    oidc_subject = models.CharField(
        "directory subject",
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text="The directory's identifier of this person (OIDC 'sub').",
    )

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
    def is_awaiting_approval(self) -> bool:
        """Made by a first single sign-on and not yet placed in an agency by an administrator
        (taskforce.selectors.accounts_awaiting_approval finds them all)."""
        return bool(self.oidc_subject) and not self.is_active and not self.memberships.exists()

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
