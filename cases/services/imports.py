"""CSV import of a sting's arrests: check every row, show it, save all only when confirmed."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import (
    Arrest,
    ArrestImport,
    CustodyStatus,
    Operation,
    Person,
    RunawayImport,
    SolicitationVenue,
    SpreadsheetImport,
    StagedImport,
    Statute,
)
from cases.models.imports import KEPT_FOR
from cases.selectors.people import Lookup, likely_duplicates_many
from cases.services.arrests import (
    ArrestRow,
    arrest_rows_check,
    arresting_agency_check,
    arrests_create,
)
from taskforce import access, audit, dates
from taskforce.models import Agency, AgencyKind, County, User

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
REQUIRED = ["last_name", "first_name", "arrested_at", "county", "custody_status", "charges"]
OPTIONAL = [
    "date_of_birth",
    "city",
    "address",
    "booking_number",
    "arresting_officer",
    "jail",
    "decoy_stated_age",
    "solicitation_venue",
    "meeting_place",
    "vehicle",
    "phone",
    "handle",
    "narrative",
]
COLUMNS = REQUIRED + OPTIONAL
# Copied as typed; the other columns are parsed and checked.
TEXT_COLUMNS = [
    "city",
    "address",
    "booking_number",
    "arresting_officer",
    "jail",
    "meeting_place",
    "vehicle",
    "phone",
    "handle",
    "narrative",
]
DATETIME_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%m/%d/%Y %H:%M", "%Y-%m-%d %H:%M:%S"]
DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y"]


@dataclass
class ImportRow:
    """One line of the file: its number, the arrest it describes, problems, possible matches."""

    line: int
    raw: dict[str, str]
    arrest: ArrestRow | None
    errors: list[str] = field(default_factory=list)
    matches: list[Person] = field(default_factory=list)
    chosen: str = ""  # the uploader's answer to "same person?", kept across a refused confirm

    @property
    def is_ok(self) -> bool:
        return not self.errors


def decode_utf8(data: bytes) -> str:
    """A CSV file's text, or the error that says how to save it as UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            {"file": "This file is not UTF-8 text. In Excel, use Save As and choose 'CSV UTF-8'."}
        ) from None


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ValidationError(
            {"file": "The file is larger than 2 MB; split it into smaller files."}
        )
    return decode_utf8(data)


def _check_header(
    text: str, required: list[str] = REQUIRED, columns: list[str] = COLUMNS
) -> list[str]:
    reader = csv.reader(io.StringIO(text))
    header = [name.strip().lower() for name in next(reader, [])]
    if not header or header == [""]:
        raise ValidationError({"file": "The file is empty."})
    missing = [name for name in required if name not in header]
    unknown = [name for name in header if name and name not in columns]
    problems = []
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown columns: {', '.join(unknown)}")
    if problems:
        raise ValidationError(
            {"file": f"The header row is not right ({'; '.join(problems)}). "
                     f"Expected columns: {', '.join(columns)}."}
        )  # fmt: skip
    return header


@transaction.atomic
def arrest_import_stage(
    *, actor: User, data: bytes, file_name: str, operation: Operation | None, arresting_agency
) -> ArrestImport:
    """Keep an uploaded file for its preview after checking its encoding, size and header, and
    that the actor may record arrests for the arresting agency (in the operation)."""
    if operation is not None:
        access.require(actor, access.Action.VIEW, operation)
    arresting_agency_check(actor=actor, operation=operation, arresting_agency=arresting_agency)
    text = _decode(data)
    _check_header(text)
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise ValidationError({"file": "The file has a header row but no arrests."})
    if len(rows) > MAX_ROWS:
        raise ValidationError({"file": f"The file has {len(rows)} rows; at most {MAX_ROWS}."})
    return ArrestImport.objects.create(
        created_by=actor,
        operation=operation,
        arresting_agency=arresting_agency,
        file_name=file_name[:200],
        content=text,
        row_count=len(rows),
    )


class StagedImportGone(access.NotFound):
    """The staged file is no longer waiting: saved or discarded (a second click, another tab) or
    older than KEPT_FOR. Nothing of it is left to tell which."""


def staged_import_get(
    model: type[StagedImport], *, actor: User, public_id, **match
) -> StagedImport:
    """A staged import (arrests, runaway reports, spreadsheets of a `kind`) is its uploader's
    alone, and only while it waits (KEPT_FOR); anyone else, or later, gets NotFound."""
    staged = model.objects.filter(
        public_id=public_id, created_by=actor, created_at__gt=timezone.now() - KEPT_FOR, **match
    ).first()
    if staged is None or access.acting_membership(actor) is None:
        raise StagedImportGone
    return staged


def staged_import_lock(staged: StagedImport) -> StagedImport:
    """The staged import, locked for its confirmation; one deleted meanwhile (saved or discarded
    by a second click, another tab) is StagedImportGone."""
    locked = type(staged).objects.select_for_update().filter(pk=staged.pk).first()
    if locked is None:
        raise StagedImportGone
    return locked


def staged_import_delete(staged: StagedImport) -> None:
    """Saved or discarded: the file is deleted, not kept emptied. StagedImportGone when another
    request deleted it first."""
    deleted, _ = type(staged).objects.filter(pk=staged.pk).delete()
    if not deleted:
        raise StagedImportGone


def staged_imports_purge(*, now: datetime | None = None) -> int:
    """Delete every staged file, of any kind, older than KEPT_FOR (beat, hourly); how many."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    return sum(
        model.objects.filter(created_at__lte=cutoff).delete()[0]
        for model in (ArrestImport, RunawayImport, SpreadsheetImport)
    )


def arrest_import_get(*, actor: User, public_id) -> ArrestImport:
    return staged_import_get(ArrestImport, actor=actor, public_id=public_id)


def _parse_datetime(value: str) -> datetime:
    try:
        return dates.local_instant_from_text(value, DATETIME_FORMATS)
    except dates.LocalTimeError as refused:
        if refused.code == "ambiguous_time":
            raise ValueError(
                f"arrested_at '{value}': {refused.message} Write it with the zone, e.g. "
                f"'{refused.naive:%Y-%m-%d %H:%M} CST'."
            ) from None
        raise ValueError(f"arrested_at '{value}': {refused.message}") from None
    except ValueError:
        raise ValueError(
            f"arrested_at '{value}' is not a date and time like 2026-03-14 21:30"
        ) from None


def _parse_date(value: str, column: str) -> date | None:
    if not value.strip():
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{column} '{value}' is not a date like 1990-05-17")


def _choice(value: str, choices, column: str) -> str:
    wanted = value.strip().lower()
    for key, label in choices:
        if wanted in {key.lower(), label.lower()}:
            return key
    allowed = ", ".join(key for key, _ in choices if key)
    raise ValueError(f"{column} '{value}' is not one of: {allowed}")


class _Lookups:
    """Counties and statutes by name, loaded once per file."""

    def __init__(self) -> None:
        self.counties = {c.name.lower(): c for c in County.objects.all()}
        self.statutes = {s.citation.lower(): s for s in Statute.objects.filter(is_active=True)}

    def county(self, value: str) -> County:
        name = value.strip().lower().removesuffix(" county")
        if name not in self.counties:
            raise ValueError(f"county '{value}' is not a county we know")
        return self.counties[name]

    def statutes_of(self, value: str) -> list[Statute]:
        found = []
        for citation in (part.strip() for part in value.split(";")):
            if not citation:
                continue
            if citation.lower() not in self.statutes:
                raise ValueError(f"charge '{citation}' is not in the statutes table")
            found.append(self.statutes[citation.lower()])
        return found


def _to_arrest_row(raw: dict[str, str], lookups: _Lookups) -> tuple[ArrestRow | None, list[str]]:
    errors: list[str] = []
    values: dict = {}

    def attempt(name: str, parse) -> None:
        try:
            values[name] = parse()
        except ValueError as error:
            errors.append(str(error))

    def get(name: str) -> str:
        return (raw.get(name) or "").strip()

    attempt("arrested_at", lambda: _parse_datetime(get("arrested_at")))
    attempt("date_of_birth", lambda: _parse_date(get("date_of_birth"), "date_of_birth"))
    attempt("county", lambda: lookups.county(get("county")))
    attempt("statutes", lambda: lookups.statutes_of(get("charges")))
    attempt(
        "custody_status",
        lambda: _choice(get("custody_status"), CustodyStatus.choices, "custody_status"),
    )
    attempt(
        "solicitation_venue",
        lambda: (
            _choice(get("solicitation_venue"), SolicitationVenue.choices, "solicitation_venue")
            if get("solicitation_venue")
            else ""
        ),
    )
    age = get("decoy_stated_age")
    if age and not age.isdigit():
        errors.append(f"decoy_stated_age '{age}' is not a whole number")
    for name in ("last_name", "first_name"):
        if not get(name):
            errors.append(f"{name} is empty")
    if errors:
        return None, errors
    row = ArrestRow(
        last_name=get("last_name"),
        first_name=get("first_name"),
        decoy_stated_age=int(age) if age else None,
        **values,
        **{name: get(name) for name in TEXT_COLUMNS},
    )
    return row, []


def arrest_import_rows(*, actor: User, staged: ArrestImport) -> list[ImportRow]:
    """Every row of the staged file, checked as it would be saved, with possible matches."""
    return _checked_rows(
        actor=actor,
        raws=csv.DictReader(io.StringIO(staged.content)),
        operation=staged.operation,
        arresting_agency=staged.arresting_agency,
        first_line=2,
    )


def _checked_rows(
    *, actor: User, raws, operation: Operation | None, arresting_agency: Agency, first_line: int
) -> list[ImportRow]:
    """Rows in the import's columns (a file's lines or the API's records), each checked."""
    lookups = _Lookups()
    rows = []
    for line, raw in enumerate(raws, start=first_line):
        raw = {(key or "").strip().lower(): value or "" for key, value in raw.items()}
        arrest, errors = _to_arrest_row(raw, lookups)
        rows.append(ImportRow(line=line, raw=raw, arrest=arrest, errors=errors))
    parsed = [row.arrest for row in rows if row.arrest is not None]
    arrest_rows_check(
        actor=actor, operation=operation, arresting_agency=arresting_agency, rows=parsed
    )
    parsed_rows = [row for row in rows if row.arrest is not None]
    for row in parsed_rows:
        row.errors += [message for messages in row.arrest.errors.values() for message in messages]
    lookups = [
        Lookup(row.arrest.first_name, row.arrest.last_name, row.arrest.date_of_birth,
               tuple(row.arrest.person_data().identifiers))
        for row in parsed_rows
    ]  # fmt: skip
    for row, matches in zip(
        parsed_rows, likely_duplicates_many(actor=actor, lookups=lookups), strict=True
    ):
        row.matches = matches
    return rows


@transaction.atomic
def arrest_import_confirm(
    *, actor: User, staged: ArrestImport, choices: dict[int, str]
) -> list[Arrest]:
    """Save every row or none. `choices` maps a line with possible matches to a person's public
    id (the same person) or "new"; a line with matches and no choice stops the import."""
    staged = staged_import_lock(staged)
    rows = arrest_import_rows(actor=actor, staged=staged)
    arrests = _save_rows(
        actor=actor,
        rows=rows,
        choices=choices,
        operation=staged.operation,
        arresting_agency=staged.arresting_agency,
    )
    staged_import_delete(staged)
    # The count only: the file's name is the uploader's choice and may name someone.
    audit.record(actor, "arrest.imported", staged.operation, changes={"rows": len(arrests)})
    return arrests


def _save_rows(
    *,
    actor: User,
    rows: list[ImportRow],
    choices: dict[int, str],
    operation: Operation | None,
    arresting_agency: Agency,
    label: str = "Line",
) -> list[Arrest]:
    """Save every row or none; a row with possible matches needs the uploader's choice."""
    problems = [f"{label} {row.line}: {'; '.join(row.errors)}" for row in rows if row.errors]
    for row in rows:
        if row.is_ok and row.matches:
            person, problem = person_choice(row.line, row.matches, choices, label)
            if problem:
                problems.append(problem)
            elif person is not None:
                row.arrest.person = person
    if problems:
        raise ValidationError(problems)
    return arrests_create(
        actor=actor,
        operation=operation,
        arresting_agency=arresting_agency,
        rows=[row.arrest for row in rows],
    )


def person_choice(
    line: int, matches: list[Person], choices: dict[int, str], label: str = "Line"
) -> tuple[Person | None, str]:
    """The uploader's answer for a line whose person may be on record: the person chosen (None
    for "new") and the problem when the answer is missing or not one of the matches."""
    choice = choices.get(line)
    if choice is None:
        return None, f"{label} {line}: choose the existing person or a new one."
    if choice == "new":
        return None, ""
    person = {str(person.public_id): person for person in matches}.get(choice)
    if person is None:
        return None, f"{label} {line}: that person is not one of the matches."
    return person, ""


@transaction.atomic
def arrest_import_records(
    *,
    actor: User,
    records: list[dict[str, str]],
    operation: Operation | None,
    arresting_agency: Agency,
    choices: dict[int, str],
) -> list[Arrest]:
    """The API's bulk import: records in the CSV's columns, the file's checks, all or none.

    Rows are numbered from 1 (`choices` too): a row whose arrestee may already be on record
    needs a person's public id or "new", as the file's preview asks.
    """
    if operation is not None:
        access.require(actor, access.Action.VIEW, operation)
    arresting_agency_check(actor=actor, operation=operation, arresting_agency=arresting_agency)
    if len(records) > MAX_ROWS:
        raise ValidationError({"rows": f"{len(records)} rows; at most {MAX_ROWS} at once."})
    rows = _checked_rows(
        actor=actor, raws=records, operation=operation, arresting_agency=arresting_agency,
        first_line=1,
    )  # fmt: skip
    arrests = _save_rows(
        actor=actor, rows=rows, choices=choices, operation=operation,
        arresting_agency=arresting_agency, label="Row",
    )  # fmt: skip
    audit.record(
        actor, "arrest.imported", operation, changes={"source": "api", "rows": len(arrests)}
    )
    return arrests


@transaction.atomic
def arrest_import_discard(*, actor: User, staged: ArrestImport) -> None:
    staged_import_delete(staged)


def arresting_agency_default(actor: User) -> Agency | None:
    membership = access.acting_membership(actor)
    if membership and membership.agency.kind == AgencyKind.LAW_ENFORCEMENT:
        return membership.agency
    return None
