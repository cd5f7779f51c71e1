"""Writes to runaway reports: the CSV import (checked, shown, then all rows or none) and the
prosecutor's review of a report (linked to a case, no link, needs follow-up)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import Case, IdentifierKind, Person, ReviewOutcome, RunawayImport, RunawayReport
from cases.selectors.people import Lookup, likely_duplicates_many
from cases.services.imports import (
    DATE_FORMATS,
    DATETIME_FORMATS,
    MAX_ROWS,
    _check_header,
    _decode,
    _parse_date,
    staged_import_delete,
    staged_import_get,
    staged_import_lock,
)
from cases.services.people import PersonData, check_birth_date, person_create, person_identifier_add
from taskforce import access, audit, dates, records
from taskforce.models import User

REQUIRED = ["last_name", "first_name", "reported_at", "reported_by"]
OPTIONAL = [
    "date_of_birth",
    "returned_at",
    "returned_from",
    "notes",
    "phone",
    "handle",
    "address",
]
COLUMNS = REQUIRED + OPTIONAL
# Longest value each text column takes (the model's field lengths).
TEXT_LIMITS = {
    "last_name": 80,
    "first_name": 80,
    "reported_by": 200,
    "returned_from": 200,
    "address": 200,
    "phone": 120,
    "handle": 120,
}


@dataclass
class RunawayRow:
    """One line of the file: the youth (new or an existing person) and the report's facts."""

    line: int
    raw: dict[str, str]
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    matches: list[Person] = field(default_factory=list)
    person: Person | None = None
    chosen: str = ""  # the uploader's answer to "same person?", kept across a refused confirm

    @property
    def is_ok(self) -> bool:
        return not self.errors

    def person_data(self) -> PersonData:
        return PersonData(
            first_name=self.values["first_name"],
            last_name=self.values["last_name"],
            date_of_birth=self.values["date_of_birth"],
            identifiers=self.identifiers(),
        )

    def identifiers(self) -> tuple[tuple[str, str], ...]:
        pairs = ((IdentifierKind.PHONE, self.values.get("phone", "")),
                 (IdentifierKind.HANDLE, self.values.get("handle", "")))  # fmt: skip
        return tuple((kind, value) for kind, value in pairs if value)


def _parse_when(value: str, column: str) -> datetime:
    """A date and time, or a date alone (reports often carry only the day), in local time."""
    try:
        return dates.local_instant_from_text(value, DATETIME_FORMATS + DATE_FORMATS)
    except dates.LocalTimeError as refused:
        raise ValueError(f"{column} '{value}': {refused.message}") from None
    except ValueError:
        raise ValueError(
            f"{column} '{value}' is not a date and time like 2026-03-14 21:30"
        ) from None


def _check_row(row: RunawayRow, now: datetime) -> None:
    raw = row.raw

    def get(name: str) -> str:
        return (raw.get(name) or "").strip()

    def attempt(name: str, parse) -> None:
        try:
            row.values[name] = parse()
        except ValueError as error:
            row.errors.append(str(error))

    for name in ("last_name", "first_name", "reported_by"):
        if not get(name):
            row.errors.append(f"{name} is empty")
    for name, limit in TEXT_LIMITS.items():
        if len(get(name)) > limit:
            row.errors.append(f"{name} is longer than {limit} characters")
        row.values[name] = get(name)
    row.values["notes"] = get("notes")
    attempt("date_of_birth", lambda: _parse_date(get("date_of_birth"), "date_of_birth"))
    if get("reported_at"):
        attempt("reported_at", lambda: _parse_when(get("reported_at"), "reported_at"))
    else:
        row.errors.append("reported_at is empty")
    row.values["returned_at"] = None
    if get("returned_at"):
        attempt("returned_at", lambda: _parse_when(get("returned_at"), "returned_at"))
    phone = get("phone")
    if phone and sum(ch.isdigit() for ch in phone) < 7:
        row.errors.append(f"phone '{phone}' has fewer than 7 digits")
    if row.errors:
        return
    reported_at, returned_at = row.values["reported_at"], row.values["returned_at"]
    if reported_at > now:
        row.errors.append(f"reported_at '{get('reported_at')}' is in the future")
    if returned_at is not None and returned_at > now:
        row.errors.append(f"returned_at '{get('returned_at')}' is in the future")
    if returned_at is not None and returned_at < reported_at:
        row.errors.append("returned_at is before reported_at: the youth cannot return first")
    try:
        check_birth_date(row.values["date_of_birth"])
    except ValidationError:
        row.errors.append(f"date_of_birth '{get('date_of_birth')}' is in the future")


def _checked_rows(*, actor: User, text: str) -> list[RunawayRow]:
    now = timezone.now()
    rows = []
    for line, raw in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        raw = {(key or "").strip().lower(): value or "" for key, value in raw.items()}
        row = RunawayRow(line=line, raw=raw)
        _check_row(row, now)
        rows.append(row)
    ok = [row for row in rows if row.is_ok]
    lookups = [
        Lookup(row.values["first_name"], row.values["last_name"], row.values["date_of_birth"],
               tuple(row.identifiers()))
        for row in ok
    ]  # fmt: skip
    for row, matches in zip(ok, likely_duplicates_many(actor=actor, lookups=lookups), strict=True):
        row.matches = matches
    return rows


def _require_reviewer(actor: User) -> None:
    if not access.may_review_runaways(actor):
        raise access.Forbidden


@transaction.atomic
def runaway_import_stage(*, actor: User, data: bytes, file_name: str) -> RunawayImport:
    """Keep an uploaded file for its preview after checking its encoding, size and header."""
    _require_reviewer(actor)
    text = _decode(data)
    _check_header(text, REQUIRED, COLUMNS)
    count = sum(1 for _ in csv.DictReader(io.StringIO(text)))
    if not count:
        raise ValidationError({"file": "The file has a header row but no reports."})
    if count > MAX_ROWS:
        raise ValidationError({"file": f"The file has {count} rows; at most {MAX_ROWS}."})
    return RunawayImport.objects.create(
        created_by=actor, file_name=file_name[:200], content=text, row_count=count
    )


def runaway_import_get(*, actor: User, public_id) -> RunawayImport:
    return staged_import_get(RunawayImport, actor=actor, public_id=public_id)


def runaway_import_rows(*, actor: User, staged: RunawayImport) -> list[RunawayRow]:
    """Every row of the staged file, checked as it would be saved, with possible matches."""
    return _checked_rows(actor=actor, text=staged.content)


def _resolve_people(*, actor: User, rows: list[RunawayRow], choices: dict[int, str]) -> list[str]:
    """Each matched row's chosen person; the problems that stop the import."""
    problems = [f"Line {row.line}: {'; '.join(row.errors)}" for row in rows if row.errors]
    for row in rows:
        if not (row.is_ok and row.matches):
            continue
        choice = choices.get(row.line)
        if choice is None:
            problems.append(f"Line {row.line}: choose the existing person or a new one.")
        elif choice != "new":
            by_id = {str(person.public_id): person for person in row.matches}
            person = by_id.get(choice)
            if person is None:
                problems.append(f"Line {row.line}: that person is not one of the matches.")
            elif row.identifiers() and not access.can(actor, access.Action.CHANGE, person):
                problems.append(
                    f"Line {row.line}: another agency keeps that person's record, so the phone "
                    "and handle cannot be added to it; choose a new person or empty those cells."
                )
            else:
                row.person = person
    return problems


@transaction.atomic
def runaway_import_confirm(
    *, actor: User, staged: RunawayImport, choices: dict[int, str]
) -> list[RunawayReport]:
    """Save every row or none. `choices` maps a line with possible matches to a person's public
    id (the same youth) or "new"; a line with matches and no choice stops the import."""
    _require_reviewer(actor)
    staged = staged_import_lock(staged)
    rows = runaway_import_rows(actor=actor, staged=staged)
    problems = _resolve_people(actor=actor, rows=rows, choices=choices)
    if problems:
        raise ValidationError(problems)
    reports = []
    for row in rows:
        youth = row.person
        if youth is None:
            youth = person_create(actor=actor, data=row.person_data())
        else:
            for kind, value in row.identifiers():
                person_identifier_add(person=youth, kind=kind, value=value)
        reports.append(
            records.record_create(
                actor=actor,
                model=RunawayReport,
                youth=youth,
                reported_at=row.values["reported_at"],
                reported_by=row.values["reported_by"],
                returned_at=row.values["returned_at"],
                returned_from=row.values["returned_from"],
                address=row.values["address"],
                notes=row.values["notes"],
            )
        )
    staged_import_delete(staged)
    audit.record(
        actor,
        "runawayreport.imported",
        changes={"rows": len(reports)},  # not the file's name: it may name the youth
        target_agency=access.acting_membership(actor).agency,
    )
    return reports


@transaction.atomic
def runaway_import_discard(*, actor: User, staged: RunawayImport) -> None:
    staged_import_delete(staged)


@transaction.atomic
def runaway_review(
    *,
    actor: User,
    report: RunawayReport,
    expected_version: int,
    outcome: str,
    note: str,
    linked_case: Case | None = None,
) -> RunawayReport:
    """Record the review of a report; a stale form raises StaleVersion and saves nothing."""
    _require_reviewer(actor)
    access.require(actor, access.Action.CHANGE, report)
    errors: dict[str, str] = {}
    if outcome not in {ReviewOutcome.LINKED, ReviewOutcome.NO_LINK, ReviewOutcome.FOLLOW_UP}:
        errors["outcome"] = "Choose linked to a case, no link found, or needs follow-up."
    if outcome == ReviewOutcome.LINKED and linked_case is None:
        errors["case_number"] = "Give the number of the case this report is linked to."
    if outcome != ReviewOutcome.LINKED and linked_case is not None:
        errors["case_number"] = "Only a report linked to a case names one; leave it empty."
    if not note.strip():
        errors["note"] = "Say what you found, for whoever reads this report next."
    if errors:
        raise ValidationError(errors)
    if linked_case is not None:
        access.require(actor, access.Action.VIEW, linked_case)
    return records.record_update(
        actor=actor,
        obj=report,
        expected_version=expected_version,
        data={
            "review_outcome": outcome,
            "linked_case": linked_case,
            "review_note": note.strip(),
            "reviewed_by": actor,
            "reviewed_at": timezone.now(),
        },
    )
