"""The victims a victim-service agency already keeps in a spreadsheet, imported one row per
person: each opened through victim_create (owned by the agency, audited, encrypted fields)."""

from __future__ import annotations

from cases.models import Person
from cases.services.spreadsheets import (
    PERSON_COLUMNS,
    Cells,
    Column,
    ImportKind,
    SheetRow,
    may_create_in,
)
from taskforce.models import AgencyKind, User
from victims.models import IdentifiedHow, Victim
from victims.services import victim_create_many

COLUMNS = (
    *PERSON_COLUMNS,
    Column("identified_how", True, "sting, tip, hotel, school, family, self, other_agency or "
           "other.", "hotel"),
    Column("identified_on", False, "Date the agency identified them (today if empty).",
           "2026-02-10"),
    Column("guardian_note", False, "For a minor, required: who has custody, any no-contact "
           "orders. Encrypted.", "Lives with grandmother"),
    Column("phone", False, "Encrypted.", "651-555-0100"),
    Column("address", False, "Where they are staying. Encrypted.", ""),
    Column("safety_concerns", False, "Encrypted.", ""),
    Column("language", False, "", "English"),
    Column("interpreter_needed", False, "yes or no.", "no"),
    Column("screening_tool", False, "e.g. MYTEI, TVIT.", ""),
    Column("screened_on", False, "Date.", ""),
    Column("screening_score", False, "", ""),
)  # fmt: skip


def _parse(cells: Cells) -> dict:
    values = {
        "identified_how": cells.choice("identified_how", IdentifiedHow.choices, required=True),
        "guardian_note": cells.text("guardian_note"),
        "phone": cells.text("phone", max_length=40),
        "address": cells.text("address", max_length=200),
        "safety_concerns": cells.text("safety_concerns"),
        "language": cells.text("language", max_length=60),
        "interpreter_needed": bool(cells.flag("interpreter_needed")),
        "screening_tool": cells.text("screening_tool", max_length=60),
        "screened_on": cells.date("screened_on"),
        "screening_score": cells.text("screening_score", max_length=40),
    }
    identified_on = cells.date("identified_on")
    if identified_on is not None:
        values["identified_on"] = identified_on
    return values


def _check(*, actor: User, rows: list[SheetRow]) -> None:
    """One row per person; a minor's row notes who has custody (as the victim page asks)."""
    first: dict[tuple, int] = {}
    for row in rows:
        if row.errors:
            continue
        line = first.setdefault(row.person_key, row.line)
        if line != row.line:
            row.errors.append(f"last_name: the same person as line {line}; one row per person")
        draft = Victim(person=_draft_person(row))
        if draft.is_juvenile and not row.values["guardian_note"]:
            row.errors.append("guardian_note: is empty; for a minor, note who has custody")


def _draft_person(row: SheetRow) -> Person:
    return Person(date_of_birth=row.person_data.date_of_birth)


def _save(*, actor: User, rows: list[SheetRow]) -> list[Victim]:
    return victim_create_many(actor=actor, records_of=[(row.person, row.values) for row in rows])


KIND = ImportKind(
    slug="victims",
    noun="victims",
    columns=COLUMNS,
    # As victim_create: an advocate or supervisor of a victim-service agency.
    may_import=lambda actor: may_create_in(actor, Victim, AgencyKind.VICTIM_SERVICES),
    parse=_parse,
    check=_check,
    save=_save,
    shown=("identified_how", "identified_on"),
)
