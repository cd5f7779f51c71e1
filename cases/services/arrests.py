"""Writes to arrests: one, or a whole sting's worth in one all-or-nothing batch.

The bulk form, the CSV import and the API all build `ArrestRow`s and call `arrests_create`, so
each input path applies the same validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import Arrest, CustodyStatus, Operation, Person, RecommendedCharge, Statute
from cases.services.outcomes import arrest_cases, case_outcome_refresh
from cases.services.people import PersonData, check_birth_date, person_create
from deadlines.services import deadline_close, deadline_schedule
from taskforce import access, records
from taskforce.models import Agency, AgencyKind, County, DeadlineStatus, User

ARREST_AGENCY_KINDS = {AgencyKind.LAW_ENFORCEMENT, AgencyKind.TASK_FORCE}


@dataclass
class ArrestRow:
    """One arrest as entered: the arrestee (new or an existing person) and the arrest facts."""

    last_name: str
    first_name: str
    arrested_at: datetime
    county: County
    custody_status: str
    statutes: list[Statute]
    date_of_birth: date | None = None
    person: Person | None = None  # an existing person the user picked instead of a new one
    phone: str = ""
    handle: str = ""
    address: str = ""
    city: str = ""
    booking_number: str = ""
    jail: str = ""
    arresting_officer: str = ""
    decoy_stated_age: int | None = None
    decoy_age_stated_at: datetime | None = None
    solicitation_venue: str = ""
    meeting_place: str = ""
    vehicle: str = ""
    narrative: str = ""
    evidence: str = ""
    victims_recovered: int = 0
    victims_screened: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)

    def person_data(self) -> PersonData:
        identifiers = (
            ("phone", self.phone),
            ("handle", self.handle),
            ("booking", self.booking_number),
        )
        return PersonData(
            first_name=self.first_name,
            last_name=self.last_name,
            date_of_birth=self.date_of_birth,
            identifiers=tuple((kind, value) for kind, value in identifiers if value),
        )


def _row_errors(row: ArrestRow, now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if row.person is None and not (row.last_name.strip() and row.first_name.strip()):
        add("last_name", "Enter the arrestee's first and last name.")
    if row.arrested_at > now:
        add("arrested_at", "The arrest time is in the future.")
    try:
        check_birth_date(row.date_of_birth)
    except ValidationError as error:
        add("date_of_birth", error.message_dict["date_of_birth"][0])
    if row.custody_status not in CustodyStatus.values:
        add("custody_status", "Choose booked, cited and released, or released pending complaint.")
    if not row.statutes:
        add("statutes", "Recommend at least one charge.")
    if row.decoy_stated_age is not None and not 1 <= row.decoy_stated_age <= 99:
        add("decoy_stated_age", "The decoy's stated age must be between 1 and 99.")
    if row.decoy_age_stated_at and row.decoy_age_stated_at > row.arrested_at:
        add("decoy_age_stated_at", "The age was stated after the arrest time.")
    return errors


def arrest_rows_check(*, arresting_agency: Agency, rows: list[ArrestRow]) -> bool:
    """Fill each row's `errors` (bad values, booking numbers used before or twice); True if none."""
    now = timezone.now()
    numbers = [row.booking_number.strip() for row in rows if row.booking_number.strip()]
    taken = set(
        Arrest.objects.filter(
            arresting_agency=arresting_agency, booking_number__in=numbers
        ).values_list("booking_number", flat=True)
    )
    seen: set[str] = set()
    for row in rows:
        row.errors = _row_errors(row, now)
        number = row.booking_number.strip()
        if number and number in taken:
            row.errors.setdefault("booking_number", []).append(
                f"{arresting_agency.label} already has an arrest with booking number {number}."
            )
        elif number and number in seen:
            row.errors.setdefault("booking_number", []).append(
                f"Booking number {number} appears twice in this batch."
            )
        seen.add(number)
    return not any(row.errors for row in rows)


@transaction.atomic
def arrests_create(
    *,
    actor: User,
    operation: Operation | None,
    arresting_agency: Agency,
    rows: list[ArrestRow],
) -> list[Arrest]:
    """Create every row's arrest (and new arrestees) or none: one transaction, audited.

    Any agency taking part in the operation may add its arrests to it; each arrest belongs to the
    agency that entered it, and the operation's lead and participants see it through the operation.
    """
    membership = access.acting_membership(actor)
    if membership is None or membership.agency.kind not in ARREST_AGENCY_KINDS:
        raise access.Forbidden
    if operation is not None:
        access.require(actor, access.Action.VIEW, operation)
    if arresting_agency.kind != AgencyKind.LAW_ENFORCEMENT:
        raise ValidationError({"arresting_agency": "The arresting agency must be a police agency."})
    if not rows:
        raise ValidationError("There are no arrests to save.")
    if not arrest_rows_check(arresting_agency=arresting_agency, rows=rows):
        raise ValidationError("Some rows have errors; nothing was saved.")
    arrests = []
    for row in rows:
        person = row.person
        if person is None:
            person = person_create(actor=actor, data=row.person_data())
        else:
            access.require(actor, access.Action.VIEW, person)
        arrest = records.record_create(
            actor=actor,
            model=Arrest,
            operation=operation,
            arrestee=person,
            arrested_at=row.arrested_at,
            address=row.address,
            city=row.city,
            county=row.county,
            arresting_agency=arresting_agency,
            arresting_officer=row.arresting_officer,
            booking_number=row.booking_number.strip(),
            custody_status=row.custody_status,
            jail=row.jail,
            decoy_stated_age=row.decoy_stated_age,
            decoy_age_stated_at=row.decoy_age_stated_at,
            solicitation_venue=row.solicitation_venue,
            meeting_place=row.meeting_place,
            vehicle=row.vehicle,
            narrative=row.narrative,
            evidence=row.evidence,
            victims_recovered=row.victims_recovered,
            victims_screened=row.victims_screened,
        )
        RecommendedCharge.objects.bulk_create(
            [RecommendedCharge(arrest=arrest, statute=statute) for statute in row.statutes]
        )
        custody_clocks(actor=actor, arrest=arrest)
        arrests.append(arrest)
    return arrests


def custody_clocks(*, actor: User, arrest: Arrest) -> None:
    """An arrestee held in jail starts the first-appearance and probable-cause clocks; one
    released has neither, so open ones are waived."""
    for rule in ("first_appearance", "probable_cause"):
        if arrest.custody_status == CustodyStatus.BOOKED:
            deadline_schedule(obj=arrest, rule=rule, event_at=arrest.arrested_at,
                              responsible_agency=arrest.owner_agency, actor=actor)  # fmt: skip
        else:
            deadline_close(actor=actor, obj=arrest, rule=rule, status=DeadlineStatus.WAIVED,
                           reason="Released from custody: no custody clock")  # fmt: skip


@transaction.atomic
def arrest_update(*, actor: User, arrest: Arrest, expected_version: int, data: dict) -> Arrest:
    """Correct an arrest's facts (not its arrestee or charges); a stale form is refused."""
    now = timezone.now()
    if data.get("arrested_at") and data["arrested_at"] > now:
        raise ValidationError({"arrested_at": "The arrest time is in the future."})
    stated_at, arrested_at = data.get("decoy_age_stated_at"), data.get("arrested_at")
    if stated_at and arrested_at and stated_at > arrested_at:
        raise ValidationError({"decoy_age_stated_at": "The age was stated after the arrest time."})
    arrest = records.record_update(
        actor=actor, obj=arrest, expected_version=expected_version, data=data
    )
    custody_clocks(actor=actor, arrest=arrest)
    if {"arrested_at", "arresting_agency"} & data.keys():
        case_outcome_refresh(*arrest_cases([arrest.pk]))
    return arrest
