"""The operations report's monthly rollups (issue #22): the pages' figures read with them are
the figures of the arrests themselves, for the coordinator and for supervisors, whatever is
stale, sealed, shared or imported in bulk; a write marks its month stale (by triggers, which a
bulk import does not switch off) and the rebuild clears it."""

import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F
from django.urls import reverse

from cases.models import (
    Arrest,
    ArrestGrantMonth,
    ArrestMonth,
    Case,
    CaseMonth,
    Charge,
    ChargeMonth,
    CourtEvent,
    DeadlineDay,
    DeadlineGrantDay,
    DeadlineGrantMonth,
    DeadlineMonth,
    ReportDay,
    ReportMonth,
    Sentence,
    Statute,
)
from cases.services import rollups
from cases.services.arrests import arrests_create
from cases.services.charges import ChargeInput, charge_dispose, charge_file, charging_decide
from cases.services.court import court_event_schedule
from cases.services.handoffs import handoff_create
from cases.tasks import rebuild_report_rollups
from reports import grant
from reports.figures import operations
from reports.figures.common import Scope
from reports.figures.months import clean_months
from taskforce import access
from taskforce.history import written_in_bulk
from taskforce.models import County, Deadline, DeadlineStatus, Role, Share
from taskforce.sealing import record_seal
from tests.factories import UserFactory, member, verified_login
from tests.stings_fixtures import arrest_row

pytestmark = pytest.mark.django_db
ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=ZONE)


@pytest.fixture(autouse=True)
def clock():
    """Mid-June 2026: January to May are whole months behind us, whatever the real hour."""
    with time_machine.travel(NOW, tick=True):
        yield


def local(month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=ZONE)


def month(number: int) -> dt.date:
    return dt.date(2026, number, 1)


class Arrests:
    """Arrests made one at a time at chosen local times, numbered apart (booking numbers)."""

    def __init__(self, county, statute):
        self.county, self.statute, self.n = county, statute, 0

    def make(self, actor, agency, when, operation=None):
        self.n += 1
        row = arrest_row(self.county, self.statute, self.n, arrested_at=when)
        [arrest] = arrests_create(
            actor=actor, operation=operation, arresting_agency=agency, rows=[row]
        )
        return arrest


def prosecute(prosecutor, case, disposition, filed):
    """Charge the case's defendant with one count, then dispose of it (None: leave it open)."""
    statute = Statute.objects.get(citation="609.324 subd. 1(b)")
    count = ChargeInput(defendant=case.defendants.get(), statute=statute, filed_on=filed)
    charging_decide(actor=prosecutor, case=case, decision="charge", charges=[count])
    if disposition:
        charge_dispose(actor=prosecutor, charge=case.charges.get(), disposition=disposition,
                       disposed_on=filed + dt.timedelta(days=5))  # fmt: skip


def page(client, viewer, section, **params) -> tuple:
    """What a report page shows: its figures and every table's cells, exactly."""
    client.logout()
    verified_login(client, viewer)
    answer = client.get(reverse("report", args=[section]), params)
    assert answer.status_code == 200
    figures = [(f.label, f.value.value) for f in answer.context["figures"]]
    tables = [(t.key, t.rows) for t, _ in answer.context["tables"]]
    return figures, tables


PERIODS = [{}, {"start": "2026-01-10", "end": "2026-06-14"}, {"start": "2026-02-01",
           "end": "2026-04-30"}]  # fmt: skip


def sentence(prosecutor, case, day):
    Sentence.objects.create(
        charge=case.charges.get(), sentenced_on=day, assessment=Decimal("750"),
        assessment_paid=Decimal("125.50"), recorded_by=prosecutor, probation_months=12,
        custody_days=30, custody_stayed=day.month % 2 == 0,
    )  # fmt: skip


@pytest.fixture
def varied(
    sheriff, sheriff_liaison, woodbury_pd, woodbury_liaison, operation, washington,
    patron_13_15, wash_cao, wash_prosecutor, ramsey_cao, ramsey_prosecutor,
):  # fmt: skip
    """Two police agencies' arrests from January to June, most handed to the county attorney:
    convicted, dismissed, declined, acquitted, pending; one arrest on each side of midnight
    starting April (local), a sealed arrest, a sealed case, a case shared back to the sheriff
    and a Woodbury arrest shared with the sheriff."""
    arrests = Arrests(washington, patron_13_15)
    made = {
        "jan": arrests.make(sheriff_liaison, sheriff, local(1, 20), operation),
        "jan_wood": arrests.make(woodbury_liaison, woodbury_pd, local(1, 25)),
        "feb": arrests.make(sheriff_liaison, sheriff, local(2, 10), operation),
        "feb_sealed": arrests.make(sheriff_liaison, sheriff, local(2, 11)),
        "mar": arrests.make(sheriff_liaison, sheriff, local(3, 5), operation),
        "mar_late": arrests.make(sheriff_liaison, sheriff, local(3, 31, 23, 30)),
        "apr_early": arrests.make(sheriff_liaison, sheriff, local(4, 1, 0, 30)),
        "may": arrests.make(sheriff_liaison, sheriff, local(5, 20), operation),
        "may_wood": arrests.make(woodbury_liaison, woodbury_pd, local(5, 21)),
        "jun": arrests.make(sheriff_liaison, sheriff, local(6, 10)),
        "jan_ramsey": arrests.make(woodbury_liaison, woodbury_pd, local(1, 5)),
    }
    handed = [made[k] for k in ("jan", "jan_wood", "feb", "mar", "mar_late", "may", "may_wood")]
    handoff_create(actor=sheriff_liaison, arrests=handed[:1] + handed[2:5] + handed[5:6],
                   to_agency=wash_cao)  # fmt: skip
    handoff_create(actor=woodbury_liaison, arrests=[made["jan_wood"], made["may_wood"]],
                   to_agency=wash_cao)  # fmt: skip
    handoff_create(actor=woodbury_liaison, arrests=[made["jan_ramsey"]], to_agency=ramsey_cao)
    for arrest in made.values():
        arrest.refresh_from_db()
        if arrest.case_id:  # opened the day after the arrest, not today
            Case.objects.filter(pk=arrest.case_id).update(
                created_at=arrest.arrested_at + dt.timedelta(days=1)
            )
    prosecute(ramsey_prosecutor, made["jan_ramsey"].case, "pleaded_as_charged",
              dt.date(2026, 1, 9))  # fmt: skip
    sentence(ramsey_prosecutor, made["jan_ramsey"].case, dt.date(2026, 3, 2))
    # Ramsey shares its case with the county attorney (counted there without being owned).
    access.share(actor=ramsey_prosecutor, obj=made["jan_ramsey"].case, to_agency=wash_cao,
                 reason="Joint prosecution")  # fmt: skip
    prosecute(wash_prosecutor, made["jan"].case, "pleaded_as_charged", dt.date(2026, 2, 1))
    prosecute(wash_prosecutor, made["jan_wood"].case, "acquitted", dt.date(2026, 2, 2))
    sentence(wash_prosecutor, made["jan"].case, dt.date(2026, 2, 20))
    prosecute(wash_prosecutor, made["feb"].case, "dismissed", dt.date(2026, 3, 1))
    prosecute(wash_prosecutor, made["mar"].case, None, dt.date(2026, 4, 1))  # charged, open
    charging_decide(actor=wash_prosecutor, case=made["may"].case, decision="decline",
                    reason="Weak ID")  # fmt: skip
    administrator = UserFactory(is_superuser=True, is_staff=True)
    record_seal(actor=administrator, obj=made["feb_sealed"], reason="Court order 26-X-1")
    record_seal(actor=administrator, obj=made["may_wood"].case, reason="Court order 26-X-2")
    # The county attorney shares the January sheriff case back; Woodbury shares an arrest.
    access.share(actor=wash_prosecutor, obj=made["jan"].case, to_agency=sheriff,
                 reason="Joint investigation")  # fmt: skip
    access.share(actor=woodbury_liaison, obj=made["jan_wood"], to_agency=sheriff,
                 reason="Joint investigation")  # fmt: skip
    return made


@pytest.fixture
def viewers(coordinator, sheriff, wash_supervisor):
    return {
        "coordinator": coordinator,
        "sheriff supervisor": member(sheriff, Role.SUPERVISOR, username="wcso_supervisor"),
        "county attorney supervisor": wash_supervisor,
    }


def every_page(client, viewers) -> dict:
    """Every viewer's pages over every period, and the coordinator's for one agency (the rollups
    filtered by owner) and one county (the prosecution page then reads the rows)."""
    wash_cao = viewers["county attorney supervisor"].membership.agency
    washington = County.objects.get(name="Washington")
    filtered = [
        {"start": "2026-01-10", "end": "2026-06-14", "agencies": wash_cao.pk},
        {"start": "2026-01-10", "end": "2026-06-14", "counties": washington.pk},
    ]
    pages = {
        (section, name, tuple(params.items())): page(client, viewer, section, **params)
        for section in ("operations", "prosecution")
        for name, viewer in viewers.items()
        for params in PERIODS
    }
    for section in ("operations", "prosecution"):
        for params in filtered:
            key = (section, "coordinator", tuple(params.items()))
            pages[key] = page(client, viewers["coordinator"], section, **params)
    return pages


def test_pages_read_from_rollups_show_the_figures_of_the_arrests_themselves(
    client, varied, viewers, sheriff_liaison, sheriff, wash_prosecutor
):
    assert rollups.report_months_rebuild_all() == 5  # January to May; June is not over
    assert ArrestMonth.objects.exists()
    # After the build: an outcome changes (March), an arrest is sealed (February), a file of
    # arrests is imported in bulk (April): each marks its month stale.
    mar_case = varied["mar"].case
    charge_dispose(actor=wash_prosecutor, charge=mar_case.charges.get(),
                   disposition="pleaded_as_charged", disposed_on=dt.date(2026, 4, 20))  # fmt: skip
    sentence(wash_prosecutor, mar_case, dt.date(2026, 4, 25))
    record_seal(actor=UserFactory(is_superuser=True, is_staff=True), obj=varied["feb"],
                reason="Court order 26-X-3")  # fmt: skip
    with transaction.atomic(), written_in_bulk(user=sheriff_liaison.pk, imported="arrests"):
        bulk = Arrests(varied["jan"].county, Statute.objects.get(citation="609.324 subd. 1(b)"))
        bulk.n = 50
        for day in (10, 11, 12):
            bulk.make(sheriff_liaison, sheriff, local(4, day))
    stale = set(
        ReportMonth.objects.filter(family=rollups.FAMILY, is_stale=True).values_list(
            "month", flat=True
        )
    )
    assert {month(2), month(3), month(4)} <= stale
    assert month(1) not in stale and month(5) not in stale

    mixed = every_page(client, viewers)
    assert clean_months(Scope(dt.date(2026, 1, 1), dt.date(2026, 6, 14)), rollups.PROSECUTION)
    assert clean_months(Scope(dt.date(2026, 1, 10), dt.date(2026, 6, 14)), rollups.FAMILY) == [
        month(5)
    ]
    assert rollups.report_months_rebuild_due() >= 3
    assert clean_months(Scope(dt.date(2026, 1, 10), dt.date(2026, 6, 14)), rollups.FAMILY) == [
        month(2), month(3), month(4), month(5),
    ]  # fmt: skip
    clean = every_page(client, viewers)
    ReportMonth.objects.all().delete()  # nothing clean: every figure from the arrests
    assert clean_months(Scope(dt.date(2026, 1, 1), dt.date(2026, 6, 14)), rollups.FAMILY) == []
    from_rows = every_page(client, viewers)

    assert mixed == from_rows
    assert clean == from_rows
    # The data set reaches what it is meant to: the sheriff's supervisor counts the shared
    # case's conviction and the shared Woodbury arrest, the coordinator every unsealed arrest.
    sheriff_figures = dict(from_rows[("operations", "sheriff supervisor", ())][0])
    coordinator_figures = dict(from_rows[("operations", "coordinator", ())][0])
    assert (sheriff_figures["Arrests"], sheriff_figures["Convicted"]) == (10, 1)
    assert (coordinator_figures["Arrests"], coordinator_figures["Convicted"]) == (12, 3)
    assert (coordinator_figures["Acquitted"], coordinator_figures["Declined"]) == (1, 1)
    county_attorney = dict(from_rows[("prosecution", "county attorney supervisor", ())][0])
    assert (county_attorney["Counts filed"], county_attorney["Sentences"]) == (5, 3)
    assert ChargeMonth.objects.filter(event="disposed").exists() and CaseMonth.objects.exists()


def test_a_write_marks_its_local_month_stale_and_the_rebuild_clears_it(
    varied, sheriff_liaison, sheriff, washington, patron_13_15
):
    rollups.report_months_rebuild_all()
    assert not ReportMonth.objects.filter(is_stale=True, month__lt=month(6)).exists()
    may = ArrestMonth.objects.filter(month=month(5))
    before = sum(may.values_list("n", flat=True))

    late = Arrests(washington, patron_13_15)
    late.n = 100  # booking numbers apart from the fixture's
    late.make(sheriff_liaison, sheriff, local(5, 31, 23, 45))
    assert ReportMonth.objects.get(family=rollups.FAMILY, month=month(5)).is_stale
    # Late on May 31 is June 1 in UTC: June is marked too, and April is not.
    assert ReportMonth.objects.get(family=rollups.FAMILY, month=month(6)).is_stale
    assert not ReportMonth.objects.get(family=rollups.FAMILY, month=month(4)).is_stale

    assert rebuild_report_rollups.run()["months"] == 1  # the beat task: May; June is not over
    assert not ReportMonth.objects.get(family=rollups.FAMILY, month=month(5)).is_stale
    ReportMonth.objects.filter(month=month(3)).update(is_stale=True)
    call_command("rebuild_report_rollups", stdout=io.StringIO())
    assert not ReportMonth.objects.filter(is_stale=True, month__lt=month(6)).exists()
    assert sum(may.values_list("n", flat=True)) == before + 1

    # An update that changes nothing the rollup holds leaves the month clean.
    varied["may"].arresting_officer = "Deputy Lund"
    varied["may"].save(update_fields=["arresting_officer"])
    assert not ReportMonth.objects.get(family=rollups.FAMILY, month=month(5)).is_stale


def deadline_pages(client, viewers) -> dict:
    """The deadlines page of every viewer over every period, and the coordinator's for one
    responsible agency (the rollup filtered by it)."""
    wash_cao = viewers["county attorney supervisor"].membership.agency
    pages = {
        (name, tuple(params.items())): page(client, viewer, "deadlines", **params)
        for name, viewer in viewers.items()
        for params in PERIODS
    }
    params = {"start": "2026-01-10", "end": "2026-06-14", "agencies": wash_cao.pk}
    pages["coordinator", tuple(params.items())] = page(
        client, viewers["coordinator"], "deadlines", **params
    )
    return pages


def test_the_deadlines_page_read_from_its_rollup_shows_the_deadlines_themselves(
    client, varied, viewers, wash_prosecutor, sheriff_liaison, wash_cao
):
    """Case, arrest and hearing deadlines met on time and late, waived, missed and left open,
    some of sealed records and some seen through a share: with the rollup clean, stale or gone,
    every viewer's page is the same."""
    jan_case, mar_case = varied["jan"].case, varied["mar"].case
    court_event_schedule(actor=wash_prosecutor, case=mar_case, kind="omnibus",
                         starts_at=local(4, 20, 9))  # fmt: skip
    court_event_schedule(actor=wash_prosecutor, case=jan_case, kind="omnibus",
                         starts_at=local(2, 16, 9))  # fmt: skip
    for deadline in Deadline.objects.filter(rule="charging_decision"):  # due within the months
        case = Case.objects.get(pk=deadline.object_id)
        deadline.due_at = case.created_at + dt.timedelta(days=10)
        deadline.save(update_fields=["due_at"])
    deadlines = Deadline.objects.order_by("due_at", "pk")
    assert deadlines.count() >= 20
    for n, deadline in enumerate(deadlines):
        if n % 4 == 0:
            deadline.status, deadline.closed_at = DeadlineStatus.MET, deadline.due_at
        elif n % 4 == 1:
            deadline.status = DeadlineStatus.MET
            deadline.closed_at = deadline.due_at + dt.timedelta(days=2)
        elif n % 7 == 2:
            deadline.status, deadline.closed_at = DeadlineStatus.WAIVED, deadline.due_at
        elif n % 7 == 3:
            deadline.status = DeadlineStatus.MISSED
        deadline.save(update_fields=["status", "closed_at"])
    assert rollups.report_months_rebuild_all() == 5
    assert set(DeadlineMonth.objects.values_list("content_type_id", flat=True)) == {
        ContentType.objects.get_for_model(model).pk for model in (Case, Arrest, CourtEvent)
    }
    clean = deadline_pages(client, viewers)

    # After the build: a deadline met late (March), a case sealed (its February hearing's
    # deadline), an arrest shared with the county attorney, one that changes nothing (May).
    march = Deadline.objects.filter(due_at__month=3, status=DeadlineStatus.OPEN).first()
    march.status, march.closed_at = DeadlineStatus.MET, march.due_at + dt.timedelta(days=1)
    march.save(update_fields=["status", "closed_at"])
    record_seal(actor=UserFactory(is_superuser=True, is_staff=True), obj=jan_case,
                reason="Court order 26-X-4")  # fmt: skip
    access.share(actor=sheriff_liaison, obj=varied["may"], to_agency=wash_cao,
                 reason="Joint investigation")  # fmt: skip
    Deadline.objects.filter(due_at__month=5).update(title="Renamed")
    stale = set(
        ReportMonth.objects.filter(family=rollups.DEADLINES, is_stale=True).values_list(
            "month", flat=True
        )
    )
    # The share's grant marks its arrest's deadlines' month (May; the rollup by grantee holds
    # them), the renamed deadlines nothing more.
    assert {month(2), month(3), month(5)} <= stale and month(4) not in stale
    mixed = deadline_pages(client, viewers)
    assert rollups.report_rollups_rebuild_due()["months"] >= 2
    rebuilt = deadline_pages(client, viewers)
    ReportMonth.objects.filter(family=rollups.DEADLINES).delete()
    ReportDay.objects.filter(family=rollups.DEADLINES).delete()
    from_rows = deadline_pages(client, viewers)

    assert mixed == from_rows
    assert rebuilt == from_rows
    assert clean != from_rows  # the writes after the first build changed the figures
    ReportMonth.objects.all().delete()
    ReportDay.objects.all().delete()
    call_command("rebuild_report_rollups", stdout=io.StringIO())  # the months due: every one
    assert deadline_pages(client, viewers) == from_rows
    # The data set reaches what it is meant to: the county attorney counts the arrest shared
    # with it (its first appearance, due in May, a month read from the rollup by grantee).
    wash_tables = dict(from_rows[("county attorney supervisor", ())][1])
    rules = {label for label, _ in wash_tables["deadlines-cases"]}
    assert any("appearance" in label.lower() for label in rules), rules


def test_the_days_of_partial_months_are_read_from_the_rollup_by_day_while_clean(
    client, varied, viewers
):
    """The days of a period beside its whole months (January 10 to 31, June 1 to 14) are read
    from the rollup by day while clean, today never: a write marks its deadline's local day
    stale, also when the UTC days 14 hours either side of its due time skip it; the beat
    rebuilds the current month's days that are over; the figures are the rows' throughout."""
    case_type = ContentType.objects.get_for_model(Case)
    early = Deadline.objects.filter(content_type=case_type).order_by("pk").first()
    early.due_at = dt.datetime(2026, 6, 3, 11, 0, tzinfo=dt.UTC)  # June 2 and 4 in UTC +-14 h
    early.status, early.closed_at = DeadlineStatus.OPEN, None
    early.save(update_fields=["due_at", "status", "closed_at"])
    assert early.due_at.astimezone(ZONE).date() == dt.date(2026, 6, 3)  # 06:00 local
    assert rollups.report_months_rebuild_all() == 5
    days = ReportDay.objects.filter(family=rollups.DEADLINES, is_stale=False)
    june = {dt.date(2026, 6, day) for day in range(1, 15)}
    assert june <= set(days.values_list("day", flat=True))
    assert not days.filter(day=NOW.date()).exists()  # today is not over
    assert DeadlineDay.objects.filter(day__gte=dt.date(2026, 1, 10), day__lt=month(2)).exists()
    assert DeadlineDay.objects.filter(day__gte=month(6)).exists()
    built = deadline_pages(client, viewers)

    # Read from the days: counts changed there show (and a rebuild puts them right), by owner
    # and by grantee (the county attorney's hand-offs: January's arrest, due in January).
    DeadlineDay.objects.update(n=F("n") * 2)
    assert deadline_pages(client, viewers) != built
    rollups.report_months_rebuild_all()
    assert deadline_pages(client, viewers) == built
    wash_group = viewers["county attorney supervisor"].membership.agency.group_id
    by_grantee = DeadlineGrantDay.objects.filter(group_id=wash_group, day__lt=month(2))
    assert by_grantee.filter(day__gte=dt.date(2026, 1, 10)).exists()
    by_grantee.update(n=F("n") * 2)
    changed = deadline_pages(client, viewers)
    # Only the county attorney's page over a period starting January 10 reads those days.
    assert [key for key in built if changed[key] != built[key]] == [
        ("county attorney supervisor", (("start", "2026-01-10"), ("end", "2026-06-14")))
    ]
    rollups.report_months_rebuild_all()

    early.status, early.closed_at = DeadlineStatus.MET, early.due_at
    early.save(update_fields=["status", "closed_at"])
    assert ReportDay.objects.get(family=rollups.DEADLINES, day=dt.date(2026, 6, 3)).is_stale
    mixed = deadline_pages(client, viewers)
    ReportMonth.objects.filter(family=rollups.DEADLINES).delete()
    ReportDay.objects.filter(family=rollups.DEADLINES).delete()
    from_rows = deadline_pages(client, viewers)
    assert mixed == from_rows != built

    assert rebuild_report_rollups.run() == {"months": 5, "days": 14}  # June 1 to 14, not 15
    assert set(days.filter(day__gte=month(6)).values_list("day", flat=True)) == june
    assert deadline_pages(client, viewers) == from_rows


def test_a_record_marks_the_months_of_its_own_deadlines_not_those_of_another_type_with_its_id(
    varied, wash_prosecutor
):
    """A case and an arrest with the same id: sealing the case marks the months of the case's
    deadlines, not of the arrest's (migration 0055: the lookup read `t.model = t.model`)."""
    case = varied["jan"].case
    arrest_type, case_type = (ContentType.objects.get_for_model(m) for m in (Arrest, Case))
    Deadline.objects.filter(content_type=case_type, object_id=case.pk).delete()
    common = {
        "object_id": case.pk, "rule": "test", "rule_version": 1, "title": "Test deadline",
        "source": "Test", "responsible_agency": wash_prosecutor.membership.agency,
    }  # fmt: skip
    Deadline.objects.create(content_type=case_type, event_at=local(1, 2), due_at=local(1, 20),
                            **common)  # fmt: skip
    Deadline.objects.create(content_type=arrest_type, event_at=local(4, 2), due_at=local(4, 20),
                            **common)  # fmt: skip
    CourtEvent.objects.filter(case=case).delete()
    rollups.report_months_rebuild_all()
    assert not ReportMonth.objects.filter(family=rollups.DEADLINES, month=month(4), is_stale=True)
    record_seal(actor=UserFactory(is_superuser=True, is_staff=True), obj=case,
                reason="Court order 26-X-5")  # fmt: skip
    stale = ReportMonth.objects.filter(family=rollups.DEADLINES, is_stale=True)
    assert set(stale.values_list("month", flat=True)) & {month(1), month(4)} == {month(1)}


def test_the_trends_page_read_from_the_rollups_shows_the_rows_themselves(
    client, varied, viewers, wash_prosecutor, sheriff_liaison
):
    """Arrests, counts filed and convictions per year from the arrest and prosecution rollups:
    clean, stale or gone, every viewer's trends are those of the rows, with a seal, shares and
    a filter by agency and by county."""
    wash_cao = viewers["county attorney supervisor"].membership.agency
    washington = County.objects.get(name="Washington")
    choices = [{}, {"agencies": wash_cao.pk}, {"counties": washington.pk}]

    def trends() -> dict:
        pages = {(name, ()): page(client, viewer, "trends") for name, viewer in viewers.items()}
        for params in choices[1:]:
            pages["coordinator", tuple(params.items())] = page(
                client, viewers["coordinator"], "trends", **params
            )
        return pages

    assert rollups.report_months_rebuild_all() == 5
    clean = trends()
    mar_case = varied["mar"].case
    charge_dispose(actor=wash_prosecutor, charge=mar_case.charges.get(),
                   disposition="pleaded_as_charged", disposed_on=dt.date(2026, 4, 20))  # fmt: skip
    record_seal(actor=UserFactory(is_superuser=True, is_staff=True), obj=varied["feb"],
                reason="Court order 26-X-5")  # fmt: skip
    mixed = trends()
    assert rollups.report_months_rebuild_due() >= 2
    rebuilt = trends()
    ReportMonth.objects.all().delete()
    from_rows = trends()
    assert mixed == from_rows
    assert rebuilt == from_rows
    assert clean != from_rows
    # The sheriff's supervisor counts the Woodbury arrest shared with it and the conviction of
    # the case shared back (read from the rows beside the rollup).
    sheriff = dict(from_rows[("sheriff supervisor", ())][1])
    assert sheriff["trend-arrests"][0][1][-1] == 7  # six of its own (two sealed), one shared
    assert sheriff["trend-convictions"][0][1][-1] == 1


def test_counts_of_the_partial_month_with_each_case_probed_are_the_rows_themselves(
    client, varied, viewers, wash_prosecutor, sheriff_liaison
):
    """The trends page reads the counts of the month under way beside the rollups with each
    case's owner probed by its key (`access.report_ids_probed_q`), not the agency's own cases
    hashed: the same counts as the ids read as sets, for every viewer, and the same page."""
    assert rollups.report_months_rebuild_all() == 5
    june = varied["mar_late"].case  # the county attorney's, filed and convicted in June
    prosecute(wash_prosecutor, june, "pleaded_as_charged", dt.date(2026, 6, 2))
    for viewer in viewers.values():
        probed = Charge.objects.filter(access.report_ids_probed_q(viewer, Case, "case"))
        as_sets = Charge.objects.filter(access.report_ids_q(viewer, Case, "case"))
        assert set(probed.values_list("pk", flat=True)) == set(as_sets.values_list("pk", flat=True))
    sealed = varied["may_wood"].case
    assert not Charge.objects.filter(
        access.report_ids_probed_q(viewers["coordinator"], Case, "case"), case=sealed
    ).exists()

    def trends() -> dict:
        return {name: page(client, viewer, "trends") for name, viewer in viewers.items()}

    assert clean_months(Scope(dt.date(2022, 1, 1), dt.date(2026, 12, 31)), rollups.PROSECUTION)
    with_rollups = trends()
    ReportMonth.objects.all().delete()
    assert with_rollups == trends()
    county_attorney = dict(with_rollups["county attorney supervisor"][1])
    assert county_attorney["trend-charged"][0][1][-1] == 6  # five before June (one shared), June
    assert county_attorney["trend-convictions"][0][1][-1] == 3  # with the shared Ramsey case


def test_arrests_reached_by_grants_read_from_the_rollup_by_grantee_are_the_rows_themselves(
    client, varied, viewers, sheriff_liaison, woodbury_liaison, sheriff, wash_cao
):
    """The county attorney reaches its arrests by hand-off grants, the sheriff a Woodbury arrest
    by a share: the rollups by grantee group count them and their deadlines. A share withdrawn
    marks its arrest's months stale; a share that lapses, and a grant to one person, are read
    from the rows, so the figures stay those of the rows when a share lapses unwritten."""
    supervisor = viewers["sheriff supervisor"]

    def pages() -> dict:
        found = every_page(client, viewers)
        for name, viewer in viewers.items():
            found["trends", name] = page(client, viewer, "trends")
            found["deadlines", name] = page(client, viewer, "deadlines", **PERIODS[1])
        return found

    assert rollups.report_months_rebuild_all() == 5
    assert ArrestGrantMonth.objects.filter(group_id=wash_cao.group_id).exists()
    assert ArrestGrantMonth.objects.filter(group_id=sheriff.group_id).exists()
    assert DeadlineGrantMonth.objects.filter(group_id=wash_cao.group_id).exists()
    # Withdrawn: the Woodbury arrest of January is no longer shared with the sheriff.
    jan_share = Share.objects.get(object_id=varied["jan_wood"].pk, to_agency=sheriff,
                                  revoked_at__isnull=True)  # fmt: skip
    access.unshare(actor=woodbury_liaison, share_row=jan_share, reason="Done")
    assert ReportMonth.objects.get(family=rollups.FAMILY, month=month(1)).is_stale
    # Lapsing at the end of June: shared with the sheriff, read from the rows once May is rebuilt.
    access.share(actor=woodbury_liaison, obj=varied["may_wood"], to_agency=sheriff,
                 reason="Joint investigation", expires_at=local(6, 30))  # fmt: skip
    # One person's grant: the sheriff's supervisor, on the arrest Woodbury handed to Ramsey.
    access.assign(actor=woodbury_liaison, obj=varied["jan_ramsey"], person=supervisor)
    mixed = pages()
    assert rollups.report_months_rebuild_due() >= 1
    rebuilt = pages()
    ReportMonth.objects.all().delete()
    from_rows = pages()
    assert mixed == from_rows
    assert rebuilt == from_rows
    sheriff_figures = dict(from_rows[("operations", "sheriff supervisor", ())][0])
    # Its own eight less the sealed one, the Woodbury arrest shared until June and the one
    # assigned to its supervisor; not the share withdrawn.
    assert sheriff_figures["Arrests"] == 9
    county_attorney = dict(from_rows[("operations", "county attorney supervisor", ())][0])
    assert county_attorney["Handed off to prosecution"] == county_attorney["Arrests"] > 0

    rollups.report_months_rebuild_all()
    assert not ReportMonth.objects.filter(is_stale=True, month__lt=month(6)).exists()
    with time_machine.travel(local(7, 2), tick=True):  # the share lapsed, nothing was written
        lapsed = pages()
        ReportMonth.objects.all().delete()
        assert lapsed == pages()
    assert dict(lapsed[("operations", "sheriff supervisor", ())][0])["Arrests"] == 8


def _old_fold(groups: list[dict]) -> dict[str, int]:
    """reports/figures/operations.py's `_fold` before the columns of a group were worked out
    once for the three tables (issue #22)."""
    columns = dict.fromkeys(operations.OUTCOME_COLUMNS, 0)
    for group in groups:
        n, outcome = group["n"], group["outcome_of"]
        columns["arrests"] += n
        columns["handed"] += n if group["is_handed"] else 0
        columns["charged"] += n if group["is_charged"] else 0
        if outcome in operations.OUTCOME_KEYS and outcome != "pending":
            columns[outcome] += n
        if group["is_handed"] and outcome in ("pending", None):
            columns["pending"] += n
    return columns


def test_the_operations_tables_fold_each_group_as_the_earlier_code_did(varied, viewers):
    """Every kind of group (handed or not, charged or not, each outcome, none) adds to the
    columns and rows the dict-by-dict fold gave, for each viewer, with rollups and without."""
    assert rollups.report_months_rebuild_all() == 5
    scope = Scope(dt.date(2026, 1, 10), dt.date(2026, 6, 14))
    kinds = set()
    for rolled in (True, False):
        if not rolled:
            ReportMonth.objects.all().delete()
        for viewer in viewers.values():
            groups = operations._outcome_groups(viewer, scope)
            kinds |= {(g["is_handed"], g["is_charged"], g["outcome_of"]) for g in groups}
            adds = [operations._adds(group) for group in groups]
            assert operations._fold(adds) == _old_fold(groups)
            for field in operations.BY_FIELDS:
                table = operations._outcomes_by(groups, adds, field, "k", "T", "H")
                by_value: dict = {}
                for group in groups:
                    by_value.setdefault(group[field], []).append(group)
                old = {
                    value or "Not recorded": [
                        _old_fold(found)[c] for c in operations.OUTCOME_COLUMNS
                    ]
                    for value, found in by_value.items()
                }
                assert dict(table.rows) == old
                assert len(table.rows) == len(old)
    outcomes = {outcome for _, _, outcome in kinds}
    assert {None, "pending", "convicted", "acquitted", "dismissed", "declined"} <= outcomes
    assert (False, False, None) in kinds and any(charged for _, charged, _ in kinds)


GRANT_SCOPES = [
    Scope(dt.date(2026, 1, 1), dt.date(2026, 6, 14)),
    Scope(dt.date(2026, 1, 10), dt.date(2026, 6, 14)),
    Scope(dt.date(2026, 2, 1), dt.date(2026, 4, 30)),
    Scope(dt.date(2026, 3, 5), dt.date(2026, 6, 14)),  # pairs first charged before it
    Scope(dt.date(2026, 5, 1), dt.date(2026, 5, 31)),
]


def test_the_grant_exports_cases_read_from_the_rollups_are_the_rows_themselves(
    varied, viewers, wash_prosecutor, ramsey_prosecutor
):
    """The grant export's arrests and cases opened read as the operations and prosecution pages
    read them, and its defendants charged (distinct case and defendant pairs) counting each
    pair in the month of its first charging from the rollup: pairs charged again later, pairs
    first charged before the period, a shared-in case's pair and a count filed after the build
    give the figures of the rows, and those of the queries the export ran before."""
    statute = Statute.objects.get(citation="609.324 subd. 1(b)")

    def again(case, filed):
        count = ChargeInput(defendant=case.defendants.get(), statute=statute, filed_on=filed)
        charge_file(actor=wash_prosecutor if case.owner_agency_id == wash_prosecutor.membership
                    .agency_id else ramsey_prosecutor, case=case, charge=count)  # fmt: skip

    def convict(charge, day):
        charge_dispose(actor=wash_prosecutor if charge.case.owner_agency_id == wash_prosecutor
                       .membership.agency_id else ramsey_prosecutor, charge=charge,
                       disposition="convicted", disposed_on=day)  # fmt: skip

    again(varied["jan"].case, dt.date(2026, 4, 15))  # first charged February 1
    # Convicted again in May (first convicted in February).
    convict(varied["jan"].case.charges.get(filed_on=dt.date(2026, 4, 15)), dt.date(2026, 5, 20))
    again(varied["jan_ramsey"].case, dt.date(2026, 5, 5))  # shared in; first charged January 9
    wash_cao = viewers["county attorney supervisor"].membership.agency
    washington = County.objects.get(name="Washington")

    def figures() -> dict:
        found = {}
        for name, viewer in viewers.items():
            for scope in GRANT_SCOPES:
                found[name, scope] = [
                    r.as_list() for r in grant.grant_rows(viewer, scope) if r.section == "Cases"
                ]
        for scope in GRANT_SCOPES[:2]:
            for narrowed in (
                Scope(scope.start, scope.end, agencies=(wash_cao.pk,)),
                Scope(scope.start, scope.end, counties=(washington.pk,)),
            ):
                found["coordinator", narrowed] = [
                    *grant.counted_once(viewers["coordinator"], narrowed, grant.DEFENDANTS),
                    *grant.counted_once(viewers["coordinator"], narrowed, grant.CONVICTED_CASES),
                    *grant.counted_once(
                        viewers["coordinator"],
                        narrowed,
                        grant.CONVICTED_CASES,
                        grant.CONVICTED_COUNTS,
                    ),
                ]
        return found

    rollups.report_months_rebuild_all()
    assert ChargeMonth.objects.filter(event="first_charged").exists()
    assert ChargeMonth.objects.filter(event="first_convicted").exists()
    again(varied["feb"].case, dt.date(2026, 5, 12))  # after the build: May is stale
    assert ReportMonth.objects.get(family=rollups.PROSECUTION, month=month(5)).is_stale
    # After the build, January's case is convicted on a count earlier than its first
    # conviction: February's rollup no longer holds its first, and is marked stale.
    again(varied["jan"].case, dt.date(2026, 1, 25))
    ReportMonth.objects.filter(family=rollups.PROSECUTION, month=month(2)).update(is_stale=False)
    convict(varied["jan"].case.charges.get(filed_on=dt.date(2026, 1, 25)), dt.date(2026, 1, 30))
    assert ReportMonth.objects.get(family=rollups.PROSECUTION, month=month(2)).is_stale
    mixed = figures()
    rollups.report_months_rebuild_due()
    assert clean_months(GRANT_SCOPES[0], rollups.PROSECUTION) == [month(n) for n in range(1, 6)]
    clean = figures()
    ReportMonth.objects.all().delete()  # nothing clean: every figure from the rows
    from_rows = figures()

    assert mixed == from_rows
    assert clean == from_rows
    for (name, scope), rows in clean.items():
        if name == "coordinator" and (scope.agencies or scope.counties):
            continue
        shown = {(r[1], r[2]): r[3] for r in rows}
        viewer = viewers[name]
        arrests = access.report_rows(viewer, Arrest).filter(scope.datetimes("arrested_at"))
        opened = access.report_rows(viewer, Case).filter(scope.datetimes("created_at"))
        charged = Charge.objects.filter(access.report_q(viewer, Case, "case"),
                                        scope.dates("filed_on"))  # fmt: skip
        assert shown["Arrests", "total"] == f"{arrests.count():,}"
        assert sum(int(v) for (m, _), v in shown.items() if m == "Cases opened") == opened.count()
        pairs = charged.values("case", "defendant").distinct().count()
        assert shown["Defendants charged", "total"] == f"{pairs:,}"
        convicted = Charge.objects.filter(
            access.report_q(viewer, Case, "case"), scope.dates("disposed_on"),
            disposition__in=["convicted", "pleaded_as_charged", "pleaded_lesser"],
        ).aggregate(counts=Count("pk"), cases=Count("case", distinct=True))  # fmt: skip
        assert shown["Cases with a conviction", "total"] == f"{convicted['cases']:,}"
        assert shown["Counts convicted", "total"] == f"{convicted['counts']:,}"
    # Five pairs charged from January to June (the sealed case's none), each once; from March 5
    # four: three first charged before it and charged again in April and May, and April's own.
    coordinator = {r[1]: r[3] for r in from_rows["coordinator", GRANT_SCOPES[0]]}
    assert coordinator["Defendants charged"] == "5"
    later = {r[1]: r[3] for r in from_rows["coordinator", GRANT_SCOPES[3]]}
    assert later["Defendants charged"] == "4"
    county_attorney = {r[1]: r[3] for r in from_rows["county attorney supervisor",
                                                     GRANT_SCOPES[4]]}  # fmt: skip
    assert county_attorney["Defendants charged"] == "2"  # Ramsey's shared case and February's
    # January's case: convicted January 30, February 6 and May 20; from March 5 once, in May.
    assert coordinator["Cases with a conviction"] == "2"  # and Ramsey's, January 14
    assert later["Cases with a conviction"] == "1"
    assert coordinator["Counts convicted"] == "4"
