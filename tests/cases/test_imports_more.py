"""Spreadsheet imports of cases, victims and Safe Harbor referrals (issue #19 §5): CSV or XLSX,
the arrest import's preview, all rows or none, a problem named by line and column."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from cases.models import Case, CaseStatus, Charge, SpreadsheetImport
from cases.services import case_imports
from cases.services.spreadsheets import spreadsheet_confirm, spreadsheet_rows, spreadsheet_stage
from referrals import imports as referral_imports
from referrals.models import Referral, ReferralStatus
from taskforce import access
from taskforce.models import AgencyKind, AuditEvent, Role
from tests.factories import AgencyFactory, member, verified_login
from victims import imports as victim_imports
from victims.models import Victim

pytestmark = pytest.mark.django_db

CASES_CSV = (
    "case_number,last_name,first_name,date_of_birth,statute,filed_on,count,case_kind,county\n"
    "26-CR-0142,Doe,John,1980-01-02,609.324 subd. 1(b),2026-03-02,1,buyer,Washington\n"
    "26-CR-0142,Doe,John,1980-01-02,609.352 subd. 2a,2026-03-02,2,buyer,Washington\n"
    "26-CR-0143,Roe,Rick,,609.324 subd. 1(b),2026-03-03,,buyer,Washington\n"
)


def xlsx(text: str) -> bytes:
    """The CSV text as the first sheet of a workbook; date cells where a column holds dates."""
    book = Workbook()
    sheet = book.active
    for line in text.strip().splitlines():
        cells = []
        for value in line.split(","):
            try:
                cells.append(dt.date.fromisoformat(value))
            except ValueError:
                cells.append(value or None)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def stage_and_confirm(actor, kind, data: bytes, name: str):
    staged = spreadsheet_stage(actor=actor, kind=kind, data=data, file_name=name)
    return spreadsheet_confirm(actor=actor, kind=kind, staged=staged, choices={})


@pytest.mark.parametrize("as_xlsx", [False, True], ids=["csv", "xlsx"])
def test_prosecutor_imports_cases_with_defendants_and_counts(wash_prosecutor, as_xlsx):
    data = xlsx(CASES_CSV) if as_xlsx else CASES_CSV.encode()
    name = "cases.xlsx" if as_xlsx else "cases.csv"
    cases = stage_and_confirm(wash_prosecutor, case_imports.KIND, data, name)
    assert [case.number for case in cases] == ["26-CR-0142", "26-CR-0143"]
    first = Case.objects.get(number="26-CR-0142")
    assert first.owner_agency == wash_prosecutor.membership.agency
    assert first.status == CaseStatus.CHARGED
    assert first.defendants.count() == 1
    assert list(
        Charge.objects.filter(case=first)
        .order_by("count_number")
        .values_list("count_number", "statute__citation", "filed_on")
    ) == [
        (1, "609.324 subd. 1(b)", dt.date(2026, 3, 2)),
        (2, "609.352 subd. 2a", dt.date(2026, 3, 2)),
    ]
    assert AuditEvent.objects.filter(action="cases.imported").count() == 1
    assert AuditEvent.objects.filter(action="case.created").count() == 2
    assert not SpreadsheetImport.objects.exists()
    # The reports' columns, refreshed once for the whole file, are what each change would leave.
    assert (first.charged_on, first.outcome) == (dt.date(2026, 3, 2), "pending")
    assert set(
        Charge.objects.filter(case=first).values_list("defendant_charged_on", flat=True)
    ) == {dt.date(2026, 3, 2)}


def test_a_bad_row_saves_nothing_and_names_line_and_column(wash_prosecutor):
    bad = CASES_CSV + "26-CR-0144,Poe,Pat,1990-13-40,609.324 subd. 1(b),2026-03-03,,,Nowhere\n"
    staged = spreadsheet_stage(
        actor=wash_prosecutor, kind=case_imports.KIND, data=bad.encode(), file_name="c.csv"
    )
    rows = spreadsheet_rows(actor=wash_prosecutor, kind=case_imports.KIND, staged=staged)
    assert rows[3].line == 5
    assert "date_of_birth: '1990-13-40' is not a date like 2024-05-17" in rows[3].errors
    assert "county: 'Nowhere' is not a county we know" in rows[3].errors
    with pytest.raises(ValidationError) as refused:
        spreadsheet_confirm(
            actor=wash_prosecutor, kind=case_imports.KIND, staged=staged, choices={}
        )
    assert "Line 5: date_of_birth" in str(refused.value)
    assert not Case.objects.exists()


def test_counts_out_of_order_and_a_known_case_number_are_refused(wash_prosecutor):
    stage_and_confirm(wash_prosecutor, case_imports.KIND, CASES_CSV.encode(), "c.csv")
    again = CASES_CSV.replace(",2,buyer", ",3,buyer")
    staged = spreadsheet_stage(
        actor=wash_prosecutor, kind=case_imports.KIND, data=again.encode(), file_name="c.csv"
    )
    rows = spreadsheet_rows(actor=wash_prosecutor, kind=case_imports.KIND, staged=staged)
    assert any(e.startswith("count: 3 should be 2") for e in rows[1].errors)
    assert any(e.startswith("case_number: your agency already has") for e in rows[0].errors)


# Two defendants in one case, counts of every level (felony, gross misdemeanor, misdemeanor)
# numbered per defendant, a juvenile case, and a defendant without counts (left in intake).
EQUIVALENT_CSV = (
    "case_number,last_name,first_name,date_of_birth,statute,filed_on,case_kind,county,"
    "court_file_number,juvenile\n"
    "26-CR-0201,Ames,Al,1980-01-02,609.324 subd. 1(b),2026-03-02,buyer,Washington,82-CR-1,no\n"
    "26-CR-0201,Ames,Al,1980-01-02,609.324 subd. 2,2026-03-03,buyer,Washington,82-CR-1,no\n"
    "26-CR-0201,Bond,Bo,1975-05-06,609.324 subd. 3,2026-03-04,buyer,Washington,82-CR-1,no\n"
    "26-CR-0201,Ames,Al,1980-01-02,609.3243,2026-03-05,buyer,Washington,82-CR-1,no\n"
    "26-CR-0202,Cole,Cy,1990-07-08,609.322 subd. 1a,2026-02-27,trafficking,,,yes\n"
    "26-CR-0203,Dunn,Di,1985-09-10,,,other,Washington,,no\n"
)


def test_a_bulk_imported_case_is_what_the_case_and_charge_services_leave(wash_prosecutor):
    """cases_opened_before (the cases import) writes, in bulk, what case_create,
    case_defendant_add and charging_decide leave one case at a time: the case, its status
    steps, defendants, charging decision, counts, report columns, deadlines and reminders (none
    either way: only a hand-off schedules a charging deadline) and audit rows."""
    import time_machine
    from django.contrib.contenttypes.models import ContentType

    from cases.models import CaseDefendant, Decision, Statute
    from cases.services.cases import case_create, case_defendant_add
    from cases.services.charges import ChargeInput, charging_decide
    from cases.services.people import PersonData, person_create
    from taskforce.models import County, Deadline, Reminder

    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 4, 1, 12, 0)), tick=False):
        imported = stage_and_confirm(
            wash_prosecutor, case_imports.KIND, EQUIVALENT_CSV.encode(), "cases.csv"
        )
        one_by_one = []
        for line in EQUIVALENT_CSV.splitlines()[1:]:
            number, last, first, born, statute, filed_on, kind, county, court_file, juvenile = (
                line.split(",")
            )
            number = f"X{number}"
            if not one_by_one or one_by_one[-1][0].number != number:
                case = case_create(
                    actor=wash_prosecutor, number=number, kind=kind,
                    county=County.objects.filter(name=county).first(),
                    court_file_number=court_file, is_juvenile=juvenile == "yes",
                )  # fmt: skip
                one_by_one.append((case, {}, []))
            case, people, charges = one_by_one[-1]
            if (last, first) not in people:
                people[(last, first)] = person_create(actor=wash_prosecutor, data=PersonData(
                    first_name=first, last_name=f"{last}x",
                    date_of_birth=dt.date.fromisoformat(born)))  # fmt: skip
            person = people[(last, first)]
            case_defendant_add(case=case, person=person)
            if statute:
                charges.append(ChargeInput(person, Statute.objects.get(citation=statute),
                                           dt.date.fromisoformat(filed_on)))  # fmt: skip
        for case, _, charges in one_by_one:
            if charges:
                charging_decide(actor=wash_prosecutor, case=case, decision=Decision.CHARGE,
                                charges=charges)  # fmt: skip

    case_type = ContentType.objects.get_for_model(Case)

    def left(case):
        case = Case.objects.get(pk=case.pk)
        people = list(
            CaseDefendant.objects.filter(case=case).order_by("id").values_list("person", flat=True)
        )
        number = case.number.removeprefix("X")
        trail = [
            (e.action, e.actor_id, e.actor_agency_id, e.target_agency_id, e.reason,
             {k: ([None, number] if k == "number" else v) for k, v in e.changes.items()})
            for e in AuditEvent.objects.filter(target_type=case_type, target_id=case.pk)
            .order_by("id")
        ]  # fmt: skip
        deadlines = Deadline.objects.filter(content_type=case_type, object_id=case.pk)
        return {
            "case": (
                case.owner_agency_id,
                case.kind,
                case.county_id,
                case.court_file_number,
                case.is_juvenile,
                case.title,
                case.status,
                case.assigned_prosecutor_id,
                case.lead_investigator_id,
                case.version,
                case.created_by_id,
                case.updated_by_id,
                case.charged_on,
                case.outcome,
                case.first_arrested_at,
                case.sealed_at,
            ),
            "steps": list(
                case.status_changes.order_by("id").values_list(
                    "from_status", "to_status", "by", "reason"
                )
            ),
            "defendants": len(people),
            "decisions": list(
                case.decisions.values_list("decision", "reason", "referred_to", "decided_by")
            ),
            "counts": [
                (
                    people.index(c.defendant_id),
                    c.count_number,
                    c.statute.citation,
                    c.level,
                    c.filed_on,
                    c.status,
                    c.disposition,
                    c.defendant_charged_on,
                    c.case_arrested_on,
                    c.created_by_id,
                )
                for c in case.charges.order_by("id")
            ],
            "deadlines": list(deadlines.values_list("rule", "status", "due_at")),
            "reminders": Reminder.objects.filter(deadline__in=deadlines).count(),
            "trail": trail,
        }

    assert [left(case) for case in imported] == [left(case) for case, _, _ in one_by_one]
    # What the comparison covers: every level, counts numbered per defendant, an intake case.
    counts = left(imported[0])["counts"]
    assert {count[3] for count in counts} == {"felony", "gross_misdemeanor", "misdemeanor"}
    assert [count[:2] for count in counts] == [(0, 1), (0, 2), (1, 1), (0, 3)]
    assert [c.status for c in imported] == [CaseStatus.CHARGED, CaseStatus.CHARGED, "intake"]


def test_files_that_are_not_csv_or_xlsx_or_too_long_are_refused(wash_prosecutor):
    kind = case_imports.KIND
    for data, name, words in [
        (b"\xd0\xcf\x11\xe0", "old.xls", "save it as .xlsx"),
        (b"%PDF-1.4", "cases.pdf", "Upload a CSV"),
        (b"case_number,last_name\n", "c.csv", "header row is not right"),
        (
            (CASES_CSV.splitlines()[0] + "\n" + (CASES_CSV.splitlines()[1] + "\n") * 5001).encode(),
            "c.csv",
            "at most 5000",
        ),
    ]:
        with pytest.raises(ValidationError) as refused:
            spreadsheet_stage(actor=wash_prosecutor, kind=kind, data=data, file_name=name)
        assert words in str(refused.value)
    assert not SpreadsheetImport.objects.exists()


def test_upload_preview_confirm_and_a_second_confirm_saves_nothing_more(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    template = client.get(reverse("cases:cases_import_template"))
    assert template.content.decode().startswith("case_number,last_name,first_name")
    response = client.post(
        reverse("cases:cases_import"),
        {"file": SimpleUploadedFile("cases.csv", CASES_CSV.encode(), content_type="text/csv")},
    )
    preview = response["Location"]
    page = client.get(preview)
    assert page.status_code == 200 and b"26-CR-0143" in page.content
    assert client.post(preview, {"confirm": "1"}).status_code == 302
    assert client.post(preview, {"confirm": "1"}).status_code == 302
    assert Case.objects.count() == 2


def test_another_agencys_user_gets_404_on_a_staged_file(client, wash_prosecutor, ramsey_prosecutor):
    staged = spreadsheet_stage(
        actor=wash_prosecutor, kind=case_imports.KIND, data=CASES_CSV.encode(), file_name="c.csv"
    )
    verified_login(client, ramsey_prosecutor)
    url = reverse("cases:cases_import_preview", kwargs={"public_id": staged.public_id})
    assert client.get(url).status_code == 404
    assert client.post(url, {"discard": "1"}).status_code in {302, 404}
    assert SpreadsheetImport.objects.filter(pk=staged.pk).exists()
    assert client.post(url, {"confirm": "1"}).status_code in {302, 404}
    assert not Case.objects.exists()


VICTIMS_CSV = (
    "last_name,first_name,date_of_birth,identified_how,identified_on,guardian_note,phone\n"
    "Quackenbush,Zebulon,2010-04-01,hotel,2026-02-10,Lives with grandmother,651-555-0100\n"
    "Pond,Amy,1999-07-07,self,2026-02-11,,\n"
)


@pytest.mark.parametrize("as_xlsx", [False, True], ids=["csv", "xlsx"])
def test_advocate_imports_victims_encrypted_and_audited(advocate, as_xlsx):
    data = xlsx(VICTIMS_CSV) if as_xlsx else VICTIMS_CSV.encode()
    victims = stage_and_confirm(
        advocate, victim_imports.KIND, data, "v.xlsx" if as_xlsx else "v.csv"
    )
    assert len(victims) == 2
    victim = Victim.objects.get(pk=victims[0].pk)
    assert victim.owner_agency == advocate.membership.agency
    assert victim.identified_on == dt.date(2026, 2, 10)
    assert victim.phone == "651-555-0100"
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, guardian_note FROM victims_victim")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert "651-555-0100" not in stored and "grandmother" not in stored
    assert AuditEvent.objects.filter(action="victim.created").count() == 2
    assert AuditEvent.objects.filter(action="victims.imported").count() == 1
    assert "Quackenbush" not in str(list(AuditEvent.objects.values("target_label", "changes")))


def test_a_minor_without_guardian_note_stops_the_victim_import(advocate):
    bad = VICTIMS_CSV.replace("Lives with grandmother", "")
    with pytest.raises(ValidationError) as refused:
        stage_and_confirm(advocate, victim_imports.KIND, bad.encode(), "v.csv")
    assert "Line 2: guardian_note: is empty" in str(refused.value)
    assert not Victim.objects.exists()


def test_a_prosecutor_may_not_import_victims(client, wash_prosecutor, advocate):
    with pytest.raises(access.Forbidden):
        spreadsheet_stage(
            actor=wash_prosecutor, kind=victim_imports.KIND, data=VICTIMS_CSV.encode(),
            file_name="v.csv",
        )  # fmt: skip
    staged = spreadsheet_stage(
        actor=advocate, kind=victim_imports.KIND, data=VICTIMS_CSV.encode(), file_name="v.csv"
    )
    verified_login(client, wash_prosecutor)
    url = reverse("victims:victims_import_preview", kwargs={"public_id": staged.public_id})
    assert client.get(url).status_code == 404
    # A victims file is not reachable as another kind's file either.
    other = reverse("cases:cases_import_preview", kwargs={"public_id": staged.public_id})
    verified_login(client, advocate)
    assert client.get(other).status_code == 404
    assert client.get(url).status_code == 200


REFERRALS_CSV = (
    "last_name,first_name,date_of_birth,received_on,source,reason,status,closure_reason\n"
    "Quackenbush,Zebulon,2010-04-01,2025-11-03,school,Disclosed to a counselor,engaged,\n"
    "Pond,Amy,2009-07-07,2025-10-01,police,Recovered in a sting,closed,goals_met\n"
)


@pytest.mark.parametrize("as_xlsx", [False, True], ids=["csv", "xlsx"])
def test_advocate_imports_historic_referrals_with_their_status(advocate, as_xlsx):
    data = xlsx(REFERRALS_CSV) if as_xlsx else REFERRALS_CSV.encode()
    referrals = stage_and_confirm(
        advocate, referral_imports.KIND, data, "r.xlsx" if as_xlsx else "r.csv"
    )
    engaged, closed = (Referral.objects.get(pk=r.pk) for r in referrals)
    assert engaged.owner_agency == advocate.membership.agency
    assert engaged.status == ReferralStatus.ENGAGED
    assert timezone.localdate(engaged.created_at) == dt.date(2025, 11, 3)
    assert closed.status == ReferralStatus.CLOSED and closed.closure_reason == "goals_met"
    assert AuditEvent.objects.filter(action="referral.created").count() == 2
    assert AuditEvent.objects.filter(action="referral.status").count() == 2
    assert AuditEvent.objects.filter(action="referrals.imported").count() == 1


@pytest.mark.parametrize("status", ["sent", "received", "accepted", "declined", "engaged",
                                    "closed"])  # fmt: skip
def test_a_bulk_imported_referral_is_what_the_status_steps_leave(advocate, status):
    """referrals_received_before writes, in bulk, what referral_send and the status steps (and
    the import's waiver of a first contact made before) leave, one referral at a time."""
    from cases.services.people import PersonData, person_create
    from deadlines.services import deadline_close
    from referrals.services import (
        STEPS_TO,
        referral_send,
        referral_transition,
        referrals_received_before,
    )
    from taskforce.models import Deadline, DeadlineStatus

    sent_at = timezone.make_aware(dt.datetime(2025, 11, 3, 9, 0))
    item = {"source": "school", "reason": "Disclosed", "urgency": "routine", "region": None,
            "status": status, "decline_reason": "No capacity", "closure_reason": "goals_met",
            "sent_at": sent_at}  # fmt: skip

    def person(n):
        return person_create(actor=advocate, data=PersonData(first_name="Ann", last_name=f"Lee{n}"))

    one = referral_send(actor=advocate, person=person(1), to_agency=advocate.membership.agency,
                        source="school", reason="Disclosed", sent_at=sent_at)  # fmt: skip
    for step in STEPS_TO[status]:
        one = referral_transition(actor=advocate, referral=one, to_status=step,
                                  reason="No capacity" if step == "declined" else "",
                                  closure_reason="goals_met")  # fmt: skip
    if status in {"accepted", "engaged"}:
        deadline_close(
            actor=advocate,
            obj=one,
            rule="first_contact",
            status=DeadlineStatus.WAIVED,
            reason="Imported: contacted before",
        )
    [bulk] = referrals_received_before(actor=advocate, items=[{**item, "person": person(2)}])

    def left(referral):
        referral = Referral.objects.get(pk=referral.pk)
        steps = [(c.from_status, c.to_status, c.reason)
                 for c in referral.status_changes.order_by("id")]  # fmt: skip
        [deadline] = Deadline.objects.filter(object_id=referral.pk, rule="first_contact",
                                             content_type__model="referral")  # fmt: skip
        pending = deadline.reminders.filter(status="pending").count()
        return (referral.status, referral.decline_reason, referral.closure_reason,
                referral.created_at, steps, deadline.status, deadline.due_at,
                deadline.waiver_reason, pending)  # fmt: skip

    assert left(bulk) == left(one)


def test_a_closed_referral_without_reason_stops_the_referral_import(advocate, wash_prosecutor):
    bad = REFERRALS_CSV.replace("goals_met", "")
    with pytest.raises(ValidationError) as refused:
        stage_and_confirm(advocate, referral_imports.KIND, bad.encode(), "r.csv")
    assert "Line 3: closure_reason: is empty" in str(refused.value)
    assert not Referral.objects.exists()
    with pytest.raises(access.Forbidden):
        stage_and_confirm(wash_prosecutor, referral_imports.KIND, REFERRALS_CSV.encode(), "r.csv")


def test_another_agencys_advocate_gets_404_on_a_staged_referral_file(client, advocate):
    other = member(
        AgencyFactory(name="Other shelter", kind=AgencyKind.VICTIM_SERVICES), Role.ADVOCATE,
        username="other_advocate",
    )  # fmt: skip
    staged = spreadsheet_stage(
        actor=advocate, kind=referral_imports.KIND, data=REFERRALS_CSV.encode(), file_name="r.csv"
    )
    verified_login(client, other)
    url = reverse("referrals:referrals_import_preview", kwargs={"public_id": staged.public_id})
    assert client.get(url).status_code == 404
    client.post(url, {"confirm": "1"})
    client.post(url, {"discard": "1"})
    assert SpreadsheetImport.objects.filter(pk=staged.pk).exists()
    assert not Referral.objects.exists()


def test_people_created_in_bulk_are_found_like_any_other(sheriff_liaison):
    """person_create_many writes what person_create would: lookup keys, identifiers (once
    each), and an audit row per person."""
    from cases.models import Person
    from cases.selectors.people import people_matching
    from cases.services.people import PersonData, person_create_many
    from taskforce.models import AuditEvent

    made = person_create_many(actor=sheriff_liaison, data=[
        PersonData(first_name="Ana", last_name="Lund", date_of_birth=dt.date(1990, 1, 2),
                   identifiers=(("phone", "651-555-0101"), ("phone", "(651) 555 0101"))),
        PersonData(first_name="Bo", last_name="Ek"),
    ])  # fmt: skip
    assert [p.pk for p in made] == list(Person.objects.order_by("pk").values_list("pk", flat=True))
    assert list(people_matching(actor=sheriff_liaison, text="lund ana")) == [made[0]]
    assert list(people_matching(actor=sheriff_liaison, text="6515550101")) == [made[0]]
    assert made[0].identifiers.count() == 1
    created = AuditEvent.objects.filter(action="person.created", actor=sheriff_liaison)
    assert sorted(created.values_list("target_id", flat=True)) == sorted(p.pk for p in made)
    assert "Lund" not in str(list(created.values_list("changes", "target_label")))
