"""The cases a prosecution office already keeps in a spreadsheet, imported: one row per count
(or per defendant without counts), grouped into cases by case number, saved in bulk as the case
and charge services would leave them (cases_opened_before: audit, status steps, counts,
permissions as on the case pages)."""

from __future__ import annotations

from cases.models import Case, CaseDefendant, CaseKind, Charge
from cases.services.charges import CaseOpenedBefore, ChargeInput, cases_opened_before
from cases.services.outcomes import outcomes_deferred
from cases.services.spreadsheets import PERSON_COLUMNS, Cells, Column, ImportKind, SheetRow
from taskforce import access
from taskforce.models import User

# Repeated on each row of a case; every row of one case number must say the same.
CASE_FIELDS = ("kind", "county", "court_file_number", "is_juvenile")

COLUMNS = (
    Column("case_number", True, "Your office's case number; rows with the same number make one "
           "case. A number your agency already has is refused.", "26-CR-0142"),
    *PERSON_COLUMNS,
    Column("statute", False, "The count's statute by citation, as in the statutes table; empty "
           "for a defendant without counts yet (the case stays in intake).", "609.324 subd. 1(a)"),
    Column("filed_on", False, "Date the count was filed; required with a statute.", "2026-03-02"),
    Column("count", False, "Optional check: counts number 1, 2, … per defendant in the order of "
           "the file.", "1"),
    Column("case_kind", False, "buyer, trafficking, solicitation_minor, labor_trafficking or "
           "other (the default).", "buyer"),
    Column("county", False, "County name, e.g. Washington.", "Washington"),
    Column("court_file_number", False, "The district court's file number.", "82-CR-26-1234"),
    Column("juvenile", False, "yes when a victim is under 18.", "no"),
)  # fmt: skip


def _parse(cells: Cells) -> dict:
    values = {
        "number": cells.text("case_number", required=True, max_length=40),
        "statute": cells.statute(),
        "filed_on": cells.date("filed_on"),
        "count": cells.number("count"),
        "kind": cells.choice("case_kind", CaseKind.choices, default=CaseKind.OTHER),
        "county": cells.county(),
        "court_file_number": cells.text("court_file_number", max_length=40),
        "is_juvenile": bool(cells.flag("juvenile")),
    }
    if cells.text("statute") and not cells.text("filed_on"):
        cells.problem("filed_on", "is empty; a count needs the date it was filed")
    if cells.text("filed_on") and not cells.text("statute"):
        cells.problem("statute", "is empty; a filing date needs the count's statute")
    return values


def _check(*, actor: User, rows: list[SheetRow]) -> None:
    """Rows of one case agree on the case; a case number is new to the agency; counts follow
    the file's order per defendant."""
    first: dict[str, SheetRow] = {}
    counts: dict[tuple, int] = {}
    for row in rows:
        number = row.values["number"]
        if not number:
            continue
        earlier = first.setdefault(number.lower(), row)
        if earlier is not row:
            for name in CASE_FIELDS:
                if row.values[name] != earlier.values[name]:
                    column = {"kind": "case_kind", "is_juvenile": "juvenile"}.get(name, name)
                    row.errors.append(
                        f"{column}: differs from line {earlier.line} of the same case number"
                    )
        if row.values["statute"] is not None:
            key = (number.lower(), row.person_key)
            counts[key] = counts.get(key, 0) + 1
            given = row.values["count"]
            if given is not None and given != counts[key]:
                row.errors.append(
                    f"count: {given} should be {counts[key]} (counts number 1, 2, … per "
                    "defendant in the order of the file)"
                )
    agency = access.acting_membership(actor).agency
    taken = {
        number.lower()
        for number in Case.objects.filter(
            owner_agency=agency, number__in=[row.values["number"] for row in first.values()]
        ).values_list("number", flat=True)
    }
    for row in rows:
        if row.values["number"].lower() in taken:
            row.errors.append(
                f"case_number: your agency already has case {row.values['number']}; add its "
                "counts on the case's page"
            )


def _save(*, actor: User, rows: list[SheetRow]) -> list[Case]:
    with outcomes_deferred():  # the report columns of all the file's cases, refreshed once
        return _save_cases(actor=actor, rows=rows)


def _save_cases(*, actor: User, rows: list[SheetRow]) -> list[Case]:
    by_number: dict[str, list[SheetRow]] = {}
    for row in rows:
        by_number.setdefault(row.values["number"].lower(), []).append(row)
    cases = []
    for group in by_number.values():
        head = group[0].values
        cases.append(CaseOpenedBefore(
            fields={"number": head["number"], **{name: head[name] for name in CASE_FIELDS}},
            defendants=[row.person for row in group],
            charges=[ChargeInput(row.person, row.values["statute"], row.values["filed_on"])
                     for row in group if row.values["statute"] is not None],
        ))  # fmt: skip
    return cases_opened_before(actor=actor, cases=cases)


KIND = ImportKind(
    slug="cases",
    noun="case rows",
    columns=COLUMNS,
    may_import=lambda actor: access.may_create(actor, Case),
    parse=_parse,
    check=_check,
    save=_save,
    shown=("case_number", "statute", "filed_on", "case_kind"),
    also_loads=(CaseDefendant, Charge),
)
