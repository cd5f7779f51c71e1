"""Spreadsheet import of whole records (cases, victims, Safe Harbor referrals) from CSV or XLSX:
the arrest import's flow (stage encrypted → preview every row checked → save all or none) with
the columns, the row parser and the saver of each kind in one `ImportKind`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Person, PersonIdentifier, Sex, SpreadsheetImport, Statute
from cases.selectors.people import Lookup, likely_duplicates_many
from cases.services.imports import (
    DATE_FORMATS,
    MAX_ROWS,
    _check_header,
    _choice,
    decode_utf8,
    person_choice,
    staged_import_delete,
    staged_import_get,
    staged_import_lock,
)
from cases.services.people import PersonData, person_create_many
from taskforce import access, audit
from taskforce.history import written_in_bulk
from taskforce.models import County, User
from taskforce.records import analyze

# Larger than the arrest import's 2 MB: a task force's spreadsheet of 5,000 rows with notes.
MAX_BYTES = 5 * 1024 * 1024
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0"}


@dataclass(frozen=True)
class Column:
    """One column of a kind's file: its header, whether a row must fill it, what it takes."""

    name: str
    required: bool = False
    note: str = ""
    example: str = ""


class Cells:
    """One row's cells, read by column name; each problem is kept, naming its column."""

    def __init__(self, raw: dict[str, str], cache: dict) -> None:
        self.raw = raw
        self.errors: list[str] = []
        self._cache = cache

    def cached(self, name: str, load: Callable[[], dict]) -> dict:
        """A lookup table loaded once per file (counties, statutes, regions)."""
        if name not in self._cache:
            self._cache[name] = load()
        return self._cache[name]

    def problem(self, column: str, message: str) -> None:
        self.errors.append(f"{column}: {message}")

    def text(self, name: str, *, required: bool = False, max_length: int = 0) -> str:
        value = (self.raw.get(name) or "").strip()
        if required and not value:
            self.problem(name, "is empty")
        if max_length and len(value) > max_length:
            self.problem(name, f"is longer than {max_length} characters")
            return value[:max_length]
        return value

    def date(self, name: str, *, required: bool = False, not_future: bool = True) -> date | None:
        value = self.text(name, required=required)
        if not value:
            return None
        for pattern in DATE_FORMATS:
            try:
                day = datetime.strptime(value, pattern).date()
            except ValueError:
                continue
            if not_future and day > timezone.localdate():
                self.problem(name, f"'{value}' is in the future")
            return day
        self.problem(name, f"'{value}' is not a date like 2024-05-17")
        return None

    def choice(self, name: str, choices, *, default: str = "", required: bool = False) -> str:
        value = self.text(name, required=required)
        if not value:
            return default
        try:
            return _choice(value, choices, name)
        except ValueError:
            allowed = ", ".join(key for key, _ in choices if key)
            self.problem(name, f"'{value}' is not one of: {allowed}")
            return default

    def flag(self, name: str) -> bool | None:
        value = self.text(name).lower()
        if not value:
            return None
        if value in YES or value in NO:
            return value in YES
        self.problem(name, f"'{value}' is not yes or no")
        return None

    def number(self, name: str) -> int | None:
        value = self.text(name)
        if not value:
            return None
        if not value.isdigit():
            self.problem(name, f"'{value}' is not a whole number")
            return None
        return int(value)

    def county(self, name: str = "county") -> County | None:
        value = self.text(name)
        counties = self.cached(
            "counties", lambda: {c.name.lower(): c for c in County.objects.all()}
        )
        if value and value.lower().removesuffix(" county") not in counties:
            self.problem(name, f"'{value}' is not a county we know")
        return counties.get(value.lower().removesuffix(" county")) if value else None

    def statute(self, name: str = "statute") -> Statute | None:
        value = self.text(name)
        statutes = self.cached(
            "statutes",
            lambda: {s.citation.lower(): s for s in Statute.objects.filter(is_active=True)},
        )
        if value and value.lower() not in statutes:
            self.problem(name, f"'{value}' is not in the statutes table")
        return statutes.get(value.lower()) if value else None

    def person(self) -> PersonData:
        """The person a row names, from the columns every kind has."""
        return PersonData(
            last_name=self.text("last_name", required=True, max_length=100),
            first_name=self.text("first_name", required=True, max_length=100),
            middle_name=self.text("middle_name", max_length=100),
            date_of_birth=self.date("date_of_birth"),
            sex=self.choice("sex", Sex.choices, default=Sex.UNKNOWN),
        )


PERSON_COLUMNS = (
    Column("last_name", True, "Surname.", "Doe"),
    Column("first_name", True, "Given name.", "Jamie"),
    Column("middle_name", False, "", ""),
    Column("date_of_birth", False, "Date, e.g. 2008-05-17 (or 05/17/2008, or a date cell).",
           "2008-05-17"),
    Column("sex", False, "female, male, nonbinary or unknown (the default).", "female"),
)  # fmt: skip


@dataclass
class SheetRow:
    """One line of a file: its cells, what they parse to, problems, whom it names."""

    line: int
    raw: dict[str, str]
    values: dict
    errors: list[str]
    person_data: PersonData
    matches: list[Person] = field(default_factory=list)
    same_as: int = 0  # an earlier line naming the same person: that line's choice holds
    chosen: str = ""
    person: Person | None = None  # once saved
    shown: list[str] = field(default_factory=list)  # the cells the preview shows

    @property
    def is_ok(self) -> bool:
        return not self.errors

    @property
    def person_key(self) -> tuple:
        data = self.person_data
        return (data.last_name.lower(), data.first_name.lower(), data.date_of_birth)


@dataclass(frozen=True)
class ImportKind:
    """What one kind of file holds and how its rows become records."""

    slug: str  # "cases", "victims", "referrals"; the staged file's kind
    noun: str  # what the rows are called on the pages
    columns: Sequence[Column]
    may_import: Callable[[User], bool]  # the same check as the kind's own page form
    parse: Callable[[Cells], dict]  # one row's values; problems go to the cells
    save: Callable[..., list]  # (actor=, rows=) with each row's person set → the records
    check: Callable[..., None] = lambda *, actor, rows: None  # across rows: adds row errors
    shown: Sequence[str] = ()  # columns the preview shows besides the person
    also_loads: Sequence[type] = ()  # other tables a file fills, ANALYZEd with the records'

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]


def may_create_in(actor: User, model, agency_kind: str) -> bool:
    """Whether the actor may create such records, as a member of this kind of agency."""
    membership = access.acting_membership(actor)
    return access.may_create(actor, model) and membership.agency.kind == agency_kind


def _require(actor: User, kind: ImportKind) -> None:
    if not kind.may_import(actor):
        raise access.Forbidden


def _cell_text(value) -> str:
    """An XLSX cell as the CSV would hold it: dates as dates, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d" if value.time() == dt.time() else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_text(data: bytes) -> str:
    """The first sheet as CSV text; blank rows skipped; more than MAX_ROWS refused."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ValidationError(
            {"file": "This Excel file cannot be read. Save it again as .xlsx or as CSV UTF-8."}
        ) from None
    out = io.StringIO()
    writer = csv.writer(out)
    rows = 0
    try:
        for cells in book.worksheets[0].iter_rows(values_only=True):
            line = [_cell_text(value) for value in cells]
            while line and not line[-1]:
                line.pop()
            if not line:
                continue
            rows += 1
            if rows > MAX_ROWS + 1:  # the header and MAX_ROWS rows
                too_many = f"The sheet has more than {MAX_ROWS} rows; split it into smaller files."
                raise ValidationError({"file": too_many})
            writer.writerow(line)
    finally:
        book.close()
    return out.getvalue()


def spreadsheet_text(data: bytes, file_name: str) -> str:
    """A CSV (UTF-8) or XLSX upload as CSV text; any other file is refused, saying why."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            {"file": "The file is larger than 5 MB; split it into smaller files."}
        )
    name = file_name.lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _xlsx_text(data)
    if name.endswith((".xls", ".ods", ".numbers")):
        raise ValidationError(
            {"file": "Only .xlsx Excel files and CSV files can be imported: save it as .xlsx."}
        )
    if not name.endswith((".csv", ".txt")):
        raise ValidationError({"file": "Upload a CSV (.csv, UTF-8) or an Excel (.xlsx) file."})
    return decode_utf8(data)


def _normalised_header(text: str) -> str:
    """The header row with names lower-cased and spaces as underscores ("Case Number")."""
    first, newline, rest = text.partition("\n")
    header = next(csv.reader([first]), [])
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(
        [name.strip().lower().replace(" ", "_") for name in header]
    )
    return out.getvalue() + newline + rest


@transaction.atomic
def spreadsheet_stage(
    *, actor: User, kind: ImportKind, data: bytes, file_name: str
) -> SpreadsheetImport:
    """Keep an uploaded file (encrypted) for its preview after checking its type, size, header
    and row count, and that the actor may create this kind of record."""
    _require(actor, kind)
    text = _normalised_header(spreadsheet_text(data, file_name))
    _check_header(text, kind.required, kind.names)
    count = sum(1 for _ in csv.DictReader(io.StringIO(text)))
    if not count:
        raise ValidationError({"file": f"The file has a header row but no {kind.noun}."})
    if count > MAX_ROWS:
        raise ValidationError(
            {"file": f"The file has {count} rows; at most {MAX_ROWS}. Split it into smaller files."}
        )
    return SpreadsheetImport.objects.create(
        kind=kind.slug, created_by=actor, file_name=file_name[:200], content=text, row_count=count
    )


def spreadsheet_get(*, actor: User, kind: ImportKind, public_id) -> SpreadsheetImport:
    return staged_import_get(SpreadsheetImport, actor=actor, public_id=public_id, kind=kind.slug)


def spreadsheet_rows(*, actor: User, kind: ImportKind, staged: SpreadsheetImport) -> list[SheetRow]:
    """Every row of the staged file, checked as it would be saved; the first row naming each
    person carries the people already on record who may be them."""
    cache: dict = {}
    rows = []
    for line, raw in enumerate(csv.DictReader(io.StringIO(staged.content)), start=2):
        raw = {(key or "").strip().lower(): value or "" for key, value in raw.items()}
        cells = Cells(raw, cache)
        person_data = cells.person()
        values = kind.parse(cells)
        shown = [raw.get(name, "") for name in kind.shown]
        rows.append(SheetRow(line, raw, values, cells.errors, person_data, shown=shown))
    kind.check(actor=actor, rows=rows)
    first: dict[tuple, SheetRow] = {}
    looked_up = []
    for row in rows:
        if row.errors:
            continue
        earlier = first.setdefault(row.person_key, row)
        if earlier is not row:
            row.same_as = earlier.line
            continue
        looked_up.append(row)
    lookups = [
        Lookup(row.person_data.first_name, row.person_data.last_name,
               row.person_data.date_of_birth)
        for row in looked_up
    ]  # fmt: skip
    found = likely_duplicates_many(actor=actor, lookups=lookups)
    for row, matches in zip(looked_up, found, strict=True):
        row.matches = matches
    return rows


def _people(*, actor: User, rows: list[SheetRow], choices: dict[int, str]) -> list[str]:
    """Each row's person: the one chosen on record, or one created once per person in the
    file; the problems that stop the import (bad rows, a choice missing)."""
    problems = [f"Line {row.line}: {'; '.join(row.errors)}" for row in rows if row.errors]
    chosen: dict[int, Person | None] = {}
    for row in rows:
        if row.is_ok and row.matches:
            chosen[row.line], problem = person_choice(row.line, row.matches, choices)
            if problem:
                problems.append(problem)
    if problems:
        return problems
    made: dict[tuple, Person] = {}
    new: dict[tuple, PersonData] = {}
    for row in rows:
        line = row.same_as or row.line
        if row.person_key in made or row.person_key in new:
            continue
        if chosen.get(line) is not None:
            made[row.person_key] = chosen[line]
        else:
            new[row.person_key] = row.person_data
    created = person_create_many(actor=actor, data=list(new.values()))
    made |= dict(zip(new, created, strict=True))
    for row in rows:
        row.person = made[row.person_key]
    return []


ANALYZE_AFTER_ROWS = 500


@transaction.atomic
def spreadsheet_confirm(
    *, actor: User, kind: ImportKind, staged: SpreadsheetImport, choices: dict[int, str]
) -> list:
    """Save every row or none; `choices` maps a line with possible matches to a person's public
    id or "new". The staged file is deleted with the save, so a second confirm saves nothing."""
    _require(actor, kind)
    staged = staged_import_lock(staged)
    rows = spreadsheet_rows(actor=actor, kind=kind, staged=staged)
    agency = access.acting_membership(actor).agency
    with written_in_bulk(user=actor.pk, agency=agency.pk, imported=kind.slug):
        problems = _people(actor=actor, rows=rows, choices=choices)
        if problems:
            raise ValidationError(problems)
        saved = kind.save(actor=actor, rows=rows)
    staged_import_delete(staged)
    if len(rows) >= ANALYZE_AFTER_ROWS and saved:
        # A large file can double a table: plan the next queries on fresh statistics, not
        # on estimates for the table as it was (bench/bench_imports.py).
        models = {Person, PersonIdentifier, type(saved[0]), *kind.also_loads}
        transaction.on_commit(lambda: analyze(*models))
    audit.record(
        actor,
        f"{kind.slug}.imported",
        changes={"rows": len(rows), "records": len(saved)},  # never the file's name
        target_agency=agency,
    )
    return saved


@transaction.atomic
def spreadsheet_discard(*, actor: User, staged: SpreadsheetImport) -> None:
    staged_import_delete(staged)


def spreadsheet_template(kind: ImportKind) -> str:
    """The kind's CSV template: its header row and one example row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(kind.names)
    writer.writerow([column.example for column in kind.columns])
    return out.getvalue()
