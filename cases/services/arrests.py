"""Writes to arrests: one, or a whole sting's worth in one all-or-nothing batch.

The bulk form, the CSV import and the API all build `ArrestRow`s and call `arrests_create`, so
each input path applies the same validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import (
    Arrest,
    CustodyStatus,
    Operation,
    OperationParticipant,
    Person,
    RecommendedCharge,
    Statute,
)
from cases.models.arrests import booking_key
from cases.services.outcomes import arrest_cases, case_outcome_refresh
from cases.services.people import PersonData, check_birth_date, person_create
from deadlines.services import deadline_close, deadline_schedule
from taskforce import access, records
from taskforce.models import Agency, AgencyKind, County, DeadlineStatus, User

ARREST_AGENCY_KINDS = {AgencyKind.LAW_ENFORCEMENT, AgencyKind.TASK_FORCE}
NOT_YOUR_AGENCY = (
    "You record arrests for your own agency, or for another police agency only in an operation "
    "it takes part in."
)
# A booking number the agency has used on an arrest the actor may not see. The refusal cannot be
# avoided (the database keeps one arrest per agency and booking number), so it says nothing of
# the arrest: not that one exists, whose it is, when or in which operation; only that this number
# cannot be taken for this agency, and whom to ask. See `arrest_rows_check`.
BOOKING_NUMBER_UNUSABLE = (
    "Booking number {number} cannot be used for this agency; check it with the arresting agency."
)


def _taking_part(operations: QuerySet[Operation]) -> Q:
    """Agencies taking part in these operations: each one's lead (owner) and its participants."""
    return Q(pk__in=operations.values("owner_agency")) | Q(
        pk__in=OperationParticipant.objects.filter(operation__in=operations).values("agency")
    )


def arresting_agencies(*, actor: User, operation: Operation | None = None) -> QuerySet[Agency]:
    """The police agencies `actor` may record an arrest for: their own agency, and, in an
    operation they may see, the police agencies taking part in it (its lead and participants).

    An operation's agencies work one sting together and see its arrests through it; an agency
    outside it is not the actor's to speak for, and naming it would only probe its records.
    """
    membership = access.acting_membership(actor)
    if membership is None or membership.agency.kind not in ARREST_AGENCY_KINDS:
        return Agency.objects.none()
    allowed = Q(pk=membership.agency_id)
    if operation is not None and access.can(actor, access.Action.VIEW, operation):
        allowed |= _taking_part(Operation.objects.filter(pk=operation.pk))
    return Agency.objects.filter(allowed, is_active=True, kind=AgencyKind.LAW_ENFORCEMENT)


def arresting_agency_choices(*, actor: User) -> QuerySet[Agency]:
    """Every agency `arresting_agencies` allows in some operation the actor sees (or without
    one): a form's choices, checked against the operation chosen with it when it is saved."""
    membership = access.acting_membership(actor)
    if membership is None or membership.agency.kind not in ARREST_AGENCY_KINDS:
        return Agency.objects.none()
    allowed = Q(pk=membership.agency_id) | _taking_part(access.visible(actor, Operation))
    police = Agency.objects.filter(is_active=True, kind=AgencyKind.LAW_ENFORCEMENT)
    return police.filter(allowed).order_by("name")


def arresting_agency_check(
    *, actor: User, operation: Operation | None, arresting_agency: Agency
) -> None:
    """Refuse an arresting agency the actor may not record arrests for (`arresting_agencies`)."""
    if arresting_agency.kind != AgencyKind.LAW_ENFORCEMENT:
        raise ValidationError({"arresting_agency": "The arresting agency must be a police agency."})
    allowed = arresting_agencies(actor=actor, operation=operation)
    if not allowed.filter(pk=arresting_agency.pk).exists():
        raise ValidationError({"arresting_agency": NOT_YOUR_AGENCY})


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


def arrest_rows_check(
    *,
    actor: User,
    operation: Operation | None,
    arresting_agency: Agency,
    rows: list[ArrestRow],
) -> bool:
    """Fill each row's `errors` (bad values, booking numbers used before or twice); True if none.

    An arresting agency the actor may not record for puts an error on every row and looks up no
    booking number at all. A number already on record is named as such only when the actor may
    see the arrest holding it; otherwise the row gets `BOOKING_NUMBER_UNUSABLE`, which says no
    more than that the number cannot be taken. The agency rule (`arresting_agencies`) keeps this
    case rare: the named agency is the actor's own or a partner in a sting they share, whose
    arrests in that sting they see. What remains (a sealed arrest, one of another operation or
    of one the agency has left) is one the actor must not learn of, so it is not described.
    """
    try:
        arresting_agency_check(actor=actor, operation=operation, arresting_agency=arresting_agency)
    except ValidationError as error:
        for row in rows:
            row.errors = {"arresting_agency": error.message_dict["arresting_agency"]}
        return False
    now = timezone.now()
    keys = {booking_key(row.booking_number) for row in rows} - {""}
    on_record = Arrest.objects.filter(arresting_agency=arresting_agency, booking_key__in=keys)
    taken = set(on_record.values_list("booking_key", flat=True))
    seen_by_actor = set(
        on_record.filter(pk__in=access.visible(actor, Arrest).values("pk")).values_list(
            "booking_key", flat=True
        )
    )
    seen: set[str] = set()
    for row in rows:
        row.errors = _row_errors(row, now)
        number, key = row.booking_number.strip(), booking_key(row.booking_number)
        if key and key in taken:
            row.errors.setdefault("booking_number", []).append(
                booking_number_taken(arresting_agency, number, visible=key in seen_by_actor)
            )
        elif key and key in seen:
            row.errors.setdefault("booking_number", []).append(
                f"Booking number {number} appears twice in this batch."
            )
        seen.add(key)
    return not any(row.errors for row in rows)


def booking_number_taken(agency: Agency, number: str, *, visible: bool) -> str:
    """Why a booking number on record cannot be used again: named only for an arrest the actor
    may see (see `arrest_rows_check`)."""
    if visible:
        return f"{agency.label} already has an arrest with booking number {number}."
    return BOOKING_NUMBER_UNUSABLE.format(number=number)


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
    arresting_agency_check(actor=actor, operation=operation, arresting_agency=arresting_agency)
    if not rows:
        raise ValidationError("There are no arrests to save.")
    if not arrest_rows_check(
        actor=actor, operation=operation, arresting_agency=arresting_agency, rows=rows
    ):
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
    access.require(actor, access.Action.CHANGE, arrest)
    number = (data.get("booking_number") or "").strip()
    if number:
        # Checked here, not left to the model's constraint, which cannot tell whether the actor
        # may see the arrest that holds the number (see `arrest_rows_check`). Not only when it
        # differs from `arrest`'s: a bound form has already put the new value on the instance.
        clash = Arrest.objects.filter(
            arresting_agency_id=arrest.arresting_agency_id, booking_key=booking_key(number)
        ).exclude(pk=arrest.pk)
        if clash.exists():
            visible = clash.filter(pk__in=access.visible(actor, Arrest).values("pk")).exists()
            raise ValidationError(
                {"booking_number": booking_number_taken(
                    arrest.arresting_agency, number, visible=visible)}
            )  # fmt: skip
    arrest = records.record_update(
        actor=actor, obj=arrest, expected_version=expected_version, data=data
    )
    custody_clocks(actor=actor, arrest=arrest)
    if {"arrested_at", "arresting_agency"} & data.keys():
        case_outcome_refresh(*arrest_cases([arrest.pk]))
    return arrest
