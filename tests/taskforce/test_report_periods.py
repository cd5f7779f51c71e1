"""Grant reporting periods (federal fiscal years, PMT quarters, OVC TIMS half-years) on local
midnights, victims new once per fiscal year, the owning agency's client-level export, and a
definition for every report figure. The clock is pinned: November 15, 2026, noon local
(FY2027 has begun, every quarter of FY2026 is over)."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import Arrest
from cases.models.people import Person, Sex
from reports import periods
from reports.figures.definitions import DEFINITIONS, FIGURES
from reports.views import SECTIONS
from taskforce.models import AgencyKind, AuditEvent, Role
from taskforce.sealing import record_seal
from tests.factories import AgencyFactory, UserFactory, member, verified_login
from victims.models import Service, ServiceKind, ServiceStatus, Victim

pytestmark = pytest.mark.django_db
CANARY = "Quimblewick"  # every victim's surname here: never in an export


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def local_noon_nov_15_2026():
    with time_machine.travel(local(2026, 11, 15, 12, 0), tick=False):
        yield


def csv_rows(answer) -> list[list[str]]:
    assert answer.status_code == 200, answer.content[:300]
    text = b"".join(answer.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def grant_values(client, **params) -> dict[tuple[str, str], str]:
    rows = csv_rows(client.get(reverse("report_grant"), params))
    return {(r[1], r[2]): r[3] for r in rows[1:]}


def served_counts(client, **params) -> tuple[int, int]:
    values = grant_values(client, **params)
    total = "type of trafficking: total"
    return (
        int(values[("Victims served, new", total)]),
        int(values[("Victims served, continuing", total)]),
    )


def make_victim(agency, by, n, sex=Sex.FEMALE, age=16) -> Victim:
    identified = dt.date(2025, 6, 1)
    person = Person.objects.create(
        first_name="Avery", last_name=f"{CANARY}{n}", sex=sex, owner_agency=agency,
        date_of_birth=identified.replace(year=identified.year - age), created_by=by, updated_by=by,
    )  # fmt: skip
    return Victim.objects.create(
        person=person, identified_on=identified, identified_how="sting",
        owner_agency=agency, created_by=by, updated_by=by,
    )  # fmt: skip


def serve(victim, by, start, end=None, status=ServiceStatus.DELIVERING, kind=ServiceKind.HOUSING):
    return Service.objects.create(
        victim=victim, kind=kind, status=status, offered_on=start, started_on=start,
        ended_on=end, recorded_by=by,
    )  # fmt: skip


# --- Periods --------------------------------------------------------------------------------


def test_presets_are_federal_fiscal_years_pmt_quarters_and_tims_half_years():
    assert periods.fiscal_year_of(dt.date(2025, 9, 30)) == 2025
    assert periods.fiscal_year_of(dt.date(2025, 10, 1)) == 2026
    fy = periods.parse("FY2026")
    assert (fy.start, fy.end) == (dt.date(2025, 10, 1), dt.date(2026, 9, 30))
    quarters = [periods.parse(f"FY2026-Q{q}") for q in (1, 2, 3, 4)]
    assert [(q.start, q.end) for q in quarters] == [
        (dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    ]
    h1, h2 = periods.parse("2026-H1"), periods.parse("2026-H2")
    assert (h1.start, h1.end, h2.start, h2.end) == (
        dt.date(2026, 1, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 1), dt.date(2026, 12, 31)
    )  # fmt: skip
    assert periods.parse("FY2026-Q5") is None and periods.parse("2026-H3") is None
    assert periods.describe(fy.start, fy.end) == (
        "Federal fiscal year 2026: October 1, 2025 to September 30, 2026"
    )
    assert periods.describe(dt.date(2026, 2, 3), dt.date(2026, 2, 20)) == (
        "February 3 to February 20, 2026"
    )
    offered = [p.key for p in periods.offered(dt.date(2026, 11, 15))]
    # FY2027 and its first quarter have begun; its second quarter and 2027's halves have not.
    assert offered[:2] == ["FY2027", "FY2026"]
    assert "FY2027-Q1" in offered and "FY2027-Q2" not in offered
    assert "2026-H2" in offered and "2027-H1" not in offered


def test_periods_begin_at_local_midnight_fiscal_year_quarter_and_half_year(
    client, coordinator, sheriff_liaison, operation, make_arrests, local_noon_nov_15_2026
):
    """Arrests (timestamps) minutes either side of each boundary, in Minnesota time: 23:30 on
    September 30 is 04:30 UTC on October 1, and still fiscal year 2025."""
    times = {
        "fy2025 last": local(2025, 9, 30, 23, 30),
        "fy2026 first": local(2025, 10, 1, 0, 30),
        "q1 last": local(2025, 12, 31, 23, 59),
        "q2 first": local(2026, 1, 1, 0, 1),
        "h1 last": local(2026, 6, 30, 23, 45),
        "h2 first": local(2026, 7, 1, 0, 15),
    }
    arrests = make_arrests(sheriff_liaison, operation, len(times))
    for arrest, at in zip(arrests, times.values(), strict=True):
        Arrest.objects.filter(pk=arrest.pk).update(arrested_at=at)
    verified_login(client, coordinator)

    def arrests_in(period):
        return int(grant_values(client, period=period)[("Arrests", "total")])

    assert arrests_in("FY2025") == 1
    assert arrests_in("FY2026") == 5
    assert arrests_in("FY2026-Q1") == 2  # October 1, 00:30 and December 31, 23:59
    assert arrests_in("FY2026-Q2") == 1
    assert arrests_in("FY2026-Q4") == 1  # July 1, 00:15
    assert arrests_in("FY2026-Q3") == 1  # June 30, 23:45
    assert arrests_in("2026-H1") == 2  # January 1, 00:01 and June 30, 23:45
    assert arrests_in("2026-H2") == 1
    rows = grant_values(client, period="FY2026-Q1")
    assert rows[("Reporting period", (
        "Quarter 1 of federal fiscal year 2026 (PMT): October 1 to December 31, 2025"
    ))] == "2025-10-01 to 2025-12-31"  # fmt: skip


def test_the_report_page_offers_the_presets_and_says_the_period_in_plain_words(
    client, advocate_supervisor, local_noon_nov_15_2026
):
    verified_login(client, advocate_supervisor)
    url = reverse("report", args=["victims"])
    # The preset wins over dates sent with it, and the From and To boxes show its days.
    page = client.get(url, {"period": "2026-H1", "start": "2020-01-01", "end": "2020-02-01"})
    assert page.status_code == 200
    form = page.context["form"]
    assert (form.cleaned_data["start"], form.cleaned_data["end"]) == (
        dt.date(2026, 1, 1), dt.date(2026, 6, 30)
    )  # fmt: skip
    html = page.content.decode()
    assert "First half of 2026 (OVC TIMS): January 1 to June 30, 2026" in html
    assert '<option value="FY2026-Q3">' in html and 'value="2026-01-01"' in html
    # Custom dates that are a funder's period are named as one.
    custom = client.get(url, {"start": "2025-10-01", "end": "2026-09-30"})
    assert "Federal fiscal year 2026: October 1, 2025" in custom.content.decode()
    bad = client.get(url, {"period": "FY2026-Q7"})
    assert bad.status_code == 400
    assert "is not a period offered here" in bad.context["form"].errors["period"][0]
    exported = client.get(reverse("report_grant"), {"period": "FY2026"})
    assert exported.status_code == 200
    assert AuditEvent.objects.filter(
        action="report.exported", changes__period="FY2026", changes__start="2025-10-01"
    ).exists()


# --- New and continuing, once per fiscal year ---------------------------------------------


@pytest.fixture
def served(advocacy_center, advocate):
    """Victims served across the quarters of fiscal years 2025 and 2026."""
    by = advocate
    a, b, c, d, e = (make_victim(advocacy_center, by, n) for n in range(5))
    serve(a, by, dt.date(2025, 10, 15), dt.date(2026, 2, 10))  # Q1 and Q2 of FY2026
    serve(b, by, dt.date(2026, 1, 20), dt.date(2026, 1, 30))  # Q2 ...
    serve(b, by, dt.date(2026, 4, 10), kind=ServiceKind.COUNSELING)  # ... and from Q3 on
    serve(c, by, dt.date(2025, 8, 1), dt.date(2025, 10, 5))  # FY2025 Q4 into FY2026 Q1
    serve(d, by, dt.date(2025, 11, 1), status=ServiceStatus.OFFERED)  # offered, never served
    serve(e, by, dt.date(2025, 6, 1), dt.date(2025, 7, 15), status=ServiceStatus.COMPLETED)
    serve(e, by, dt.date(2026, 7, 5), dt.date(2026, 7, 20), status=ServiceStatus.COMPLETED)
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_a_victim_is_new_in_the_first_quarter_served_and_continuing_after_within_the_year(
    client, served, advocate_supervisor, local_noon_nov_15_2026
):
    verified_login(client, advocate_supervisor)
    quarters = {q: served_counts(client, period=f"FY2026-Q{q}") for q in (1, 2, 3, 4)}
    assert quarters == {
        1: (2, 0),  # a and c new (c was served in FY2025 too: new again in a new fiscal year)
        2: (1, 1),  # b new, a continuing
        3: (0, 1),  # b continuing
        4: (1, 1),  # e new (last served in FY2025), b continuing
    }
    # Unduplicated: the year's own report counts each once, as new; its quarters' new add up.
    assert served_counts(client, period="FY2026") == (4, 0)
    assert sum(new for new, _ in quarters.values()) == 4
    # FY2025's last quarter: c new; e served in its third quarter, so continuing.
    assert served_counts(client, period="FY2025-Q4") == (1, 1)
    # A custom range counts from the start of the fiscal year it begins in.
    assert served_counts(client, start="2026-02-01", end="2026-05-31") == (0, 2)
    # Half-years follow the same rule: H2 2026 spans the fiscal years' turn (FY2026 Q4 first).
    assert served_counts(client, period="2026-H1") == (1, 1)  # b new; a served in Q1


# --- The client-level export ------------------------------------------------------------------


@pytest.fixture
def other_center(db):
    return AgencyFactory(name="Lakes Region Advocacy", kind=AgencyKind.VICTIM_SERVICES)


def client_export(client, **params):
    return client.get(reverse("report_clients"), {"download": "csv", **params})


def test_the_client_export_lists_only_the_owning_agencys_victims_served_without_names(
    client, served, advocate, advocate_supervisor, other_center, local_noon_nov_15_2026
):
    other_advocate = member(other_center, Role.ADVOCATE)
    theirs = make_victim(other_center, other_advocate, 9)
    serve(theirs, other_advocate, dt.date(2026, 1, 5))
    verified_login(client, advocate)
    rows = csv_rows(client_export(client, period="FY2026-Q2"))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["client", "new_or_continuing", "type_of_trafficking", "age_group",
                          "gender"]  # fmt: skip
    assert len(body) == 2  # a (continuing) and b (new); not the other agency's victim
    assert sorted(r[1] for r in body) == ["continuing", "new"]
    assert all(r[3] == "Under 18" and r[4] == "Female" for r in body)
    housing = header.index("services_housing")
    assert sorted(r[housing] for r in body) == ["1", "1"]
    text = "\n".join(",".join(r) for r in rows)
    for victim in served.values():
        assert str(victim.public_id) not in text and str(victim.public_id)[:8] not in text
    assert CANARY not in text and "Avery" not in text
    # The client code is stable from one export to the next, and reconciles with the grant rows.
    again = csv_rows(client_export(client, period="FY2026-Q2"))
    assert sorted(r[0] for r in again[1:]) == sorted(r[0] for r in body)
    # Each victim's record read is audited as an export, with the period.
    exported = AuditEvent.objects.filter(action="victim.exported")
    assert {e.target_id for e in exported} == {served["a"].pk, served["b"].pk}
    assert all(e.changes["start"] == "2026-01-01" for e in exported)
    assert AuditEvent.objects.filter(
        action="report.exported", changes__table="grant-clients", changes__rows=2
    ).exists()
    client.logout()
    verified_login(client, advocate_supervisor)
    q2 = served_counts(client, period="FY2026-Q2")
    assert q2 == (1, 1)
    # The other agency's advocate sees only theirs.
    client.logout()
    verified_login(client, other_advocate)
    [_, only] = csv_rows(client_export(client, period="FY2026-Q2"))
    assert only[1] == "new" and only[0] not in {r[0] for r in body}


def test_anyone_but_the_owning_agencys_advocates_and_supervisors_gets_404_on_the_client_export(
    client, served, coordinator, wash_prosecutor, wash_supervisor, sheriff_liaison,
    local_noon_nov_15_2026,
):  # fmt: skip
    for person in (coordinator, wash_prosecutor, sheriff_liaison):
        client.logout()
        verified_login(client, person)
        assert client_export(client, period="FY2026").status_code == 404, person
        assert client.get(reverse("report_clients")).status_code == 404, person
    # A supervisor of an agency that owns no victim gets an empty list, never another's rows.
    client.logout()
    verified_login(client, wash_supervisor)
    assert csv_rows(client_export(client, period="FY2026"))[1:] == []
    assert not AuditEvent.objects.filter(action="victim.exported").exists()


def test_a_sealed_victim_leaves_the_client_export(client, served, advocate, local_noon_nov_15_2026):
    administrator = UserFactory(is_superuser=True, is_staff=True)
    record_seal(actor=administrator, obj=served["a"], reason="Court order 26-114")
    verified_login(client, advocate)
    rows = csv_rows(client_export(client, period="FY2026-Q2"))
    assert [r[1] for r in rows[1:]] == ["new"]  # b only


def test_the_client_export_page_asks_for_the_period_and_explains_a_bad_one(
    client, advocate, local_noon_nov_15_2026
):
    verified_login(client, advocate)
    page = client.get(reverse("report_clients"), {"period": "FY2026-Q1"})
    assert page.status_code == 200
    assert "Quarter 1 of federal fiscal year 2026 (PMT)" in page.content.decode()
    assert "download=csv" in page.content.decode()
    bad = client_export(client, start="2026-05-01", end="2026-04-01")
    assert bad.status_code == 400
    assert bad.context["form"].errors["end"] == ["The end date is before the start date."]


# --- Definitions --------------------------------------------------------------------------


def test_every_table_and_headline_figure_a_report_page_builds_has_a_definition(
    client, served, advocate_supervisor, coordinator, local_noon_nov_15_2026
):
    for viewer in (advocate_supervisor, coordinator):
        client.logout()
        verified_login(client, viewer)
        for section in SECTIONS:
            page = client.get(reverse("report", args=[section]), {"period": "FY2026"})
            assert page.status_code == 200
            html = page.content.decode()
            for table, _ in page.context["tables"]:
                assert table.key in DEFINITIONS, (section, table.key)
                assert f'href="/reports/definitions/#{table.key}"' in html
                assert DEFINITIONS[table.key].sensitive == table.sensitive, table.key
            for figure in page.context["figures"]:
                assert FIGURES.get(figure.label) in DEFINITIONS, (section, figure.label)
            assert html.count('<details class="definition">') == len(page.context["tables"])
    definitions = client.get(reverse("report_definitions")).content.decode()
    for key in DEFINITIONS:
        assert f'id="{key}"' in definitions


def test_the_definitions_say_whether_a_figure_is_exact_for_this_viewer(
    client, served, advocate_supervisor, coordinator, advocate, local_noon_nov_15_2026
):
    verified_login(client, advocate_supervisor)
    own = client.get(reverse("report", args=["victims"]), {"period": "FY2026"}).content.decode()
    assert "Exact: your agency&#x27;s own records" in own
    assert "Small counts are hidden on this page" not in own
    client.logout()
    verified_login(client, coordinator)
    wide = client.get(reverse("report", args=["victims"]), {"period": "FY2026"})
    html = wide.content.decode()
    # Four victims served: a small count, hidden; the page says where, at the top.
    assert wide.context["any_suppressed"]
    assert "Small counts are hidden on this page, in:" in html
    assert '<a href="#served">Victims served, by age group and gender</a>' in html
    assert "small counts are protected" in html
    operations = client.get(reverse("report", args=["operations"]), {"period": "FY2026"})
    assert "every figure here is exact" in operations.content.decode()
    client.logout()
    verified_login(client, advocate)
    assert client.get(reverse("report_definitions")).status_code == 404
