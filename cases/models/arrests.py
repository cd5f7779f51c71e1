"""Arrests: who, when, where and by whom, custody, and the charges recommended."""

import re

from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models.operations import Operation
from cases.models.people import Person
from cases.models.statutes import Statute
from taskforce.encryption import (
    EncryptedCharField,
    EncryptedTextField,
    lookup_key,
    save_with_keys,
)
from taskforce.models import Agency, County, GrantFields, ProtectedModel


def normalise_place(value: str) -> str:
    """An address blind to case, spaces and punctuation ("12 Elm St." = "12 elm st")."""
    return re.sub(r"[ ,.#-]", "", value).lower()


def booking_key(value: str) -> str:
    """The keyed hash of a booking number, blind to case and surrounding spaces."""
    return lookup_key(value.strip().casefold())


def place_key(value: str) -> str:
    """The lookup key of an address or meeting place: the keyed hash of its normal form. Stored
    beside the encrypted text (arrests, runaway reports), so places match by SQL equality."""
    return lookup_key(normalise_place(value))


class CustodyStatus(models.TextChoices):
    BOOKED = "booked", "Booked into jail"
    CITED = "cited", "Cited and released"
    RELEASED_PENDING = "released_pending", "Released pending complaint"


class SolicitationVenue(models.TextChoices):
    """Where the solicitation happened: decides which subdivision of 609.324 applies."""

    IN_PERSON_PUBLIC = "public_place", "In person, in a public place"
    IN_PERSON_PRIVATE = "in_person", "In person, not a public place"
    TEXT_ONLINE = "text_online", "By text or online only"
    UNKNOWN = "", "Not recorded"


class Arrest(ProtectedModel):
    """One arrest: who, when, where, by whom, held how, and what charges are recommended.

    The address, meeting place, vehicle, narrative and booking number are encrypted at rest; places
    and numbers are matched by exact normal form through their keyed hashes, never filtered or
    sorted on in SQL."""

    # What its name (`__str__`) reads: loaded with it where names are listed.
    label_related = ("arrestee",)

    operation = models.ForeignKey(
        Operation, on_delete=models.PROTECT, null=True, blank=True, related_name="arrests"
    )
    arrestee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="arrests")
    arrested_at = models.DateTimeField()
    address = EncryptedCharField(max_length=200, blank=True)
    city = models.CharField(max_length=80, blank=True)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="arrests")
    arresting_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    arresting_officer = models.CharField(max_length=120, blank=True)
    booking_number = EncryptedCharField(max_length=40, blank=True)
    custody_status = models.CharField(max_length=20, choices=CustodyStatus.choices)
    jail = models.CharField(max_length=120, blank=True)
    recommended_charges = models.ManyToManyField(
        Statute, through="RecommendedCharge", related_name="+"
    )
    evidence = models.TextField(blank=True, help_text="Evidence item numbers or references.")
    narrative = EncryptedTextField(blank=True)
    # Buyer stings: the decoy's stated age answers a mistake-of-age defence (State v. Moser).
    decoy_stated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    decoy_age_stated_at = models.DateTimeField(null=True, blank=True)
    solicitation_venue = models.CharField(
        max_length=20, choices=SolicitationVenue.choices, blank=True
    )
    meeting_place = EncryptedCharField(max_length=200, blank=True)
    vehicle = EncryptedCharField(max_length=120, blank=True)
    # Kept in step by save() (and by records.record_update and rotate_field_keys): the runaway
    # review matches a youth's address to these.
    address_key = models.CharField(max_length=64, editable=False, blank=True)
    meeting_place_key = models.CharField(max_length=64, editable=False, blank=True)
    # The booking number's keyed hash: one number per arresting agency, and search by number.
    booking_key = models.CharField(max_length=64, editable=False, blank=True)
    victims_recovered = models.PositiveSmallIntegerField(default=0)
    victims_screened = models.PositiveSmallIntegerField(default=0)
    # The case it became: its first hand-off's (kept by cases.services.outcomes). The reports
    # count the arrest's outcome from it with one join.
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["arresting_agency", "booking_key"],
                condition=~Q(booking_key=""),
                name="booking_number_unique_per_agency",
                # Said to whoever hits it, who may not see the arrest holding the number: it
                # describes no arrest (cases.services.arrests names one only to those who see it).
                violation_error_message=(
                    "This booking number cannot be used for this agency; check it with the "
                    "arresting agency."
                ),
            ),
            models.CheckConstraint(
                condition=Q(decoy_stated_age__isnull=True) | Q(decoy_stated_age__lte=99),
                name="decoy_age_is_an_age",
            ),
        ]
        indexes = [
            # "A matching record exists elsewhere": the same booking number at any agency.
            models.Index(
                fields=["booking_key"], condition=~Q(booking_key=""), name="arrest_booking_key"
            ),
            # Reports: the few sealed rows, left out of task-force-wide counts by id.
            models.Index(
                fields=["sealed_at"], name="arrest_sealed", condition=Q(sealed_at__isnull=False)
            ),
            # Reports: arrests in a period, with every column the reports read of them, so a
            # period's arrests are read from the index alone (an index-only scan), not from
            # table pages all over the heap (issue #22, bench/bench_reports.py).
            models.Index(
                fields=["arrested_at"],
                name="arrest_when",
                include=[
                    "id",
                    "county",
                    "arresting_agency",
                    "operation",
                    "case",
                    "owner_agency",
                    "sealed_at",
                ],
            ),
            models.Index(fields=["owner_agency", "-updated_at", "-id"], name="arrest_owner_recent"),
            # Covering: the arrests of the stings an agency follows are read from it alone
            # (access.visible_parts; the attorney general's 28,560 arrests of stings shared
            # with it, and a police department's 74,000 of its own stings, left out by owner).
            models.Index(
                fields=["operation", "-arrested_at"],
                name="arrest_by_operation",
                include=["id", "owner_agency", "sealed_at"],
            ),
            # Runaway review: addresses seen in stings, matched to where a youth stayed.
            models.Index(
                fields=["address_key"], name="arrest_address_key", condition=~Q(address_key="")
            ),
            models.Index(
                fields=["meeting_place_key"],
                name="arrest_meeting_place_key",
                condition=~Q(meeting_place_key=""),
            ),
        ]

    def __str__(self) -> str:
        return f"Arrest of {self.arrestee} on {timezone.localtime(self.arrested_at):%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        save_with_keys(self, super().save, *args, **kwargs)

    def lookup_keys(self) -> dict[str, str]:
        return {
            "address_key": place_key(self.address),
            "meeting_place_key": place_key(self.meeting_place),
            "booking_key": booking_key(self.booking_number),
        }

    @property
    def page_title(self) -> str:
        """A browser tab's and history's name for the arrest page: no one's name."""
        return f"Arrest on {timezone.localtime(self.arrested_at):%Y-%m-%d}"


class RecommendedCharge(models.Model):
    arrest = models.ForeignKey(Arrest, on_delete=models.CASCADE, related_name="charges")
    statute = models.ForeignKey(Statute, on_delete=models.PROTECT, related_name="+")
    counts = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["arrest", "statute"], name="charge_once_per_arrest")
        ]

    def __str__(self) -> str:
        return f"{self.statute.citation} ({self.counts} count{'s' if self.counts != 1 else ''})"


class ArrestUserObjectPermission(UserObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Arrest, on_delete=models.CASCADE)


class ArrestGroupObjectPermission(GroupObjectPermissionBase, GrantFields):
    content_object = models.ForeignKey(Arrest, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        # The few grants to an agency that lapse, apart from its many hand-offs that never do
        # (the reports read the lapsing ones beside the rollup by grantee group).
        indexes = [
            models.Index(
                fields=["group"],
                name="arrest_grant_lapsing",
                condition=models.Q(expires_at__isnull=False),
            )
        ]
