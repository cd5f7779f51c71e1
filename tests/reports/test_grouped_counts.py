"""Tables worked out from one GROUP BY over several tables' columns (issue #22) carry the count
and the cell key each table's own GROUP BY gives, so the coordinator's rounded and hidden
figures are those the tables showed when each was counted by itself (reports/disclosure.py)."""

import datetime as dt
import random

import pytest

from cases.models.people import Person, Sex
from referrals.models import ClosureReason, Referral, ReferralStatus, Region, SourceKind
from referrals.services import referral_send
from reports import disclosure, grant
from reports.figures import Scope, being_delivered, counts_table, victims_section
from reports.figures.victims import _status_shown
from reports.grant import grant_rows, served_in_fiscal_year, trafficking_type
from reports.tables import Table
from taskforce import access
from taskforce.models import Role
from tests.factories import member
from victims.models import Service, Victim

pytestmark = pytest.mark.django_db
FY2026_Q2 = Scope(dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def cells(table: Table) -> list[tuple[str, int, int]]:
    """Each cell's label, count and key (the total's too), before any rounding."""
    found = [(label, c.value, getattr(c.value, "key", 0)) for label, cs in table.body for c in cs]
    return found + [("Total", c.value, getattr(c.value, "key", 0)) for c in table.total_row]


def alone(rows, field: str, labels) -> Table:
    """A table of referrals counted by a GROUP BY of its own, as the victims page did before."""
    return counts_table(rows, field, labels, "Referrals", sensitive=True, key="alone",
                        title="alone", row_header="")  # fmt: skip


@pytest.fixture
def referred(advocacy_center, advocate):
    """60 referrals in two regions and none, of every source, some closed, one sealed."""
    north = Region.objects.create(name="North (test)", navigator=advocacy_center)
    south = Region.objects.create(name="South (test)", navigator=advocacy_center)
    draw = random.Random(22)  # noqa: S311 - a fixed draw of test data
    made = []
    for n in range(60):
        person = Person.objects.create(
            first_name="Youth", last_name=f"Referred{n}", owner_agency=advocacy_center,
            created_by=advocate, updated_by=advocate,
        )  # fmt: skip
        made.append(referral_send(
            actor=advocate, person=person, to_agency=advocacy_center,
            source=draw.choice(SourceKind.values), region=draw.choice([north, south, None]),
            reason="Asked for help.",
        ))  # fmt: skip
    for referral in made:
        status = draw.choice(ReferralStatus.values)
        reason = draw.choice(ClosureReason.values) if status == ReferralStatus.CLOSED else ""
        Referral.objects.filter(pk=referral.pk).update(status=status, closure_reason=reason)
    Referral.objects.filter(pk=made[0].pk).update(sealed_at=made[0].created_at)
    return made


def test_the_referral_tables_carry_the_counts_and_keys_each_tables_own_group_by_gives(
    referred, coordinator, advocacy_center
):
    today = referred[-1].created_at.date()
    scope = Scope(today - dt.timedelta(days=364), today)
    supervisor = member(advocacy_center, Role.SUPERVISOR, username="scv_supervisor_keys")
    for actor in (coordinator, supervisor):
        tables = {t.key: t for t in victims_section(actor, scope)["tables"]}
        rows = access.report_rows(actor, Referral).filter(scope.datetimes("created_at"))
        shown = rows.annotate(shown_status=_status_shown(actor))
        closed = shown.filter(shown_status=ReferralStatus.CLOSED)
        each_by_itself = {
            "referral-source": alone(rows, "source", SourceKind.choices),
            "referral-region": alone(rows, "region__name", []),
            "referral-status": alone(shown, "shown_status", ReferralStatus.choices),
            "referral-outcome": alone(closed, "closure_reason", ClosureReason.choices),
        }
        assert tables["referral-region"].total_row[0].value == 59  # the sealed one left out
        for key, by_itself in each_by_itself.items():
            assert sorted(cells(tables[key])) == sorted(cells(by_itself)), (actor, key)
            if actor == coordinator:
                shown_alone = sorted(disclosure.protect(by_itself).csv_rows()[1:])
                assert sorted(disclosure.protect(tables[key]).csv_rows()[1:]) == shown_alone


@pytest.fixture
def served(advocacy_center, advocate):
    """90 victims: served in the first quarter of FY2026 and again in the second (continuing),
    in the second only (new), or in the first only (not served in the second)."""
    draw = random.Random(21)  # noqa: S311 - a fixed draw of test data
    for n in range(90):
        person = Person.objects.create(
            first_name="Survivor", last_name=f"Served{n}", owner_agency=advocacy_center,
            sex=draw.choice(Sex.values), created_by=advocate, updated_by=advocate,
            date_of_birth=dt.date(draw.choice([1990, 2004, 2011, 2012]), 6, 1),
        )  # fmt: skip
        victim = Victim.objects.create(
            person=person, identified_on=dt.date(2025, 10, 2), identified_how="sting",
            owner_agency=advocacy_center, created_by=advocate, updated_by=advocate,
        )  # fmt: skip
        spans = [
            [(dt.date(2025, 10, 5), dt.date(2025, 11, 1)), (dt.date(2026, 2, 1), None)],
            [(dt.date(2026, 1, 10), dt.date(2026, 3, 1))],
            [(dt.date(2025, 11, 5), dt.date(2025, 12, 1))],
        ][n % 3]
        for started, ended in spans:
            Service.objects.create(
                victim=victim, kind="housing", status="delivering", started_on=started,
                ended_on=ended, recorded_by=advocate,
            )  # fmt: skip


def _measure_by_itself(actor, scope: Scope, continuing: bool) -> list[list[str]]:
    """One measure's rows as the export gave them before, from a GROUP BY of its own."""
    victims = access.report_rows(actor, Victim).filter(scope.where())
    chosen = served_in_fiscal_year(victims, scope).filter(continuing=continuing)
    chosen = chosen.annotate(trafficking=trafficking_type(access.report_q(actor, grant.CaseRecord,
                                                                          "case")))  # fmt: skip
    measure = "Victims served, continuing" if continuing else "Victims served, new"
    rows = []
    for field, labels, category in (
        ("trafficking", grant.TRAFFICKING_TYPES, "type of trafficking"),
        ("age_group", grant.AGE_GROUPS, "age group"),
        ("person__sex", grant.GENDERS, "gender"),
    ):
        table = counts_table(chosen, field, labels, "n", key=field, title=measure,
                             row_header=category, sensitive=True)  # fmt: skip
        wide = access.reports_task_force_wide(actor)
        rows += [r.as_list() for r in grant._shown_rows("Victims", table, wide, f"{category}: ")]
    return rows


def test_new_and_continuing_victims_from_one_group_by_show_what_each_measure_showed_by_itself(
    served, coordinator, advocacy_center
):
    supervisor = member(advocacy_center, Role.SUPERVISOR, username="scv_supervisor_grant")
    for actor in (coordinator, supervisor):
        exported = [r.as_list() for r in grant_rows(actor, FY2026_Q2) if r.section == "Victims"]
        alone = _measure_by_itself(actor, FY2026_Q2, False)
        alone += _measure_by_itself(actor, FY2026_Q2, True)
        assert exported == alone, actor
        values = {(r[1], r[2]): r[3] for r in exported}
        if actor == supervisor:  # exact: 30 new, 30 continuing, the first quarter's 30 neither
            assert values[("Victims served, new", "age group: total")] == "30"
            assert values[("Victims served, continuing", "age group: total")] == "30"
        else:  # rounded by their own keys: within 4 of the counts
            new = int(values[("Victims served, new", "age group: total")])
            assert abs(new - 30) <= 4 and new % 5 == 0


def test_the_type_of_trafficking_and_service_days_are_what_each_victims_cases_and_services_say(
    coordinator, advocacy_center, advocate, wash_prosecutor
):
    """Each victim's type of trafficking from the cases naming them that the viewer counts
    (labor alone, labor and another kind, another kind, none, a labor case sealed), and a
    victim served exactly when a delivering or completed service of theirs overlaps the period
    by a day or more (issue #22: the labor victim's other cases are looked up one by one, and
    a service's days read as one range of its last day)."""
    from cases.models import CaseVictim
    from cases.services.cases import case_create
    from taskforce.sealing import record_seal
    from tests.factories import UserFactory

    labor = case_create(actor=wash_prosecutor, number="26-CR-0701", kind="labor_trafficking")
    labor_too = case_create(actor=wash_prosecutor, number="26-CR-0702", kind="labor_trafficking")
    sex = case_create(actor=wash_prosecutor, number="26-CR-0703", kind="trafficking")
    sealed = case_create(actor=wash_prosecutor, number="26-CR-0704", kind="labor_trafficking")
    record_seal(actor=UserFactory(is_superuser=True, is_staff=True), obj=sealed,
                reason="Court order 26-X-9")  # fmt: skip
    q2_start, q2_end = FY2026_Q2.start, FY2026_Q2.end
    day = dt.timedelta(days=1)
    # name: (cases naming the victim, their services as (status, started, ended))
    plan = {
        "labor": ([labor, labor_too], [("delivering", q2_start, None)]),
        "both": ([labor, sex], [("completed", q2_start - 30 * day, q2_start)]),
        "sex": ([sex], [("delivering", q2_end, None)]),
        "none": ([], [("completed", q2_end - day, q2_end + 9 * day)]),
        "sealed": ([sealed, sex], [("delivering", q2_start, q2_end)]),
        "ended before": ([labor], [("completed", q2_start - 30 * day, q2_start - day)]),
        "starts after": ([labor], [("delivering", q2_end + day, None)]),
        "offered": ([labor], [("offered", None, None), ("declined", None, None)]),
    }
    for name, (cases, services) in plan.items():
        person = Person.objects.create(
            first_name="Survivor", last_name=name, owner_agency=advocacy_center,
            created_by=advocate, updated_by=advocate,
        )  # fmt: skip
        victim = Victim.objects.create(
            person=person, identified_on=dt.date(2025, 10, 2), identified_how="sting",
            owner_agency=advocacy_center, created_by=advocate, updated_by=advocate,
        )  # fmt: skip
        for case in cases:
            CaseVictim.objects.create(case=case, person=person)
        for status, started, ended in services:
            Service.objects.create(
                victim=victim, kind="housing", status=status, started_on=started,
                ended_on=ended, recorded_by=advocate,
            )  # fmt: skip

    victims = access.report_rows(coordinator, Victim)
    served = served_in_fiscal_year(victims, FY2026_Q2).annotate(
        trafficking=trafficking_type(access.report_q(coordinator, grant.CaseRecord, "case"))
    )
    found = dict(served.values_list("person__last_name", "trafficking"))
    assert found == {
        "labor": "labor", "both": "both", "sex": "sex", "none": "sex", "sealed": "sex",
    }  # fmt: skip
    # The services of the period, as the services table counts them: the same five.
    delivered = Service.objects.filter(being_delivered(q2_start, q2_end))
    assert sorted(delivered.values_list("victim__person__last_name", flat=True)) == sorted(found)
